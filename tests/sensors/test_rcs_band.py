"""Band-dependent RCS (iads.sensors.rcs.band_rcs_db and the catalog's rcs_band), the
low-band radars of the S-400, and the detection-limited envelope.

References nobody here wrote: the Mie series of a perfectly conducting sphere (computed
with scipy's spherical Bessel functions; Ruck et al., *Radar Cross Section Handbook*,
§3.2.1.1; Knott, Shaeffer & Tuley, *Radar Cross Section*, 2nd ed., §3.2 and fig. 3.x: the
first resonance peak sigma/(pi a^2) ~ 3.65 near ka = 1), the Rayleigh law 9 (ka)^4, the
search radar equation (Skolnik, *Introduction to Radar Systems*, 3rd ed., §2.12: at equal
power-aperture product, frame time and search volume the range does not depend on the
wavelength, R^4 ~ P_av A_e t_s sigma / Omega), the closed-form single-dwell detection
range and the 4/3-earth radar horizon.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace as NS

import numpy as np
import pytest
from scipy.special import spherical_jn, spherical_yn

from iads.catalog.loader import builtin_catalog
from iads.catalog.schema import Figure, RadarEntry
from iads.sensors.chain import PdBank
from iads.sensors.coverage import radial_detection
from iads.sensors.detection import required_snr_db
from iads.sensors.rcs import band_rcs_db, rayleigh_envelope
from iads.sensors.setup import band_tables, radar_arrays
from iads.units import C_MPS


def mie_pec_sphere(ka: np.ndarray, n_terms: int = 80) -> np.ndarray:
    """Normalized monostatic RCS sigma / (pi a^2) of a perfectly conducting sphere, the
    exact Mie series (Ruck et al. eq. 3.2-13): |sum (-1)^n (n + 1/2) (b_n - a_n)|^2 * 4 /
    (ka)^2 with a_n = j_n / h_n, b_n = [x j_n]' / [x h_n]' (h_n = j_n + i y_n)."""
    x = np.atleast_1d(np.asarray(ka, float))[:, None]
    n = np.arange(1, n_terms + 1)[None, :]
    jn, yn = spherical_jn(n, x), spherical_yn(n, x)
    djn, dyn = spherical_jn(n, x, derivative=True), spherical_yn(n, x, derivative=True)
    hn, dhn = jn + 1j * yn, djn + 1j * dyn
    a = jn / hn
    b = (jn + x * djn) / (hn + x * dhn)
    s = np.sum((-1.0) ** n * (n + 0.5) * (b - a), axis=1)
    return 4.0 * np.abs(s) ** 2 / x[:, 0] ** 2


def test_mie_reference_reproduces_published_sphere_values() -> None:
    # The reference itself against published values: Rayleigh 9 (ka)^4 at small ka,
    # the first resonance peak ~3.65 near ka ~ 1 (Knott et al. fig. 3.x), optical -> 1.
    assert mie_pec_sphere(np.array([0.02]))[0] == pytest.approx(9 * 0.02**4, rel=2e-3)
    ka = np.linspace(0.5, 2.0, 1501)
    s = mie_pec_sphere(ka)
    assert s.max() == pytest.approx(3.65, abs=0.05)
    assert ka[np.argmax(s)] == pytest.approx(1.0, abs=0.1)
    assert mie_pec_sphere(np.array([60.0]))[0] == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("ka", [0.02, 0.05, 0.1, 0.15])
def test_rayleigh_region_matches_the_mie_series(ka: float) -> None:
    # Deep in the Rayleigh region the envelope is the exact sphere RCS to a few percent.
    assert rayleigh_envelope(ka) == pytest.approx(mie_pec_sphere(np.array([ka]))[0], rel=0.06)


def test_optical_region_is_the_geometric_cross_section() -> None:
    ka = np.array([10.0, 30.0, 100.0])
    assert rayleigh_envelope(ka) == pytest.approx(mie_pec_sphere(ka), abs=0.12)
    assert rayleigh_envelope(np.inf) == 1.0


def test_small_sphere_rcs_falls_as_f4_between_two_low_bands() -> None:
    # A 0.1 m sphere (radius 0.05 m) given at X band (optical: about pi a^2); at 50 and
    # 100 MHz (ka = 0.05, 0.1) it is Rayleigh: sigma = 9 pi a^2 (ka)^4, 12.04 dB apart
    # (f^4), and equal to the exact Mie value within the X-band reference's ripple.
    a = 0.05
    k_ref_a = np.array([2 * np.pi * 1e10 / C_MPS * a])
    ref_db = 10 * np.log10(np.pi * a**2 * mie_pec_sphere(k_ref_a)[0])
    f = np.array([5e7, 1e8])
    got = band_rcs_db(ref_db, f, 1e10, 0.0, 0.0, np.inf, a)
    assert got[1] - got[0] == pytest.approx(40 * np.log10(2), abs=0.1)
    k = 2 * np.pi * f / C_MPS
    exact = 10 * np.log10(np.pi * a**2 * mie_pec_sphere(k * a))
    assert got == pytest.approx(exact, abs=0.5)  # the 10 GHz optical ripple of +-3 %


def test_band_scaling_reproduces_the_catalog_figures_at_their_bands() -> None:
    cat = builtin_catalog()
    keys = tuple(cat.threats)
    for k in keys:
        b = cat.threats[k].rcs_band
        f_ref = b.reference_frequency_hz.value if b is not None else 1e10
        tab, kind = band_tables(keys, cat, np.array([f_ref]))
        t = cat.threats[k]
        want = [t.rcs_front_m2.value, (t.rcs_side_m2 or t.rcs_front_m2).value,
                (t.rcs_rear_m2 or t.rcs_front_m2).value]  # fmt: skip
        assert 10 ** (tab[0, kind[keys.index(k)]] / 10) == pytest.approx(want, rel=1e-12)


def test_shaped_airframe_grows_as_lambda_squared_below_its_limit_up_to_its_cap() -> None:
    cat = builtin_catalog()
    b = cat.threats["f35"].rcs_band
    lim = b.shaping_limit_hz.value
    front = cat.threats["f35"].rcs_front_m2.value
    f = np.array([1e10, 3e9, lim, lim / 2, lim / 4, 1e7])
    tab, _ = band_tables(("f35",), cat, f)
    got = 10 ** (tab[:, 0, 0] / 10)
    assert got[:3] == pytest.approx([front] * 3)  # shaping holds down to the limit
    assert got[3] / got[2] == pytest.approx(4.0)  # lambda^2
    assert got[4] / got[2] == pytest.approx(16.0)
    assert got[5] == pytest.approx(b.low_band_max_m2.value)  # capped: an unshaped fighter
    # An unshaped type keeps its figures at every band.
    tab16, _ = band_tables(("f35", "f16"), cat, f)
    assert 10 ** (tab16[:, 1, 0] / 10) == pytest.approx([cat.threats["f16"].rcs_front_m2.value] * 6)


def _fig(v: float) -> Figure:
    return Figure(value=v, assumed=True, rationale="test")


def _search_radar(freq_hz: float, p_av_w: float, aperture_m2: float, frame_s: float,
                  solid_angle_sr: float) -> RadarEntry:
    """A search radar of given average power and effective aperture: gain 4 pi A / lambda^2,
    beam solid angle lambda^2 / A, dwell = frame time x beam / search solid angle, and the
    dwell's energy integrated coherently (noise bandwidth 1 / dwell)."""
    lam = C_MPS / freq_hz
    gain_db = 10 * np.log10(4 * np.pi * aperture_m2 / lam**2)
    dwell_s = frame_s * (lam**2 / aperture_m2) / solid_angle_sr
    return RadarEntry(
        name="t", role="surveillance", ref_range_m=_fig(1e5), ref_rcs_m2=_fig(1.0),
        instrumented_range_m=_fig(2e6), revisit_s=_fig(frame_s), range_sigma_m=_fig(100.0),
        angle_sigma_deg=_fig(1.0), peak_power_w=_fig(p_av_w), gain_db=_fig(gain_db),
        frequency_hz=_fig(freq_hz), bandwidth_hz=_fig(1.0 / dwell_s), noise_figure_db=_fig(3.0),
        losses_db=_fig(0.0), min_elevation_deg=_fig(-5.0), max_elevation_deg=_fig(90.0),
        antenna_height_m=_fig(10.0),
    )  # fmt: skip


def test_f35_is_seen_farther_at_vhf_than_at_x_band_at_equal_power_aperture() -> None:
    # Search radar equation: with equal P_av A_e, frame time and search volume the range
    # is wavelength-free, R^4 ~ sigma: the VHF radar sees the F-35 farther because the
    # F-35 is brighter at VHF, by exactly (sigma_VHF / sigma_X)^(1/4).
    cat = builtin_catalog()
    f_vhf = cat.radars["55Zh6ME"].frequency_hz.value
    f_x = cat.radars["92N6E"].frequency_hz.value
    site = NS(lat=0.0, lon=0.0, alt_m=0.0)
    rows = [{"key": k, "unit": 0, "entry": _search_radar(f, 100.0, 20.0, 10.0, 2 * np.pi * 0.5),
             "pos": site} for k, f in (("vhf", f_vhf), ("x", f_x))]  # fmt: skip
    bank = PdBank()
    ra, _, _ = radar_arrays(rows, np.random.default_rng(0), 1.0, bank)
    tab, _ = band_tables(("f35",), cat, C_MPS / ra.wavelength_m)
    rcs_db = tab[:, 0, 0]
    assert rcs_db[0] > rcs_db[1]
    # The radar equation alone (1 m^2) gives both the same SNR: equal power-aperture.
    assert ra.snr1_db[0, 1] == pytest.approx(ra.snr1_db[1, 1], abs=1e-9)
    # Both well inside the 4/3-earth horizon (~460 km) against a target at 12 km.
    det = radial_detection(ra, bank, rcs_db, 1, 12000.0, 4e5, n=40000)
    r_vhf, r_x = det.first_detection_m
    assert 20e3 < r_x < r_vhf < 350e3
    want = 10 ** ((rcs_db[0] - rcs_db[1]) / 40)
    ratio = _slant(ra, 0, r_vhf, 12000.0) / _slant(ra, 1, r_x, 12000.0)
    assert ratio == pytest.approx(want, rel=2e-3)


def _slant(ra, r: int, ground_m: float, alt_m: float) -> float:
    """Slant range [m] from radar ``r`` to the point ``ground_m`` north at ``alt_m``, as
    radial_detection places it."""
    from iads.geo import destination_point_rad, geodetic_to_ecef
    from iads.geo.wgs84 import MEAN_RADIUS_M

    lat, lon = destination_point_rad(ra.lat_rad[r], ra.lon_rad[r], 0.0, ground_m / MEAN_RADIUS_M)
    p = np.array(geodetic_to_ecef(np.rad2deg(lat), np.rad2deg(lon), alt_m))
    return float(np.linalg.norm(p - ra.pos_ecef_m[r]))


def test_envelope_detection_limit_is_the_detection_model_range() -> None:
    # A radial nose-on F-16 at 12 km against the 91N6E: the first range with single-dwell
    # Pd >= 0.5 is where SNR = required SNR(0.5, Pfa, Swerling 1): R = 10^((SNR1 + sigma_dB
    # - SNR_req) / 40) in slant range (well inside its horizon and instrumented range).
    cat = builtin_catalog()
    e = cat.radars["91N6E"]
    rows = [{"key": "91N6E", "unit": 0, "entry": e, "pos": NS(lat=0.0, lon=0.0, alt_m=0.0)}]
    bank = PdBank()
    ra, _, _ = radar_arrays(rows, np.random.default_rng(0), 1.0, bank)
    sigma_db = 10 * np.log10(0.05)  # a small target keeps the range well inside the horizon
    det = radial_detection(ra, bank, np.array([sigma_db]), 1, 12000.0, 6e5, n=60000)
    req = float(required_snr_db(0.5, e.pfa.value, 1))
    r_model = 10 ** ((ra.snr1_db[0, 1] + sigma_db - req) / 40)
    assert _slant(ra, 0, det.first_detection_m[0], 12000.0) == pytest.approx(r_model, rel=2e-3)


def test_cumulative_detection_matches_a_scan_by_scan_monte_carlo() -> None:
    # The vectorized cumulative probability against a plain simulation of the same model:
    # a target coming in at 250 m/s, one independent look per 10 s scan at a random
    # phase, a Bernoulli draw with the single-dwell Pd at each look's range.
    cat = builtin_catalog()
    e = cat.radars["91N6E"]
    rows = [{"key": "91N6E", "unit": 0, "entry": e, "pos": NS(lat=0.0, lon=0.0, alt_m=0.0)}]
    bank = PdBank()
    ra, _, _ = radar_arrays(rows, np.random.default_rng(0), 1.0, bank)
    det = radial_detection(ra, bank, np.array([10 * np.log10(0.05)]), 1, 12000.0, 4e5,
                           n=8000, speed_mps=250.0)  # fmt: skip
    step = 250.0 * float(ra.sweep_s[0])
    rng = np.random.default_rng(7)
    n_trials = 20000
    start = 4e5 - rng.random(n_trials) * step
    looks = start[:, None] - np.arange(int(4e5 / step) + 1)[None, :] * step  # (trials, k)
    p = np.interp(np.maximum(looks, det.ground_range_m[0]), det.ground_range_m, det.pd[0])
    hit = rng.random(looks.shape) < np.where(looks > 0, p, 0.0)
    first = np.where(hit.any(axis=1), looks[np.arange(n_trials), hit.argmax(axis=1)], 0.0)
    assert np.median(first) == pytest.approx(det.cumulative_m[0], abs=0.4 * step)
    # And the cumulative probability at a range is the fraction detected by then.
    for d0 in det.cumulative_m[0] + np.array([-50e3, 0.0, 50e3]):
        want = float(np.interp(d0, det.ground_range_m, det.cumulative[0]))
        assert np.mean(first >= d0) == pytest.approx(want, abs=0.015)
    assert det.cumulative_m[0] > det.first_detection_m[0]


def test_envelope_detection_limit_is_the_horizon_for_a_low_target() -> None:
    from iads.geo import radar_horizon_m

    cat = builtin_catalog()
    e = cat.radars["91N6E"]
    rows = [{"key": "91N6E", "unit": 0, "entry": e, "pos": NS(lat=0.0, lon=0.0, alt_m=0.0)}]
    bank = PdBank()
    ra, _, _ = radar_arrays(rows, np.random.default_rng(0), 1.0, bank)
    det = radial_detection(ra, bank, np.array([10.0]), 1, 100.0, 2e5, n=20000)
    horizon = float(radar_horizon_m(e.antenna_height_m.value, 100.0))
    assert det.first_detection_m[0] == pytest.approx(horizon, rel=5e-3)


def test_vhf_tracks_cue_but_do_not_put_a_seeker_on_the_target() -> None:
    # One measurement at 150 km: the 55Zh6ME's error ellipsoid is kilometres across
    # (acquisition by the seeker unlikely), the 92N6E's tens of metres (certain).
    from iads.sensors.radar import measure
    from iads.weapons.envelope import acquisition_probability
    cat = builtin_catalog()
    basket_m = cat.model.weapons.flyout.seeker_basket_m.value
    site = NS(lat=0.0, lon=0.0, alt_m=0.0)
    rows = [{"key": k, "unit": 0, "entry": cat.radars[k], "pos": site}
            for k in ("55Zh6ME", "59N6E", "92N6E")]  # fmt: skip
    ra, _, _ = radar_arrays(rows, np.random.default_rng(0), 1.0, PdBank())
    r = np.arange(3)
    _, cov, _ = measure(ra, r, np.full(3, 150e3), np.zeros(3), np.full(3, 0.05), np.zeros(3),
                        np.zeros((3, 4)))  # fmt: skip
    sigma = np.sqrt(np.trace(cov, axis1=1, axis2=2) / 3)
    p = acquisition_probability(sigma, basket_m)
    assert p[0] < 0.2 and p[1] < 0.9 and p[2] > 0.999


def test_cli_envelope_draws_and_labels_the_detection_limit(tmp_path: Path, capsys) -> None:
    from iads.cli import main

    out = tmp_path / "env.png"
    args = ["envelope", "S-400", "--missile", "48N6E3", "--target", "f35", "--out", str(out)]
    main([*args, "--extra-radar", "55Zh6ME"])
    assert out.stat().st_size > 10_000
    text = " ".join(capsys.readouterr().out.split())
    assert "55Zh6ME: Pd >= 0.5 per scan from" in text and "seen and launchable" in text
    assert "median first detection" in text
    with pytest.raises(SystemExit) as bad:
        main([*args, "--extra-radar", "55Zh6M"])
    assert bad.value.code == 2
    assert "did you mean '55Zh6ME'" in " ".join(capsys.readouterr().err.split())


SCENARIO = textwrap.dedent("""\
    name: test
    settings: {duration_s: 60, time_step_s: 1, seed: 1}
    assets:
      - name: Ankara
        position: {lat: 39.93, lon: 32.86}
        value: 10
    defenders:
      - name: S-400 A
        system: S-400
        position: {lat: 40.08, lon: 32.57}
        extra_radars: [55Zh6ME, 59N6E]
    threats:
      - type: f35
        count: 1
        launch: {lat: 42.0, lon: 33.5, alt_m: 9000}
        target: Ankara
    """)


def test_scenario_unit_adds_optional_radars_and_they_see_the_band_rcs(tmp_path: Path) -> None:
    from iads.engine.build import build
    from iads.scenario import load_scenario

    f = tmp_path / "s.yaml"
    f.write_text(SCENARIO, encoding="utf-8")
    b = build(load_scenario(f))
    assert b.radars.keys == ("91N6E", "92N6E", "96L6E", "55Zh6ME", "59N6E")
    band = 10 ** (b.sensing.rcs_band_db[:, 0, 0] / 10)  # F-35 frontal at each radar's band
    assert band[3] > 100 * band[1]  # VHF vs X band
    assert band[1] == pytest.approx(0.003)


def test_scenario_rejects_a_radar_that_is_not_optional(tmp_path: Path) -> None:
    from iads.errors import ScenarioError
    from iads.scenario import load_scenario

    f = tmp_path / "s.yaml"
    f.write_text(SCENARIO.replace("[55Zh6ME, 59N6E]", "[55Zh6E, 92N6E]"), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    msgs = {p.path: p.message for p in exc.value.problems}
    assert "did you mean '55Zh6ME'" in msgs["defenders[0].extra_radars[0]"]
    assert "allowed: 55Zh6ME, 59N6E" in msgs["defenders[0].extra_radars[1]"]
