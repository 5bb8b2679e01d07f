from __future__ import annotations

import os
from pathlib import Path

import pytest

from iads.engine import simulate
from iads.report.export import write_run
from iads.scenario import load_scenario

REPLAY_SCENARIO = Path(__file__).parent / "data" / "replay_small.yaml"


@pytest.fixture(scope="session")
def replay_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run directory of the small replay scenario, as 'iads run' writes it
    (``IADS_REPLAY_RUN=DIR``: an existing run directory instead, e.g. of the default
    scenario for the README's screenshot)."""
    if os.environ.get("IADS_REPLAY_RUN"):
        return Path(os.environ["IADS_REPLAY_RUN"])
    out = tmp_path_factory.mktemp("replay") / "run"
    result = simulate(load_scenario(str(REPLAY_SCENARIO)), record_tracks=True)
    write_run(result, out, plot=False, truth_rate_hz=1.0)
    return out
