"""Cost of terrain on the default scenario: one run with the shipped elevation model (the
default) and one over smooth earth (``terrain: {dem: none}``), wall and CPU time side by
side, plus the cost of one 600 km horizon mask and of the terrain look-up.

    python benchmarks/terrain.py

The first run also builds and caches the horizon masks of the three S-400 radars (their
cost is part of the terrain figure); numba kernels compile in a warm-up run first.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from iads.engine import simulate
from iads.scenario import load_scenario
from iads.scenario.schema import Terrain
from iads.sensors.terrain import builtin_terrain
from iads.sensors.terrain_mask import horizon_mask


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    loaded = load_scenario("default")
    flat = replace(loaded, scenario=loaded.scenario.model_copy(
        update={"terrain": Terrain(dem="none")}))  # fmt: skip
    simulate(flat)  # warm-up: numba compile, imports
    builtin_terrain.cache_clear()  # the terrain run pays for loading and its masks
    r_t, w_t, c_t = _timed(lambda: simulate(loaded))
    r_f, w_f, c_f = _timed(lambda: simulate(flat))
    print(f"{'default scenario':<28}{'wall s':>9}{'CPU s':>9}{'killed':>8}{'leaked':>8}")
    for name, r, w, c in (("smooth earth (dem: none)", r_f, w_f, c_f),
                          ("shipped terrain", r_t, w_t, c_t)):  # fmt: skip
        t = r.summary()["totals"]
        print(f"{name:<28}{w:>9.2f}{c:>9.2f}{t['killed']:>8}{t['leaked']:>8}")
    print(f"{'ratio terrain / smooth':<28}{w_t / w_f:>9.2f}{c_t / c_f:>9.2f}")
    t = builtin_terrain()
    _, w_m, _ = _timed(lambda: horizon_mask(t, 0.6995, 0.5684, 1000.0, 600e3 - 1.0))
    x = np.random.default_rng(0).uniform(0.6, 0.7, (2, 1_000_000))
    _, w_l, _ = _timed(lambda: t(x[0], x[1]))
    print(f"one 600 km horizon mask: {w_m:.2f} s; 1e6 terrain look-ups: {w_l:.2f} s")


if __name__ == "__main__":
    main()
