"""Benchmark: iads.tracking against Stone Soup on the same multi-target scans.

Scenario (iads.tracking.synthetic.simulate_cv): nearly-constant-velocity targets, linear
Gaussian position measurements (sigma 5 m, P_D 0.95), uniform clutter, GNN association with
a Mahalanobis gate at distance 4, single-point initiation, confirmation after 3 updates,
deletion after 3 missed scans.

Stone Soup's set-up is the one of its multi-target tutorials: MultiTargetTracker with
GNNWith2DAssignment over a DistanceHypothesiser (Mahalanobis), a MultiMeasurementInitiator
(min_points=3, holding tracks deleted after 2 scans without update) and an
UpdateTimeStepsDeleter(3). Its fastest configuration (second baseline, "SS kd"): the same
with DetectionKDTreeGNN2D (stonesoup.dataassociator.tree, the k-d tree over detections that
Stone Soup 1.9 has; it has no DistanceHypothesiserFast) as the associator of the tracker
and of the initiator. Its Euclidean pre-gate must not cut the Mahalanobis gate, or the two
Stone Soup runs would track differently: radius = m * max diag(S) with
m = 4 sqrt(3) / sigma, so that m * d >= 4 sqrt(3 d) >= 4 sqrt(lambda_max(S)) whenever
d = max diag(S) >= sigma^2 (S = HPH' + R); then both give the same tracks and GOSPA.
iads: TrackerConfig(confirm_m=3, confirm_n=4, delete_misses=3) so that a tentative track
also dies after 2 misses.

Timing, the same for every tracker: its native input built before the clock (iads: the
scans' arrays as simulated; Stone Soup: its Detection objects), then inside the clock the
whole run from the scans to the confirmed tracks' positions per scan as (m, 3) arrays (iads:
track_scans then estimates_by_time; Stone Soup: the tracker loop, reading its tracks); one
warm-up run on the first 2 scans, then the best (minimum) of --repeats runs, wall and
process CPU time.

Printed for each size: throughput in target updates per second (targets x scans / wall
time) for iads, Stone Soup and Stone Soup's k-d tree configuration, the ratios of iads to
each, process CPU times, and the mean GOSPA (c = 30 m, p = 2) over the scans of each
tracker's confirmed tracks against the truth. iads alone runs the larger sizes (3 runs at
10,000). `--quick` runs fewer sizes and scans.

    python benchmarks/tracking_vs_stonesoup.py [--quick] [--repeats N]
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta

import numpy as np
from scipy.stats import chi2

from iads.tracking import TrackerConfig, estimates_by_time, gospa, track_scans
from iads.tracking.synthetic import simulate_cv

GATE_DISTANCE = 4.0
SIGMA_M = 5.0
Q = 0.05
INIT_V_SIGMA = 50.0
GOSPA_C, GOSPA_P = 30.0, 2.0


def iads_config() -> TrackerConfig:
    return TrackerConfig(
        motion="cv",
        process_noise=Q,
        gate_probability=float(chi2.cdf(GATE_DISTANCE**2, 3)),
        association="gnn",
        confirm_m=3,
        confirm_n=4,
        delete_misses=3,
        init_velocity_sigma_mps=INIT_V_SIGMA,
    )


def mean_gospa(truth, estimates) -> float:
    return float(
        np.mean(
            [gospa(t, e, GOSPA_C, GOSPA_P).distance for t, e in zip(truth, estimates, strict=True)]
        )
    )


def best_of(run, warm_up, repeats: int):
    """Warm-up once, then the best (wall, cpu) of ``repeats`` calls of ``run`` and the
    estimates of the last: the machine is shared, the minimum is the least noisy."""
    warm_up()
    walls, cpus = [], []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        est = run()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), est


def run_iads(sc, repeats: int):
    cfg = iads_config()

    def run(scans=sc.scans, times=sc.t_s):
        table = track_scans(scans, cfg, confirmed_only=True)
        return [e[1] for e in estimates_by_time(table, times)]

    wall, cpu, est = best_of(run, lambda: run(sc.scans[:2], sc.t_s[:2]), repeats)
    return wall, cpu, mean_gospa(sc.truth_xyz_m, est)


def run_stonesoup(sc, repeats: int, kd_tree: bool):
    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.dataassociator.tree import DetectionKDTreeGNN2D
    from stonesoup.deleter.time import UpdateTimeStepsDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.tracker.simple import MultiTargetTracker
    from stonesoup.types.detection import Detection
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import KalmanUpdater

    tm = CombinedLinearGaussianTransitionModel([ConstantVelocity(Q)] * 3)
    mm = LinearGaussian(ndim_state=6, mapping=(0, 2, 4), noise_covar=SIGMA_M**2 * np.eye(3))
    predictor, updater = KalmanPredictor(tm), KalmanUpdater(mm)

    def gnn():
        hyp = DistanceHypothesiser(predictor, updater, Mahalanobis(),
                                   missed_distance=GATE_DISTANCE)
        if not kd_tree:
            return GNNWith2DAssignment(hyp)
        # pre-gate radius m * max diag(S) covering the Mahalanobis gate (module docstring)
        return DetectionKDTreeGNN2D(
            hypothesiser=hyp, predictor=predictor, updater=updater,
            max_distance_covariance_multiplier=GATE_DISTANCE * np.sqrt(3.0) / SIGMA_M,
        )

    prior = GaussianState(np.zeros((6, 1)), np.diag([0, INIT_V_SIGMA**2] * 3))
    t0 = datetime(2024, 1, 1)
    scans = []
    for s in sc.scans:  # Stone Soup's input objects, built before the clock starts
        t = t0 + timedelta(seconds=s.t_s)
        scans.append(
            (t, {Detection(z.reshape(-1, 1), timestamp=t, measurement_model=mm) for z in s.z})
        )

    def run(scans=scans):
        initiator = MultiMeasurementInitiator(
            prior_state=prior,
            measurement_model=mm,
            deleter=UpdateTimeStepsDeleter(2),
            data_associator=gnn(),
            updater=updater,
            min_points=3,
        )
        tracker = MultiTargetTracker(
            initiator=initiator,
            deleter=UpdateTimeStepsDeleter(3),
            detector=scans,
            data_associator=gnn(),
            updater=updater,
        )
        est = []
        for t, tracks in tracker:
            est.append(
                np.array(
                    [
                        np.asarray(tr.state_vector, float).ravel()[[0, 2, 4]]
                        for tr in tracks
                        if tr.timestamp == t
                    ]
                ).reshape(-1, 3)
            )
        return est

    wall, cpu, est = best_of(run, lambda: run(scans[:2]), repeats)
    return wall, cpu, mean_gospa(sc.truth_xyz_m, est)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer sizes and scans")
    ap.add_argument("--repeats", type=int, default=5, help="timed runs per tracker (best)")
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    try:
        import stonesoup

        ss_version = stonesoup.__version__
    except ImportError:
        ss_version = None
    n_scans = 10 if args.quick else 20
    compared = [20, 100] if args.quick else [20, 100, 200]
    alone = [1000] if args.quick else [1000, 10_000]
    print(
        f"Stone Soup {ss_version or 'not installed (iads only)'}; {n_scans} scans per run; "
        f"best of {args.repeats} warm runs each.\n"
        "upd/s: targets x scans / wall time. SS: Stone Soup GNN; kd: its k-d tree GNN.\n"
        "iads/SS, iads/kd: speed ratios by wall time (by process CPU time in brackets).\n"
        f"GOSPA (c={GOSPA_C:g} m, p={GOSPA_P:g}) of iads/SS/kd."
    )
    head = (
        f"{'targets':>7} {'iads upd/s':>10} {'SS upd/s':>8} {'kd upd/s':>8} "
        f"{'iads/SS':>13} {'iads/kd':>13} {'GOSPA':>14}"
    )
    print(head)
    print("-" * len(head))
    rng = np.random.default_rng(args.seed)
    for n in compared + alone:
        sc = simulate_cv(rng, n, n_scans=n_scans, sigma_m=SIGMA_M, process_noise=Q)
        updates = n * n_scans
        wall_i, cpu_i, g_i = run_iads(sc, args.repeats if n <= 1000 else 3)
        line = f"{n:>7} {updates / wall_i:>10,.0f}"
        if n in compared and ss_version:
            wall_s, cpu_s, g_s = run_stonesoup(sc, args.repeats, kd_tree=False)
            wall_k, cpu_k, g_k = run_stonesoup(sc, args.repeats, kd_tree=True)
            ratio_s = f"{wall_s / wall_i:,.0f} ({cpu_s / cpu_i:,.0f})"
            ratio_k = f"{wall_k / wall_i:,.0f} ({cpu_k / cpu_i:,.0f})"
            line += (
                f" {updates / wall_s:>8,.0f} {updates / wall_k:>8,.0f} {ratio_s:>13} "
                f"{ratio_k:>13} {f'{g_i:.1f}/{g_s:.1f}/{g_k:.1f}':>14}"
            )
        else:
            line += f" {'-':>8} {'-':>8} {'-':>13} {'-':>13} {f'{g_i:.1f}':>14}"
        print(line, flush=True)

if __name__ == "__main__":
    main()
