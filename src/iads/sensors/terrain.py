"""Terrain heights for line-of-sight masking: a regular latitude/longitude elevation grid
(bilinear interpolation) plus synthetic Gaussian hills, read from a scenario's
``terrain:`` entry.

First-order model: heights [m] above the WGS-84 ellipsoid (the geoid-ellipsoid offset, a
few tens of metres, is the user's to fold into the file), no vegetation or buildings. A
hill adds ``height_m * exp(-d^2 / (2 radius_m^2))`` with ``d`` the local flat-earth
distance to its centre (equirectangular, good to < 1 % inside 300 km of it). Outside the
grid the grid contributes 0 m (sea level).

File formats: a NumPy ``.npz`` with ``lat_deg`` (ny,) and ``lon_deg`` (nx,) strictly
increasing and ``height_m`` (ny, nx). GeoTIFF needs the optional ``tifffile`` package,
which iads does not depend on yet: convert such a file to ``.npz`` first.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from iads.errors import ParameterError
from iads.geo.wgs84 import MEAN_RADIUS_M

__all__ = ["TerrainModel", "load_terrain"]


@dataclass(frozen=True, eq=False)
class TerrainModel:
    """Terrain height [m] above the ellipsoid as a function of geodetic latitude/longitude.

    ``lat_rad`` (ny,), ``lon_rad`` (nx,) strictly increasing grid axes and ``height_m``
    (ny, nx), or all three empty for no grid; ``hill_*`` (h,) hill centres [rad], peak
    heights [m] and radii [m].
    """

    lat_rad: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    lon_rad: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    height_m: NDArray[np.float64] = field(default_factory=lambda: np.empty((0, 0)))
    hill_lat_rad: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    hill_lon_rad: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    hill_height_m: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    hill_radius_m: NDArray[np.float64] = field(default_factory=lambda: np.empty(0))

    def __post_init__(self) -> None:
        func = "TerrainModel"
        lat, lon, h = (np.asarray(a, dtype=float) for a in (self.lat_rad, self.lon_rad,
                                                             self.height_m))  # fmt: skip
        if lat.size or lon.size or h.size:
            for name, ax in (("lat_rad", lat), ("lon_rad", lon)):
                if ax.ndim != 1 or ax.size < 2 or np.any(np.diff(ax) <= 0):
                    raise ParameterError(name, f"array of shape {ax.shape}",
                                         "a strictly increasing 1-D axis of >= 2 nodes", func)
            if h.shape != (lat.size, lon.size) or not np.all(np.isfinite(h)):
                raise ParameterError("height_m", f"array of shape {h.shape}",
                                     f"finite heights of shape ({lat.size}, {lon.size})", func)
        object.__setattr__(self, "lat_rad", lat)
        object.__setattr__(self, "lon_rad", lon)
        object.__setattr__(self, "height_m", h)

    @property
    def has_grid(self) -> bool:
        return self.height_m.size > 0

    @property
    def max_height_m(self) -> float:
        """Upper bound of the terrain height anywhere [m] (for cheap pre-screening)."""
        g = max(float(self.height_m.max()), 0.0) if self.has_grid else 0.0
        if self.hill_height_m.size == 0:
            return g
        # The summed hills peak close to a hill centre (Gaussians of comparable widths);
        # 10 % over the highest centre value (and never below the highest hill) is kept.
        at_centres = TerrainModel(hill_lat_rad=self.hill_lat_rad, hill_lon_rad=self.hill_lon_rad,
                                  hill_height_m=self.hill_height_m,
                                  hill_radius_m=self.hill_radius_m)(self.hill_lat_rad,
                                                                    self.hill_lon_rad)
        return g + 1.1 * float(max(at_centres.max(), self.hill_height_m.max()))

    def __call__(self, lat_rad: NDArray[np.float64], lon_rad: NDArray[np.float64]) -> NDArray:
        """Terrain height [m] at geodetic ``lat_rad``, ``lon_rad`` (same shape, any)."""
        out = np.zeros(np.shape(lat_rad))
        if self.has_grid:
            out += self._grid(lat_rad, lon_rad)
        if self.hill_height_m.size:
            # Local flat-earth offsets to each hill (equirectangular), summed over hills.
            dlat = lat_rad[..., None] - self.hill_lat_rad
            dlon = np.mod(lon_rad[..., None] - self.hill_lon_rad + np.pi, 2 * np.pi) - np.pi
            dx = dlon * np.cos(self.hill_lat_rad) * MEAN_RADIUS_M
            dy = dlat * MEAN_RADIUS_M
            out += np.sum(
                self.hill_height_m * np.exp(-(dx * dx + dy * dy) / (2.0 * self.hill_radius_m**2)),
                axis=-1,
            )
        return out

    def _grid(self, lat: NDArray, lon: NDArray) -> NDArray:
        la, lo, h = self.lat_rad, self.lon_rad, self.height_m
        inside = (lat >= la[0]) & (lat <= la[-1]) & (lon >= lo[0]) & (lon <= lo[-1])
        i = np.clip(np.searchsorted(la, lat, side="right") - 1, 0, la.size - 2)
        j = np.clip(np.searchsorted(lo, lon, side="right") - 1, 0, lo.size - 2)
        wy = np.clip((lat - la[i]) / (la[i + 1] - la[i]), 0.0, 1.0)
        wx = np.clip((lon - lo[j]) / (lo[j + 1] - lo[j]), 0.0, 1.0)
        v = (h[i, j] * (1 - wy) * (1 - wx) + h[i + 1, j] * wy * (1 - wx)
             + h[i, j + 1] * (1 - wy) * wx + h[i + 1, j + 1] * wy * wx)  # fmt: skip
        return np.where(inside, v, 0.0)


def load_terrain(terrain, base_dir: str | Path | None = None) -> TerrainModel:
    """A :class:`TerrainModel` from a scenario ``Terrain`` entry (``file`` and/or ``hills``);
    a relative ``file`` is read from ``base_dir`` (the scenario's folder)."""
    lat = lon = np.empty(0)
    h = np.empty((0, 0))
    if terrain.file is not None:
        path = Path(terrain.file)
        if not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        lat, lon, h = _read_grid(path)
    hills = terrain.hills
    return TerrainModel(
        np.deg2rad(lat), np.deg2rad(lon), h,
        np.deg2rad([x.lat for x in hills]), np.deg2rad([x.lon for x in hills]),
        np.array([x.height_m for x in hills], dtype=float),
        np.array([x.radius_m for x in hills], dtype=float),
    )  # fmt: skip


def _read_grid(path: Path) -> tuple[NDArray, NDArray, NDArray]:
    func = "terrain.file"
    if path.suffix.lower() in (".tif", ".tiff"):
        raise ParameterError(
            func, str(path), "a .npz grid (GeoTIFF needs the optional 'tifffile' package, "
            "not installed with iads; convert the file to .npz with lat_deg, lon_deg, height_m)",
        )  # fmt: skip
    if path.suffix.lower() != ".npz" or not path.exists():
        raise ParameterError(func, str(path), "an existing .npz file", "load_terrain")
    try:
        # allow_pickle stays False: a grid is numbers, never Python objects.
        with np.load(path, allow_pickle=False) as z:
            missing = {"lat_deg", "lon_deg", "height_m"} - set(getattr(z, "files", ()))
            if not hasattr(z, "files"):
                missing = {"an .npz archive"}
            if missing:
                raise ParameterError(func, str(path), f"an .npz holding {sorted(missing)} too")
            grid = (np.asarray(z["lat_deg"], float), np.asarray(z["lon_deg"], float),
                    np.asarray(z["height_m"], float))  # fmt: skip
    except ParameterError:
        raise
    except (OSError, ValueError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        why = str(exc).split(". ")[0]
        if "pickle" in why:
            why = "it is not an .npz archive of numbers (it would need unpickling)"
        raise ParameterError(
            func, str(path), f"a readable .npz grid of numbers (lat_deg, lon_deg, height_m); "
            f"reading it failed: {why}", "load_terrain") from None
    TerrainModel(np.deg2rad(grid[0]), np.deg2rad(grid[1]), grid[2])  # checks the axes
    return grid
