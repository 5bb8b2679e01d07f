"""iads.catalog: air defense systems and threats with the public source of every figure
(or an explicit, marked assumption), shipped as YAML in ``iads/catalog/data``."""

from iads.catalog.loader import (
    assumed_figures,
    builtin_catalog,
    load_catalog,
    lookup,
    model_assumptions,
)
from iads.catalog.schema import THREAT_CLASSES, Catalog, Figure

__all__ = [
    "THREAT_CLASSES",
    "Catalog",
    "Figure",
    "assumed_figures",
    "builtin_catalog",
    "load_catalog",
    "lookup",
    "model_assumptions",
]
