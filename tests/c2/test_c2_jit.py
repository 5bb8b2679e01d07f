"""The compiled classification kernels (iads.c2._jit) against their numpy references: the
ported ``ndtr`` against scipy's on random arguments, one classification update against
``features`` + ``log_likelihood`` + ``update_log_posterior`` on random tracks, and whole
runs giving the same event log.

Bit equality holds where numpy's ``hypot``, ``sin`` and ``cos`` are libm's (every x86-64
machine with glibc, AVX-512 ones included: numpy's own SIMD code there serves
``arctan2``, ``cbrt``, ``power``, ``exp`` and ``log``, which the kernels leave to numpy);
elsewhere the kernels agree to rounding and these tests fall back to a relative tolerance
of 1e-12 (``_EXACT`` says which)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit
from scipy.special import ndtr

import iads.c2.stage as stage
from iads.c2 import _jit
from iads.c2.classify import features, log_likelihood, threat_library, update_log_posterior
from iads.catalog import builtin_catalog
from iads.engine import simulate
from iads.geo import geodetic_to_ecef_rad
from iads.scenario import load_scenario
from iads.sensors.terrain import builtin_terrain
from iads.weapons import _envelope_jit
from iads.weapons.envelope import MissileArrays, _options_compiled, engagement_options

LIB = threat_library(builtin_catalog())


@njit
def _libm(x, y):
    out = np.empty((3, x.shape[0]))
    for i in range(x.shape[0]):
        out[0, i], out[1, i] = math.sin(x[i]), math.cos(x[i])
        out[2, i] = math.hypot(x[i], y[i])
    return out


def _platform_exact() -> bool:
    """numpy's sin, cos and hypot are the libm functions the kernels call."""
    x = np.linspace(-7.0, 7.0, 20001)
    y = x[::-1] * 3.0
    ref = (np.sin(x), np.cos(x), np.hypot(x, y))
    return all(np.array_equal(a, b) for a, b in zip(_libm(x, y), ref, strict=True))


_EXACT = _platform_exact()


def _same(a, b) -> None:
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    if _EXACT or a.dtype.kind != "f":
        assert np.array_equal(a, b, equal_nan=True)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-300)


def test_ndtr_equals_scipy_bit_for_bit() -> None:
    rng = np.random.default_rng(0)
    a = np.concatenate(
        [rng.normal(0.0, s, 200_000) for s in (0.3, 1.0, 3.0, 10.0, 40.0)]
        + [np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, -1e-300, 8.0 * 2**0.5])]
        + [np.nextafter([1.0, -1.0, 2**0.5, -(2**0.5), 38.5], w) for w in (0.0, 99.0)]
    )
    assert np.array_equal(_jit.ndtr_array(a), ndtr(a), equal_nan=True)


def _tracks(rng, n, d):
    """n random tracks (state dimension d) at every latitude, 0-300 km up."""
    lat, lon = rng.uniform(-1.55, 1.55, n), rng.uniform(-np.pi, np.pi, n)
    x = np.zeros((n, d))
    x[:, :3] = np.stack(geodetic_to_ecef_rad(lat, lon, rng.uniform(-400.0, 3e5, n)), -1)
    x[:, 3:6] = rng.normal(0.0, rng.choice([1.0, 100.0, 2000.0]), (n, 3))
    if n > 2:
        x[1, 3:6] = 0.0  # a track at rest: its speed error is taken along the vertical
    a = rng.normal(size=(n, d, d))
    return x, a @ a.transpose(0, 2, 1) * rng.uniform(1.0, 1e4)


def _reference(rows, ids, x, P, lu, logp, ct):
    """``classify_tracks``'s numpy path on copies of the picture's arrays."""
    logp, ct = logp.copy(), ct.copy()
    tid, last = ids[rows], ct[ids]
    xx, sigma = features(x[rows, :3], x[rows, 3:6], P[rows])
    ll = log_likelihood(LIB, xx, sigma)
    logp[tid] = update_log_posterior(logp[tid], ll, np.isnan(last[rows]), LIB.memory)
    ct[tid] = lu[rows]
    return logp, ct


@pytest.mark.parametrize("n", [1, 2, 3, 7, 60])
def test_classify_rows_equals_the_reference(n) -> None:
    rng = np.random.default_rng(n)
    checked = 0
    for d in (6, 9):
        for _ in range(30):
            x, P = _tracks(rng, n, d)
            ids = np.sort(rng.choice(3 * n + 5, n, replace=False)).astype(np.int64)
            lu = rng.uniform(0.0, 10.0, n)
            logp = np.log(rng.dirichlet(np.ones(6), 3 * n + 5))
            ct = np.where(rng.random(3 * n + 5) < 0.3, np.nan, rng.uniform(0.0, 10.0, 3 * n + 5))
            rows = _jit.rows_due(lu, ct, ids)
            _same(rows, np.flatnonzero(~(lu <= ct[ids])))
            if rows.size == 0:
                continue
            ref = _reference(rows, ids, x, P, lu, logp, ct)
            assert _jit.classify_rows(
                rows, ids, x, P, lu, logp, ct, LIB, stage._FLOOR_SQ, stage._UNKNOWN_LIK
            )
            _same(logp, ref[0])
            _same(ct, ref[1])
            checked += rows.size
    assert checked > 10 * n


def test_zero_likelihoods_equal_the_reference() -> None:
    """Tracks outside every class's feature box (a likelihood of 0, log -inf: the kernel
    marks it NaN to keep the log silent) give the reference's posteriors, first update
    and later ones."""
    rng = np.random.default_rng(5)
    x, P = _tracks(rng, 4, 6)
    x[:, 3:6] = rng.normal(0.0, 2e4, (4, 3))  # 20 km/s and more
    P = P * 1e-12  # no error to widen the boxes
    xx, sigma = features(x[:, :3], x[:, 3:6], P)
    with np.errstate(divide="ignore"):
        assert np.isneginf(log_likelihood(LIB, xx, sigma)).sum() >= 4
    ids, rows = np.arange(4), np.arange(4)
    for ct0 in (np.full(4, np.nan), np.array([0.5, np.nan, 0.2, 0.1])):
        logp0 = np.log(rng.dirichlet(np.ones(6), 4))
        logp, ct, lu = logp0.copy(), ct0.copy(), np.ones(4)
        ref = _reference(rows, ids, x, P, lu, logp0, ct0)
        assert _jit.classify_rows(
            rows, ids, x, P, lu, logp, ct, LIB, stage._FLOOR_SQ, stage._UNKNOWN_LIK
        )
        _same(logp, ref[0])
        _same(ct, ref[1])


def test_a_point_inside_the_evolute_takes_the_numpy_path() -> None:
    x, P = _tracks(np.random.default_rng(1), 3, 6)
    x[2, :3] = [1e4, 2e4, 0.0]  # 22 km from the earth's centre
    logp, ct = np.zeros((3, 6)), np.full(3, np.nan)
    ids, rows = np.arange(3), np.arange(3)
    lu = np.ones(3)
    assert not _jit.classify_rows(
        rows, ids, x, P, lu, logp, ct, LIB, stage._FLOOR_SQ, stage._UNKNOWN_LIK
    )
    assert np.all(logp == 0.0) and np.all(np.isnan(ct))


def test_whole_run_equals_the_reference(monkeypatch) -> None:
    """The default scenario: the same posteriors after every classification, the same
    event log, every column."""
    loaded = load_scenario("default")
    classify = stage.classify_tracks
    runs, posts = [], []

    def recorded(rs, pic):
        classify(rs, pic)
        posts[-1].append((pic.class_logp.copy(), pic.class_t_s.copy()))

    monkeypatch.setattr(stage, "classify_tracks", recorded)
    for enabled in (False, True):
        monkeypatch.setattr(_jit, "ENABLED", enabled)
        posts.append([])
        runs.append(simulate(loaded, seed=3))
    assert len(posts[0]) == len(posts[1]) > 1000
    for a, b in zip(*posts, strict=True):
        _same(b[0], a[0])
        _same(b[1], a[1])
    ea, eb = runs[0].events, runs[1].events
    assert ea.num_rows == eb.num_rows and ea.num_rows > 100
    assert (ea.column("kind").to_numpy(zero_copy_only=False) == "launch").any()
    for c in ea.column_names:
        x, y = (
            ea.column(c).to_numpy(zero_copy_only=False),
            eb.column(c).to_numpy(zero_copy_only=False),
        )
        if x.dtype.kind == "f":
            _same(y, x)
        else:
            assert list(x) == list(y), c
    assert runs[0].summary() == runs[1].summary()


def _missiles(rng, m):
    return MissileArrays(
        keys=tuple(f"m{k}" for k in range(m)),
        min_range_m=rng.uniform(0.0, 5e3, m),
        max_range_m=rng.uniform(2e4, 4e5, m),
        min_alt_m=rng.uniform(0.0, 100.0, m),
        max_alt_m=rng.uniform(1e4, 3e4, m),
        speed_mps=rng.uniform(300.0, 2500.0, m),
        max_target_speed_mps=rng.uniform(500.0, 5000.0, m),
        pk=np.ones((m, 5)),
        cost_usd=np.full(m, np.nan),
    )


def _hills(lat, lon):
    return 300.0 * np.sin(7.0 * lat) * np.cos(5.0 * lon)


@pytest.mark.parametrize(("delay_s", "ground"), [(0.0, None), (2.5, _hills), (0.0, "builtin")])
def test_engagement_options_equal_the_reference(monkeypatch, delay_s, ground) -> None:
    """Tracks around a launcher (some at rest, some faster than the missiles, some head
    on), on the ellipsoid, over a function's terrain or over the built-in elevation model
    (its two grids, compiled): the same options bit for bit."""
    rng = np.random.default_rng(int(delay_s * 10))
    grounds = (ground, ground)
    if ground == "builtin":  # the model, then its compiled lookup as c2 passes it
        grounds = (builtin_terrain(), _jit.CompiledTerrain(builtin_terrain()))
    n_in = 0
    for c, m in ((1, 1), (1, 2), (3, 2), (12, 3), (40, 1)):
        for _ in range(15):
            mis = _missiles(rng, m)
            lat0, lon0 = rng.uniform(0.4, 0.9), rng.uniform(0.3, 0.95)  # in and around 1/12 deg
            launcher = np.stack(geodetic_to_ecef_rad(lat0, lon0, 50.0))
            pos = launcher + rng.normal(0.0, 1e5, (c, 3))
            vel = rng.normal(0.0, rng.choice([30.0, 300.0, 3000.0]), (c, 3))
            vel[0] = 0.0 if c > 1 else vel[0]
            vel[-1] = (launcher - pos[-1]) / np.linalg.norm(launcher - pos[-1]) * 2500.0
            outs = []
            for enabled, g in zip((False, True), grounds, strict=True):
                monkeypatch.setattr(_envelope_jit, "ENABLED", enabled)
                outs.append(engagement_options(mis, launcher, pos, vel, delay_s, ground=g))
            for a, b in zip(vars(outs[0]).values(), vars(outs[1]).values(), strict=True):
                _same(b, a)
            n_in += int(outs[1].inside.sum())
            assert _options_compiled(mis, launcher, pos, vel, delay_s, grounds[1]) is not None
    assert n_in > 20


def test_compiled_terrain_equals_the_model() -> None:
    """The built-in elevation model (1/12 degree region, 1/4 degree world) and its compiled
    lookup at random points inside, across and outside the regional grid."""
    terrain = builtin_terrain()
    assert _jit.CompiledTerrain.applies(terrain)
    rng = np.random.default_rng(7)
    lat = np.concatenate([rng.uniform(0.45, 0.87, 3000), rng.uniform(-1.57, 1.57, 3000)])
    lon = np.concatenate([rng.uniform(0.33, 0.9, 3000), rng.uniform(-3.14, 3.14, 3000)])
    lat, lon = lat.reshape(60, 100), lon.reshape(60, 100)
    assert np.array_equal(_jit.CompiledTerrain(terrain)(lat, lon), terrain(lat, lon))
