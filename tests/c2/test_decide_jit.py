"""The compiled decision tests of battle management (iads.c2._jit_decide) against the
numpy expressions of ``iads.c2.stage`` they replace, on random pictures, and whole runs
giving the same event log bit for bit with the switch on and off (integer logic and one
subtraction: equal on every platform)."""

from __future__ import annotations

import io

import numpy as np
import pyarrow.ipc as ipc
import pytest

from iads.c2 import _jit_decide
from iads.engine import simulate
from iads.scenario import load_scenario


def _picture(rng, n):
    """A random picture: n track rows, per-id arrays over 64 ids."""
    ids = np.sort(rng.choice(64, n, replace=False)).astype(np.int64)
    return dict(
        status=rng.integers(0, 3, n).astype(np.int8),
        ids=ids,
        ident=rng.integers(0, 3, 64).astype(np.int8),
        truth=rng.integers(-2, 5, 64).astype(np.int64),
        dead=rng.random(64) < 0.2,
        shots=rng.integers(0, 4, 64).astype(np.int64),
        look_t_s=np.where(rng.random(64) < 0.3, np.nan, rng.uniform(0.0, 20.0, 64)),
    )


@pytest.mark.parametrize("seed", range(4))
def test_looks_due_equals_the_reference(seed) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(300):
        p = _picture(rng, int(rng.integers(0, 30)))
        t_s, period = float(rng.uniform(0.0, 25.0)), float(rng.choice([0.0, 2.0, 5.0]))
        real_only = bool(rng.random() < 0.5)
        ids = p["ids"][p["status"] == 1]
        keep = p["ident"][ids] == 0
        if real_only:
            keep &= p["truth"][ids] >= 0
        ids = ids[keep]
        last = p["look_t_s"][ids]
        ref = ids[np.isnan(last) | (t_s - last >= period - 1e-9)]
        got = _jit_decide.looks_due(
            p["status"], p["ids"], p["ident"], p["truth"], p["look_t_s"], t_s,
            period - 1e-9, real_only,
        )  # fmt: skip
        assert np.array_equal(got, ref)


@pytest.mark.parametrize("seed", range(4))
def test_eligible_rows_equal_the_reference(seed) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(300):
        n = int(rng.integers(0, 30))
        p = _picture(rng, n)
        most, real_only = int(rng.integers(1, 4)), bool(rng.random() < 0.5)
        n_icp, n_units = int(rng.integers(0, 12)), 5
        icp_unit = rng.integers(0, n_units, n_icp + 3).astype(np.int64)  # a longer buffer
        icp_track = rng.choice(p["ids"], n_icp + 3) if n else np.zeros(n_icp + 3, np.int64)
        inflight = np.sort(rng.choice(n_icp, int(rng.integers(0, n_icp + 1)), replace=False))
        inflight = inflight.astype(np.int64)
        member = rng.random(n_units) < 0.6
        ids = p["ids"]
        # kill assessment: some tracks held, some of them updated since (the hold lifts)
        assess = np.where(p["dead"], rng.uniform(0.0, 20.0, p["dead"].size), np.nan)
        last = rng.uniform(0.0, 20.0, n)
        dead_ref = p["dead"].copy()
        dead_ref[ids[dead_ref[ids] & (last > assess[ids])]] = False
        eligible = (
            (p["status"] == 1) & ~dead_ref[ids] & (p["shots"][ids] < most) & (p["ident"][ids] == 1)
        )
        mine = inflight[member[icp_unit[inflight]]]
        eligible &= ~(ids[:, None] == icp_track[mine]).any(axis=1)
        if real_only:
            eligible &= p["truth"][ids] >= 0
        rows = np.flatnonzero(eligible)
        # None when every row is inside the shortest reaction time (NaN: not inside).
        conf = np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0.0, 20.0, n))
        t_s, react = float(rng.uniform(0.0, 25.0)), float(rng.choice([0.0, 5.0, 10.0, np.inf]))
        if not (~(t_s - conf[rows] < react)).any():
            rows = rows[:0]
        got = _jit_decide.eligible_rows(
            p["status"], ids, p["dead"], assess, last, p["shots"], most, p["ident"],
            p["truth"], real_only, inflight, icp_unit, icp_track, member, conf, t_s, react,
        )  # fmt: skip
        assert np.array_equal(got, rows)
        assert np.array_equal(p["dead"], dead_ref)  # the holds lifted in place


def _bits(table) -> bytes:
    sink = io.BytesIO()
    with ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return sink.getvalue()


@pytest.mark.parametrize("name, seed", [("default", 3), ("network_demo", 0)])
def test_whole_run_equals_the_reference(monkeypatch, name, seed) -> None:
    """The same event log, bit for bit, and the same summary with the switch off and on."""
    loaded = load_scenario(name)
    runs = []
    for enabled in (False, True):
        monkeypatch.setattr(_jit_decide, "ENABLED", enabled)
        runs.append(simulate(loaded, seed=seed))
    a, b = runs
    assert a.events.num_rows > 100
    assert (a.events.column("kind").to_numpy(zero_copy_only=False) == "launch").any()
    assert _bits(a.events) == _bits(b.events)
    assert a.summary() == b.summary()
