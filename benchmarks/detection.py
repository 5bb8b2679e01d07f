"""Benchmark: radar-target detection evaluations per second.

One evaluation = one radar-target pair: SNR from the radar equation, Pd for the Swerling
case, and a Bernoulli draw. 10 radars x 10,000 targets per step, as in a large raid.
Compares the exact Pd kernels with the tabulated PdTable fast path, and prints the
table's worst error against the exact form on the benchmark's own SNRs.

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


if __name__ == "__main__":
    main()
