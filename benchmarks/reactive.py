"""Cost of reactive aircraft: the default scenario as it is (every threat on its
precomputed path) and with its aircraft groups made ``behaviour: reactive`` (integrated
step by step once their RWR warns), measured side by side in one run; prints the ratio
of wall and process CPU times (the machines are shared).

    python benchmarks/reactive.py [--reps 2]

Goal (issue 16 item 4): reactive aircraft cost in proportion to their number only; the
non-reactive threats of a raid stay on the vectorized path.
"""

from __future__ import annotations

import argparse
import time

from iads.engine import simulate
from iads.scenario import LoadedScenario, load_scenario


def reactive(loaded: LoadedScenario) -> tuple[LoadedScenario, int]:
    sc, cat = loaded.scenario, loaded.catalog
    n = 0
    threats = []
    for g in sc.threats:
        kind = getattr(g, "type", None)
        if kind is not None and cat.threats[kind].threat_class in ("aircraft",
                                                                   "stealth_aircraft"):
            g = g.model_copy(update={"behaviour": "reactive"})
            n += g.count
        threats.append(g)
    return LoadedScenario(sc.model_copy(update={"threats": threats}), cat,
                          loaded.source + " reactive", loaded.text), n  # fmt: skip


def measure(loaded: LoadedScenario, reps: int) -> tuple[float, float, dict]:
    best_wall, best_cpu, summary = float("inf"), float("inf"), {}
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        result = simulate(loaded)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
        summary = result.summary()["totals"]
    return best_wall, best_cpu, summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=2)
    args = ap.parse_args()
    base = load_scenario()
    simulate(base)  # compile the kernels once, outside the timings
    react, n = reactive(base)
    w0, c0, s0 = measure(base, args.reps)
    w1, c1, s1 = measure(react, args.reps)
    print(f"default scenario, best of {args.reps}")
    print(f"{'':24}{'wall [s]':>10}{'cpu [s]':>10}  killed/leaked")
    print(f"{'scripted':24}{w0:10.2f}{c0:10.2f}  {s0['killed']}/{s0['leaked']}")
    print(f"{f'{n} aircraft reactive':24}{w1:10.2f}{c1:10.2f}  {s1['killed']}/{s1['leaked']}")
    print(f"{'ratio reactive/scripted':24}{w1 / w0:10.2f}{c1 / c0:10.2f}")


if __name__ == "__main__":
    main()
