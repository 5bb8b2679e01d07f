"""``events.parquet`` is written slice by slice of the log (a log of tens of millions of
events is never held whole): the file holds the same table whatever the slice size."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import iads.state.events as events
from iads.engine import simulate
from iads.report.export import write_events
from iads.scenario import load_scenario


@pytest.mark.parametrize("slice_rows", [1_000, 1 << 20])
def test_events_file_is_the_named_table_at_any_slice_size(tmp_path, monkeypatch,
                                                          slice_rows) -> None:  # fmt: skip
    r = simulate(load_scenario("default"), seed=2)
    monkeypatch.setattr(events, "SLICE_ROWS", slice_rows)
    write_events(r, tmp_path / "events.parquet")
    got = pq.read_table(tmp_path / "events.parquet")
    want = r.events_with_names()
    assert got.num_rows == want.num_rows > slice_rows or slice_rows > want.num_rows
    assert got.column_names == want.column_names
    for name in want.column_names:
        if pa.types.is_floating(want.schema.field(name).type):  # NaN positions compare equal
            np.testing.assert_array_equal(got.column(name).to_numpy(),
                                          want.column(name).to_numpy())  # fmt: skip
        else:
            assert got.column(name).to_pylist() == want.column(name).to_pylist(), name


def test_an_empty_log_writes_a_file_with_its_columns(tmp_path) -> None:
    import dataclasses

    r = simulate(load_scenario("default"), seed=2)
    empty = dataclasses.replace(r, events=r.events.slice(0, 0))
    write_events(empty, tmp_path / "e.parquet")
    got = pq.read_table(tmp_path / "e.parquet")
    assert got.num_rows == 0 and got.column_names == r.events_with_names().column_names
