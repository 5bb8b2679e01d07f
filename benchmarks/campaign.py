"""Campaign throughput: replications per second of the default scenario with one worker
and with every core (local process pool), and the parallel efficiency
(rate with K workers / (K x rate with one)). Prints the CPU time of this process and of
its worker processes too (the machines are shared: a low efficiency with CPU time well
below K x wall time means the cores were busy with something else).

    python benchmarks/campaign.py [--reps 24] [--workers K] [--reps-one M] [--quick]

Goal (issue 15): 1,000 default replications on 2 workers (``--reps 1000 --workers 2``)
with a parallel efficiency >= 90 % against one worker. The per-replication set-up is
paid once per campaign or worker: the scenario and catalog are sent to each worker once
(the pool's initializer), numba's kernels are loaded once in the fork server that forks
the workers (``iads.campaign._preload``), and the radar Pd/SNR tables are built once
per process; a replication builds only its seeded arrays and runs.

``--reps-one M``: the one-worker reference runs the first M of the replications only
(seeds 1..M of the same campaign), to save time on a long run; the efficiency compares
rates (replications per wall second), so it stays fair as long as M is large enough for
the pool's start-up to weigh as little as in the K-worker run.

``--quick``: a 10-minute cut of the default scenario and few replications (a smoke run).
Both runs include the pool's start-up (worker processes importing the engine), as a user
sees it; with more replications it weighs less.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from iads.campaign import LocalBackend, run_campaign, single_campaign
from iads.campaign.spec import Point
from iads.scenario import LoadedScenario


def shortened(camp, duration_s: float):
    """The campaign with its scenario cut to ``duration_s``."""
    p = camp.points[0]
    sc = p.loaded.scenario
    sc = sc.model_copy(
        update={"settings": sc.settings.model_copy(update={"duration_s": duration_s})}
    )
    loaded = LoadedScenario(sc, p.loaded.catalog, p.loaded.source, p.loaded.text)
    return replace(camp, points=(Point(0, {}, loaded, p.text + f"# cut to {duration_s} s\n"),))


def descendants_cpu_s() -> float:
    """CPU time [s] (user + system) of the live descendants of this process, read from
    /proc (Linux; 0 elsewhere). The pool's workers are children of the forkserver, not of
    this process, so os.times() does not see them."""
    proc = Path("/proc")
    if not proc.is_dir():
        return 0.0
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for d in proc.iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(d.name)] = int(fields[1])
        ticks[int(d.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    me, total = os.getpid(), 0
    for pid in parent:
        p = pid
        while p in parent and p != me:
            p = parent[p]
        if p == me and pid != me:
            total += ticks[pid]
    return total / os.sysconf("SC_CLK_TCK")


def measure(camp, workers: int) -> tuple[float, float, float]:
    """(wall s, CPU s of this process, CPU s of the worker processes)."""
    seen = [0.0]

    def at_end(done: int, total: int) -> None:
        if done == total:  # the workers are still alive: read their CPU time now
            seen[0] = descendants_cpu_s()

    with tempfile.TemporaryDirectory() as tmp:
        t0, c0, d0 = time.perf_counter(), time.process_time(), descendants_cpu_s()
        run_campaign(camp, Path(tmp) / "c", backend=LocalBackend(workers), progress=at_end)
        t1, c1 = time.perf_counter(), time.process_time()
    return t1 - t0, c1 - c0, max(0.0, seen[0] - d0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=None, help="replications per run")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--reps-one",
        type=int,
        default=None,
        help="replications of the one-worker reference (default: --reps)",
    )
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    reps = args.reps or (2 * args.workers if args.quick else 12 * args.workers)
    camp = single_campaign("default", reps, seed=1, store_events=False)
    if args.quick:
        camp = shortened(camp, 600.0)
    name = camp.points[0].loaded.scenario.name
    dur = camp.points[0].loaded.scenario.settings.duration_s
    print(f"scenario: {name} ({dur:.0f} s simulated), {reps} replications per run")
    rates = {}
    for k in sorted({1, args.workers}):
        n = min(args.reps_one or reps, reps) if k == 1 else reps
        wall, own, children = measure(camp if n == reps else replace(camp, replications=n), k)
        rates[k] = n / wall
        print(
            f"  {k:2d} worker(s), {n} reps: {wall:7.2f} s wall, {rates[k]:6.2f} rep/s; "
            f"CPU {own:.2f} s here + {children:.2f} s in workers "
            f"({(own + children) / wall:.2f} cores busy, {(own + children) / n:.2f} CPU s/rep)"
        )
    if args.workers > 1:
        eff = rates[args.workers] / (args.workers * rates[1])
        print(
            f"speed-up {rates[args.workers] / rates[1]:.2f}x on {args.workers} workers, "
            f"parallel efficiency {eff:.0%} (goal >= 90 %: {'met' if eff >= 0.9 else 'NOT met'})"
        )


if __name__ == "__main__":
    main()
