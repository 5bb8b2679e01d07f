"""A small finished run (threat truth at 1 Hz) and its DIS export, shared by the DIS tests:
cruise missiles killed and missed, a ballistic missile that impacts, an aircraft that
leaks, one that is shot down."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

SCENARIO = textwrap.dedent("""\
    name: DIS test raid
    settings: {duration_s: 560, time_step_s: 1.0, seed: 7}
    assets:
      - {name: Ankara, position: {lat: 39.9334, lon: 32.8597, alt_m: 0}, value: 100}
      - {name: Mürted air base, position: {lat: 40.0786, lon: 32.5656, alt_m: 0}, value: 40}
    defenders:
      - name: S-400 Mürted
        system: S-400
        position: {lat: 40.0786, lon: 32.5656, alt_m: 0}
        doctrine: {policy: shoot-look-shoot, salvo: 2}
    threats:
      - {name: Kalibr, type: kalibr, count: 3, launch: {lat: 40.9, lon: 33.6}, target: Ankara,
         spacing_s: 8, lateral_spacing_m: 600}
      - {name: Iskander, type: iskander, launch: {lat: 41.9, lon: 34.5}, target: Ankara}
      - {name: F-16, type: f16, launch: {lat: 40.7, lon: 31.5}, target: Mürted air base,
         altitude_m: 6000}
      - {name: Su-24, type: su24, launch: {lat: 39.5, lon: 34.5}, target: Ankara,
         altitude_m: 300, launch_time_s: 100}
""")


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    """The run directory (events.parquet, summary.json, truth.parquet at 1 Hz)."""
    from iads.engine import simulate
    from iads.report.export import write_run
    from iads.scenario import load_scenario

    d = tmp_path_factory.mktemp("dis_run")
    sc = d / "sc.yaml"
    sc.write_text(SCENARIO, encoding="utf-8")
    result = simulate(load_scenario(str(sc)))
    write_run(result, d / "run", plot=False, truth_rate_hz=1.0)
    return d / "run"


@pytest.fixture(scope="session")
def exported(run_dir: Path):
    """(timeline, pcap path) of the run's DIS export."""
    from iads.dis import export_dis

    return export_dis(run_dir, run_dir / "dis.pcap")


@pytest.fixture(scope="session")
def tshark_exe() -> str:
    """Path of tshark; without it the test skips, except in CI (``CI`` set), where
    .ci/run installs it and its absence is a failure."""
    exe = shutil.which("tshark")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("tshark is not installed, and CI is set (.ci/run installs it)")
        pytest.skip("tshark (Debian package 'tshark') is not installed")
    return exe
