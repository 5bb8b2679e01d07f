"""The campaign commands end to end: iads campaign (file and short form), summarize,
compare, and a located error with exit status 2."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iads.cli_campaign import app

PNG = b"\x89PNG\r\n\x1a\n"


def _invoke(*args: str):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_campaign_file_then_summarize(tmp_path: Path, write_campaign) -> None:
    path = write_campaign(
        tmp_path,
        "scenario: small.yaml\nreplications: 3\nseed: 3\nsweep:\n  threats[0].count: [2, 5]\n",
    )
    out = tmp_path / "out"
    res = _invoke("campaign", str(path), "--out", str(out), "--workers", "1", "--no-plot")
    assert "6 replication(s) run" in res.output and "P(no leaker)" in res.output
    assert "columns: threats[0].count" in res.output
    res = _invoke("summarize", str(out))
    plots = sorted((out / "plots").glob("*.png"))
    assert {p.name for p in plots} >= {"no_leaker.png", "totals.killed.png", "totals.leaked.png"}
    assert all(p.read_bytes()[:8] == PNG for p in plots)
    with open(out / "summary.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    kills = {r["threats[0].count"]: r for r in rows if r["metric"] == "totals.killed"}
    assert set(kills) == {"2", "5"} and all(r["n"] == "3" and r["interval"] == "t" for r in rows
                                           if r["metric"] == "totals.killed")  # fmt: skip
    # kills can never exceed the threats launched
    assert float(kills["2"]["estimate"]) <= 2 and float(kills["5"]["estimate"]) <= 5
    p = next(r for r in rows if r["metric"] == "no_leaker")
    assert p["kind"] == "proportion" and p["interval"] == "wilson"
    assert 0.0 <= float(p["ci_low"]) <= float(p["estimate"]) <= float(p["ci_high"]) <= 1.0


def test_short_form_and_resume(tmp_path: Path, small_scenario: Path) -> None:
    out = tmp_path / "short"
    args = ("campaign", "--scenario", str(small_scenario), "--reps", "2", "--workers", "1")
    _invoke(*args, "--out", str(out), "--no-plot", "--no-events")
    assert not list(out.glob("runs/*/*.events.parquet"))
    res = _invoke(*args, "--out", str(out), "--no-plot", "--resume")
    assert "0 replication(s) run" in res.output and "2 already stored" in res.output


def test_compare_prints_side_by_side_and_tests(tmp_path: Path, small_text: str) -> None:
    a, b = tmp_path / "one_salvo.yaml", tmp_path / "two_salvo.yaml"
    a.write_text(small_text.replace("name: small raid", "name: salvo one"), encoding="utf-8")
    b.write_text(
        small_text.replace("name: small raid", "name: salvo two").replace("salvo: 1", "salvo: 2"),
        encoding="utf-8",
    )
    out = tmp_path / "cmp"
    res = _invoke("compare", str(a), str(b), "--reps", "3", "--workers", "1", "--out", str(out))
    assert "salvo one" in res.output and "salvo two" in res.output
    assert "Holm correction" in res.output
    assert (out / "compare.png").read_bytes()[:8] == PNG


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("campaign", "{camp}"), "camp.yaml:4: sweep['threats[0].cont']: path does not exist"),
        (("campaign",), "give either a campaign FILE or --scenario"),
        (("summarize", "{tmp}"), "is not a campaign folder"),
    ],
)
def test_input_errors_exit_2_without_traceback(tmp_path: Path, write_campaign, args, message):
    camp = write_campaign(
        tmp_path, "scenario: small.yaml\nreplications: 2\nsweep:\n  threats[0].cont: [1]\n"
    )
    argv = [a.format(camp=camp, tmp=tmp_path) for a in args]
    code = "import iads.cli_campaign\nfrom iads.cli import main\nmain()\n"
    proc = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    assert message in " ".join(proc.stderr.split()).replace("\n", ""), proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow  # a subprocess with a worker pool, killed mid-run
def test_ctrl_c_stops_with_status_130_and_says_how_to_resume(tmp_path, small_scenario) -> None:
    # Ctrl-C reaches a terminal's foreground job; a test runner started in the background
    # (``cmd &`` in a script, as CI may be) passes SIGINT down ignored, and the CLI would
    # then rightly ignore it too (the earlier "> 60 s to exit" in a fresh clone's CI), so
    # the child gets Python's own handler back first.
    code = (
        "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "import iads.cli_campaign\nfrom iads.cli import main\nmain()\n"
    )
    out = tmp_path / "out"
    args = ["campaign", "--scenario", str(small_scenario), "--reps", "500", "--workers", "2"]
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args, "--out", str(out), "--no-plot"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        # (a cold numba cache on a loaded machine: the first replication compiles)
        deadline = time.monotonic() + 300
        while not list(out.glob("runs/*/*.summary.parquet")):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C does: the whole process group
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # failed: leave no campaign running
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, err
    text = " ".join(err.split())
    assert "interrupted:" in text and f"--out {out} --resume" in text
    assert "Traceback" not in err
