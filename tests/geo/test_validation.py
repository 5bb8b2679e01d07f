"""Bad arguments at the public entry points raise ParameterError naming the parameter."""

from __future__ import annotations

import numpy as np
import pytest

import iads.geo as geo
from iads.errors import InputError, ParameterError


@pytest.mark.parametrize("bad", [90.0001, -91.0, np.nan, np.inf])
def test_latitude_out_of_range(bad):
    with pytest.raises(ParameterError) as info:
        geo.geodetic_to_ecef(np.array([0.0, bad]), 0.0, 0.0)
    err = info.value
    assert err.name == "lat_deg" and "geodetic_to_ecef" in str(err)
    assert "[-90, 90]" in str(err)
    assert isinstance(err, InputError) and isinstance(err, ValueError)


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: geo.ecef_to_enu(0.0, 0.0, 0.0, 95.0, 0.0, 0.0), "lat0_deg"),
        (lambda: geo.enu_to_ecef(0.0, 0.0, 0.0, 0.0, np.nan, 0.0), "lon0_deg"),
        (lambda: geo.enu_rotation(-90.5, 0.0), "lat0_deg"),
        (lambda: geo.geodetic_to_aer(91.0, 0.0, 0.0, 0.0, 0.0, 0.0), "lat_deg"),
        (lambda: geo.geodetic_to_enu(0.0, 0.0, 0.0, 0.0, 0.0, np.inf), "h0_m"),
        (lambda: geo.aer_to_enu(0.0, 91.0, 1.0), "el_deg"),
        (lambda: geo.aer_to_geodetic(0.0, 10.0, -1.0, 0.0, 0.0, 0.0), "range_m"),
        (lambda: geo.ecef_to_geodetic(np.nan, 0.0, 0.0), "x_m"),
        (lambda: geo.great_circle_distance_m(0.0, 0.0, 100.0, 0.0), "lat2_deg"),
        (lambda: geo.great_circle_distance_m(0.0, 0.0, 1.0, 0.0, radius_m=0.0), "radius_m"),
        (lambda: geo.initial_bearing_deg(-100.0, 0.0, 0.0, 0.0), "lat1_deg"),
        (lambda: geo.destination_point(0.0, 0.0, 0.0, np.nan), "distance_m"),
        (lambda: geo.interpolate_great_circle(0.0, 0.0, 1.0, 1.0, np.nan), "fraction"),
        (lambda: geo.los_clearance_m(np.zeros(3), np.ones(3), surface_h_m=np.nan), "surface_h_m"),
    ],
)
def test_each_bad_argument_is_named(call, name):
    with pytest.raises(ParameterError) as info:
        call()
    assert info.value.name == name
    assert f"'{name}'" in str(info.value)
