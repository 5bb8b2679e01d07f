"""The pre-run cost estimate: memory and time a run will take, from the scenario alone
(before anything is built), so that a run far past the machine's means is refused in a
second with a message naming the setting to change, instead of taking the machine down.

The estimate is an order of magnitude, from what the engine stores (``iads.engine.loop``):

- threat truth: samples every ``min(1 s, time_step_s)`` of position and velocity
  (6 float64) for every entity over its own flight (its flight time on a route 15 % long, plus
  the few samples kept on each side, ``iads.threats.truth``), a quarter more for the
  index and the allocator, plus the dense samples of one chunk of threats over the whole
  run while they are flown (``iads.threats.flight.CHUNK_BYTES``);
- the truth file (``--truth-rate``): ``duration_s * rate + 1`` rows per entity, about
  120 bytes a row with its name, built in memory before it is written;
- detections: at most one event per radar scan per entity while it flies within the
  radar's reach (instrumented range, 4/3-earth horizon at its cruise altitude, 1.5 x the
  detection range at its RCS), a phased array's track dwells capped at ``n_tracked``,
  of which a run reaches a third at most (measured: threats die first)
  (:func:`estimate_cost`); about 130 bytes an event (57 in the log's chunks, the rest
  while its table is built) for the first ``SPILL_ROWS`` events: past them the log goes
  to a temporary file and ends as a table mapped from disk (``iads.state.events``),
  which the memory budget does not count;
- time: about 2 ms per time step plus 0.5 µs per step, radar and entity (measured on the
  default scenario, one core; steps without work are skipped, so this is an upper bound
  there; a large raid's tracking and battle management cost more per entity).

``--force`` on the command line runs a scenario past the budgets anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from iads.catalog.schema import Catalog
from iads.scenario.schema import Scenario

__all__ = ["MEMORY_BUDGET_BYTES", "TIME_BUDGET_S", "RunCost", "check_cost", "estimate_cost"]

#: Memory a run may take before it is refused without ``--force`` [bytes].
MEMORY_BUDGET_BYTES = 4 * 1024**3
#: Time a run may take before it is refused without ``--force`` [s].
TIME_BUDGET_S = 3600.0

_TRUTH_BYTES = 6 * 8  # pos + vel float64 per stored sample
_TRUTH_OVERHEAD = 1.25  # the windows' index, the allocator
_TRUTH_CHUNK_BYTES = 512 * 1024**2  # one chunk of threats being flown (threats.flight)
_TRUTH_PAD = 2 + 2  # samples kept before launch and after the end (truth.PAD), rounding
_TRUTH_ROW_BYTES = 120
_EVENT_BYTES = 130  # measured: 5 M events, 57 B each in the chunks, +350 MiB for table()
#: Events a log holds in memory before it spills to disk (``iads.state.events.SPILL_ROWS``;
#: a test keeps the two equal: the scenario layer does not import the state layer).
SPILL_ROWS = 8_000_000
#: Share of the detection bound a run reaches: threats die, and Pd < 1 near the edge of
#: reach. Measured 0.23 (default scenario: 9,097 events of 39,288 bounded), 0.29
#: (saturation, 100 threats, 1 battery: 124,963 of 426,239) and 0.10 (100 threats,
#: 5 batteries: 114,609 of 1,099,263); one third stays above each.
_DETECTED_SHARE = 1.0 / 3.0
_STEP_S = 2e-3
_G_MPS2 = 9.80665
#: Mean length of a dog-legged route over the direct one: E[sqrt(1 + 4 u²)], u ~ U(0, 0.15)
#: (iads.threats.raid: an offset of u times the route at mid-route).
_DOGLEG_MEAN = 1.0148
_PAIR_STEP_S = 5e-7


@dataclass(frozen=True)
class RunCost:
    """The estimated cost of one run and what it comes from."""

    n_entities: int
    n_radars: int
    n_steps: int
    n_truth_samples: int
    n_truth_rows: int
    n_detections_max: int
    memory_bytes: float
    time_s: float
    truth_bytes: float = 0.0  # the threat truth's share of memory_bytes

    def problems(
        self, memory_budget: float | None = None, time_budget_s: float | None = None
    ) -> list[str]:
        """One sentence per budget exceeded (default: the module's budgets), each naming
        the settings to change."""
        memory_budget = MEMORY_BUDGET_BYTES if memory_budget is None else memory_budget
        time_budget_s = TIME_BUDGET_S if time_budget_s is None else time_budget_s
        out = []
        if self.memory_bytes > memory_budget:
            parts = {
                "threat truth": self.truth_bytes,
                "truth.parquet (--truth-rate)": self.n_truth_rows * _TRUTH_ROW_BYTES,
                "detection events": min(self.n_detections_max, SPILL_ROWS) * _EVENT_BYTES,
            }
            big = max(parts, key=lambda k: parts[k])
            fix = {
                "threat truth": "shorten settings.duration_s, raise settings.time_step_s "
                "(truth is sampled every min(1 s, time_step_s)) or fly fewer threats (count)",
                "truth.parquet (--truth-rate)": "lower --truth-rate (0: do not write it)",
                "detection events": "shorten settings.duration_s or fly fewer threats (count)",
            }[big]
            out.append(
                f"the run would need about {_gb(self.memory_bytes)} of memory, over the "
                f"budget of {_gb(memory_budget)}, {_gb(parts[big])} of it for {big} "
                f"({self.n_entities:,} entities, {self.n_truth_samples:,} truth samples, "
                f"{self.n_steps:,} steps); {fix}"
            )
        if self.time_s > time_budget_s:
            out.append(
                f"the run would take about {self.time_s / 3600:.1f} h, over the budget of "
                f"{time_budget_s / 3600:.1f} h ({self.n_steps:,} steps x {self.n_radars} "
                f"radars x {self.n_entities:,} entities); raise settings.time_step_s, "
                "shorten settings.duration_s or fly fewer threats (count)"
            )
        return out


def _gb(n: float) -> str:
    return f"{n / 1024**3:,.1f} GiB" if n >= 1024**3 / 10 else f"{n / 1024**2:,.0f} MiB"


def _flights(sc: Scenario, catalog: Catalog) -> list[tuple]:
    """Per threat group, friendly group or raid group: (count, flight time [s], speed
    [m/s], highest altitude [m], route legs, largest catalog RCS [m²], route length [m],
    raid sector (target lat, lon, lowest and highest bearing [deg]) or None), from the
    scenario alone. The flight time is
    the route length over the speed (ballistic: the minimum-energy flight time over a flat
    earth, sqrt(2 R / g), first order), bounded by the time left in the run after the
    group's first launch. A raid's route length is its expected value: the mean distance
    from the target of a point drawn uniformly on the launch disc, d + r² / (4 d) to second
    order, and for a cruise missile the dog-leg's mean lengthening (an offset of U(0, 15 %)
    of the route at mid-route: 1.5 % on average)."""
    from iads.geo import great_circle_distance_m
    from iads.scenario.schema import Raid

    duration = sc.settings.duration_s
    assets = {a.name: a.position for a in sc.assets}
    out = []

    def entry(key: str) -> tuple[str, float, float]:
        te = catalog.threats.get(key)
        if te is None:
            return "aircraft", 250.0, 10_000.0
        speed = float(te.cruise_speed_mps.value) if te.cruise_speed_mps else 250.0
        alt = te.cruise_altitude_m  # what routed flights fly (ballistic: see add)
        return te.threat_class, speed, float(alt.value) if alt else 10_000.0

    def rcs(key: str) -> float:
        te = catalog.threats.get(key)
        figs = [te.rcs_front_m2, te.rcs_side_m2, te.rcs_rear_m2] if te else []
        return max((float(f.value) for f in figs if f is not None), default=10.0)

    def add(cls, count, route_m, speed, alt, legs, t0, key, sector=None):
        if cls == "ballistic_missile":
            t = math.sqrt(2.0 * route_m / _G_MPS2)
            speed = route_m / max(t, 1e-9)
            alt = max(alt, route_m / 2.0)
        else:
            t = route_m / speed
        out.append((count, max(0.0, min(t, duration - t0)), speed, alt, legs, rcs(key),
                    route_m, sector))  # fmt: skip

    for g in (*sc.threats, *sc.friendlies, *sc.neutrals):
        if isinstance(g, Raid):
            r = g.raid
            tgt = assets.get(r.target)
            for rg in r.groups:
                cls, speed, alt = entry(rg.type)
                speed = rg.speed_mps or speed
                alt = max(alt, rg.altitude_m or 0.0)
                legs = 2 if cls == "cruise_missile" else 1  # the dog-leg
                # Routes leave the target within the raid's axis, widened by the launch
                # disc and (cruise missiles) the dog-leg of up to 15 % of the route.
                half = r.axis_spread_deg / 2.0 + math.degrees(
                    math.asin(min(1.0, rg.radius_m / rg.distance_m)))
                half += 17.0 if cls == "cruise_missile" else 0.0
                sector = None if tgt is None else (
                    tgt.lat, tgt.lon, r.axis_bearing_deg - half, r.axis_bearing_deg + half)
                route = rg.distance_m + rg.radius_m**2 / (4.0 * rg.distance_m)
                route *= _DOGLEG_MEAN if cls == "cruise_missile" else 1.0
                add(cls, rg.count, route, speed, alt, legs, r.start_time_s, rg.type,
                    sector)  # fmt: skip
            continue
        cls, speed, alt = entry(g.type)
        speed = g.speed_mps or (340.0 * g.speed_mach if g.speed_mach else speed)
        alt = max([alt, g.altitude_m or 0.0, *(w.alt_m or 0.0 for w in g.waypoints)])
        patrol = getattr(g, "patrol", None)
        if patrol is not None:
            # A racetrack: the whole time on station, one leg per straight (both may lie
            # within a radar's reach).
            leg = float(great_circle_distance_m(patrol.start.lat, patrol.start.lon,
                                                patrol.end.lat, patrol.end.lon))
            route = speed * patrol.duration_s
            add(cls, g.count, route, speed, alt, max(1, math.ceil(route / max(leg, 1.0))),
                g.launch_time_s, g.type)  # fmt: skip
            continue
        pts = [(g.launch.lat, g.launch.lon), *((w.lat, w.lon) for w in g.waypoints)]
        target = getattr(g, "target", None)
        if target in assets:
            pts.append((assets[target].lat, assets[target].lon))
        route = sum(
            float(great_circle_distance_m(a[0], a[1], b[0], b[1]))
            for a, b in zip(pts, pts[1:], strict=False)
        )
        add(cls, g.count, route, speed, alt, max(1, len(pts) - 1), g.launch_time_s, g.type)
    return out


def _in_reach_m(lat: float, lon: float, reach_m: float, flight: tuple) -> float:
    """Length [m] of a flight's route within ``reach_m`` of a radar at ``lat``, ``lon``
    [deg]: for a raid the longest such stretch of any straight route leaving the target
    within the raid's sector (local flat frame, sampled every degree or finer, 10 %
    margin); otherwise ``legs x 2 reach`` (a chord per leg)."""
    *_, legs, _, route_m, sector = flight
    if sector is None or reach_m <= 0.0:
        return min(route_m, legs * 2.0 * reach_m)
    lat_t, lon_t, b_lo, b_hi = sector
    e = math.radians(lon - lon_t) * 6_371_000.0 * math.cos(math.radians(lat_t))
    nn = math.radians(lat - lat_t) * 6_371_000.0
    k = max(2, int(b_hi - b_lo) + 2)
    best = 0.0
    for i in range(k):
        b = math.radians(b_lo + (b_hi - b_lo) * i / (k - 1))
        ux, uy = math.sin(b), math.cos(b)
        s = e * ux + nn * uy  # along the route from the target
        h2 = e * e + nn * nn - s * s  # squared distance off it
        if h2 >= reach_m * reach_m:
            continue
        c = math.sqrt(reach_m * reach_m - max(h2, 0.0))
        best = max(best, max(0.0, min(s + c, route_m) - max(s - c, 0.0)))
    return min(route_m, 1.1 * best * (1.2 if legs > 1 else 1.0))


def _horizon_m(h_radar_m: float, h_target_m: float) -> float:
    """4/3-earth radar horizon between two heights [m] (Skolnik, Introduction to Radar
    Systems, 3rd ed., sec. 8.4), with a 10 % margin: an upper bound on the range at which
    a radar can see a target at that height over smooth earth."""
    k_r = 2.0 * (4.0 / 3.0) * 6_400_000.0
    return 1.1 * (math.sqrt(k_r * max(h_radar_m, 0.0)) + math.sqrt(k_r * max(h_target_m, 0.0)))


def estimate_cost(sc: Scenario, catalog: Catalog, truth_rate_hz: float = 0.0) -> RunCost:
    """The cost of running ``sc`` (validated against ``catalog``) and writing its truth at
    ``truth_rate_hz`` [Hz] (0: not written). Pure arithmetic: nothing is built.

    Detections: each radar scans each entity at most once per sweep (and a phased array
    once per track update, on at most ``n_tracked`` entities) while the entity flies and
    is within the radar's reach (its instrumented range, the 4/3-earth horizon at the
    entity's cruise altitude, 1.5 x its detection range at the entity's RCS), along the
    stretch of route :func:`_in_reach_m` bounds."""
    from iads.scenario.schema import entity_count

    n_threats, n_friendly = entity_count(sc)
    n = n_threats + n_friendly
    duration, dt = sc.settings.duration_s, sc.settings.time_step_s
    n_steps = int(duration / dt) + 1
    n_truth = int(duration / min(1.0, dt)) + 1
    n_rows = (int(duration * truth_rate_hz) + 1) * n if truth_rate_hz > 0 else 0
    flights = _flights(sc, catalog)
    n_radars, n_det = 0, 0.0
    for d in sc.defenders:
        if not d.enabled or d.system not in catalog.systems:
            continue
        for rk in (*catalog.systems[d.system].radars, *d.extra_radars):
            n_radars += 1
            re = catalog.radars.get(rk)
            if re is None:
                continue
            rotating = re.role in ("surveillance", "low_altitude")
            revisit = max(float(re.revisit_s.value), dt, 1e-3)
            # a phased array searches every search_revisit_s (sensors.setup's 5 s when
            # unpublished) and runs track dwells every revisit_s on at most n_tracked
            sweep = revisit if rotating else max(
                float(re.search_revisit_s.value) if re.search_revisit_s else 5.0, dt)
            r_max = float(re.instrumented_range_m.value)
            h_ant = float(re.antenna_height_m.value) if re.antenna_height_m else 30.0
            h_ant += d.position.alt_m
            # Beyond 1.5 x its detection range at the target's RCS (SNR 7 dB below the
            # reference) a radar detects a target rarely: the reach of its detections.
            r_ref, rcs_ref = float(re.ref_range_m.value), float(re.ref_rcs_m2.value)
            seen_s = 0.0
            for f in flights:
                count, t, v, alt, _, rcs, *_ = f
                reach = min(r_max, _horizon_m(h_ant, alt), 1.5 * r_ref * (rcs / rcs_ref) ** 0.25)
                seen_s += count * min(t, _in_reach_m(d.position.lat, d.position.lon, reach, f) / v)
            n_det += seen_s / sweep
            if not rotating:
                n_tr = float(re.n_tracked.value) if re.n_tracked else 100.0
                n_det += min(seen_s, n_tr * duration) / revisit
    n_det = int(n_det * _DETECTED_SHARE)
    truth = _truth_bytes(flights, n, n_truth, min(1.0, dt), dt)
    memory = truth + n_rows * _TRUTH_ROW_BYTES + min(n_det, SPILL_ROWS) * _EVENT_BYTES
    time_s = n_steps * _STEP_S + float(n_steps) * n_radars * n * _PAIR_STEP_S
    return RunCost(n, n_radars, n_steps, n_truth, n_rows, n_det, float(memory), time_s,
                   float(truth))  # fmt: skip


def _truth_bytes(flights: list[tuple], n: int, n_truth: int, h_s: float, dt_s: float) -> float:
    """Memory [bytes] of the threat truth: each of the ``n`` entities stored over its own
    flight (``flights``' flight times, routes 15 % long; entities no flight accounts for, over
    the whole grid of ``n_truth`` samples every ``h_s``), and one chunk being flown."""
    pad = _TRUTH_PAD + math.ceil(dt_s / h_s)  # the engine keeps a step's reach past the end
    stored, counted = 0.0, 0
    for f in flights:
        count, t = int(f[0]), float(f[1])
        stored += count * min(n_truth, t / h_s + 2 * pad)
        counted += count
    stored += max(0, n - counted) * n_truth
    chunk = min(_TRUTH_CHUNK_BYTES, 16 * 8 * n_truth * n)  # a chunk of at most every entity
    return stored * _TRUTH_BYTES * _TRUTH_OVERHEAD + chunk


def check_cost(
    sc: Scenario, catalog: Catalog, truth_rate_hz: float = 0.0, *, source: str | None = None
) -> RunCost:
    """:func:`estimate_cost`, raising an :class:`~iads.errors.InputError` that names the
    settings to change (and ``--force``) when a budget is exceeded."""
    from iads.errors import InputError

    cost = estimate_cost(sc, catalog, truth_rate_hz)
    problems = cost.problems()
    if problems:
        where = f"{source}: " if source else ""
        raise InputError(
            where + "; and ".join(problems) + ". Use --force to run it anyway."
        )
    return cost
