"""Every built-in scenario, run to its end, writes its files, map and tables with counts
that agree (regression: ``iads run network_demo`` ended in an IndexError in the map)."""

from __future__ import annotations

import pytest
from small_scenarios import check_outputs

from iads.engine import simulate
from iads.scenario import builtin_names, load_scenario


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_scenario_reports(name, tmp_path) -> None:
    result = simulate(load_scenario(name))
    s = check_outputs(result, tmp_path)
    assert s["events"] == result.events.num_rows
