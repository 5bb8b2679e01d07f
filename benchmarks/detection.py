"""Benchmark: radar-target detection evaluations per second.

One evaluation = one radar-target pair: SNR from the radar equation, Pd for the Swerling
case, and a Bernoulli draw. 10 radars x 10,000 targets per step, as in a large raid.
Compares the exact Pd kernels with the tabulated PdTable fast path, and prints the
table's worst error against the exact form on the benchmark's own SNRs.

Then the whole chain of the engine's sensing stage (iads.sensors.chain.evaluate_pairs:
geometry + 4/3-earth line of sight + aspect RCS + SNR + Pd) plus the Bernoulli draw, for
10 radars x 10,000 targets, with and without terrain (Gaussian hills) and a stand-off
jammer; and the coverage analysis of 5 radars on a 500 x 500 grid.

Run:  python benchmarks/detection.py
"""

from __future__ import annotations

import time

import numpy as np

from iads.sensors.detection import PdTable, detection_probability
from iads.sensors.radar_equation import snr_db

N_RADARS, N_TARGETS, REPEATS = 10, 10_000, 7
PFA = 1e-6


def _scene(rng: np.random.Generator) -> dict:
    return dict(
        peak_power_w=rng.uniform(1e5, 2e6, (N_RADARS, 1)),
        gain_tx_db=rng.uniform(30, 40, (N_RADARS, 1)),
        gain_rx_db=rng.uniform(30, 40, (N_RADARS, 1)),
        wavelength_m=rng.uniform(0.03, 0.3, (N_RADARS, 1)),
        noise_figure_db=3.0,
        pulse_width_s=rng.uniform(1e-6, 20e-6, (N_RADARS, 1)),
        losses_db=6.0,
        rcs_m2=10 ** rng.uniform(-3, 1, (1, N_TARGETS)),
        range_m=rng.uniform(5e3, 600e3, (N_RADARS, N_TARGETS)),
    )


def _time(fn) -> float:
    """Median wall time [s] of REPEATS calls."""
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main() -> None:
    rng = np.random.default_rng(2024)
    scene = _scene(rng)
    n_pairs = N_RADARS * N_TARGETS
    snr = snr_db(**scene)
    t_snr = _time(lambda: snr_db(**scene))
    print(f"{N_RADARS} radars x {N_TARGETS} targets = {n_pairs} pairs; median of {REPEATS}")
    print(f"radar equation SNR alone: {t_snr * 1e3:7.2f} ms  ({n_pairs / t_snr:,.0f} /s)")
    print(f"{'case':<22}{'exact ms':>10}{'exact pairs/s':>16}{'table ms':>10}"
          f"{'table pairs/s':>16}{'speed-up':>10}{'max |dPd|':>12}")  # fmt: skip
    for swerling, n in [(0, 1), (1, 1), (3, 1), (0, 10), (1, 10), (2, 10), (4, 10)]:
        table = PdTable(PFA, swerling, n)

        def exact(sw=swerling, n=n):
            s = snr_db(**scene)
            return rng.random(s.shape) < detection_probability(s, PFA, sw, n)

        def fast(table=table):
            s = snr_db(**scene)
            return rng.random(s.shape) < table(s)

        t_exact, t_fast = _time(exact), _time(fast)
        err = np.abs(table(snr) - detection_probability(snr, PFA, swerling, n)).max()
        print(
            f"Swerling {swerling}, n={n:<3}      {t_exact * 1e3:10.2f}{n_pairs / t_exact:16,.0f}"
            f"{t_fast * 1e3:10.2f}{n_pairs / t_fast:16,.0f}{t_exact / t_fast:10.1f}{err:12.1e}"
        )


def _radar_rows(n: int, rng: np.random.Generator) -> list[dict]:
    from types import SimpleNamespace as NS

    from iads.catalog.schema import Figure, RadarEntry

    def f(v):
        return Figure(value=v, assumed=True, rationale="benchmark")

    rows = []
    for i in range(n):
        e = RadarEntry(
            name=f"r{i}", role="surveillance" if i % 2 else "multifunction",
            ref_range_m=f(3e5), ref_rcs_m2=f(2.0), instrumented_range_m=f(4e5),
            revisit_s=f(5.0), range_sigma_m=f(50.0), angle_sigma_deg=f(0.2),
            antenna_height_m=f(15.0), min_elevation_deg=f(-1.0),
        )  # fmt: skip
        pos = NS(lat=39.0 + rng.uniform(0, 2), lon=32.0 + rng.uniform(0, 2), alt_m=0.0)
        rows.append({"key": f"r{i}", "unit": 0, "entry": e, "pos": pos})
    return rows


def chain_benchmark() -> None:
    from iads.geo import geodetic_to_ecef
    from iads.sensors.chain import PdBank, SensingWorld, evaluate_pairs
    from iads.sensors.setup import radar_arrays
    from iads.sensors.terrain import TerrainModel

    rng = np.random.default_rng(7)
    bank = PdBank()
    ra, _, _ = radar_arrays(_radar_rows(N_RADARS, rng), rng, 1.0, bank, need_jamming=True)
    n = N_TARGETS
    lat, lon = 38.0 + rng.uniform(0, 4, n), 30.0 + rng.uniform(0, 6, n)
    pos = np.stack(geodetic_to_ecef(lat, lon, rng.uniform(20, 12000, n)), -1)
    vel = rng.normal(size=(n, 3)) * 200.0
    rcs_db = np.log10(rng.uniform(0.01, 5, (n, 3))) * 10
    world = SensingWorld(rcs_db, rng.integers(0, 5, n), bank)
    ridx = np.repeat(np.arange(N_RADARS), n)
    tidx = np.tile(np.arange(n), N_RADARS)
    p, v = pos[tidx], vel[tidx]

    def run(w):
        res = evaluate_pairs(ra, w, ridx, tidx, p, v)
        return rng.random(ridx.size) < res.pd

    hills = TerrainModel(
        hill_lat_rad=np.deg2rad(38.0 + rng.uniform(0, 4, 20)),
        hill_lon_rad=np.deg2rad(30.0 + rng.uniform(0, 6, 20)),
        hill_height_m=rng.uniform(200, 2000, 20), hill_radius_m=rng.uniform(2e3, 2e4, 20),
    )  # fmt: skip
    jammed = SensingWorld(rcs_db, world.swerling, bank)
    jammed.soj_jn = np.full((N_RADARS, 1), 1e3)
    jammed.soj_dir_enu = np.tile([[[0.0, 1.0, 0.0]]], (N_RADARS, 1, 1))
    print(f"\nwhole chain (geometry + LOS + aspect RCS + SNR + Pd + draw), "
          f"{N_RADARS} x {n} = {ridx.size} pairs, median of {REPEATS}")  # fmt: skip
    for label, w in (
        ("smooth 4/3 earth", world),
        ("+ 20 hills, 48 ray samples", SensingWorld(rcs_db, world.swerling, bank, hills)),
        ("+ stand-off jammer", jammed),
    ):
        t = _time(lambda w=w: run(w))
        print(f"  {label:<28}{t * 1e3:9.1f} ms  {ridx.size / t:14,.0f} evaluations/s")


def coverage_benchmark() -> None:
    from types import SimpleNamespace as NS

    from iads.sensors.chain import PdBank, SensingWorld
    from iads.sensors.coverage import coverage
    from iads.sensors.setup import radar_arrays

    rng = np.random.default_rng(3)
    bank = PdBank()
    ra, _, _ = radar_arrays(_radar_rows(5, rng), rng, 1.0, bank)
    built = NS(radars=ra, sensing=SensingWorld(np.zeros((1, 3)), np.array([1]), bank))
    t0 = time.perf_counter()
    cov = coverage(built, 0.01, 100.0, n=500)
    t = time.perf_counter() - t0
    print(f"\ncoverage: 5 radars x 500 x 500 grid in {t:.2f} s "
          f"({5 * cov.network.size / t:,.0f} radar-points/s)")  # fmt: skip


if __name__ == "__main__":
    main()
    chain_benchmark()
    coverage_benchmark()
