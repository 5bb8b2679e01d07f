"""Benchmark of threat kinematics (``iads.threats.fly``), compiled kernels vs numpy reference.

1. The default scenario (``iads.scenario.load_scenario()`` built with
   ``iads.engine.build.build``: 24 routed threats, 2700 s at 1 s samples), which the
   engine flies before each run.
2. A raid of 1,000 mixed threats flown for 15 simulated minutes.

For each: the first call (includes loading the numba cache, or compiling on a fresh
checkout), the best of several later calls, and the numpy reference kernels
(``fly_routed_reference``, ``fly_ballistic_reference``: the implementation before the
compiled kernels) with the ratio. Run: python benchmarks/threats.py [--no-reference]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np

from iads.threats import RaidSpec, ThreatGroup, fly, generate_raid
from iads.threats.ballistic import BallisticFlight, fly_ballistic_reference
from iads.threats.flight import sample_times
from iads.threats.routed import fly_routed_reference

RAID_DURATION_S = 900.0


def _fly_reference(specs: Sequence, duration_s: float) -> None:
    """Fly ``specs`` with the numpy reference kernels (routed and ballistic only)."""
    t_s = sample_times(duration_s, 1.0)
    ballistic = [s for s in specs if isinstance(s, BallisticFlight)]
    routed = [s.route_params() for s in specs if hasattr(s, "route_params")]
    if len(ballistic) + len(routed) != len(specs):
        raise SystemExit("benchmark: only routed and ballistic specs have a reference")
    if routed:
        fly_routed_reference(routed, t_s)
    if ballistic:
        fly_ballistic_reference(ballistic, t_s)


def _best(func: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def _report(name: str, specs: Sequence, duration_s: float, n_rep: int, reference: bool) -> None:
    t0 = time.perf_counter()
    truth = fly(specs, duration_s, 1.0)
    first = time.perf_counter() - t0
    best = _best(lambda: fly(specs, duration_s, 1.0), n_rep)
    ended = int(np.isfinite(truth.end_t_s).sum())
    print(f"{name}: {len(specs)} threats, {duration_s:.0f} simulated s, {ended} ended in the run")
    print(f"  first call {first * 1e3:.0f} ms (includes loading / compiling the numba kernels)")
    rate = duration_s / best
    print(f"  fly: {best * 1e3:.1f} ms (best of {n_rep}), {rate:,.0f} sim s per wall s")
    if reference:
        t_ref = _best(lambda: _fly_reference(specs, duration_s), 1)
        print(f"  numpy reference: {t_ref:.2f} s, {duration_s / t_ref:,.0f} sim s per wall s"
              f" -> compiled is {t_ref / best:.0f}x faster")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-reference", action="store_true", help="skip the numpy timings")
    args = parser.parse_args()
    reference = not args.no_reference

    from iads.engine.build import build
    from iads.scenario import load_scenario

    specs = build(load_scenario()).threats.specs
    _report("default scenario", specs, 2700.0, 10, reference)

    raid = RaidSpec(
        target_lla=(50.0, 10.0, 0.0),
        groups=(
            ThreatGroup("cruise_missile", 400, 400e3, 40e3, terminal="popup"),
            ThreatGroup("drone", 300, 60e3, 10e3),
            ThreatGroup("aircraft", 200, 250e3, 30e3),
            ThreatGroup("ballistic", 100, 300e3, 30e3),
        ),
        axis_bearing_deg=120.0,
        axis_spread_deg=60.0,
        time_spread_s=300.0,
    )
    w0 = time.perf_counter()
    specs, kinds = generate_raid(raid, np.random.default_rng(2024))
    print(f"raid generation: {time.perf_counter() - w0:.3f} s wall")
    mix = ", ".join(f"{k}={kinds.count(k)}" for k in dict.fromkeys(kinds))
    _report(f"raid ({mix})", specs, RAID_DURATION_S, 3, reference)

    truth = fly(specs, RAID_DURATION_S, 1.0)
    t_q = time.perf_counter()
    for t in np.linspace(0.0, RAID_DURATION_S, 1000):
        truth.state_at(float(t))
    print(f"state_at: {(time.perf_counter() - t_q) * 1e3:.3f} ms per 1000 calls (n={truth.n})")


if __name__ == "__main__":
    main()
