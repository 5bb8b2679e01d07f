"""The engagement footprint against the head-on closed form, and `iads envelope`."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from iads.catalog import load_catalog
from iads.weapons.footprint import footprint, missile_arrays


def test_footprint_outer_edge_is_the_head_on_max_launch_range() -> None:
    """A target at R0 flying at the battery meets the missile at R0·s/(s + v) (no launch
    delay), so the farthest launch-now ground range is Rmax·(s + v)/s (low target: slant
    and ground ranges agree to < 0.1 %)."""
    m = missile_arrays(load_catalog(), ["48N6E3"])
    s, v, rmax = float(m.speed_mps[0]), 250.0, float(m.max_range_m[0])
    fp = footprint(m, 40.0, 32.0, v, 100.0, n=401)
    east = fp.east_m
    row = fp.inside[fp.north_m.size // 2]
    edge = east[row].max()
    cell = east[1] - east[0]
    assert edge == pytest.approx(rmax * (s + v) / s, abs=cell + 0.001 * rmax)
    # The minimum range shows as a hole around the battery for a low target.
    assert not row[np.argmin(np.abs(east))]


def test_envelope_command_writes_png(tmp_path) -> None:
    import iads.cli_c2  # noqa: F401  registers the command
    from iads.cli import app

    out = tmp_path / "env.png"
    res = CliRunner().invoke(
        app, ["envelope", "Patriot", "--missile", "PAC-3-MSE", "--target", "kalibr",
              "--alt", "50", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = CliRunner().invoke(
        app, ["envelope", "Patriot", "--missile", "48N6E3", "--target", "kalibr"]
    )
    assert bad.exit_code != 0
