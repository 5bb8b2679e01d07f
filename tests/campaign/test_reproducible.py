"""Byte-identical outputs: every file that ``iads compare``, ``iads campaign`` and ``iads
summarize`` write is the same whether the replications ran on one worker, two worker
processes or a Dask LocalCluster (they finish, and are stored, in different orders)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from iads.cli_campaign import app

SWEEP = "scenario: small.yaml\nreplications: 2\nseed: 42\nsweep:\n  threats[0].count: [2, 4]\n"


def _invoke(*args: str) -> None:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of a campaign folder by relative path (the empty lock file included)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_same(a: Path, b: Path) -> None:
    fa, fb = _files(a), _files(b)
    assert sorted(fa) == sorted(fb)
    differ = [name for name in fa if fa[name] != fb[name]]
    assert not differ, f"{a.name} and {b.name} differ in {differ}"


@pytest.fixture
def fixed_clock(monkeypatch) -> None:
    """The manifest records its creation time: fixed by SOURCE_DATE_EPOCH (the
    reproducible-builds convention) so that runs at different times can be compared."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.mark.slow  # 18 replications and a Dask LocalCluster (3 per point: sums of 3 terms
# depend on their order, sums of 2 do not)
def test_compare_writes_identical_files_for_1_and_2_workers_and_dask(
    tmp_path: Path, small_text: str, fixed_clock
) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(small_text, encoding="utf-8")
    b.write_text(small_text.replace("salvo: 1", "salvo: 2"), encoding="utf-8")
    runs = {"one": ("--workers", "1"), "two": ("--workers", "2"),
            "dask": ("--dask", "local", "--workers", "2")}
    for name, how in runs.items():
        _invoke("compare", str(a), str(b), "--reps", "3", *how, "--out", str(tmp_path / name))
    assert (tmp_path / "one" / "compare.png").is_file()
    _assert_same(tmp_path / "one", tmp_path / "two")
    _assert_same(tmp_path / "one", tmp_path / "dask")
    for name in runs:  # summarize again: the same bytes again
        _invoke("summarize", str(tmp_path / name))
    _assert_same(tmp_path / "one", tmp_path / "two")
    _assert_same(tmp_path / "one", tmp_path / "dask")


@pytest.mark.slow  # 8 replications
def test_sweep_summary_and_plots_identical_for_1_and_2_workers(
    tmp_path: Path, write_campaign, fixed_clock
) -> None:
    path = write_campaign(tmp_path, SWEEP)
    for name, workers in (("one", "1"), ("two", "2")):
        _invoke("campaign", str(path), "--workers", workers, "--out", str(tmp_path / name))
        _invoke("summarize", str(tmp_path / name), "--conf", "0.9")
    assert list((tmp_path / "one" / "plots").glob("*.png"))
    _assert_same(tmp_path / "one", tmp_path / "two")
