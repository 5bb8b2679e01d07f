"""Built-in scenario families: scenarios generated from a few parameters instead of
written out, so that one name covers a sweep of sizes (``iads run saturation --param
n_threats=5000 --param batteries=5``).

A family is a function of its parameters returning scenario YAML text; the text is then
read like any scenario file (schema, catalog cross-checks, cost estimate), so a generated
scenario is an ordinary one: written next to the run's outputs, editable, replayable.
Parameters are validated once here, every problem at once, each naming the parameter,
the value received and what is allowed.

``saturation``: a night raid of ``n_threats`` drones, cruise and ballistic missiles on
several defended cities of central Anatolia by a network of ``batteries`` fire units
(S-400, Patriot, NASAMS, SAMP/T in turn). Notional: the sites and the launch areas exist
to load a large network from one side, not to depict any real plan. The mix follows the
public reports of such raids (see ``SATURATION_SOURCES``): the large Ukrainian night
raids of 2025 were 95 % or more drones (810 drones and 13 missiles on 6-7 September 2025,
728 drones and 13 missiles on 8-9 July 2025, 595 drones and 48 missiles on 28 September
2025), Iran's raid on Israel on 13-14 April 2024 about 53 % drones, 9 % cruise and 38 %
ballistic missiles (170, 30+ and 120+); the default 85 / 10 / 5 % lies between them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from iads.errors import InputError

__all__ = [
    "FAMILIES",
    "SATURATION_SOURCES",
    "Family",
    "FamilyParam",
    "family_text",
    "parse_params",
    "saturation",
]

#: Public reports of large mixed raids behind the saturation family's default mix.
SATURATION_SOURCES = (
    "The Independent, 14 Apr 2024: IDF spokesman, Iran fired 170 drones, more than 30 "
    "cruise missiles and more than 120 ballistic missiles at Israel "
    "(https://www.independent.co.uk/news/world/middle-east/"
    "iran-strikes-israel-attack-live-updates-b2528439.html)",
    "AP, 9 Jul 2025: Ukrainian air force, 728 Shahed and decoy drones and 13 missiles in "
    "one night (https://www.daytondailynews.com/nation-world/russia-fires-a-record-728-"
    "drones-at-ukraine-overnight-and-13-missiles-ukraines-air-force-says/"
    "HOYESUURJ5HJ7EYC2ESAURLUI4/)",
    "The Moscow Times (AFP analysis of Ukrainian air force data), 1 Oct 2025: 810 drones "
    "on the night of 6-7 Sept 2025; 5,638 drones and 185 missiles in September 2025 "
    "(https://www.themoscowtimes.com/2025/10/01/"
    "russia-intensified-drone-missile-strikes-on-ukraine-in-september-afp-analysis-a90680)",
)


@dataclass(frozen=True)
class FamilyParam:
    """One parameter of a family: its type, default, bounds (inclusive) and meaning."""

    name: str
    kind: type
    default: float | int
    low: float | int
    high: float | int
    doc: str

    def allowed(self) -> str:
        what = "an integer" if self.kind is int else "a number"
        return f"{what} in [{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class Family:
    """A scenario family: its parameters and the function writing its YAML text."""

    name: str
    params: tuple[FamilyParam, ...]
    make: Callable[..., str]
    doc: str


# -- the saturation family --------------------------------------------------------------

#: Defended cities (GeoNames coordinates, rounded) and their relative values.
_ASSETS = (
    ("Ankara", 39.9334, 32.8597, 100),
    ("Kayseri", 38.7312, 35.4787, 50),
    ("Konya", 37.8746, 32.4932, 50),
    ("Eskişehir", 39.7767, 30.5206, 40),
    ("Kırıkkale", 39.8468, 33.5153, 30),
)
#: Fire-unit systems, dealt in turn (the first battery of the network is an S-400).
_SYSTEMS = ("S-400", "Patriot", "NASAMS", "SAMP/T")
#: Shoot-look-shoot, one missile a shot; two against ballistic missiles where the system
#: engages them (NASAMS does not).
_SLS = {"policy": "shoot-look-shoot", "salvo": 1}
_DOCTRINE = {
    "S-400": {**_SLS, "salvo_by_class": {"ballistic_missile": 2}},
    "Patriot": {**_SLS, "salvo_by_class": {"ballistic_missile": 2}},
    "NASAMS": _SLS,
    "SAMP/T": {**_SLS, "salvo_by_class": {"ballistic_missile": 2}},
}
#: Per threat class: catalog type, distance of the launch area from the target [m], its
#: radius [m], raid axis bearing and spread [deg], launch start and spread [s]. Drones
#: are launched in waves over the first 80 min and fly 1-1.5 h at ~50 m/s; cruise
#: missiles are launched after them to arrive with the last drones; ballistic missiles
#: come last, a few minutes of flight each: every threat arrives within the 3 h run.
_WAVES = {
    "drone": ("shahed136", 220_000.0, 60_000.0, 20.0, 100.0, 0.0, 4_800.0),
    "cruise": ("kalibr", 600_000.0, 80_000.0, 0.0, 60.0, 4_800.0, 2_400.0),
    "ballistic": ("iskander", 350_000.0, 40_000.0, 10.0, 40.0, 8_400.0, 1_800.0),
}
SATURATION_DURATION_S = 10_800.0


def _split(n: int, weights: list[float]) -> list[int]:
    """``n`` split in proportion to ``weights`` by largest remainder (sums to ``n``)."""
    total = sum(weights)
    raw = [n * w / total if total > 0 else 0.0 for w in weights]
    out = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: n - sum(out)]:
        out[i] += 1
    return out


def saturation(
    n_threats: int = 1000,
    batteries: int = 20,
    drone_fraction: float = 0.85,
    cruise_fraction: float = 0.10,
) -> str:
    """The YAML text of a saturation raid: ``n_threats`` threats (``drone_fraction``
    Shahed-136-class drones, ``cruise_fraction`` Kalibr-class cruise missiles, the rest
    Iskander-class ballistic missiles, counts rounded by largest remainder) on five
    cities defended by ``batteries`` fire units, over 3 h.

    Batteries are dealt to the cities in turn (Ankara first) and sited on a spiral 10 to
    30 km around their city; their systems cycle S-400, Patriot, NASAMS, SAMP/T. The
    batteries of one city form one network (measurement fusion), a lone battery fights
    autonomously. Each city is raided by each threat class in proportion to its value.
    Parameters are checked by :func:`parse_params`; call through it for located errors.
    """
    fr = {"drone": drone_fraction, "cruise": cruise_fraction,
          "ballistic": max(0.0, 1.0 - drone_fraction - cruise_fraction)}  # fmt: skip
    per_class = dict(zip(fr, _split(n_threats, list(fr.values())), strict=True))
    values = [a[3] for a in _ASSETS]
    assets = [
        {"name": n, "position": {"lat": lat, "lon": lon, "alt_m": 0}, "value": v}
        for n, lat, lon, v in _ASSETS
    ]
    defenders: list[dict[str, Any]] = []
    members: dict[str, list[str]] = {a[0]: [] for a in _ASSETS}
    for b in range(batteries):
        city, lat0, lon0, _ = _ASSETS[b % len(_ASSETS)]
        k = b // len(_ASSETS)  # the k-th battery at this city
        system = _SYSTEMS[b % len(_SYSTEMS)]
        r_m = 10_000.0 + 4_000.0 * k
        brg = math.radians(137.5 * k + 45.0 * (b % len(_ASSETS)))  # golden-angle spiral
        lat = lat0 + math.degrees(r_m * math.cos(brg) / 6_371_000.0)
        lon = lon0 + math.degrees(
            r_m * math.sin(brg) / (6_371_000.0 * math.cos(math.radians(lat0)))
        )
        name = f"{system} {city} {k + 1}"
        members[city].append(name)
        defenders.append({
            "name": name, "system": system,
            "position": {"lat": round(lat, 5), "lon": round(lon, 5), "alt_m": 0},
            "doctrine": _DOCTRINE[system],
        })  # fmt: skip
    networks = [
        {"name": f"{city} air defence", "members": m, "fusion": "measurement"}
        for city, m in members.items()
        if len(m) >= 2
    ]
    threats = []
    for cls, count in per_class.items():
        key, dist, rad, axis, spread, t0, t_spread = _WAVES[cls]
        for (city, *_), n in zip(_ASSETS, _split(count, values), strict=True):
            if n == 0:
                continue
            threats.append({"raid": {
                "name": f"{cls} raid on {city}", "target": city,
                "groups": [{"type": key, "count": n, "distance_m": dist, "radius_m": rad}],
                "axis_bearing_deg": axis, "axis_spread_deg": spread,
                "start_time_s": t0, "time_spread_s": t_spread,
            }})  # fmt: skip
    doc: dict[str, Any] = {
        "name": f"Saturation raid: {n_threats:,} threats on {batteries} batteries",
        "description": (
            f"{per_class['drone']} Shahed-136-class drones, {per_class['cruise']} "
            f"Kalibr-class cruise missiles and {per_class['ballistic']} Iskander-class "
            f"ballistic missiles over 3 h on five cities of central Anatolia, defended by "
            f"{batteries} S-400, Patriot, NASAMS and SAMP/T batteries (notional)."
        ),
        "settings": {"duration_s": SATURATION_DURATION_S, "time_step_s": 1.0, "seed": 2025},
        "assets": assets,
        "defenders": defenders,
    }
    if networks:
        doc["networks"] = networks
    doc["threats"] = threats
    head = (
        "# Generated by the built-in scenario family 'saturation' "
        f"(n_threats={n_threats}, batteries={batteries}, drone_fraction={drone_fraction:g}, "
        f"cruise_fraction={cruise_fraction:g}).\n# Mix after public reports of large raids:\n"
        + "".join(f"#  - {s}\n" for s in SATURATION_SOURCES)
    )
    return head + yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    """Plain YAML as a person writes it: no anchors, flat mappings on one line."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _mapping(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flat = all(not isinstance(v, dict | list) for v in data.values()) and len(data) <= 4
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flat)


_Dumper.add_representer(dict, _mapping)


FAMILIES: dict[str, Family] = {
    "saturation": Family(
        "saturation",
        (
            FamilyParam("n_threats", int, 1000, 1, 100_000, "threats in the raid"),
            FamilyParam("batteries", int, 20, 1, 200, "fire units defending the cities"),
            FamilyParam("drone_fraction", float, 0.85, 0.0, 1.0, "share of drones"),
            FamilyParam("cruise_fraction", float, 0.10, 0.0, 1.0,
                        "share of cruise missiles (ballistic: the rest)"),
        ),
        saturation,
        "a night raid of drones, cruise and ballistic missiles on a network of batteries",
    ),
}


def _coerce(p: FamilyParam, value: Any) -> tuple[Any, str | None]:
    """``value`` (text from the command line, or a number) as ``p``'s type, or an error."""
    v = value
    if isinstance(v, str):
        try:
            v = float(v.replace("_", "").replace(",", "")) if v.strip() else None
        except ValueError:
            v = None
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        return None, f"must be {p.allowed()}; got {value!r}"
    if p.kind is int:
        if v != int(v):
            return None, f"must be {p.allowed()}; got {value!r}"
        v = int(v)
    if not p.low <= v <= p.high:
        return None, f"must be {p.allowed()}; got {value!r}"
    return v, None


def parse_params(family: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The checked parameters of ``family``: defaults overridden by ``params`` (values as
    text or numbers). Raises :class:`~iads.errors.InputError` listing every problem, each
    naming ``--param NAME``, the value and what is allowed."""
    import difflib

    fam = FAMILIES[family]
    known = {p.name: p for p in fam.params}
    out = {p.name: p.default for p in fam.params}
    problems = []
    for name, value in (params or {}).items():
        if name not in known:
            hint = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
            dym = f"did you mean '{hint[0]}'? " if hint else ""
            problems.append(f"--param {name}: no such parameter of '{family}'; {dym}"
                            f"(parameters: {', '.join(known)})")  # fmt: skip
            continue
        v, err = _coerce(known[name], value)
        if err:
            problems.append(f"--param {name}: {err}")
        else:
            out[name] = v
    if family == "saturation" and not problems:
        s = out["drone_fraction"] + out["cruise_fraction"]
        if s > 1.0 + 1e-12:
            problems.append(
                f"--param drone_fraction, cruise_fraction: must sum to at most 1 (the "
                f"rest are ballistic missiles); got {out['drone_fraction']:g} + "
                f"{out['cruise_fraction']:g} = {s:g}"
            )
    if problems:
        n = len(problems)
        raise InputError(
            f"built-in scenario family '{family}': {n} problem{'s' if n > 1 else ''}\n  "
            + "\n  ".join(problems)
        )
    return out


def family_text(family: str, params: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """The YAML text of ``family`` with ``params`` (checked) and the source name to report
    it by, e.g. ``<built-in scenario family 'saturation' (n_threats=5000)>``."""
    values = parse_params(family, params)
    given = params or {}
    changed = ", ".join(f"{k}={v:g}" for k, v in values.items() if given.get(k) is not None)
    source = f"<built-in scenario family '{family}'" + (f" ({changed})>" if changed else ">")
    return FAMILIES[family].make(**values), source
