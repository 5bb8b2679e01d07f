"""Windowed truth storage (issue 15): each threat kept only over its own flight window
equals the dense (n_t, n, 3) samples the flight kernels produce, bit for bit inside the
window; the compiled interpolation equals its numpy reference bit for bit; and the
memory is what the windows say."""

from __future__ import annotations

import numpy as np
import pytest

import iads.threats.flight as flight
from iads.engine import build, simulate
from iads.scenario import load_scenario
from iads.threats import Truth, _truth_jit, fly
from iads.threats.flight import sample_times
from iads.threats.truth import PAD, windows


@pytest.fixture(scope="module")
def raid():
    """A small mixed raid (drones, cruise and ballistic missiles, aircraft) over 1 h."""
    b = build(load_scenario("saturation", params={"n_threats": 40, "batteries": 1}), seed=3)
    return b.threats.specs


def _dense(specs, duration_s: float):
    """The flight kernels' dense samples, as ``fly`` assembled them before windowing."""
    t_s = sample_times(duration_s, 1.0)
    n = len(specs)
    pos, vel = np.zeros((t_s.size, n, 3)), np.zeros((t_s.size, n, 3))
    launch, end = np.zeros(n), np.full(n, np.inf)
    groups: dict = {}
    for i, s in enumerate(specs):
        groups.setdefault(type(s).kernel, []).append(i)
    for kernel, idx in groups.items():
        p, v, lt, et = kernel([specs[i] for i in idx], t_s)
        pos[:, idx], vel[:, idx], launch[idx], end[idx] = p, v, lt, et
    return t_s, pos, vel, launch, end


def test_windowed_truth_equals_the_dense_samples(raid, monkeypatch) -> None:
    duration = 3600.0
    t_s, pos, vel, launch, end = _dense(raid, duration)
    monkeypatch.setattr(flight, "CHUNK", 7)  # several chunks per kernel
    tr = fly(raid, duration, 1.0)
    np.testing.assert_array_equal(tr.launch_t_s, launch)
    np.testing.assert_array_equal(tr.end_t_s, end)
    k0, nk = windows(t_s, launch, end, PAD)
    np.testing.assert_array_equal(tr.k0, k0)
    np.testing.assert_array_equal(tr.nk, nk)
    k = np.arange(t_s.size)[:, None]
    inside = (k >= k0) & (k < k0 + nk)  # (n_t, n)
    p, v = tr.pos_ecef_m, tr.vel_ecef_mps
    assert np.array_equal(p[inside], pos[inside]) and np.array_equal(v[inside], vel[inside])
    # outside: the constant-velocity extension, to rounding of ECEF-sized numbers
    np.testing.assert_allclose(p, pos, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(v, vel)
    # launch and end samples (and PAD on each side) are always inside
    k_l = np.searchsorted(t_s, launch, side="right") - 1
    k_e = np.minimum(np.searchsorted(t_s, end, side="left"), t_s.size - 1)
    assert np.all(k0 <= np.maximum(k_l - PAD, 0)) and np.all(k0 + nk - 1 >= k_e)
    # the dense states at every step of a flight, interpolated, are the same bits
    dense = Truth.__new__(Truth)  # a window over the whole grid = the dense truth
    every = np.arange(launch.size)
    dense._set(t_s, launch, end, np.zeros_like(k0), np.full_like(nk, t_s.size),
               every * t_s.size, pos.transpose(1, 0, 2).reshape(-1, 3).copy(),
               vel.transpose(1, 0, 2).reshape(-1, 3).copy())  # fmt: skip
    for t in np.linspace(0.0, duration, 97):
        a, va, act = tr.state_at(t)
        b, vb, _ = dense.state_at(t)
        assert np.array_equal(a[act], b[act]) and np.array_equal(va[act], vb[act])
    assert tr.nbytes < 0.8 * (pos.nbytes + vel.nbytes)


def test_chunks_change_nothing(raid, monkeypatch) -> None:
    one = fly(raid, 1800.0, 1.0)
    monkeypatch.setattr(flight, "CHUNK", 3)
    many = fly(raid, 1800.0, 1.0)
    for a, b in zip((one.pos_ecef_m, one.vel_ecef_mps), (many.pos_ecef_m, many.vel_ecef_mps),
                    strict=True):  # fmt: skip
        assert np.array_equal(a, b)


@pytest.mark.parametrize("velocity", [True, False])
def test_compiled_state_at_equals_the_reference(raid, monkeypatch, velocity) -> None:
    tr = fly(raid, 1800.0, 1.0, pad=3)
    rng = np.random.default_rng(5)
    times = np.concatenate([[0.0, 1800.0, 1799.5, 0.25], rng.uniform(0.0, 1800.0, 60)])
    for t in times:
        monkeypatch.setattr(_truth_jit, "ENABLED", True)
        got = tr.state_at(float(t), velocity=velocity)
        monkeypatch.setattr(_truth_jit, "ENABLED", False)
        ref = tr.state_at(float(t), velocity=velocity)
        assert np.array_equal(got[0], ref[0]) and np.array_equal(got[2], ref[2])
        assert (got[1] is None and ref[1] is None) or np.array_equal(got[1], ref[1])


def test_random_windows_compiled_equals_reference(monkeypatch) -> None:
    """Random samples, windows clipped at both grid ends and outside them."""
    rng = np.random.default_rng(11)
    n_t, n = 50, 13
    launch = rng.uniform(-5.0, 60.0, n)
    end = np.where(rng.random(n) < 0.3, np.inf, launch + rng.uniform(0.5, 40.0, n))
    pos, vel = rng.normal(4e6, 1e5, (n_t, n, 3)), rng.normal(0.0, 300.0, (n_t, n, 3))
    tr = Truth(np.arange(float(n_t)), pos, vel, np.maximum(launch, 0.0), end, pad=1)
    for t in rng.uniform(0.0, n_t - 1.0, 40):
        monkeypatch.setattr(_truth_jit, "ENABLED", True)
        got = tr.state_at(float(t))
        monkeypatch.setattr(_truth_jit, "ENABLED", False)
        ref = tr.state_at(float(t))
        for a, b in zip(got, ref, strict=True):
            assert np.array_equal(a, b)


def test_copy_full_write_and_splice(raid) -> None:
    tr = fly(raid[:6], 600.0, 1.0)
    before = tr.pos_ecef_m
    own = tr.copy(full=np.array([1, 4]))
    assert np.array_equal(own.pos_ecef_m, before) and own.nk[1] == own.t_s.size
    own.write(599, np.array([1, 4]), np.ones((2, 3)), np.zeros((2, 3)))
    assert np.array_equal(own.pos_ecef_m[599, [1, 4]], np.ones((2, 3)))
    assert np.array_equal(tr.pos_ecef_m, before)  # the original is untouched
    other = fly(raid[6:8], 600.0, 1.0)
    tr.splice(np.array([0, 5]), other)
    assert np.array_equal(tr.pos_ecef_m[:, [0, 5]], other.pos_ecef_m)
    assert np.array_equal(tr.pos_ecef_m[:, 1:5], before[:, 1:5])
    assert np.array_equal(tr.speed_max_mps()[[0, 5]],
                          np.linalg.norm(other.vel_ecef_mps, axis=-1).max(axis=0))  # fmt: skip


def test_the_cost_bound_holds_the_windowed_truth() -> None:
    """The pre-run bound (``iads.scenario.cost``) on the truth is above what a raid's
    windowed truth takes, and the truth of 10,000 threats alone fits the budget."""
    from iads.scenario.cost import MEMORY_BUDGET_BYTES, estimate_cost

    ld = load_scenario("saturation", params={"n_threats": 60, "batteries": 1})
    b = build(ld, seed=0)
    tr = fly(b.threats.specs, b.scenario.settings.duration_s, 1.0)
    cost = estimate_cost(ld.scenario, ld.catalog)
    assert tr.nbytes <= cost.truth_bytes
    assert tr.nbytes < 0.6 * tr.t_s.size * tr.n * 48  # under 60 % of the dense truth
    big = load_scenario("saturation", params={"n_threats": 10_000, "batteries": 20})
    cost = estimate_cost(big.scenario, big.catalog)
    assert cost.truth_bytes < MEMORY_BUDGET_BYTES


@pytest.mark.parametrize("compiled", [True, False])
def test_state_of_is_the_rows_of_state_at(monkeypatch, compiled) -> None:
    """`Truth.state_of` (one event's threats) gives the same bits as those rows of
    `state_at` (every threat), compiled and numpy paths, at sample times and between."""
    monkeypatch.setattr(_truth_jit, "ENABLED", compiled)
    r = simulate(load_scenario("default"), seed=0)
    tr = r.truth
    idx = np.array([3, 0, 3, tr.n - 1])
    for t in (0.0, 17.3, 100.0, float(tr.t_s[-1])):
        pos, vel, act = tr.state_at(t)
        p, v, a = tr.state_of(idx, t)
        np.testing.assert_array_equal(p, pos[idx])
        np.testing.assert_array_equal(v, vel[idx])
        np.testing.assert_array_equal(a, act[idx])
        p2, v2, _ = tr.state_of([], t)
        assert p2.shape == (0, 3) and v2.shape == (0, 3)
