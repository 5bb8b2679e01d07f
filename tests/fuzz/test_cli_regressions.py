"""Regression tests of issue 11 for the command line: bad options and output paths fail
before any work with exit 2; a failed write keeps what was written and says so; the run
cost is estimated and refused with the setting to change; the terrain file is checked at
validation; and the polish (units and flags in --help, --version, the numba note, the
summary printed last)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
from fuzzkit import assert_clean, iads

from iads.errors import OutputError

BASE = Path(__file__).with_name("base.yaml")


def _refused_before_work(res, *words: str) -> None:
    assert_clean(res)
    assert res.code == 2, str(res)
    assert "Simulated" not in res.stdout, str(res)  # nothing ran
    for w in words:
        assert w in res.stderr, f"{w!r} not in\n{res}"


@pytest.fixture
def afile(tmp_path: Path) -> Path:
    f = tmp_path / "afile"
    f.write_text("a file\n")
    return f


def test_negative_seed(tmp_path: Path) -> None:
    _refused_before_work(iads("run", str(BASE), "--seed", "-1", cwd=tmp_path), "--seed")


def test_run_out_is_an_existing_file(tmp_path: Path, afile: Path) -> None:
    _refused_before_work(iads("run", str(BASE), "--out", str(afile), cwd=tmp_path),
                         "--out", "is a file")


def test_run_out_is_unwritable(tmp_path: Path) -> None:
    _refused_before_work(iads("run", str(BASE), "--out", "/proc/iads/x", cwd=tmp_path),
                         "--out", "cannot write")
    assert not Path("/proc/iads").exists()


def test_coverage_out_is_a_file(tmp_path: Path, afile: Path) -> None:
    _refused_before_work(iads("coverage", str(BASE), "--out", str(afile), cwd=tmp_path),
                         "--out", "is a file")


def test_envelope_out_in_a_missing_folder(tmp_path: Path) -> None:
    res = iads("envelope", "S-400", "--missile", "48N6E3", "--target", "f16", "--out",
               "nodir/x.png", cwd=tmp_path)
    _refused_before_work(res, "--out", "does not exist")
    res = iads("envelope", "S-400", "--missile", "48N6E3", "--target", "f16", "--out",
               "x.txt", cwd=tmp_path)
    _refused_before_work(res, "--out", ".png")


def test_campaign_out_is_a_file(tmp_path: Path, afile: Path) -> None:
    res = iads("campaign", "--scenario", str(BASE), "--reps", "2", "--workers", "1", "--out",
               str(afile), cwd=tmp_path)
    _refused_before_work(res, "--out", "is a file")
    assert "replication(s) run" not in res.stdout


def test_dask_at_an_unreachable_address(tmp_path: Path) -> None:
    res = iads("campaign", "--scenario", str(BASE), "--reps", "1", "--out",
               str(tmp_path / "c"), "--dask", "tcp://127.0.0.1:9", cwd=tmp_path)
    assert_clean(res)
    assert res.code == 2 and "--dask tcp://127.0.0.1:9" in res.stderr, str(res)


def test_truth_rate_1e6_is_refused_quickly(tmp_path: Path) -> None:
    _refused_before_work(iads("run", str(BASE), "--truth-rate", "1e6", cwd=tmp_path),
                         "--truth-rate")
    # Inside the option's range but over the memory budget on the 45-minute default.
    _refused_before_work(iads("run", "default", "--truth-rate", "1000", cwd=tmp_path),
                         "--truth-rate", "--force", "memory")


def test_run_cost_estimate(tmp_path: Path) -> None:
    from iads.scenario import load_scenario
    from iads.scenario.cost import MEMORY_BUDGET_BYTES, estimate_cost

    loaded = load_scenario(BASE)
    c = estimate_cost(loaded.scenario, loaded.catalog, truth_rate_hz=2.0)
    # 7 threats (2 cruise, 1 ballistic, 2 drones, 1 aircraft, 1 raid aircraft) + 1
    # friendly; 120 s at 1 s; S-400's three radars.
    assert (c.n_entities, c.n_radars, c.n_steps, c.n_truth_samples) == (8, 3, 121, 121)
    assert c.n_truth_rows == (2 * 120 + 1) * 8
    assert c.memory_bytes < MEMORY_BUDGET_BYTES / 100 and c.problems() == []
    big = c.__class__(**{**c.__dict__, "memory_bytes": 2.0 * MEMORY_BUDGET_BYTES})
    assert "memory" in big.problems()[0]


def test_force_runs_past_the_budget(tmp_path: Path, monkeypatch) -> None:
    import iads.scenario.cost as cost

    monkeypatch.setattr(cost, "MEMORY_BUDGET_BYTES", 1.0)
    _refused_before_work(iads("validate", str(BASE), cwd=tmp_path), "--force")
    res = iads("run", str(BASE), "--out", str(tmp_path / "o"), "--no-plot", "--force",
               cwd=tmp_path)
    assert res.code == 0, str(res)


def _terrain_scenario(tmp_path: Path, npz: Path) -> Path:
    text = BASE.read_text(encoding="utf-8")
    f = tmp_path / "terrain.yaml"
    f.write_text(text.replace("terrain:\n", f"terrain:\n  file: {npz.name}\n"), "utf-8")
    return f


@pytest.mark.parametrize("kind", ["junk", "pickled", "missing_keys", "bad_axes", "strings"])
def test_bad_terrain_file_fails_validation(kind: str, tmp_path: Path) -> None:
    npz = tmp_path / "t.npz"
    if kind == "junk":
        npz.write_bytes(np.random.default_rng(0).bytes(500))
    elif kind == "pickled":
        npz.write_bytes(pickle.dumps({"lat_deg": [1, 2]}))
    elif kind == "missing_keys":
        np.savez(npz, lat_deg=np.arange(3.0))
    elif kind == "bad_axes":
        np.savez(npz, lat_deg=np.array([2.0, 1.0]), lon_deg=np.arange(2.0),
                 height_m=np.zeros((2, 2)))
    else:
        np.savez(npz, lat_deg=np.array(["a", "b"]), lon_deg=np.arange(2.0),
                 height_m=np.zeros((2, 2)))
    f = _terrain_scenario(tmp_path, npz)
    res = iads("validate", str(f), cwd=tmp_path)
    assert_clean(res, file=str(f))
    assert res.code == 2 and "terrain.file" in res.stderr, str(res)


def test_a_good_terrain_file_validates(tmp_path: Path) -> None:
    npz = tmp_path / "t.npz"
    np.savez(npz, lat_deg=np.linspace(39, 41, 5), lon_deg=np.linspace(32, 34, 5),
             height_m=np.full((5, 5), 100.0))
    res = iads("validate", str(_terrain_scenario(tmp_path, npz)), cwd=tmp_path)
    assert res.code == 0, str(res)


def test_a_failed_write_keeps_what_was_written(tmp_path: Path, monkeypatch) -> None:
    import iads.report.map_engagement as m
    from iads.engine import simulate
    from iads.report.export import write_run
    from iads.scenario import load_scenario

    result = simulate(load_scenario(BASE))
    out = tmp_path / "o"
    out.mkdir()
    (out / "events.parquet").write_bytes(b"old")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(m, "plot_engagement", disk_full)
    with pytest.raises(OutputError) as info:
        write_run(result, out, plot=True, truth_rate_hz=1.0)
    msg = str(info.value)
    assert "engagement.png" in msg and "No space left" in msg
    assert "events.parquet" in msg and "summary.json" in msg and "truth.parquet" in msg
    assert (out / "events.parquet").read_bytes()[:4] == b"PAR1"  # replaced completely
    names = {p.name for p in out.iterdir()}
    assert {"events.parquet", "summary.json", "truth.parquet"} <= names
    assert "engagement.png" not in names and not any(".tmp" in n for n in names)


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch) -> None:
    import pyarrow.parquet as pq

    from iads._outputs import atomic_write

    f = tmp_path / "events.parquet"
    f.write_bytes(b"previous run")

    def half_then_fail(p: Path) -> None:
        p.write_bytes(b"PAR1 trunc")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError):
        atomic_write(f, half_then_fail)
    assert f.read_bytes() == b"previous run"
    assert [p.name for p in tmp_path.iterdir()] == ["events.parquet"]
    assert pq  # the real writer is exercised by the test above


def test_error_printer_takes_markup_and_surrogates(capsys) -> None:
    from iads.cli import print_error
    from iads.errors import InputError

    print_error(InputError("name '[/x]' and '[bold]b' and '\ud800'"))
    err = capsys.readouterr().err
    assert "[/x]" in err and "[bold]b" in err and "\\ud800" in err


def test_version(tmp_path: Path) -> None:
    from iads import __version__

    res = iads("--version", cwd=tmp_path)
    assert res.code == 0 and res.stdout.strip() == f"iads {__version__}"


def test_help_shows_units_and_flags(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    cov = iads("coverage", "--help", cwd=tmp_path).stdout
    assert "RCS [m^2]" in cov and "height [m]" in cov
    run = iads("run", "--help", cwd=tmp_path).stdout
    assert "--plot" in run and "--no-plot" in run and "[Hz]" in run
    assert "<bool>" not in run and "<bool>" not in cov


def test_numba_note_and_summary_last(tmp_path: Path, monkeypatch) -> None:
    import iads._jitcache as jc

    monkeypatch.setattr(jc, "cache_is_cold", lambda: True)
    res = iads("run", str(BASE), "--out", str(tmp_path / "o"), "--no-plot", cwd=tmp_path)
    assert res.code == 0, str(res)
    assert "compiling the numba kernels" in res.stderr
    # The summary table (titled by the scenario) comes after the exposure table.
    assert res.stdout.index("Exposure") < res.stdout.index("fuzz base (seed 7)")


def test_cache_is_cold_reads_numba_cache_dir(tmp_path: Path, monkeypatch) -> None:
    import sys

    import iads
    from iads._jitcache import JIT_MODULES, cache_is_cold

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert cache_is_cold()
    root = Path(iads.__file__).resolve().parent
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    for rel in JIT_MODULES:
        src = root / rel
        d = tmp_path / src.parent.relative_to(src.anchor)
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{src.stem}.kernel-1.{tag}.nbi").write_bytes(b"")
    assert not cache_is_cold()
