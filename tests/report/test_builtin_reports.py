"""Every built-in scenario, run to its end, writes its files, map and tables with counts
that agree (regression: ``iads run network_demo`` ended in an IndexError in the map)."""

from __future__ import annotations

import pytest
from small_scenarios import check_outputs

from iads.engine import simulate
from iads.scenario import builtin_names, load_scenario
from iads.scenario.families import FAMILIES

#: A scenario family runs small here (its default is a 1,000-threat raid of 3 h).
SMALL = {"saturation": {"n_threats": 12, "batteries": 2}}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.slow) if n in FAMILIES else n for n in builtin_names()
])  # fmt: skip
def test_builtin_scenario_reports(name, tmp_path) -> None:
    result = simulate(load_scenario(name, params=SMALL.get(name)))
    s = check_outputs(result, tmp_path)
    assert s["events"] == result.events.num_rows
