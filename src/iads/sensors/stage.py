"""The sensing stage of the engine: which radars scan at this step, their detections,
and the detection events they log."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from iads.engine.state import RunState, lla
from iads.sensors.radar import Detections, scan, scans_due

__all__ = ["sense"]


def sense(
    rs: RunState, t_s: float, pos_ecef_m: NDArray[np.float64], active: NDArray[np.bool_]
) -> tuple[Detections, NDArray[np.int64]]:
    """Scan with every radar due at ``t_s``; returns the detections and the indices of the
    radars that scanned."""
    b = rs.built
    due = scans_due(b.radars, t_s)
    det = scan(
        b.radars,
        due,
        t_s,
        pos_ecef_m,
        b.threats.rcs_m2,
        b.threats.swerling,
        active,
        b.ref_snr_db,
        b.rng["sensors"],
    )
    if det.n:
        lat, lon, h = lla(det.z_ecef_m)
        rs.log.add(
            "detection",
            t_s,
            threat_id=det.threat,
            radar_id=det.radar,
            unit_id=b.radars.unit[det.radar],
            lat_deg=lat,
            lon_deg=lon,
            alt_m=h,
        )
    return det, due
