"""iads.geo: WGS-84 frames (geodetic, ECEF, ENU, AER), great circles and the radar horizon.

SI inside (m, rad); degrees only in functions and arguments whose names say ``_deg``.
Radian kernels (``*_rad``) skip argument checks and are what the engine calls; the degree
API validates at the entry and raises ``iads.errors.ParameterError``. See docs/geo.md.
"""

from iads.geo import wgs84
from iads.geo.aer import (
    aer_to_ecef,
    aer_to_enu,
    aer_to_enu_rad,
    aer_to_geodetic,
    ecef_to_aer,
    enu_to_aer,
    enu_to_aer_rad,
    enu_to_geodetic,
    geodetic_to_aer,
    geodetic_to_enu,
)
from iads.geo.ecef import (
    ecef_to_geodetic,
    ecef_to_geodetic_rad,
    geodetic_to_ecef,
    geodetic_to_ecef_rad,
)
from iads.geo.enu import (
    ecef_to_enu,
    ecef_to_enu_rad,
    ecef_to_enu_vector,
    ecef_to_enu_vector_rad,
    enu_rotation,
    enu_rotation_rad,
    enu_to_ecef,
    enu_to_ecef_rad,
    enu_to_ecef_vector,
    enu_to_ecef_vector_rad,
)
from iads.geo.greatcircle import (
    central_angle_rad,
    destination_point,
    destination_point_rad,
    great_circle_distance_m,
    initial_bearing_deg,
    initial_bearing_rad,
    interpolate_great_circle,
)
from iads.geo.horizon import (
    K_STANDARD,
    elevation_angle_rad,
    line_of_sight_clear,
    los_clearance_m,
    radar_horizon_m,
)

__all__ = [
    "K_STANDARD",
    "aer_to_ecef",
    "aer_to_enu",
    "aer_to_enu_rad",
    "aer_to_geodetic",
    "central_angle_rad",
    "destination_point",
    "destination_point_rad",
    "ecef_to_aer",
    "ecef_to_enu",
    "ecef_to_enu_rad",
    "ecef_to_enu_vector",
    "ecef_to_enu_vector_rad",
    "ecef_to_geodetic",
    "ecef_to_geodetic_rad",
    "elevation_angle_rad",
    "enu_rotation",
    "enu_rotation_rad",
    "enu_to_aer",
    "enu_to_aer_rad",
    "enu_to_ecef",
    "enu_to_ecef_rad",
    "enu_to_ecef_vector",
    "enu_to_ecef_vector_rad",
    "enu_to_geodetic",
    "geodetic_to_aer",
    "geodetic_to_ecef",
    "geodetic_to_ecef_rad",
    "geodetic_to_enu",
    "great_circle_distance_m",
    "initial_bearing_deg",
    "initial_bearing_rad",
    "interpolate_great_circle",
    "line_of_sight_clear",
    "los_clearance_m",
    "radar_horizon_m",
    "wgs84",
]
