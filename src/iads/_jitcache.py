"""Whether numba's on-disk cache of iads' compiled kernels is cold, so that the command
line can say why the first run is slow before it starts. A heuristic read from the cache
files, without importing numba: numba writes an index file ``<module>.<function>-<line>.
py<ver>.nbi`` per cached function into the ``__pycache__`` beside the module, or under
``NUMBA_CACHE_DIR`` when that is set, or into a per-user cache when the package folder is
read-only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["JIT_MODULES", "cache_is_cold"]

#: Modules (relative to the package) holding ``@njit(cache=True)`` kernels that every run
#: calls (the threat kernels are compiled by kind, ballistic ones only when used).
JIT_MODULES = (
    "c2/_jit.py",
    "c2/_jit_decide.py",
    "c2/wta/_jit.py",
    "engine/_step_jit.py",
    "geo/_jit.py",
    "sensors/_jit.py",
    "sensors/_jit_step.py",
    "threats/_routed_jit.py",
    "threats/_truth_jit.py",
    "tracking/_jit.py",
    "tracking/_jit_scan.py",
    "tracking/_jit_tracks.py",
    "weapons/_envelope_jit.py",
    "weapons/_flyout_jit.py",
)


def _cache_dirs(src: Path) -> list[Path]:
    mirrored = src.parent.resolve().relative_to(src.anchor)
    env = os.environ.get("NUMBA_CACHE_DIR")
    if env:  # numba then uses only that folder, mirroring the source folder's path
        return [Path(env) / mirrored]
    return [src.parent / "__pycache__", Path.home() / ".cache" / "numba" / mirrored]


def cache_is_cold() -> bool:
    """True when some kernel module has no cached function at all (its first call will
    compile); False when every module has cache files (or the check cannot tell)."""
    root = Path(__file__).resolve().parent
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    try:
        for rel in JIT_MODULES:
            src = root / rel
            pattern = f"{src.stem}.*.{tag}.nbi"
            if not any(any(d.glob(pattern)) for d in _cache_dirs(src) if d.is_dir()):
                return True
    except (OSError, ValueError):
        return False
    return False
