"""One run state, one direction: ``Built`` is read-only and every run starts afresh."""

from __future__ import annotations

import numpy as np
import pytest

from iads.engine import build
from iads.engine.loop import simulate_built


@pytest.fixture(scope="module")
def built(default_loaded):
    return build(default_loaded, seed=5)


def test_simulate_built_twice_gives_identical_tables(built) -> None:
    log1, _ = simulate_built(built)
    log2, _ = simulate_built(built)
    t1, t2 = log1.table(), log2.table()
    assert t1.num_rows > 1000  # detections, tracks and engagements, not just leaks
    assert t1.schema == t2.schema and t1.num_rows == t2.num_rows
    for name in t1.column_names:  # NaN positions compare equal, unlike Table.equals
        a, b = t1.column(name).to_pylist(), t2.column(name).to_pylist()
        if t1.schema.field(name).type == "double":
            np.testing.assert_array_equal(np.array(a, float), np.array(b, float), err_msg=name)
        else:
            assert a == b, name


def test_built_arrays_are_read_only(built) -> None:
    for part in (built.radars, built.units, built.missiles, built.threats):
        arrays = [v for v in vars(part).values() if isinstance(v, np.ndarray)]
        assert arrays
        for a in arrays:
            assert not a.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        built.radars.max_range_m[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        built.units.stock0[0, 0] = 99
    with pytest.raises(AttributeError):
        built.seed = 3  # type: ignore[misc]


def test_builtin_stages_follow_the_stage_contract() -> None:
    """Each built-in stage takes the run state first and as many positional parameters as
    its Protocol in iads.state.stage (the loop calls them positionally)."""
    import dataclasses
    import inspect

    from iads.engine.loop import STAGES
    from iads.state import stage as contract

    protocols = {"sense": contract.SenseStage, "track": contract.TrackStage,
                 "decide": contract.DecideStage, "fly": contract.FlyStage}  # fmt: skip
    for f in dataclasses.fields(STAGES):
        want = list(inspect.signature(protocols[f.name].__call__).parameters)[1:]  # no self
        got = list(inspect.signature(getattr(STAGES, f.name)).parameters)
        assert len(got) == len(want), f.name
        assert got[0] == "rs", f.name
