"""Export of threat truth as a flat pyarrow table (one row per threat per export time)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from iads.errors import ParameterError
from iads.geo.ecef import ecef_to_geodetic_rad
from iads.threats.truth import Truth

__all__ = ["TRUTH_SCHEMA", "truth_table"]

TRUTH_SCHEMA = pa.schema(
    [
        pa.field("time_s", pa.float64(), nullable=False),  # since the scenario start
        pa.field("threat_id", pa.int32(), nullable=False),  # index, as in the event log
        pa.field("name", pa.string(), nullable=False),
        pa.field("type", pa.string(), nullable=False),  # catalog key
        pa.field("lat_deg", pa.float64(), nullable=False),  # WGS-84 geodetic
        pa.field("lon_deg", pa.float64(), nullable=False),
        pa.field("alt_m", pa.float64(), nullable=False),  # height above the WGS-84 ellipsoid
        pa.field("vx_ecef_mps", pa.float64(), nullable=False),  # WGS-84 ECEF, earth-relative
        pa.field("vy_ecef_mps", pa.float64(), nullable=False),
        pa.field("vz_ecef_mps", pa.float64(), nullable=False),
    ]
)


def truth_table(
    truth: Truth, names: Sequence[str], types: Sequence[str], rate_hz: float
) -> pa.Table:
    """Truth sampled every 1/``rate_hz`` s from t = 0 to the end of the run, only for
    threats active at that time (``launch_t_s <= t < end_t_s``).

    Columns (``TRUTH_SCHEMA``): time_s, threat_id (the threat's index in ``truth``, the
    ``threat_id`` of the event log), name, type, lat_deg, lon_deg, alt_m (WGS-84
    geodetic, height above the ellipsoid), vx_ecef_mps, vy_ecef_mps, vz_ecef_mps (WGS-84
    ECEF velocity, earth-relative). Rows sorted by time, then threat_id.
    """
    f = "truth_table"
    if len(names) != truth.n or len(types) != truth.n:
        raise ParameterError("names", len(names), f"{truth.n} names and {truth.n} types", f)
    if not (np.isfinite(rate_hz) and rate_hz > 0.0):
        raise ParameterError("rate_hz", rate_hz, "finite and > 0", f)
    t_end = float(truth.t_s[-1])
    times = np.arange(0.0, t_end + 1e-9, 1.0 / rate_hz)
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("t", "i", "p", "v")}
    for t in times:  # export edge: one interpolation per export time, over all threats
        p, v, act = truth.state_at(float(t))
        idx = np.flatnonzero(act)
        cols["t"].append(np.full(idx.size, t))
        cols["i"].append(idx)
        cols["p"].append(p[idx])
        cols["v"].append(v[idx])
    t_all = np.concatenate(cols["t"]) if cols["t"] else np.zeros(0)
    i_all = np.concatenate(cols["i"]).astype(np.int64) if cols["i"] else np.zeros(0, int)
    p_all = np.concatenate(cols["p"]) if cols["p"] else np.zeros((0, 3))
    v_all = np.concatenate(cols["v"]) if cols["v"] else np.zeros((0, 3))
    lat, lon, h = ecef_to_geodetic_rad(p_all[:, 0], p_all[:, 1], p_all[:, 2])
    name_arr, type_arr = np.asarray(names, dtype=object), np.asarray(types, dtype=object)
    return pa.table(
        {
            "time_s": t_all,
            "threat_id": i_all.astype(np.int32),
            "name": pa.array(name_arr[i_all].tolist(), pa.string()),
            "type": pa.array(type_arr[i_all].tolist(), pa.string()),
            "lat_deg": np.rad2deg(np.atleast_1d(lat)),
            "lon_deg": np.rad2deg(np.atleast_1d(lon)),
            "alt_m": np.atleast_1d(h),
            "vx_ecef_mps": v_all[:, 0],
            "vy_ecef_mps": v_all[:, 1],
            "vz_ecef_mps": v_all[:, 2],
        },
        schema=TRUTH_SCHEMA,
    )
