"""The built-in catalog: it validates, every figure says where it comes from, the systems and
threats of the issue exist, the figures are physically coherent, and the figures converted
or derived in the reference sheet agree with closed forms recomputed here."""

from __future__ import annotations

import math

import pytest

from iads.catalog.loader import SECTIONS, _figures, builtin_catalog
from iads.catalog.schema import Catalog, Figure
from iads.units import KM, SPEED_OF_SOUND_SL_MPS

ENTRY_SECTIONS = SECTIONS[1:]


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return builtin_catalog()


def _all_figures(cat: Catalog) -> list[tuple[str, str, tuple, Figure]]:
    return [
        (section, key, path, fig)
        for section in ENTRY_SECTIONS
        for key, entry in getattr(cat, section).items()
        for path, fig in _figures(entry)
    ]


# --- provenance -------------------------------------------------------------------------


def test_builtin_catalog_validates_and_is_not_empty(cat):
    assert len(cat.systems) >= 4
    assert len(cat.threats) >= 11
    assert len(_all_figures(cat)) > 300


def test_every_figure_has_a_source_or_a_one_line_assumption(cat):
    bad = []
    for section, key, path, fig in _all_figures(cat):
        if fig.assumed:
            if not fig.rationale or "\n" in fig.rationale.strip():
                bad.append((section, key, path, "rationale missing or not one line"))
        elif not fig.source:
            bad.append((section, key, path, "neither source nor assumption"))
        if not math.isfinite(fig.value):
            bad.append((section, key, path, "non-finite value"))
    assert bad == []


def test_every_source_used_exists(cat):
    missing = [
        (section, key, path, src)
        for section, key, path, fig in _all_figures(cat)
        for src in fig.source
        if src not in cat.sources
    ]
    assert missing == []


def test_every_source_has_a_url_or_a_document_description(cat):
    for sid, src in cat.sources.items():
        assert src.description.strip(), sid
        if src.url is not None:
            assert src.url.startswith(("http://", "https://")), (sid, src.url)


def test_figures_citing_only_derived_values_say_so(cat):
    """A value computed in the reference sheet (source DERIVED) is never presented as a
    published figure: it carries 'published' text saying it is not one, or is assumed."""
    for section, key, path, fig in _all_figures(cat):
        if fig.source == ["DERIVED"]:
            assert fig.assumed or (fig.published and "not published" in fig.published), (
                section, key, path,
            )


# --- the systems and threats named in the issue -------------------------------------------


def test_s400_battery_components(cat):
    s400 = cat.systems["S-400"]
    assert set(s400.radars) == {"91N6E", "92N6E", "96L6E"}
    assert s400.command_post.name.startswith("55K6E")
    missiles = {cat.launchers[g.launcher].missile for g in s400.launchers}
    assert missiles == {"48N6E3", "40N6E"}
    for key in ("48N6E3", "48N6E2", "40N6E", "9M96E2"):
        assert key in cat.missiles
    assert cat.radars["91N6E"].role == "surveillance"
    assert cat.radars["92N6E"].role == "multifunction"


def test_s400_battery_load_matches_published_8_launchers_of_4(cat):
    s400 = cat.systems["S-400"]
    n_launchers = sum(g.count.value for g in s400.launchers)
    n_missiles = sum(
        g.count.value * cat.launchers[g.launcher].missiles_per_launcher.value
        for g in s400.launchers
    )
    assert n_launchers == 8
    assert n_missiles == 32


def test_patriot_components(cat):
    pat = cat.systems["Patriot"]
    assert pat.radars == ["AN/MPQ-65"]
    missiles = {cat.launchers[g.launcher].missile for g in pat.launchers}
    assert missiles == {"PAC-2-GEM-T", "PAC-3-MSE"}
    assert cat.launchers["M901"].missiles_per_launcher.value == 4
    assert cat.launchers["M903"].missiles_per_launcher.value == 12


@pytest.mark.parametrize(
    ("system", "radar", "missile"),
    [("NASAMS", "AN/MPQ-64", "AIM-120"), ("SAMP/T", "Arabel", "Aster-30-B1")],
)
def test_other_systems(cat, system, radar, missile):
    entry = cat.systems[system]
    assert radar in entry.radars
    assert missile in {cat.launchers[g.launcher].missile for g in entry.launchers}


@pytest.mark.parametrize(
    ("key", "threat_class"),
    [
        ("kalibr", "cruise_missile"),
        ("tomahawk", "cruise_missile"),
        ("storm_shadow", "cruise_missile"),
        ("f16", "aircraft"),
        ("su24", "aircraft"),
        ("su35", "aircraft"),
        ("f35", "stealth_aircraft"),
        ("iskander", "ballistic_missile"),
        ("atacms", "ballistic_missile"),
        ("scud_b", "ballistic_missile"),
        ("shahed136", "drone"),
    ],
)
def test_threats_of_the_issue_exist(cat, key, threat_class):
    assert cat.threats[key].threat_class == threat_class
    t = cat.threats[key]
    assert t.rcs_side_m2 is not None and t.rcs_rear_m2 is not None
    assert t.range_m is not None and t.max_load_factor is not None


# --- physical sanity ----------------------------------------------------------------------


def test_missile_envelopes_are_ordered(cat):
    for key, m in cat.missiles.items():
        assert 0 < m.min_range_m.value < m.max_range_m.value, key
        assert 0 <= m.min_altitude_m.value < m.max_altitude_m.value, key
        assert m.mean_speed_mps.value > 0 and m.max_target_speed_mps.value > 0, key
        if m.max_speed_mps is not None:
            assert m.max_speed_mps.value >= m.mean_speed_mps.value, key
        # fly-out to maximum range at the mean speed takes between 10 s and 10 min for
        # every surface-to-air missile: a value outside is a unit slip (km for m, ...)
        t_s = m.max_range_m.value / m.mean_speed_mps.value
        assert 10 < t_s < 600, (key, t_s)
        for cls, pk in m.pk.items():
            assert 0.0 <= pk.value <= 1.0, (key, cls)


def test_radar_figures_are_coherent(cat):
    for key, r in cat.radars.items():
        assert r.ref_range_m.value > 0 and r.ref_rcs_m2.value > 0, key
        assert r.ref_pd is not None and 0 < r.ref_pd.value < 1, key
        assert r.pfa is None or 0 < r.pfa.value < 1e-2, key
        assert r.instrumented_range_m.value >= r.ref_range_m.value, key
        assert r.revisit_s.value > 0 and r.range_sigma_m.value > 0, key
        assert 0 < r.angle_sigma_deg.value < 5, key
        lo, hi = r.min_elevation_deg, r.max_elevation_deg
        assert lo is not None and hi is not None and -10 <= lo.value < hi.value <= 90, key
        assert r.antenna_height_m is not None and r.antenna_height_m.value > 0, key


def test_threat_figures_are_coherent(cat):
    for key, t in cat.threats.items():
        assert t.cruise_speed_mps.value > 0, key
        if t.max_speed_mps is not None:
            assert t.max_speed_mps.value >= t.cruise_speed_mps.value, key
        lo = t.min_altitude_m.value if t.min_altitude_m else 0.0
        hi = t.max_altitude_m.value if t.max_altitude_m else math.inf
        assert lo < hi, key
        assert lo <= t.cruise_altitude_m.value <= hi, key
        for fig in (t.rcs_front_m2, t.rcs_side_m2, t.rcs_rear_m2):
            assert fig is None or fig.value > 0, key


def test_rcs_ordering_stealth_below_fighters_and_drone_below_aircraft(cat):
    by_class: dict[str, list[float]] = {}
    for t in cat.threats.values():
        by_class.setdefault(t.threat_class, []).append(t.rcs_front_m2.value)
    assert max(by_class["stealth_aircraft"]) < min(by_class["aircraft"])
    assert max(by_class["drone"]) < min(by_class["aircraft"])
    assert max(by_class["cruise_missile"]) < min(by_class["aircraft"])


def test_ballistic_threats_are_faster_than_air_breathing_ones(cat):
    ballistic = [t.cruise_speed_mps.value for t in cat.threats.values()
                 if t.threat_class == "ballistic_missile"]
    others = [t.max_speed_mps.value if t.max_speed_mps else t.cruise_speed_mps.value
              for t in cat.threats.values() if t.threat_class != "ballistic_missile"]
    assert min(ballistic) > max(others)


def test_launcher_and_system_counts_are_positive_integers(cat):
    for key, ln in cat.launchers.items():
        n = ln.missiles_per_launcher.value
        assert n >= 1 and n == int(n), key
    for key, s in cat.systems.items():
        assert s.fire_channels.value >= 1, key
        for g in s.launchers:
            assert g.count.value >= 1 and g.count.value == int(g.count.value), key


# --- conversions and derived values against independent closed forms ----------------------

# Standard atmosphere (ISA / US Standard Atmosphere 1976) speed of sound at and above 11 km:
# a = sqrt(gamma R T), T = 216.65 K, gamma = 1.4, R = 287.053 J/(kg K).
A_11KM_MPS = math.sqrt(1.4 * 287.053 * 216.65)
KMH_MPS = KM / 3600.0


@pytest.mark.parametrize(
    ("key", "field", "published_mps"),
    [
        ("f35", "max_speed_mps", 1.6 * A_11KM_MPS),  # Mach 1.6 (USAF fact sheet)
        ("storm_shadow", "cruise_speed_mps", 0.8 * SPEED_OF_SOUND_SL_MPS),  # Mach 0.8
        ("tomahawk", "cruise_speed_mps", 880 * KMH_MPS),  # 880 km/h
        ("su24", "max_speed_mps", 1700 * KMH_MPS),  # 1,700 km/h
        ("su35", "max_speed_mps", 2400 * KMH_MPS),  # 2,400 km/h
        ("shahed136", "max_speed_mps", 185 * KMH_MPS),  # 185 km/h
        ("f16", "max_speed_mps", 1500 * 1609.344 / 3600),  # 1,500 mph
        ("f16", "max_altitude_m", 50_000 * 0.3048),  # 50,000 ft
    ],
)
def test_published_unit_conversions(cat, key, field, published_mps):
    assert getattr(cat.threats[key], field).value == pytest.approx(published_mps, rel=0.01)


# Minimum-energy ballistic trajectory over a spherical, non-rotating Earth, launch and impact
# at the surface (Bate, Mueller & White, Fundamentals of Astrodynamics, 1971, section 6.2):
# half range angle psi = R / (2 Re); burnout Q = v^2 r / mu = 2 sin psi / (1 + sin psi);
# apogee radius r_a = r (1 + sin psi + cos psi) / 2.
MU_EARTH = 3.986004418e14
RE_M = 6_371_000.0


def _min_energy(range_m: float) -> tuple[float, float]:
    psi = range_m / (2 * RE_M)
    q = 2 * math.sin(psi) / (1 + math.sin(psi))
    v = math.sqrt(q * MU_EARTH / RE_M)
    apogee = RE_M * (1 + math.sin(psi) + math.cos(psi)) / 2 - RE_M
    return v, apogee


def test_derived_ballistic_figures_match_minimum_energy_closed_form(cat):
    v500, _ = _min_energy(500 * KM)
    v300, h300 = _min_energy(300 * KM)
    assert cat.threats["iskander"].max_speed_mps.value == pytest.approx(v500, rel=2e-3)
    assert cat.threats["atacms"].max_speed_mps.value == pytest.approx(v300, rel=2e-3)
    assert cat.threats["scud_b"].max_speed_mps.value == pytest.approx(v300, rel=2e-3)
    assert cat.threats["scud_b"].cruise_altitude_m.value == pytest.approx(h300, rel=5e-3)
    # depressed trajectories assumed for Iskander/ATACMS stay below the min-energy apogee
    assert cat.threats["iskander"].cruise_altitude_m.value < _min_energy(500 * KM)[1]
    assert cat.threats["atacms"].cruise_altitude_m.value < h300


def test_missile_ranges_match_the_published_headline_figures(cat):
    """A few headline figures graded A/B in the reference sheet (guards against typos)."""
    assert cat.missiles["40N6E"].max_range_m.value == 400 * KM
    assert cat.missiles["48N6E2"].max_range_m.value == 200 * KM
    assert cat.radars["91N6E"].ref_range_m.value == 600 * KM
    assert cat.missiles["48N6E3"].max_target_speed_mps.value == 4800
    assert cat.missiles["PAC-3-MSE"].max_range_m.value == 40 * KM
    assert cat.threats["iskander"].range_m.value == 500 * KM


def test_sources_defined_in_several_files_are_identical():
    """The merge keeps the last definition of a source id: copies must not diverge."""
    from importlib import resources

    import yaml

    seen: dict[str, tuple[str, dict]] = {}
    data_dir = resources.files("iads.catalog") / "data"
    for entry in sorted(data_dir.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        doc = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for sid, src in (doc.get("sources") or {}).items():
            if sid in seen:
                assert seen[sid][1] == src, (sid, seen[sid][0], entry.name)
            seen[sid] = (entry.name, src)
