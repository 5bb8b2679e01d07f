"""Benchmark of iads.c2.wta: random instances (Ahuja et al. 2007 scheme) and the public
instances of Andersen, Pavlikov and Toffolo (2022).

Run: python benchmarks/wta.py [--quick] [--data DIR]
Prints wall and process CPU time (the machine may be shared), objectives and gaps; the
random instances' gaps are to a proven lower bound (never to another heuristic).
The Andersen instances are read from ../shared/benchmarks/wta-andersen2022/ relative to the
repository (never copied into it); a missing directory skips that part.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np

from iads.c2.wta import solve
from iads.c2.wta._bound import optimize_prices  # the pair-free bound at 1000 x 1000
from iads.c2.wta._heuristic import greedy  # the bare greedy, for its gap only
from iads.c2.wta._problem import survival_of_counts

REPO = Path(__file__).resolve().parents[1]
# the first shared/benchmarks/wta-andersen2022 above the repository (a worktree included)
DATA = next((p / "shared" / "benchmarks" / "wta-andersen2022" for p in REPO.parents
             if (p / "shared" / "benchmarks" / "wta-andersen2022").is_dir()),
            REPO.parent / "shared" / "benchmarks" / "wta-andersen2022")
LONG_S = 30.0  # the longer exact run on the instances 1 s does not prove
LAGR_ITER = 300  # subgradient steps of the 1000 x 1000 bound (~25 s each)


def timed(fn, *args, **kwargs):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - w0, time.process_time() - c0


def gap(r, ref):
    return "" if r is None else f"{(r.objective - ref) / ref:9.2e}"


def gap_to_bound(objective, bound):
    """(objective - bound) / objective: how far above the optimum at most (proven)."""
    return (objective - bound) / objective


def random_instance(seed, n_weapons, n_targets):
    """Values U[25, 100], Pk U[0.6, 0.9] (Ahuja et al. 2007, section 7)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(25, 100, n_targets), rng.uniform(0.6, 0.9, (n_weapons, n_targets))


def lagrangian_bound(values, pk, upper):
    """A proven lower bound where the column-generation LP does not fit: the Lagrangian
    with one-shot options exact and two shots or more relaxed (sorted q times sorted
    prices, no types x types pairs), prices by LAGR_ITER subgradient steps."""
    _, bound = optimize_prices(values, 1.0 - pk, np.ones(pk.shape[0], dtype=np.int64), upper,
                               n_iter=LAGR_ITER, pairs=False)
    return bound


def bench_random(quick):
    sizes = [10, 20, 40, 80, 200, 1000] if not quick else [10, 20, 80, 200]
    seeds = range(3) if not quick else range(1)
    print("## Random instances (values U[25,100], Pk U[0.6,0.9]); times in ms, wall/cpu")
    print("Gaps are (objective - LB) / objective to the best proven lower bound LB: 'opt' "
          "when a\nsolver proved the optimum; 'LP' exact's column-generation bound after "
          f"{LONG_S:.0f} s;\n'Lagr' (1000) the pair-free Lagrangian after {LAGR_ITER} "
          "subgradient steps (weak).")
    print(f"{'size':>10} {'seed':>4} | {'exact ms':>15} {'opt':>3} | {'heur ms':>13} "
          f"{'heur gap':>9} | {'milp ms':>15} {'milp gap':>9} | {'greedy gap':>10} | "
          f"{'LB':>4} {'LB s':>5}")
    for n in sizes:
        for seed in seeds:
            values, pk = random_instance(seed, n, n)
            he, he_w, he_c = timed(solve, values, pk, "heuristic")
            ex, ex_w, ex_c = (None, np.nan, np.nan)
            if n <= 200:
                ex, ex_w, ex_c = timed(solve, values, pk, "exact", time_limit_s=LONG_S)
            mi, mi_w, mi_c = (None, np.nan, np.nan)
            if n <= (20 if quick else 40):
                mi, mi_w, mi_c = timed(solve, values, pk, "milp", time_limit_s=60.0)
            found = [r for r in (ex, he, mi) if r is not None]
            best = min(r.objective for r in found)
            bounds = [r.lower_bound for r in found if r.lower_bound is not None]
            kind, lb_s = ("opt" if any(r.optimal for r in found) else "LP"), np.nan
            if not bounds:
                lb, lb_s, _ = timed(lagrangian_bound, values, pk, best)
                kind = "Lagr"
            else:
                lb = max(bounds)
            g = survival_of_counts(values, 1 - pk, greedy(values, 1 - pk, np.ones(n, int))).sum()

            def gb(r, lb=lb):
                return "" if r is None else f"{gap_to_bound(r.objective, lb):9.2e}"

            print(f"{n:>4}x{n:<5} {seed:>4} | {ex_w * 1e3:7.1f}/{ex_c * 1e3:7.1f} "
                  f"{'yes' if ex is not None and ex.optimal else '-':>3} | "
                  f"{he_w * 1e3:6.1f}/{he_c * 1e3:6.1f} {gb(he):>9} | "
                  f"{mi_w * 1e3:7.0f}/{mi_c * 1e3:7.0f} {gb(mi):>9} | "
                  f"{gap_to_bound(g, lb):10.2e} | {kind:>4} "
                  f"{'-' if np.isnan(lb_s) else f'{lb_s:.1f}':>5}", flush=True)


def read_andersen(path):
    """W T mu / T values / lines 'i j p' (README of the data set)."""
    tok = path.read_text().split()
    n_w, n_t, mu = int(tok[0]), int(tok[1]), int(tok[2])
    values = np.array(tok[3:3 + n_t], dtype=float)
    rest = np.array(tok[3 + n_t:], dtype=float).reshape(-1, 3)
    pk = np.zeros((n_w, n_t))
    pk[rest[:, 0].astype(int), rest[:, 1].astype(int)] = rest[:, 2]
    return values, pk, np.full(n_w, mu, dtype=np.int64)


def published(path):
    """Best known UB and whether any approach proved it optimal, per (W, T, mu)."""
    best = {}
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if len(row) < 9 or not row[1].strip().isdigit():
                continue
            key = (int(row[1]), int(row[2]), int(row[3]))
            ub, lb, opt = float(row[6]), float(row[5]), row[7].strip() == "opt"
            ub0, lb0, opt0 = best.get(key, (np.inf, 0.0, False))
            best[key] = (min(ub0, ub), max(lb0, lb), opt0 or opt)
    return best


def bench_andersen(quick, data):
    if not data.is_dir():
        print(f"\n(no Andersen instances at {data}: skipped)")
        return
    ref = published(data / "published_results.csv")
    files = sorted(data.glob("wta_*x*x*.txt"),
                   key=lambda p: tuple(int(s) for s in p.stem.split("_")[1].split("x")))
    if quick:
        files = [f for f in files if f.stem.startswith("wta_50x")]
    print("\n## Andersen, Pavlikov and Toffolo (2022) instances: 'heuristic', then 'exact' with"
          f" time_limit_s=1 (and {LONG_S:.0f} s where 1 s proves nothing, unless --quick)")
    print(f"{'instance':>10} {'best known':>12} {'published':>12} | {'heuristic':>11} "
          f"{'rel gap':>9} {'wall/cpu s':>11} | {'exact 1 s':>11} {'rel gap':>9} {'proven':>7} "
          f"{'iads LB':>11} {'wall/cpu s':>11}")
    longer = []
    for path in files:
        values, pk, counts = read_andersen(path)
        key = (pk.shape[0], pk.shape[1], int(counts[0]))
        ub, lb, opt = ref.get(key, (np.nan, np.nan, False))
        status = "opt" if opt else f"open {(ub - lb) / ub:.2%}"
        he, hw, hc = timed(solve, values, pk, "heuristic", counts=counts)
        ex, ew, ec = timed(solve, values, pk, "exact", counts=counts, time_limit_s=1.0)
        print(f"{path.stem[4:]:>10} {ub:12.6f} {status:>12} | {he.objective:11.6f} "
              f"{(he.objective - ub) / ub:9.2e} {hw:5.2f}/{hc:5.2f} | {ex.objective:11.6f} "
              f"{(ex.objective - ub) / ub:9.2e} {'yes' if ex.optimal else 'no':>7} "
              f"{ex.lower_bound:11.6f} {ew:5.2f}/{ec:5.2f}", flush=True)
        if not ex.optimal and not quick:
            longer.append((path, values, pk, counts, ub))
    if longer:
        print(f"\n'exact' with time_limit_s={LONG_S:.0f}")
        for path, values, pk, counts, ub in longer:
            ex, ew, ec = timed(solve, values, pk, "exact", counts=counts, time_limit_s=LONG_S)
            print(f"{path.stem[4:]:>10} {ub:12.6f} | {ex.objective:11.6f} "
                  f"{(ex.objective - ub) / ub:9.2e} {'yes' if ex.optimal else 'no':>4} "
                  f"LB {ex.lower_bound:11.6f} {ew:6.2f}/{ec:6.2f} s", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a short run")
    ap.add_argument("--data", type=Path, default=DATA, help="Andersen instances directory")
    args = ap.parse_args()
    bench_random(args.quick)
    bench_andersen(args.quick, args.data)


if __name__ == "__main__":
    main()
