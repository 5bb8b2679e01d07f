"""Radar figures from the catalog into the sensing arrays: beamwidths and range resolution
given by every catalog radar; fallbacks from the accuracies by the ratios the catalog's
rationales state, each one listed among the assumed figures; an explicit 0 is kept."""

from __future__ import annotations

import math
from types import SimpleNamespace as NS

import numpy as np
import pytest

from iads.catalog import builtin_catalog
from iads.catalog.schema import Figure, RadarEntry
from iads.errors import InputError
from iads.sensors.chain import PdBank
from iads.sensors.setup import BEAMWIDTHS_PER_SIGMA, RANGE_CELLS_PER_SIGMA, radar_arrays

RESOLUTION = ("beamwidth_az_deg", "beamwidth_el_deg", "range_resolution_m")


def _arrays(entry: RadarEntry, key: str = "T"):
    rows = [{"key": key, "unit": 0, "entry": entry, "pos": NS(lat=0.0, lon=0.0, alt_m=0.0)}]
    ra, _, used = radar_arrays(rows, np.random.default_rng(0), 1.0, PdBank())
    return ra, {u["field"]: u for u in used}


def _without(entry: RadarEntry, *names: str) -> RadarEntry:
    return entry.model_copy(update={n: None for n in names})


@pytest.mark.parametrize("key", sorted(builtin_catalog().radars))
def test_every_catalog_radar_gives_its_resolution(key: str) -> None:
    """Beamwidths and range resolution are catalog figures (assumed, with a rationale:
    none is published). Search radars whose elevation beams are not known give no
    elevation beamwidth: one fan beam in elevation, listed as an assumed figure."""
    entry = builtin_catalog().radars[key]
    search = entry.role in ("surveillance", "low_altitude")
    expected = RESOLUTION[::2] if search else RESOLUTION
    for name in expected:
        fig = getattr(entry, name)
        assert fig is not None, f"{key} has no {name}"
        assert fig.value > 0 and (fig.source or (fig.assumed and fig.rationale))
    ra, used = _arrays(entry, key)
    assert set(RESOLUTION) & set(used) == ({"beamwidth_el_deg"} if search else set())
    assert ra.beam_az_rad[0] == pytest.approx(math.radians(entry.beamwidth_az_deg.value))
    assert ra.beam_el_rad[0] == pytest.approx(
        math.radians((entry.beamwidth_el_deg or entry.beamwidth_az_deg).value)
    )
    assert ra.range_res_m[0] == entry.range_resolution_m.value


@pytest.mark.parametrize("key", ["AN/MPQ-65", "92N6E", "91N6E", "96L6E"])
def test_fallbacks_follow_the_catalog_rationales(key: str) -> None:
    """Without its resolution figures, a radar gets back the beam and range cell its
    accuracy rationale states (Patriot: 0.05 deg ~ 1/20 of a ~1 deg beam; 91N6E: 0.3 deg
    ~ 1/5 of a ~1.5 deg beam; range accuracy ~1/3 of a cell), each listed as assumed."""
    full = builtin_catalog().radars[key]
    ra, used = _arrays(_without(full, *RESOLUTION), key)
    assert set(RESOLUTION) <= set(used)
    assert np.rad2deg(ra.beam_az_rad[0]) == pytest.approx(full.beamwidth_az_deg.value)
    el = full.beamwidth_el_deg or full.beamwidth_az_deg
    assert np.rad2deg(ra.beam_el_rad[0]) == pytest.approx(el.value)
    assert ra.range_res_m[0] == pytest.approx(full.range_resolution_m.value)
    k_beam = BEAMWIDTHS_PER_SIGMA[full.role][0]
    assert used["beamwidth_az_deg"]["value"] == pytest.approx(k_beam * full.angle_sigma_deg.value)
    assert used["range_resolution_m"]["value"] == pytest.approx(
        RANGE_CELLS_PER_SIGMA[0] * full.range_sigma_m.value
    )
    assert all(used[n]["rationale"].startswith("iads.sensors default") for n in RESOLUTION)


def _f(v: float) -> Figure:
    return Figure(value=v, assumed=True, rationale="test")


def test_explicit_zero_is_kept_not_replaced_by_a_default() -> None:
    entry = _without(builtin_catalog().radars["AN/MPQ-65"]).model_copy(
        update={"range_rate_sigma_mps": _f(0.0), "n_tracked": _f(0.0)}
    )
    ra, used = _arrays(entry)
    assert ra.sigma_rr_mps[0] == 0.0  # an exact range rate, not "no range rate" (NaN)
    assert ra.n_tracked[0] == 0  # no track dwells, not unlimited
    assert "n_tracked" not in used
    ra, used = _arrays(_without(entry, "range_rate_sigma_mps", "n_tracked"))
    assert np.isnan(ra.sigma_rr_mps[0])
    assert ra.n_tracked[0] == used["n_tracked"]["value"]  # the default, listed


@pytest.mark.parametrize("name", RESOLUTION)
@pytest.mark.parametrize("value", [0.0, -1.0])
def test_nonpositive_resolution_is_a_located_catalog_error(tmp_path, name, value) -> None:
    from iads.catalog import load_catalog

    text = f"""radars:
  X:
    name: test
    role: surveillance
    ref_range_m: {{value: 1.0e5, assumed: true, rationale: t}}
    ref_rcs_m2: {{value: 1.0, assumed: true, rationale: t}}
    instrumented_range_m: {{value: 2.0e5, assumed: true, rationale: t}}
    revisit_s: {{value: 10.0, assumed: true, rationale: t}}
    range_sigma_m: {{value: 50.0, assumed: true, rationale: t}}
    angle_sigma_deg: {{value: 0.3, assumed: true, rationale: t}}
    {name}: {{value: {value}, assumed: true, rationale: t}}
"""
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:  # located: file, line, YAML path
        load_catalog([path])
    assert name in str(err.value) and "c.yaml" in str(err.value)
