"""Light imports and public package faces: ``iads validate`` and ``iads schema`` import
neither numba, scipy nor pyarrow; every name a package's ``__all__`` lists resolves."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ("numba", "scipy", "pyarrow", "matplotlib", "duckdb")

_PROBE = """
import json, sys
from iads.cli import app
try:
    app({argv!r}, standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["validate", "default"], ["schema"]])
def test_light_commands_import_no_heavy_library(argv: list[str]) -> None:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    code = _PROBE.format(argv=argv, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "OK" in out.stdout or '"properties"' in out.stdout  # the command did its work
    loaded = json.loads(out.stderr.strip().splitlines()[-1])
    assert loaded == [], f"iads {' '.join(argv)} imported {loaded}"


PACKAGES = ("c2", "campaign", "catalog", "engine", "geo", "report", "scenario", "sensors",
            "state", "threats", "tracking", "weapons")  # fmt: skip


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves(package: str) -> None:
    mod = importlib.import_module(f"iads.{package}")
    assert mod.__all__, f"iads.{package} exports nothing"
    assert len(set(mod.__all__)) == len(mod.__all__)
    for name in mod.__all__:
        value = getattr(mod, name)
        # A function sharing its module's name must not be shadowed by the module.
        assert not isinstance(value, types.ModuleType) or name == "wgs84", f"{package}.{name}"
    with pytest.raises(AttributeError, match="no_such_name"):
        mod.no_such_name  # noqa: B018


def test_documented_face_of_sensors() -> None:
    from iads.sensors import detection_probability, snr_db
    from iads.sensors.detection import detection_probability as direct

    assert detection_probability is direct
    assert 0.0 < float(detection_probability(13.0, 1e-6, 1)) < 1.0
    assert callable(snr_db)
