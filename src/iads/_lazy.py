"""Lazy package faces: a package ``__init__`` lists its public names and the submodule
each lives in; a name's submodule is imported on first access (PEP 562 module
``__getattr__``), so ``import iads.sensors`` stays light while
``from iads.sensors import detection_probability`` works."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` whose public names ``exports`` maps
    to the module defining each (absolute name). A resolved name is cached in the
    package's namespace, so the lookup runs once per name."""

    def __getattr__(name: str) -> Any:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), name)
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(exports) | set(globals_of(package)))

    return __getattr__, __dir__


def globals_of(package: str) -> list[str]:
    return list(vars(importlib.import_module(package)))
