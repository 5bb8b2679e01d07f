"""The layering of docs/architecture.md: data flows one way, no package imports one above
it (import-linter's layers contract in pyproject.toml), and every stage module imports
alone in a fresh interpreter (no import cycle through the engine)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    return env


def test_layers_contract_kept() -> None:
    pytest.importorskip("importlinter")
    lint = [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"]
    out = subprocess.run(lint, cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 kept, 0 broken" in out.stdout


@pytest.mark.parametrize(
    "module",
    ["iads.sensors.stage", "iads.c2.stage", "iads.weapons.stage", "iads.engine.picture",
     "iads.state", "iads.engine",
     # Every CLI module imported first (a circular import once broke `import cli_campaign`).
     "iads.cli_campaign", "iads.cli_study", "iads.cli_c2", "iads.cli_sensors",
     "iads.cli_export", "iads.cli_dis"],
)  # fmt: skip
def test_stage_module_imports_alone(module: str) -> None:
    out = subprocess.run([sys.executable, "-c", f"import {module}"], env=_env(),
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr


def test_every_package_has_a_layer() -> None:
    """A new package or top-level module must be placed in the layers, else the
    contract says nothing about it."""
    import pkgutil
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    layers = [layer.replace("|", ":").split(":") for layer in contract["layers"]]
    layered = {m.strip() for layer in layers for m in layer}
    modules = {f"iads.{m.name}" for m in pkgutil.iter_modules([str(SRC / "iads")])}
    assert modules - layered == set()
