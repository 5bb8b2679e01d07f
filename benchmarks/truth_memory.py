"""Memory of the threat truth at scale (issue 15): peak resident memory of flying the
truth of the whole ``saturation`` raid (flown and kept above the terrain, as the engine
does before its first step), and of a short cut of its run, each in this process alone
(run it once per figure).

    python benchmarks/truth_memory.py truth --n 10000          # fly the 3 h raid's truth
    python benchmarks/truth_memory.py run --n 10000 --cut 600  # simulate its first 600 s

Prints one JSON line: CPU time, peak RSS (``resource.getrusage``: numba and the
libraries included), the RSS before the measured work, and the truth's stored bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import time


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1024**2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["truth", "run"])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--b", type=int, default=20)
    ap.add_argument("--cut", type=float, default=600.0, help="simulated seconds (run)")
    a = ap.parse_args()

    from iads.engine import build
    from iads.scenario import load_scenario

    loaded = load_scenario("saturation", params={"n_threats": a.n, "batteries": a.b})
    if a.what == "run":
        sc = loaded.scenario
        settings = sc.settings.model_copy(update={"duration_s": float(a.cut)})
        loaded = type(loaded)(sc.model_copy(update={"settings": settings}), loaded.catalog,
                              loaded.source, loaded.text)  # fmt: skip
    b = build(loaded)
    base = _rss_mib()
    c0 = time.process_time()
    out: dict = {"what": a.what, "n": a.n, "b": a.b}
    if a.what == "truth":
        from iads.engine.loop import _over_terrain
        from iads.threats import fly

        dt = b.scenario.settings.time_step_s
        h = min(1.0, dt)  # as the engine flies it (its pad aside), then over the terrain
        truth = _over_terrain(b, fly(b.threats.specs, b.scenario.settings.duration_s, h))
        nbytes = getattr(truth, "nbytes", None)
        if nbytes is None:  # the dense truth (before issue 15's windows)
            nbytes = truth.pos_ecef_m.nbytes + truth.vel_ecef_mps.nbytes
        out["truth_mib"] = round(nbytes / 1024**2, 1)
        out["sim_s"] = b.scenario.settings.duration_s
    else:
        from iads.engine.loop import simulate_built

        log, _ = simulate_built(b)
        out["events"] = int(len(log.table())) if hasattr(log, "table") else None
        out["sim_s"] = a.cut
    out["cpu_s"] = round(time.process_time() - c0, 2)
    out["rss_before_mib"] = round(base, 0)
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 0)
    out["ok"] = math.isfinite(out["cpu_s"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
