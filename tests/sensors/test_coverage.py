"""Coverage analysis and the ``iads coverage`` command."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import iads.cli_sensors  # noqa: F401  (registers the command)
from iads.cli import app
from iads.engine import build
from iads.errors import ParameterError
from iads.geo import radar_horizon_m
from iads.scenario import load_scenario
from iads.sensors.coverage import coverage


@pytest.fixture(scope="module")
def built():
    return build(load_scenario("radar_demo"))


def test_network_pd_combines_radars_and_horizon_limits(built) -> None:
    cov = coverage(built, 0.01, 100.0, n=120)
    assert cov.pd.shape == (built.radars.n, 120, 120)
    assert np.all(cov.network >= cov.pd.max(axis=0) - 1e-12)
    assert np.allclose(cov.network, 1 - np.prod(1 - cov.pd, axis=0))
    # At 100 m nothing is seen beyond the 4/3-earth horizon of the highest antenna.
    glat, glon = np.meshgrid(np.deg2rad(cov.lat_deg), np.deg2rad(cov.lon_deg), indexing="ij")
    hmax = radar_horizon_m(built.radars.height_m.max(), 100.0)
    for r in range(built.radars.n):
        d = 6.371e6 * np.arccos(np.clip(
            np.sin(glat) * np.sin(built.radars.lat_rad[r])
            + np.cos(glat) * np.cos(built.radars.lat_rad[r])
            * np.cos(glon - built.radars.lon_rad[r]), -1, 1))  # fmt: skip
        assert np.all(cov.pd[r][d > hmax * 1.02] == 0.0)


def test_pd_half_at_the_scaled_reference_range(built) -> None:
    # High altitude (no horizon inside 300 km): the 91N6E reaches Pd = 0.5 where the
    # reference SNR scales to the Swerling-1 requirement: R = R0 (sigma/sigma0)^(1/4).
    k = built.radars.keys.index("91N6E")
    cov = coverage(built, 0.04, 20000.0, lon_range_deg=(32.5656, 36.6),
                   lat_range_deg=(40.0786, 40.0787), n=400)  # fmt: skip
    row = cov.pd[k, 0]
    i = int(np.argmin(np.abs(row - 0.5)))
    lon = np.deg2rad(cov.lon_deg[i])
    lat0, lon0 = built.radars.lat_rad[k], built.radars.lon_rad[k]
    ground = 6.371e6 * np.cos(lat0) * (lon - lon0)
    expected = 600e3 * (0.04 / 4.0) ** 0.25  # ~190 km
    assert abs(ground - expected) < 0.03 * expected


def test_bad_arguments(built) -> None:
    with pytest.raises(ParameterError, match="rcs_m2"):
        coverage(built, -1.0, 100.0)
    with pytest.raises(ParameterError, match="'n'"):
        coverage(built, 1.0, 100.0, n=1)


def test_cli_writes_map_and_grid(tmp_path) -> None:
    res = CliRunner().invoke(app, ["coverage", "radar_demo", "--rcs", "0.01", "--alt", "100",
                                   "--n", "60", "--out", str(tmp_path)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (tmp_path / "coverage.png").stat().st_size > 10_000
    t = pq.read_table(tmp_path / "coverage.parquet")
    assert t.num_rows == 3600
    assert {"lon_deg", "lat_deg", "pd_network", "pd_0_91N6E"} <= set(t.column_names)
