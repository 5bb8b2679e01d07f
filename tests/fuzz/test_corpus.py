"""The regression corpus of issue 11: one committed scenario per bad-input case (written
by ``make_corpus.py``), each with its expected exit status and the words its message must
hold in its header. A case expected to pass validation must also run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fuzzkit import assert_clean, iads

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.yaml"))


def _expect(path: Path) -> tuple[int, list[str]]:
    head = path.read_text(encoding="utf-8").splitlines()[1]
    assert head.startswith("# expect: "), path
    code, *words = (w.strip() for w in head[len("# expect: "):].split("|"))
    return int(code), words


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 25


@pytest.mark.parametrize("case", CORPUS, ids=lambda p: p.stem)
def test_corpus_case(case: Path, tmp_path: Path) -> None:
    code, words = _expect(case)
    t0 = time.perf_counter()
    res = iads("validate", str(case), cwd=tmp_path)
    took = time.perf_counter() - t0
    assert_clean(res, file=str(case))
    assert res.code == code, str(res)
    text = res.stdout + res.stderr
    for w in words:
        assert w in text, f"{w!r} not in:\n{res}"
    # A hang guard, not a performance claim: every case is refused or accepted in seconds.
    assert took < 30.0, f"validate took {took:.0f} s"
    if code == 0:
        ran = iads("run", str(case), "--out", str(tmp_path / "out"), "--no-plot", cwd=tmp_path)
        assert ran.code == 0, str(ran)
        if "[/x]" in case.read_text(encoding="utf-8"):
            assert "[/x] City" in ran.stdout  # printed as written, not read as markup
