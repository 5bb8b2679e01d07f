"""Benchmark: generate a raid of 1,000 mixed threats and fly it for 15 simulated minutes.

Prints generation time, flight wall time and process CPU time, and simulated seconds
per wall second (run: python benchmarks/threats.py).
"""

from __future__ import annotations

import time

import numpy as np

from iads.threats import RaidSpec, ThreatGroup, fly, generate_raid

DURATION_S = 900.0


def main() -> None:
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
    cpu0, w0 = time.process_time(), time.perf_counter()
    specs, kinds = generate_raid(raid, np.random.default_rng(2024))
    w1 = time.perf_counter()
    truth = fly(specs, DURATION_S, dt_sample_s=1.0)
    w2, cpu2 = time.perf_counter(), time.process_time()
    ended = np.isfinite(truth.end_t_s)
    mix = ", ".join(f"{k}={kinds.count(k)}" for k in dict.fromkeys(kinds))
    print(f"threats: {len(specs)} ({mix})")
    print(f"generation: {w1 - w0:.3f} s wall")
    print(
        f"flight: {w2 - w1:.2f} s wall for {DURATION_S:.0f} simulated s, "
        f"{DURATION_S / (w2 - w1):.0f} simulated s per wall s"
    )
    print(f"process CPU: {cpu2 - cpu0:.2f} s; arrived/impacted within the run: {ended.sum()}")
    t_q = time.perf_counter()
    for t in np.linspace(0.0, DURATION_S, 1000):
        truth.state_at(float(t))
    print(f"state_at: {(time.perf_counter() - t_q) * 1e3:.3f} ms per 1000 calls (n={truth.n})")


if __name__ == "__main__":
    main()
