"""Study files are validated like scenarios: every problem at once, each with the file's
line and the YAML path inside the study (chapter blocks by their kind's model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iads.errors import InputError, ScenarioError
from iads.study.chapter import ChapterContext
from iads.study.spec import builtin_resolver, builtin_studies, load_study

GOOD_HEAD = """\
name: bad-study
title: A study with mistakes
seed: 1
chapters:
"""


def _problems(tmp_path: Path, text: str) -> list:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_study(path)
    assert exc.value.file == str(path)
    return exc.value.problems


def test_every_problem_is_located_by_line_and_path(tmp_path: Path) -> None:
    text = GOOD_HEAD + """\
  - key: first
    kind: comparison
    title: One
    question: Q?
    replications: 1
    arms:
      - {key: a, scenario: default}
      - {key: b, scenaro: default}
  - key: First
    kind: comparisn
    title: Two
    question: Q?
  - key: third
    kind: comparison
    title: Three
    question: Q?
    arms: [{key: a, scenario: default}, {key: b, scenario: default}]
    contrasts: [{a: a, b: c, says: what c adds}]
"""
    probs = {p.path: p for p in _problems(tmp_path, text)}
    # a misspelt key inside a chapter, with its line and a did-you-mean
    p = probs["chapters[0].arms[1].scenaro"]
    assert p.line == 12 and "did you mean 'scenario'" in p.message
    assert probs["chapters[0].arms[1].scenario"].message == "Field required"
    # a key that is not a folder name; an unknown kind with a did-you-mean
    assert probs["chapters[1].key"].line == 13
    assert "did you mean 'comparison'" in probs["chapters[1].kind"].message
    # the kind's own rules: a contrast naming no arm; too few replications
    assert "names arm 'c'" in probs["chapters[2]"].message
    assert probs["chapters[2]"].line == 17
    assert probs["chapters[0].replications"].line == 9


def test_file_level_problems(tmp_path: Path) -> None:
    probs = _problems(tmp_path, "name: x\ntitle: t\nsed: 1\nchapters: []\n")
    msgs = {p.path: p.message for p in probs}
    assert "did you mean 'seed'" in msgs["sed"]
    assert "seed" in msgs and "chapters" in msgs  # missing; and an empty list
    same = GOOD_HEAD + "".join(
        f"  - {{key: k, kind: comparison, title: T{i}, question: Q, arms: "
        "[{key: a, scenario: default}, {key: b, scenario: default}]}\n" for i in range(2))
    probs = _problems(tmp_path, same)
    assert probs[0].path == "chapters[1].key" and "also chapter 0's" in probs[0].message


def test_unknown_study_names_the_built_in_ones() -> None:
    with pytest.raises(InputError, match="did you mean 'turkey-s400'"):
        load_study("turkey-s40")


def test_the_built_in_study_validates_and_its_scenarios_load(tmp_path: Path) -> None:
    from iads.catalog import load_catalog

    assert "turkey-s400" in builtin_studies()
    study = load_study("turkey-s400")
    assert study.builtin and study.base_dir is None
    ankara = next(c for c in study.chapters if c.key == "ankara")
    ctx = ChapterContext(out_dir=tmp_path, reps=2, quick=True, seed=study.seed,
                         catalog=load_catalog(), backend=None, resolve=builtin_resolver)
    loaded = {a.key: ctx.scenario(a.scenario) for a in ankara.arms}
    # The arms share one raid; the control arm differs from the integrated one only by
    # the network (same batteries, same sites).
    raids = {k: ld.scenario.threats for k, ld in loaded.items()}
    assert all(r == raids["s400"] for r in raids.values())
    auto, integ = loaded["autonomous"].scenario, loaded["integrated"].scenario
    assert auto.defenders == integ.defenders and not auto.networks
    assert [sorted(n.members) for n in integ.networks] == [["Patriot Esenboğa", "S-400 Mürted"]]
    classes = {ld.catalog.threats[g.type].threat_class for g in raids["s400"]
               for ld in [loaded["s400"]]}
    assert {"cruise_missile", "aircraft", "ballistic_missile"} <= classes
