"""A small scenario (a few cruise missiles against one S-400 battery, 7 minutes) so
that campaign tests run many replications in seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

SMALL = """\
name: small raid
settings: {duration_s: 420, time_step_s: 1.0, seed: 5}
assets:
  - name: Ankara
    position: {lat: 39.9334, lon: 32.8597, alt_m: 0}
defenders:
  - name: S-400 Mürted
    system: S-400
    position: {lat: 40.0786, lon: 32.5656, alt_m: 0}
    doctrine: {policy: shoot-look-shoot, salvo: 1}
threats:
  - name: Kalibr north
    type: kalibr
    count: 4
    launch: {lat: 40.55, lon: 33.25}
    spacing_s: 8
    lateral_spacing_m: 600
    target: Ankara
"""


@pytest.fixture(scope="session")
def small_text() -> str:
    return SMALL


@pytest.fixture
def small_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def write_campaign():
    """``write_campaign(folder, body)``: write small.yaml and a campaign file ``body``
    (YAML) next to it; returns the campaign file's path."""

    def write(folder: Path, body: str) -> Path:
        (folder / "small.yaml").write_text(SMALL, encoding="utf-8")
        path = folder / "camp.yaml"
        path.write_text(body, encoding="utf-8")
        return path

    return write
