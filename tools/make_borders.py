"""Regenerate ``src/iads/geo/data/borders.json.gz``: Natural Earth country polygons for
airspace definitions and finer map borders.

Source: the npm package ``world-atlas`` (ISC licence; Natural Earth data, public domain),
files ``countries-50m.json`` (global, 1:50m) and ``countries-10m.json`` (1:10m, clipped
here to the region of the built-in scenarios, ``BOX_10M``, to keep the file small).

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    PYTHONPATH=src python tools/make_borders.py /tmp/package

Output (gzip JSON): ``{"source": ..., "resolutions": {"50m": {"box": null, "countries":
{name: {"id": ISO 3166-1 numeric, "polygons": [[ring, ...], ...]}}, "scale_deg": 1e-3},
"10m": {"box": [lon_min, lat_min, lon_max, lat_max], "scale_deg": 1e-4, ...}}}``; rings
(exterior first, counter-clockwise) are flat integer lists ``[lon0, lat0, dlon1, dlat1,
...]``: the first point, then differences, in units of ``scale_deg`` (1:50m rounded to
1e-3 deg ~ 110 m, below its own accuracy; 1:10m to 1e-4 deg ~ 11 m).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon, box

from iads.report.basemap import _decode_arcs, _geometry_polygons

#: lon_min, lat_min, lon_max, lat_max of the 1:10m clip: Turkey, Syria, Cyprus, the
#: Levant, the eastern Mediterranean, the Black Sea coast and the Caucasus.
BOX_10M = (24.0, 29.0, 46.0, 46.0)
OUT = Path(__file__).resolve().parents[1] / "src/iads/geo/data/borders.json.gz"


def _countries(path: Path, clip: tuple[float, ...] | None, digits: int) -> dict:
    doc = json.loads(path.read_text("utf-8"))
    arcs = _decode_arcs(doc["arcs"], doc.get("transform"))
    out: dict = {}
    for g in doc["objects"]["countries"]["geometries"]:
        name = g.get("properties", {}).get("name")
        if not name:
            continue
        polys = []
        for rings in _geometry_polygons(g, list(arcs)):
            rings = [r for r in rings if len(r) >= 4]  # a few tiny islets collapse
            if not rings:
                continue
            p = Polygon(rings[0], rings[1:])
            polys.append(p if p.is_valid else shapely.make_valid(p))
        geom = shapely.unary_union(polys)
        if clip is not None:
            geom = geom.intersection(box(*clip))
        parts = [geom] if isinstance(geom, Polygon) else [
            p for p in getattr(geom, "geoms", []) if isinstance(p, Polygon)
        ]
        parts = [shapely.geometry.polygon.orient(p) for p in parts if not p.is_empty]
        if not parts:
            continue

        def flat(ring) -> list[int]:
            # Delta-encoded integers of 10^-digits deg (TopoJSON's trick): compresses well.
            q = np.round(np.asarray(ring.coords)[:, :2] * 10**digits).astype(np.int64)
            return np.concatenate([q[:1], np.diff(q, axis=0)]).ravel().tolist()

        entry = out.setdefault(name, {"id": str(g.get("id", "")), "polygons": []})
        entry["polygons"] += [
            [flat(p.exterior), *[flat(h) for h in p.interiors]] for p in parts
        ]
    return out


def main(package_dir: str) -> None:
    pkg = Path(package_dir)
    version = json.loads((pkg / "package.json").read_text())["version"]
    doc = {
        "source": f"Natural Earth admin-0 countries via npm world-atlas {version} "
        "(countries-50m.json global; countries-10m.json clipped to box)",
        "resolutions": {
            "50m": {"box": None, "scale_deg": 1e-3,
                    "countries": _countries(pkg / "countries-50m.json", None, 3)},
            "10m": {"box": list(BOX_10M), "scale_deg": 1e-4,
                    "countries": _countries(pkg / "countries-10m.json", BOX_10M, 4)},
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(doc, separators=(",", ":")).encode()
    OUT.write_bytes(gzip.compress(raw, 9, mtime=0))
    data = OUT.read_bytes()
    print(f"{OUT}: {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/package")
