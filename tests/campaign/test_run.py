"""Running campaigns: seeds, identical results whatever the backend and the number of
workers, and resuming after a crash without losing or duplicating a replication."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from iads.campaign import (
    DaskBackend,
    LocalBackend,
    Store,
    load_campaign,
    read_rows,
    run_campaign,
    task_seed,
    tasks,
)
from iads.engine import simulate
from iads.errors import InputError

SWEEP = "scenario: small.yaml\nreplications: 2\nseed: 42\nsweep:\n  threats[0].count: [2, 4]\n"


def test_task_seed_is_the_seed_sequence_spawn_tree() -> None:
    root = np.random.SeedSequence(42)
    for p, child in enumerate(root.spawn(3)):
        for r, grandchild in enumerate(child.spawn(4)):
            expect = int(grandchild.generate_state(1, np.uint64)[0] >> np.uint64(1))
            assert task_seed(42, p, r) == expect
    seeds = {task_seed(42, p, r) for p in range(20) for r in range(50)}
    assert len(seeds) == 1000 and all(0 <= s < 2**63 for s in seeds)


def test_tasks_skip_done_and_are_replication_major(tmp_path: Path, write_campaign) -> None:
    camp = load_campaign(write_campaign(tmp_path, SWEEP))
    todo = tasks(camp, {(0, 0), (1, 1)})
    assert [(p, r) for p, r, _ in todo] == [(1, 0), (0, 1)]


def test_common_seeds_give_every_point_the_seeds_of_point_0(tmp_path: Path,
                                                          write_campaign) -> None:
    """Common random numbers (sensitivity screens): replication r of every point runs
    with point 0's seed of replication r; the manifest says so."""
    from iads.campaign.store import manifest

    camp = replace(load_campaign(write_campaign(tmp_path, SWEEP)), common_seeds=True)
    todo = tasks(camp)
    assert {(r, s) for _, r, s in todo} == {(r, task_seed(camp.seed, 0, r)) for r in range(2)}
    assert "common random numbers" in manifest(camp)["seeding"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory, small_text: str):
    """The SWEEP campaign run in this process (one worker): (campaign, folder, rows)."""
    folder = tmp_path_factory.mktemp("reference")
    (folder / "small.yaml").write_text(small_text, encoding="utf-8")
    (folder / "camp.yaml").write_text(SWEEP, encoding="utf-8")
    camp = load_campaign(folder / "camp.yaml")
    stats = run_campaign(camp, folder / "out", backend=LocalBackend(1))
    assert stats.n_run == 4 and stats.n_before == 0
    return camp, folder / "out", read_rows(folder / "out")


def test_two_local_workers_give_identical_rows(reference, tmp_path: Path) -> None:
    camp, _, rows = reference
    run_campaign(camp, tmp_path / "two", backend=LocalBackend(2))
    assert rows.num_rows == 4 and rows.equals(read_rows(tmp_path / "two"))


def test_dask_local_cluster_gives_identical_rows(reference, tmp_path: Path) -> None:
    camp, _, rows = reference
    run_campaign(camp, tmp_path / "dask", backend=DaskBackend("local", 2, processes=False))
    assert rows.equals(read_rows(tmp_path / "dask"))


def test_stored_replication_is_the_engine_result_and_reproducible(reference) -> None:
    camp, out, rows = reference
    row = rows.slice(3, 1).to_pylist()[0]
    point = camp.points[row["point"]]
    result = simulate(point.loaded, row["seed"])
    assert row["totals.killed"] == result.summary()["totals"]["killed"]
    events = pq.read_table(Store(out).events_path(row["point"], row["rep"]))
    expected = result.events_with_names()  # the engine's columns, then the name columns
    assert events.schema.equals(expected.schema, check_metadata=True)
    for name in events.column_names:  # NaN positions (no position) compare equal here
        a, b = events.column(name).to_numpy(), expected.column(name).to_numpy()
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name
    # the folder records how to reproduce: version, seed and each point's resolved scenario
    man = Store.open(out).manifest()
    assert man["seed"] == 42 and man["iads_version"] and len(man["points"]) == 2
    text = (out / man["points"][1]["scenario_file"]).read_text(encoding="utf-8")
    assert text == camp.points[1].text and "count: 4" in text
    assert len(set(rows["seed"].to_pylist())) == 4


def _count_done(folder: Path) -> int:
    return len(list((folder / "runs").glob("point-*/rep-*.summary.parquet")))


def _session_pids(sid: int) -> list[int]:
    """Live processes of session ``sid`` (Linux /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                out.append(int(d.name))
    return out


@pytest.mark.slow  # a subprocess with a worker pool, killed mid-run
def test_resume_after_kill_finishes_without_duplicates(tmp_path: Path, write_campaign) -> None:
    path = write_campaign(tmp_path, "scenario: small.yaml\nreplications: 8\nstore_events: false\n")
    out = tmp_path / "out"
    code = (
        "import sys\nfrom iads.campaign import LocalBackend, load_campaign, run_campaign\n"
        "if __name__ == '__main__':\n"
        "    run_campaign(load_campaign(sys.argv[1]), sys.argv[2], backend=LocalBackend(2))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path), str(out)], start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while _count_done(out) < 2 if out.exists() else True:
            assert proc.poll() is None, "the campaign ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # no clean-up of any kind
    finally:
        proc.wait()
    if Path("/proc").is_dir():  # the orphaned workers notice and end (they poll each second)
        deadline = time.monotonic() + 10
        while _session_pids(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _session_pids(proc.pid) == []
    n_before = _count_done(out)
    assert 2 <= n_before < 8
    # a write cut short leaves a temporary file: it is cleaned and never counted
    stale = out / "runs" / "point-0000" / "rep-0000007.summary.parquet.tmp-999"
    stale.write_bytes(b"PAR1 half written")
    camp = load_campaign(path)
    with pytest.raises(InputError, match="--resume"):
        run_campaign(camp, out, backend=LocalBackend(1))
    stats = run_campaign(camp, out, backend=LocalBackend(1), resume=True)
    assert stats.n_before == n_before and stats.n_run == 8 - n_before
    assert not stale.exists()
    rows = read_rows(out)
    keys = list(zip(rows["point"].to_pylist(), rows["rep"].to_pylist(), strict=True))
    assert sorted(keys) == [(0, r) for r in range(8)]  # every replication exactly once
    # resuming a finished campaign runs nothing
    assert run_campaign(camp, out, backend=LocalBackend(1), resume=True).n_run == 0


def test_resume_grows_replications_and_refuses_another_campaign(tmp_path: Path, reference) -> None:
    camp, _, whole = reference
    out = tmp_path / "out"
    run_campaign(replace(camp, replications=1), out, backend=LocalBackend(1))
    first = read_rows(out)
    stats = run_campaign(camp, out, backend=LocalBackend(1), resume=True)
    assert stats.n_before == 2 and stats.n_run == 2
    rows = read_rows(out)
    assert rows.num_rows == 4
    assert rows.equals(whole)  # growing a campaign equals running it whole
    assert rows.filter(rows["rep"].to_numpy() == 0).equals(first)
    with pytest.raises(InputError, match="seed"):
        run_campaign(replace(camp, seed=43), out, backend=LocalBackend(1), resume=True)
    other = replace(camp, points=camp.points[:1])
    with pytest.raises(InputError, match="sweep points"):
        run_campaign(other, out, backend=LocalBackend(1), resume=True)


def test_ending_workers_frees_a_manager_thread_reading_a_torn_result() -> None:
    """A worker terminated while it sends its result leaves a torn message in the pool's
    result pipe; the manager thread reading it must still end (interpreter exit joins
    it), else an interrupted campaign never exits. The torn message is written here by
    hand: a header announcing 1,000 bytes, then 10."""
    import multiprocessing as mp
    import struct
    from concurrent.futures import ProcessPoolExecutor

    from iads.campaign.backends import _end_workers

    pool = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"))
    assert pool.submit(abs, -3).result(timeout=60) == 3  # the worker and manager run
    manager = pool._executor_manager_thread
    pool._result_queue._writer._send(struct.pack("!i", 1000) + b"x" * 10)
    time.sleep(0.5)  # the manager thread is now waiting for the other 990 bytes
    assert manager.is_alive()
    _end_workers(pool)
    manager.join(timeout=20)
    assert not manager.is_alive()
