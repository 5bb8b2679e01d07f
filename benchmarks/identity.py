"""Bit identity of the engine's results across a code change: a SHA-256 (first 16 hex
digits) of the whole event table, of the recorded track table and of the summary (JSON,
keys sorted) of 11 runs (the built-in scenarios, two cuts of the saturation family),
written before the change and checked after it. A speed change must leave every run's bits as they were (docs/performance.md).

    python benchmarks/identity.py --write before.json   # on the code before
    python benchmarks/identity.py --check before.json   # on the code after: IDENTICAL

Hashes are of one platform's bits: compare files written on the same machine.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from iads.engine import simulate
from iads.scenario import load_scenario

RUNS = [
    ("default", 0, {}),
    ("default", 1, {}),
    ("default", 7, {}),
    ("network_demo", 0, {}),
    ("network_demo", 3, {}),
    ("sead", 0, {}),
    ("sead_emcon", 0, {}),
    ("hmeimim", 0, {}),
    ("radar_demo", 0, {}),
    ("saturation", 0, {"n_threats": 20, "batteries": 2, "duration_s": 2400}),
    ("saturation", 1, {"n_threats": 60, "batteries": 5, "duration_s": 1800}),
]


def h(table: pa.Table | None) -> str | None:
    """The first 16 hex digits of the SHA-256 of ``table`` as an Arrow IPC stream."""
    if table is None:
        return None
    sink = io.BytesIO()
    with ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return hashlib.sha256(sink.getvalue()).hexdigest()[:16]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", type=Path, help="write the hashes to this JSON file")
    ap.add_argument("--check", type=Path, help="compare with the hashes in this JSON file")
    ap.add_argument("--only", help="only the runs whose key contains this text")
    a = ap.parse_args()
    out = {}
    for name, seed, params in RUNS:
        key = f"{name}:{seed}:{json.dumps(params, sort_keys=True)}"
        if a.only and a.only not in key:
            continue
        params = dict(params)
        dur = params.pop("duration_s", None)
        loaded = load_scenario(name, params=params) if params else load_scenario(name)
        if dur:
            sc = loaded.scenario
            sc = sc.model_copy(
                update={"settings": sc.settings.model_copy(update={"duration_s": float(dur)})}
            )
            loaded = type(loaded)(sc, loaded.catalog, loaded.source, loaded.text)
        r = simulate(loaded, seed=seed, record_tracks=True)
        summary = json.dumps(r.summary(), sort_keys=True).encode()
        out[key] = {"events": h(r.events), "tracks": h(r.tracks), "n_events": r.events.num_rows,
                    "summary": hashlib.sha256(summary).hexdigest()[:16]}  # fmt: skip
        print(key, out[key], flush=True)
    if a.write:
        a.write.write_text(json.dumps(out, indent=1), encoding="utf-8")
    if a.check:
        base = json.loads(a.check.read_text(encoding="utf-8"))
        bad = [k for k in out if base.get(k) != out[k]]
        print("IDENTICAL" if not bad else f"DIFFERENT: {bad}")
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
