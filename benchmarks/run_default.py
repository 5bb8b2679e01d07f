"""Engine throughput: simulated seconds per wall-clock second on the default scenario and
on the same scenario with 10x the threats (every threat group's count x10), measured side
by side in one run, and the split of one default run's CPU time by stage. Prints process
CPU time beside wall time: the machines are shared, and CPU time is what the engine
itself spent (wall time also holds the other processes' turns).

    python benchmarks/run_default.py [--reps 3] [--no-scale]

Goal (issue 15): >= 10,000 simulated s per wall s on the default scenario (< 0.27 s a
run, warm), and a cost growing about linearly with the number of threats.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable

from iads.engine import Result, build, simulate
from iads.engine.loop import STAGES, simulate_built
from iads.scenario import LoadedScenario, load_scenario
from iads.state import Stages
from iads.threats import fly

GOAL_SIM_PER_WALL = 10_000.0


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


def measure(loaded: LoadedScenario, reps: int) -> tuple[float, float, int, int]:
    """Best wall s and best CPU s over ``reps`` runs (seeds 0..reps-1), threats, events."""
    best_wall, best_cpu = float("inf"), float("inf")
    for r in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        result = simulate(loaded, seed=r)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, result.built.threats.n, result.events.num_rows


class _Clock:
    """CPU seconds spent in each wrapped function (time.process_time)."""

    def __init__(self) -> None:
        self.cpu_s: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, fn: Callable) -> Callable:
        def timed(*args):
            c0 = time.process_time()
            try:
                return fn(*args)
            finally:
                self.cpu_s[name] += time.process_time() - c0
                self.calls[name] += 1

        return timed


def stage_split(loaded: LoadedScenario, seed: int = 0) -> list[tuple[str, float, int]]:
    """(part, CPU s, calls) of one run of ``loaded``, in the order a run does them."""
    clock = _Clock()
    stages = Stages(
        sense=clock.wrap("sensing", STAGES.sense),
        track=clock.wrap("tracking", STAGES.track),
        decide=clock.wrap("battle management", STAGES.decide),
        fly=clock.wrap("flyout", STAGES.fly),
    )
    c0 = time.process_time()
    b = build(loaded, seed)
    c1 = time.process_time()
    st = loaded.scenario.settings
    fly(b.threats.specs, st.duration_s, min(1.0, st.time_step_s))  # what the loop does first
    c2 = time.process_time()
    log, state = simulate_built(b, stages=stages)
    c3 = time.process_time()
    table = log.table()
    c4 = time.process_time()
    Result(b, table, state.truth, seed, 0.0).summary()
    c5 = time.process_time()
    staged = sum(clock.cpu_s.values())
    n_steps = clock.calls["sensing"]
    rows = [("build (scenario -> arrays)", c1 - c0, 1), ("threat truth (flight paths)", c2 - c1, 1)]
    rows += [(name, clock.cpu_s[name], clock.calls[name]) for name in clock.cpu_s]
    rows += [
        ("loop bookkeeping (motion, leaks, steps)", (c3 - c2) - staged - (c2 - c1), n_steps),
        ("event table (pyarrow)", c4 - c3, 1),
        ("summary", c5 - c4, 1),
    ]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3, help="repetitions (best is reported)")
    ap.add_argument("--no-scale", action="store_true", help="skip the x10-threats run")
    args = ap.parse_args()
    base = load_scenario()
    duration = base.scenario.settings.duration_s
    simulate(base, seed=0)  # warm-up: imports, numba caches
    rows = []
    for factor in (1,) if args.no_scale else (1, 10):
        wall, cpu, n, n_ev = measure(scaled(base, factor), args.reps)
        rows.append((factor, n, n_ev, wall, cpu))
    print(f"{base.scenario.name}: {duration:.0f} s simulated; best of {args.reps} runs")
    print(
        f"{'scenario':<12}{'threats':>8}{'events':>8}{'wall s':>8}{'cpu s':>8}"
        f"{'sim s/wall s':>14}{'sim s/cpu s':>13}"
    )
    for factor, n, n_ev, wall, cpu in rows:
        print(
            f"{'default x' + str(factor):<12}{n:>8}{n_ev:>8}{wall:>8.3f}{cpu:>8.3f}"
            f"{duration / wall:>14,.0f}{duration / cpu:>13,.0f}"
        )
    if len(rows) > 1:
        growth = rows[1][4] / rows[0][4]
        print(f"CPU cost ratio x10 threats / x1: {growth:.2f} (linear would be <= 10)")
    split = stage_split(base)
    total = sum(s for _, s, _ in split)
    print(f"\nsplit of one default run's CPU time ({total:.3f} s):")
    print(f"{'part':<42}{'cpu s':>8}{'share':>7}{'calls':>7}{'ms/call':>9}")
    for name, s, calls in split:
        print(f"{name:<42}{s:>8.3f}{s / total:>7.0%}{calls:>7}{1e3 * s / max(calls, 1):>9.3f}")
    rate = duration / rows[0][4]
    print(
        f"\ngoal >= {GOAL_SIM_PER_WALL:,.0f} sim s per s on the default scenario "
        f"(CPU time): {'met' if rate >= GOAL_SIM_PER_WALL else 'NOT met'} "
        f"({rate:,.0f}; {GOAL_SIM_PER_WALL / rate:.1f}x short)"
        if rate < GOAL_SIM_PER_WALL
        else f"\ngoal >= {GOAL_SIM_PER_WALL:,.0f} sim s per s: met ({rate:,.0f})"
    )


if __name__ == "__main__":
    main()
