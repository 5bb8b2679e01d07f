"""The ``entities.parquet`` table of a run: every object of the run named once, with the
index the event log uses for it, so that readers of the run directory (the CZML replay,
DIS export, analysts) never need the engine to know where a radar stands or which name a
``threat_id`` has.

One row per object; ``kind`` is one of :data:`ENTITY_KINDS`:

- ``unit``: a defense (fire) unit; ``index`` is the events' ``unit_id``; ``system`` its
  catalog system; position of the unit.
- ``radar``: a radar; ``index`` is the events' ``radar_id``; ``unit`` the owning unit's
  name; position of the antenna; ``max_range_m`` its instrumented range.
- ``asset``: a defended asset; ``index`` its order in the scenario; position.
- ``threat``: a threat or friendly aircraft; ``index`` is the events' ``threat_id`` (the
  truth table's ``id`` is its ``name``); ``system`` its catalog type; ``friendly`` marks
  friendly aircraft; position columns are NaN (the trajectory is in truth.parquet).

Positions are WGS-84 geodetic (degrees, metres above the ellipsoid).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from iads.engine.build import Built
from iads.geo import ecef_to_geodetic_rad

__all__ = ["ENTITIES_SCHEMA", "ENTITY_KINDS", "entities_table"]

ENTITY_KINDS = ("unit", "radar", "asset", "threat")

ENTITIES_SCHEMA = pa.schema(
    [
        pa.field("kind", pa.string(), nullable=False),
        pa.field("index", pa.int32(), nullable=False),
        pa.field("name", pa.string(), nullable=False),
        pa.field("system", pa.string(), nullable=True),  # catalog key: system, radar or type
        pa.field("unit", pa.string(), nullable=True),  # owning unit (radars)
        pa.field("lat_deg", pa.float64(), nullable=False),
        pa.field("lon_deg", pa.float64(), nullable=False),
        pa.field("alt_m", pa.float64(), nullable=False),
        pa.field("max_range_m", pa.float64(), nullable=False),  # radars; NaN otherwise
        pa.field("friendly", pa.bool_(), nullable=False),
        pa.field("neutral", pa.bool_(), nullable=False),  # neutral aircraft (threat rows)
    ],
    metadata={"iads.entities": "1"},
)


def _lla(ecef_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ecef_m = np.asarray(ecef_m, float).reshape(-1, 3)
    lat, lon, h = ecef_to_geodetic_rad(ecef_m[:, 0], ecef_m[:, 1], ecef_m[:, 2])
    return np.rad2deg(np.atleast_1d(lat)), np.rad2deg(np.atleast_1d(lon)), np.atleast_1d(h)


def entities_table(b: Built) -> pa.Table:
    """Units, radars, assets and threats of a built run (:data:`ENTITIES_SCHEMA`)."""
    rows: dict[str, list] = {f.name: [] for f in ENTITIES_SCHEMA}

    def add(kind, names, system, unit, ecef, rng, friendly, neutral=None) -> None:
        n = len(names)
        if ecef is None:
            lat = lon = h = np.full(n, np.nan)
        else:
            lat, lon, h = _lla(ecef) if n else (np.empty(0),) * 3
        rows["kind"] += [kind] * n
        rows["index"] += list(range(n))
        rows["name"] += list(names)
        rows["system"] += list(system)
        rows["unit"] += list(unit)
        rows["lat_deg"] += [float(x) for x in lat]
        rows["lon_deg"] += [float(x) for x in lon]
        rows["alt_m"] += [float(x) for x in h]
        rows["max_range_m"] += [float(x) for x in rng]
        rows["friendly"] += [bool(x) for x in friendly]
        rows["neutral"] += [False] * n if neutral is None else [bool(x) for x in neutral]

    u, r, th = b.units, b.radars, b.threats
    nan = np.nan
    add("unit", u.names, u.systems, [None] * u.n, u.pos_ecef_m, [nan] * u.n, [False] * u.n)
    n_r = len(r.keys)
    add(
        "radar",
        r.keys,
        r.keys,
        [u.names[int(k)] for k in r.unit],
        r.pos_ecef_m,
        r.max_range_m,
        [False] * n_r,
    )
    n_a = len(b.asset_names)
    add("asset", b.asset_names, [None] * n_a, [None] * n_a, b.asset_ecef_m, [nan] * n_a,
        [False] * n_a)  # fmt: skip
    add("threat", th.names, th.type_key, [None] * th.n, None, [nan] * th.n, th.friendly,
        th.neutral)
    return pa.table(rows, schema=ENTITIES_SCHEMA)
