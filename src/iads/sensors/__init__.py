"""iads.sensors: radar detection physics and the sensing stage.

detection        Pd and thresholds of Swerling 0-4 targets (``detection_probability``,
                 ``required_snr_db``, Albersheim and Shnidman approximations, ``PdTable``)
radar_equation   SNR, noise power, detection ranges (``snr_db``, ``max_detection_range_m``)
jamming          noise jamming: J/N, S/(J+N), burn-through and stand-off ranges
clutter          resolution cells and false alarms
rcs              RCS by aspect and fluctuation draws
terrain          terrain heights and masking
coverage         detection-coverage grids (``iads.sensors.coverage.coverage``; the
                 module shares its name, so the function is not re-exported here)
exposure         first detection and dwell counts per target and radar, from an event log

The engine's parts (``setup``, ``radar``, ``chain``, ``stage``) are imported by
``iads.engine``, not from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iads._lazy import lazy_exports

if TYPE_CHECKING:
    from iads.sensors.clutter import (
        FalseAlarms,
        draw_false_alarms,
        expected_false_alarms,
        n_resolution_cells,
    )
    from iads.sensors.coverage import Coverage, default_extent, write_coverage
    from iads.sensors.detection import (
        SWERLING_CASES,
        PdTable,
        albersheim_snr_db,
        detection_probability,
        detection_threshold,
        required_snr_db,
        shnidman_snr_db,
    )
    from iads.sensors.exposure import exposure_summary
    from iads.sensors.jamming import (
        burn_through_range_m,
        jammer_power_w,
        jammer_to_noise_db,
        signal_to_interference_db,
        soj_detection_range_m,
        total_jnr_db,
    )
    from iads.sensors.radar_equation import (
        max_detection_range_m,
        noise_power_w,
        reference_snr_db,
        scaled_detection_range_m,
        snr_db,
        snr_from_reference_db,
    )
    from iads.sensors.rcs import AspectRcsTable, aspect_angles_rad, draw_rcs, off_nose_angle_rad
    from iads.sensors.terrain import TerrainModel, load_terrain

_EXPORTS = {
    "FalseAlarms": "iads.sensors.clutter",
    "draw_false_alarms": "iads.sensors.clutter",
    "expected_false_alarms": "iads.sensors.clutter",
    "n_resolution_cells": "iads.sensors.clutter",
    "Coverage": "iads.sensors.coverage",
    "default_extent": "iads.sensors.coverage",
    "write_coverage": "iads.sensors.coverage",
    "PdTable": "iads.sensors.detection",
    "SWERLING_CASES": "iads.sensors.detection",
    "albersheim_snr_db": "iads.sensors.detection",
    "detection_probability": "iads.sensors.detection",
    "detection_threshold": "iads.sensors.detection",
    "required_snr_db": "iads.sensors.detection",
    "shnidman_snr_db": "iads.sensors.detection",
    "exposure_summary": "iads.sensors.exposure",
    "burn_through_range_m": "iads.sensors.jamming",
    "jammer_power_w": "iads.sensors.jamming",
    "jammer_to_noise_db": "iads.sensors.jamming",
    "signal_to_interference_db": "iads.sensors.jamming",
    "soj_detection_range_m": "iads.sensors.jamming",
    "total_jnr_db": "iads.sensors.jamming",
    "max_detection_range_m": "iads.sensors.radar_equation",
    "noise_power_w": "iads.sensors.radar_equation",
    "reference_snr_db": "iads.sensors.radar_equation",
    "scaled_detection_range_m": "iads.sensors.radar_equation",
    "snr_db": "iads.sensors.radar_equation",
    "snr_from_reference_db": "iads.sensors.radar_equation",
    "AspectRcsTable": "iads.sensors.rcs",
    "aspect_angles_rad": "iads.sensors.rcs",
    "draw_rcs": "iads.sensors.rcs",
    "off_nose_angle_rad": "iads.sensors.rcs",
    "TerrainModel": "iads.sensors.terrain",
    "load_terrain": "iads.sensors.terrain",
}
__all__ = [
    "SWERLING_CASES",
    "AspectRcsTable",
    "Coverage",
    "FalseAlarms",
    "PdTable",
    "TerrainModel",
    "albersheim_snr_db",
    "aspect_angles_rad",
    "burn_through_range_m",
    "default_extent",
    "detection_probability",
    "detection_threshold",
    "draw_false_alarms",
    "draw_rcs",
    "expected_false_alarms",
    "exposure_summary",
    "jammer_power_w",
    "jammer_to_noise_db",
    "load_terrain",
    "max_detection_range_m",
    "n_resolution_cells",
    "noise_power_w",
    "off_nose_angle_rad",
    "reference_snr_db",
    "required_snr_db",
    "scaled_detection_range_m",
    "shnidman_snr_db",
    "signal_to_interference_db",
    "snr_db",
    "snr_from_reference_db",
    "soj_detection_range_m",
    "total_jnr_db",
    "write_coverage",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
