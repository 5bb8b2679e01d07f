"""iads.weapons: engagement envelopes, predicted intercept points and interceptor flyout.

The footprint function ``iads.weapons.footprint.footprint`` shares its module's name and
is not re-exported here (``Footprint`` and ``plot_footprint`` are)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iads._lazy import lazy_exports

if TYPE_CHECKING:
    from iads.weapons.envelope import (
        EngagementOptions,
        MissileArrays,
        acquisition_probability,
        engagement_options,
        in_envelope,
        intercept_time,
    )
    from iads.weapons.flyout import Interceptors, resolve_intercept
    from iads.weapons.footprint import Footprint, missile_arrays, plot_footprint

_EXPORTS = {
    "EngagementOptions": "iads.weapons.envelope",
    "MissileArrays": "iads.weapons.envelope",
    "acquisition_probability": "iads.weapons.envelope",
    "engagement_options": "iads.weapons.envelope",
    "in_envelope": "iads.weapons.envelope",
    "intercept_time": "iads.weapons.envelope",
    "Interceptors": "iads.weapons.flyout",
    "resolve_intercept": "iads.weapons.flyout",
    "Footprint": "iads.weapons.footprint",
    "missile_arrays": "iads.weapons.footprint",
    "plot_footprint": "iads.weapons.footprint",
}
__all__ = [
    "EngagementOptions",
    "Footprint",
    "Interceptors",
    "MissileArrays",
    "acquisition_probability",
    "engagement_options",
    "in_envelope",
    "intercept_time",
    "missile_arrays",
    "plot_footprint",
    "resolve_intercept",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
