"""A tiny study for the study tests: one comparison chapter of two arms (a few cruise
missiles against one S-400 battery over smooth earth, 5 minutes), run with --quick in
seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY = """\
name: {name}
settings: {{duration_s: 200, time_step_s: 1.0, seed: 5}}
terrain: {{dem: none}}
assets:
  - name: Ankara
    position: {{lat: 39.9334, lon: 32.8597, alt_m: 0}}
defenders:
  - name: S-400 Mürted
    system: S-400
    position: {{lat: 40.0786, lon: 32.5656, alt_m: 0}}
    doctrine: {{policy: shoot-look-shoot, salvo: {salvo}}}
threats:
  - name: Kalibr north
    type: kalibr
    count: 2
    launch: {{lat: 40.25, lon: 33.05}}
    spacing_s: 8
    lateral_spacing_m: 600
    target: Ankara
"""

STUDY = """\
name: tiny
title: "A tiny study"
description: Two salvo sizes against three cruise missiles.
seed: 11
replications: 5
chapters:
  - key: salvo
    kind: comparison
    title: "Salvo size"
    question: "Does a salvo of two kill more than a salvo of one?"
    arms:
      - {key: one, label: "salvo 1", scenario: one.yaml}
      - {key: two, label: "salvo 2", scenario: two.yaml}
      - {key: two-small, label: "salvo 2, small RCS", scenario: two.yaml,
         overrides: {threats.kalibr.rcs_front_m2: 0.05}}
    contrasts:
      - {a: one, b: two, says: "a second interceptor per salvo"}
      - {a: two, b: two-small, says: "a smaller cruise missile"}
"""


@pytest.fixture(scope="session")
def tiny_study(tmp_path_factory) -> Path:
    """A folder with the tiny study file (study.yaml) and its two scenarios."""
    folder = tmp_path_factory.mktemp("tiny-study")
    (folder / "one.yaml").write_text(TINY.format(name="salvo one", salvo=1), encoding="utf-8")
    (folder / "two.yaml").write_text(TINY.format(name="salvo two", salvo=2), encoding="utf-8")
    (folder / "study.yaml").write_text(STUDY, encoding="utf-8")
    return folder / "study.yaml"
