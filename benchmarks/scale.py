"""Scale: the ``saturation`` scenario family over N threats and B batteries, each run in
its own process (so that its peak memory is its own), side by side in one table: wall
and CPU time of the run (``wall``, ``cpu``), wall time of its summary afterwards
(``summ``), simulated seconds per wall second, peak resident memory of the process (run
and summary, ``ru_maxrss``), events written per wall second, threats killed and leaked.

    python benchmarks/scale.py                 # N = 100, 1,000, 10,000 x B = 1, 5, 20
    python benchmarks/scale.py --quick         # N = 100, 1,000 x B = 1, 5
    python benchmarks/scale.py --n 1000 --b 20 # one row
    python benchmarks/scale.py --jobs 2        # two runs at a time (one per core)

Goals (issue 15): the saturation default (1,000 threats, 20 batteries) >= 100x real
time; the cost ratio 10,000 / 1,000 threats <= 12 (at each B); peak memory at 10,000
threats < 4 GB. The machines are shared: the CPU time is the steadier figure, and the
ratios are computed from it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed


def one(n: int, b: int) -> dict:
    """Run saturation(n, b) once in this process; its measurements as a dict."""
    from iads.engine import simulate
    from iads.scenario import load_scenario

    loaded = load_scenario("saturation", params={"n_threats": n, "batteries": b})
    w0, c0 = time.perf_counter(), time.process_time()
    result = simulate(loaded)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    s0 = time.perf_counter()
    s = result.summary()["totals"]
    summary_s = time.perf_counter() - s0
    return {
        "n": n, "b": b, "wall_s": wall, "cpu_s": cpu, "summary_s": summary_s,
        "sim_s": loaded.scenario.settings.duration_s,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "events": int(len(result.events)),
        "killed": s["killed"], "leaked": s["leaked"],
    }  # fmt: skip


def _row(r: dict) -> str:
    if "error" in r:
        return f"{r['n']:>7,}{r['b']:>4}  {r['error']}"
    return (
        f"{r['n']:>6,}{r['b']:>3}{r['wall_s']:>7.1f}{r['cpu_s']:>7.1f}{r['summary_s']:>6.1f}"
        f"{r['sim_s'] / r['wall_s']:>9.1f}{r['peak_rss_mib']:>9,.0f}{r['events']:>11,}"
        f"{r['events'] / r['wall_s']:>9,.0f}{r['killed']:>6,}{r['leaked']:>6,}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="N = 100, 1,000 and B = 1, 5 only")
    ap.add_argument("--n", type=int, nargs="+", help="threat counts (default 100 1000 10000)")
    ap.add_argument("--b", type=int, nargs="+", help="battery counts (default 1 5 20)")
    ap.add_argument("--timeout", type=float, default=4 * 3600.0, help="per run [s]")
    ap.add_argument("--jobs", type=int, default=1, help="runs at a time, each its own process (1)")
    ap.add_argument("--one", type=int, nargs=2, metavar=("N", "B"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(*args.one)))
        return
    ns = args.n or ([100, 1000] if args.quick else [100, 1000, 10_000])
    bs = args.b or ([1, 5] if args.quick else [1, 5, 20])
    print(f"{'N':>6}{'B':>3}{'wall':>7}{'cpu':>7}{'summ':>6}{'sim/wall':>9}{'peak MiB':>9}"
          f"{'events':>11}{'ev/s':>9}{'kill':>6}{'leak':>6}", flush=True)  # fmt: skip

    def run(nb: tuple[int, int]) -> dict:
        n, b = nb
        cmd = [sys.executable, __file__, "--one", str(n), str(b)]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            return {"n": n, "b": b, "error": f"stopped after {args.timeout:.0f} s"}
        if p.returncode != 0:
            last = (p.stderr.strip().splitlines() or ["no output"])[-1]
            return {"n": n, "b": b, "error": last[:80]}
        return json.loads(p.stdout.strip().splitlines()[-1])

    # The largest runs first, so that with --jobs > 1 the short ones fill the gaps; the
    # table is printed in (N, B) order as the runs end.
    todo = sorted(((n, b) for n in ns for b in bs), key=lambda nb: -nb[0] * nb[1])
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = [pool.submit(run, nb) for nb in todo]
        rows = []
        for f in as_completed(futures):  # progress on stderr; the table at the end
            rows.append(f.result())
            print("  done: " + _row(rows[-1]).strip(), file=sys.stderr, flush=True)
    rows.sort(key=lambda r: (r["n"], r["b"]))
    for r in rows:
        print(_row(r), flush=True)
    ok = {(r["n"], r["b"]): r for r in rows if "error" not in r}
    d = ok.get((1000, 20))
    if d:
        rate = d["sim_s"] / d["wall_s"]
        print(f"saturation default (1,000 threats, 20 batteries): {rate:,.1f}x real time "
              f"(goal >= 100x: {'met' if rate >= 100 else 'NOT met'}); "
              f"{d['sim_s'] / d['cpu_s']:,.1f}x per CPU second")  # fmt: skip
    for b in bs:
        lo, hi = ok.get((1000, b)), ok.get((10_000, b))
        if lo and hi:
            ratio = hi["cpu_s"] / lo["cpu_s"]
            gb = hi["peak_rss_mib"] * 2**20 / 1e9
            print(f"B={b}: CPU cost 10,000 / 1,000 threats = {ratio:.1f} "
                  f"(goal <= 12: {'met' if ratio <= 12 else 'NOT met'}); peak memory at "
                  f"10,000: {gb:.2f} GB (goal < 4: {'met' if gb < 4 else 'NOT met'})")  # fmt: skip
        lo = ok.get((100, b))
        if lo and ok.get((1000, b)):
            ratio = ok[(1000, b)]["cpu_s"] / lo["cpu_s"]
            print(f"B={b}: CPU cost 1,000 / 100 threats = {ratio:.1f} (linear: 10)")


if __name__ == "__main__":
    main()
