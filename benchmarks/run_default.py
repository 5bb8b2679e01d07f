"""Engine throughput: simulated seconds per wall-clock second on the default scenario and
on the same scenario with 10x the threats (every threat group's count x10), measured side
by side in one run. Prints process CPU time too (the machines are shared).

    python benchmarks/run_default.py [--reps 3]

Goal (foundation issue): >= 10,000 simulated s per wall s on the default scenario, and a
cost growing about linearly with the number of threats.
"""

from __future__ import annotations

import argparse
import time

from iads.engine import simulate
from iads.scenario import LoadedScenario, load_scenario


def scaled(loaded: LoadedScenario, factor: int) -> LoadedScenario:
    sc = loaded.scenario
    threats = [
        g.model_copy(update={"count": g.count * factor, "spacing_s": g.spacing_s / factor})
        for g in sc.threats
    ]
    return LoadedScenario(
        sc.model_copy(update={"threats": threats}),
        loaded.catalog,
        loaded.source + f" x{factor}",
        loaded.text,
    )


def measure(loaded: LoadedScenario, reps: int) -> tuple[float, float, int]:
    best_wall, best_cpu = float("inf"), float("inf")
    for r in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        result = simulate(loaded, seed=r)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, result.built.threats.n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3, help="repetitions (best is reported)")
    args = ap.parse_args()
    base = load_scenario()
    duration = base.scenario.settings.duration_s
    simulate(base, seed=0)  # warm-up: imports, caches
    rows = []
    for factor in (1, 10):
        wall, cpu, n = measure(scaled(base, factor), args.reps)
        rows.append((factor, n, wall, cpu, duration / wall))
    print(f"{'scenario':<12}{'threats':>8}{'wall s':>9}{'cpu s':>9}{'sim s / wall s':>16}")
    for factor, n, wall, cpu, rate in rows:
        print(f"{'default x' + str(factor):<12}{n:>8}{wall:>9.3f}{cpu:>9.3f}{rate:>16,.0f}")
    growth = rows[1][2] / rows[0][2]
    print(f"cost ratio x10 threats / x1: {growth:.2f} (linear would be <= 10)")
    print(
        f"goal >= 10,000 sim s / wall s on the default scenario: "
        f"{'met' if rows[0][4] >= 10_000 else 'NOT met'} ({rows[0][4]:,.0f})"
    )


if __name__ == "__main__":
    main()
