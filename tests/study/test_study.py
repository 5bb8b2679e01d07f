"""iads study end to end on a tiny study (--quick, one worker): the report holds every
chapter, the numbers its text quotes are cells of the Parquet tables, a failing chapter
is reported while the others are still written, --resume re-uses the stored
replications, and report.html asks for nothing outside itself."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pydantic import BaseModel, ConfigDict
from typer.testing import CliRunner

from iads.cli_study import app
from iads.errors import InputError
from iads.study.chapter import KINDS, fmt, register


class _BoomSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str
    kind: str
    title: str
    question: str


class _Boom:
    """A chapter kind that always fails (to test that a failure is reported)."""

    name = "boom-test"
    spec = _BoomSpec

    def estimate(self, spec, ctx) -> int:
        return 0

    def run(self, spec, ctx):
        raise RuntimeError("this chapter always fails")


BOOM = """
  - key: broken
    kind: boom-test
    title: "A chapter that fails"
    question: "Is a failure reported?"
"""


@pytest.fixture(scope="module")
def study_run(tiny_study: Path, tmp_path_factory):
    """The tiny study plus a failing chapter, run once with --quick; then once more with
    --resume. Returns (out folder, first result, resume result, study file)."""
    register(_Boom())
    try:
        path = tiny_study.parent / "with-failure.yaml"
        path.write_text(tiny_study.read_text(encoding="utf-8") + BOOM, encoding="utf-8")
        out = tmp_path_factory.mktemp("study-out") / "run"
        args = ["study", str(path), "--quick", "--out", str(out), "--workers", "1"]
        first = CliRunner().invoke(app, args, catch_exceptions=False)
        again = CliRunner().invoke(app, [*args, "--resume"], catch_exceptions=False)
        yield out, first, again, path
    finally:
        KINDS.pop("boom-test", None)


def test_the_report_holds_every_chapter_and_the_failure(study_run) -> None:
    out, first, _, _ = study_run
    assert first.exit_code == 1, first.output  # one chapter failed
    assert "1 of 2 chapters failed" in first.output
    md = (out / "report.md").read_text(encoding="utf-8")
    for title in ("Salvo size", "A chapter that fails"):
        assert f"## {title}" in md
    assert "This chapter failed: RuntimeError: this chapter always fails" in md
    assert "always fails" in (out / "broken" / "error.txt").read_text(encoding="utf-8")
    for part in ("**Question.**", "### Set-up", "### Answer", "### Significant differences",
                 "### Table: estimates", "### Table: contrasts", "### Assumptions"):
        assert part in md
    man = json.loads((out / "study.json").read_text(encoding="utf-8"))
    assert [c["status"] for c in man["chapters"]] == ["done", "failed"]


def test_numbers_of_the_text_are_cells_of_the_tables(study_run) -> None:
    out, _, _, _ = study_run
    man = json.loads((out / "study.json").read_text(encoding="utf-8"))
    numbers = man["chapters"][0]["numbers"]
    tables = {p.stem: pq.read_table(p) for p in (out / "salvo").glob("*.parquet")}
    assert {"estimates", "contrasts", "stats", "replications"} <= set(tables)
    cells = {v for t in tables.values() for c in t.columns for v in c.to_pylist()
             if isinstance(v, float)}
    md = (out / "report.md").read_text(encoding="utf-8")
    assert numbers  # every headline number is a cell, and the report shows it as fmt does
    for name, value in numbers.items():
        assert value in cells, name
        assert fmt(value) in md, name
    # The per-replication table gives the estimates back: killed per arm is its mean.
    reps = tables["replications"].to_pydict()
    for i, arm in enumerate(("one", "two", "two-small")):
        killed = [k for p, k in zip(reps["point"], reps["totals.killed"], strict=True)
                  if p == i]
        assert len(killed) == 2  # --quick: two replications per arm
        assert numbers[f"{arm}.totals.killed"] == pytest.approx(sum(killed) / len(killed))


def test_report_html_is_self_contained(study_run) -> None:
    out, _, _, _ = study_run
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 1  # the one figure, embedded
    # No request leaves the page: no external source, stylesheet, script or font.
    assert not re.search(r'(src|href)="(?!data:|#)', page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert 'href="#salvo"' in page and 'id="salvo"' in page
    assert (out / "salvo" / "arms.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_resume_reuses_every_stored_replication(study_run) -> None:
    out, first, again, path = study_run
    assert again.exit_code == 1, again.output
    runs = sorted((out / "salvo" / "campaign" / "runs").rglob("*.summary.parquet"))
    assert len(runs) == 6  # 3 arms x 2 replications, none run twice
    # Without --resume a used folder is refused with a clear message (an input error,
    # exit status 2 from the command line), before any work.
    res = CliRunner().invoke(app, ["study", str(path), "--quick", "--out", str(out)])
    assert isinstance(res.exception, InputError)
    assert "already holds a study run; use --resume" in str(res.exception)


def test_no_argument_lists_the_built_in_studies() -> None:
    res = CliRunner().invoke(app, ["study"], catch_exceptions=False)
    assert res.exit_code == 0 and "turkey-s400" in res.output and "ankara" in res.output
