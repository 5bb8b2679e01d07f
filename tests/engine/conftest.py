from __future__ import annotations

import pytest

from iads.engine import simulate
from iads.scenario import load_scenario


@pytest.fixture(scope="session")
def default_loaded():
    return load_scenario()


@pytest.fixture(scope="session")
def default_result(default_loaded):
    return simulate(default_loaded)
