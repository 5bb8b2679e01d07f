"""The ``exposure`` chapter's result: its shown tables, headline numbers, answer text,
findings and figures, all built from the per-run tables of
:mod:`iads.study.kinds.exposure` (every number the text quotes is a cell of the
``headline`` table or of a shown table)."""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from iads.study.chapter import ChapterResult, Figure

__all__ = ["frontal_rcs_m2", "write_result"]

_LABEL = {"f35": "F-35", "f16": "F-16"}


def _name(t: str) -> str:
    return _LABEL.get(t, t)


def frontal_rcs_m2(
    catalog: Any, types: list[str], radars: list[str]
) -> dict[tuple[str, str], float]:
    """Mean frontal RCS [m^2] of each type at each radar's frequency (the engine's band
    model, ``iads.sensors.setup.band_tables``)."""
    from iads.sensors.setup import band_tables

    freq = np.array([float(catalog.radars[r].frequency_hz.value) for r in radars])
    tab = band_tables(tuple(types), catalog, freq)
    out: dict[tuple[str, str], float] = {}
    for j, t in enumerate(types):
        for i, r in enumerate(radars):
            if tab is None:
                out[(t, r)] = float(catalog.threats[t].rcs_front_m2.value)
            else:
                out[(t, r)] = float(10.0 ** (tab[0][i, tab[1][j], 0] / 10.0))
    return out


def _fmt(x: float | None, nd: int = 0) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:,.{nd}f}"


def _rows(tab: pa.Table) -> list[dict[str, Any]]:
    return tab.to_pylist()


class _Headline:
    """The numbers the text quotes, each one row of the ``headline`` table."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, name: str, value: float | None, lo: float | None = None,
            hi: float | None = None, what: str = "") -> float | None:  # fmt: skip
        self.rows.append({"name": name, "value": value, "lo": lo, "hi": hi, "what": what})
        return value

    def table(self) -> pa.Table:
        cols = ("name", "value", "lo", "hi", "what")
        types = (pa.string(), pa.float64(), pa.float64(), pa.float64(), pa.string())
        return pa.table({c: pa.array([r[c] for r in self.rows], t)
                         for c, t in zip(cols, types, strict=True)})  # fmt: skip

    def numbers(self) -> dict[str, float]:
        return {r["name"]: r["value"] for r in self.rows if r["value"] is not None}


def _ci(row: dict[str, Any], key: str, nd: int = 0, unit: str = "") -> str:
    v, lo, hi = row.get(key), row.get(f"{key}_lo"), row.get(f"{key}_hi")
    if v is None:
        return "never"
    if lo is None or hi is None:
        return f"{_fmt(v, nd)}{unit}"
    return f"{_fmt(v, nd)}{unit} ({_fmt(lo, nd)}–{_fmt(hi, nd)})"


def _shown_detection(dtab: pa.Table, case: str) -> pa.Table:
    """The detection table of one RCS case, columns in reading order."""
    keep = pc.equal(dtab.column("case"), case)
    t = dtab.filter(keep)
    return t.select([
        "aircraft", "aspect", "altitude_m", "unit", "radar", "runs", "p_detected",
        "first_km_median", "first_km", "first_km_lo", "first_km_hi", "first_s", "censored",
        "detections", "detections_lo", "detections_hi", "dwells", "dwells_lo",
        "dwells_hi"])  # fmt: skip


def _rcs_table(dtab: pa.Table, sig: dict[str, dict[tuple[str, str], float]], base_case: str,
               ) -> pa.Table:  # fmt: skip
    """Per RCS case, aircraft, path and radar: the mean frontal RCS at the radar's band,
    the first-detection range, its ratio to the first case's, and the fourth root of the
    RCS ratio (the radar equation's prediction where neither horizon nor instrumented
    range binds)."""
    rows = _rows(dtab)
    ref = {(r["aircraft"], r["aspect"], r["altitude_m"], r["unit"], r["radar"]): r
           for r in rows if r["case"] == base_case}  # fmt: skip
    cases = list(dict.fromkeys(r["case"] for r in rows))
    out: dict[str, list] = {k: [] for k in (
        "case", "aircraft", "aspect", "altitude_m", "unit", "radar", "rcs_m2",
        "first_km_median", "first_km", "first_km_lo", "first_km_hi", "ratio_to_base",
        "rcs_ratio_quarter_power")}  # fmt: skip
    covered = {
        (r["aircraft"], r["aspect"], r["altitude_m"]) for r in rows if r["case"] != base_case
    }
    for r in rows:
        key = (r["aircraft"], r["aspect"], r["altitude_m"])
        if len(cases) < 2 or key not in covered:
            continue
        b = ref.get((*key, r["unit"], r["radar"]))
        s = sig[r["case"]].get((r["aircraft"], r["radar"]))
        s0 = sig[base_case].get((r["aircraft"], r["radar"]))
        for k in ("case", "aircraft", "aspect", "altitude_m", "unit", "radar", "first_km_median",
                  "first_km", "first_km_lo", "first_km_hi"):  # fmt: skip
            out[k].append(r[k])
        out["rcs_m2"].append(float(f"{s:.3g}") if s else None)
        ok = b and b["first_km_median"] and r["first_km_median"] is not None
        ratio = r["first_km_median"] / b["first_km_median"] if ok else None
        out["ratio_to_base"].append(round(ratio, 3) if ratio is not None else None)
        out["rcs_ratio_quarter_power"].append(round((s / s0) ** 0.25, 3) if s and s0 else None)
    return pa.table(out)


def _sigma_by_case(camp: Any, types: list[str], radars: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for p in camp.points:
        case = p.params["rcs"]
        if case not in out:
            out[case] = frontal_rcs_m2(p.loaded.catalog, types, radars)
    return out


def _figure_first_detection(dtab: pa.Table, case: str, types: list[str], radars: list[str],
                            aspect: str) -> bytes | None:  # fmt: skip
    """Bars: mean first-detection range [km] with 95 % intervals by radar, one bar per
    aircraft type, one panel per altitude."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in _rows(dtab) if r["case"] == case and r["aspect"] == aspect]
    if not rows:
        return None
    alts = sorted({r["altitude_m"] for r in rows})
    fig, axes = plt.subplots(1, len(alts), figsize=(3.6 * len(alts) + 0.6, 3.9), sharey=True,
                             squeeze=False)  # fmt: skip
    width = 0.8 / len(types)
    colors = ["#c0392b", "#2c7fb8", "#7f7f7f", "#31a354"]
    for ax, alt in zip(axes[0], alts, strict=True):
        for j, t in enumerate(types):
            xs, ys, lo, hi = [], [], [], []
            for i, r_key in enumerate(radars):
                r = next((q for q in rows if q["altitude_m"] == alt and q["aircraft"] == t
                          and q["radar"] == r_key), None)  # fmt: skip
                if r is None or r["first_km"] is None:
                    continue
                xs.append(i + (j - (len(types) - 1) / 2) * width)
                ys.append(r["first_km"])
                m = r["first_km"]
                lo.append(m - (r["first_km_lo"] if r["first_km_lo"] is not None else m))
                hi.append((r["first_km_hi"] if r["first_km_hi"] is not None else m) - m)
            ax.bar(xs, ys, width, yerr=[lo, hi], capsize=2, color=colors[j % 4],
                   label=_name(t))  # fmt: skip
        ax.set_xticks(range(len(radars)), radars, rotation=40, ha="right", fontsize=8)
        ax.set_title(f"{aspect}, {alt:,.0f} m", fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("first detection range [km]")
    axes[0][0].legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _figure_rcs(rtab: pa.Table, types: list[str]) -> bytes | None:
    """Median first-detection range against the frontal RCS at the radar's band (log-log),
    one line per radar and aircraft, with the radar equation's sigma^(1/4) slope."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in _rows(rtab) if r["rcs_m2"] and r["first_km_median"]]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    keys = list(dict.fromkeys((r["aircraft"], r["radar"], r["aspect"], r["altitude_m"])
                              for r in rows))  # fmt: skip
    for k, key in enumerate(keys):
        pts = sorted(
            (r["rcs_m2"], r["first_km_median"]) for r in rows
            if (r["aircraft"], r["radar"], r["aspect"], r["altitude_m"]) == key
        )  # fmt: skip
        x, y = zip(*pts, strict=True)
        style = "-o" if key[0] == types[0] else "--s"
        ax.plot(x, y, style, color=f"C{k % 10}", ms=4,
                label=f"{_name(key[0])} · {key[1]} ({key[2]}, {key[3]:,.0f} m)")  # fmt: skip
    xs = np.array([min(r["rcs_m2"] for r in rows), max(r["rcs_m2"] for r in rows)])
    y0 = float(np.median([r["first_km_median"] for r in rows]))
    x0 = float(np.exp(np.mean(np.log(xs))))
    ax.plot(xs, y0 * (xs / x0) ** 0.25, ":", color="k", lw=1, label="slope 1/4 (radar equation)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("mean frontal RCS at the radar's band [m²]")
    ax.set_ylabel("median first detection [km]")
    ax.grid(which="both", alpha=0.3)
    ax.legend(fontsize=6.5, ncol=2, loc="lower right")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _findings(comp: pa.Table | None, a: str, b: str) -> list[str]:
    """One sentence per (metric, path) with the radars (or pictures) where ``a`` and ``b``
    differ significantly after Holm's correction over the whole comparisons table."""
    if comp is None:
        return []
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for r in _rows(comp):
        if r["significant"]:
            groups.setdefault((r["metric"], r["aspect"], r["altitude_m"]), []).append(r)
    out = []
    for (metric, asp, alt), rows in groups.items():
        words = ("farther", "closer") if metric.startswith("first") else ("more", "less")
        parts = []
        for sign, word in ((1, words[0]), (-1, words[1])):
            items = [
                f"{r['radar'] or r['unit'] + ' picture'} ({_fmt(r['mean_a'], 1)} vs "
                f"{_fmt(r['mean_b'], 1)})"
                for r in rows if (r["diff"] > 0) == (sign > 0)
            ]  # fmt: skip
            if items:
                parts.append(f"{word} for the {_name(a)} than the {_name(b)}: " + ", ".join(items))
        p_max = max(r["p_holm"] for r in rows)
        out.append(
            f"{metric[0].upper() + metric[1:]}, {asp} at {alt:,.0f} m: " + "; ".join(parts)
            + f" (Holm p ≤ {p_max:.2g})."
        )
    return out


def write_result(spec: Any, base: Any, camp: Any, radars: list[tuple[str, str]],
                 det: pa.Table, hold: pa.Table, dtab: pa.Table, htab: pa.Table,
                 comp: pa.Table | None) -> ChapterResult:  # fmt: skip
    """The chapter's result from its per-run and summary tables."""
    types = list(spec.aircraft)
    radar_keys = list(dict.fromkeys(r for _, r in radars))
    case0 = spec.rcs_cases[0].name
    sig = _sigma_by_case(camp, types, radar_keys)
    rtab = _rcs_table(dtab, sig, case0)
    rows0 = [r for r in _rows(dtab) if r["case"] == case0]
    hl = _Headline()
    text: list[str] = []

    # 1. Nose-on at the highest altitude: each radar's first detection of each type.
    top = max(spec.altitudes_m)
    if "ingress" in spec.aspects:
        parts = []
        for t in types:
            best = [r for r in rows0 if r["aircraft"] == t and r["aspect"] == "ingress"
                    and r["altitude_m"] == top and r["first_km"] is not None]  # fmt: skip
            if not best:
                parts.append(f"no radar detected the {_name(t)}")
                continue
            best.sort(key=lambda r: -r["first_km"])
            r = best[0]
            hl.add(f"{t}.ingress.{top:g}.best.first_km", r["first_km"], r["first_km_lo"],
                   r["first_km_hi"], f"{_name(t)} nose-on at {top:,.0f} m: first detection by "
                   f"{r['radar']} [km]")  # fmt: skip
            slow = best[-1]
            hl.add(f"{t}.ingress.{top:g}.last.first_km", slow["first_km"], slow["first_km_lo"],
                   slow["first_km_hi"], f"{_name(t)} nose-on at {top:,.0f} m: first detection by "
                   f"{slow['radar']} [km]")  # fmt: skip
            last = (
                f" and last by the {slow['radar']} at {_ci(slow, 'first_km', 0, ' km')}"
                if slow is not r else ""
            )
            parts.append(
                f"the {_name(t)} is first seen by the {r['radar']} at "
                f"{_ci(r, 'first_km', 0, ' km')}{last}"
            )
        text.append(
            f"**Nose-on at {top:,.0f} m** (mean first-detection range, 95 % interval): "
            + "; ".join(parts) + "."
        )
    # 2. The F-35/F-16 ratio against the radar equation, per radar (highest altitude).
    if len(types) >= 2 and "ingress" in spec.aspects:
        a, b = types[0], types[1]
        lines = []
        for rk in radar_keys:
            ra = next((r for r in rows0 if r["aircraft"] == a and r["aspect"] == "ingress"
                       and r["altitude_m"] == top and r["radar"] == rk), None)  # fmt: skip
            rb = next((r for r in rows0 if r["aircraft"] == b and r["aspect"] == "ingress"
                       and r["altitude_m"] == top and r["radar"] == rk), None)  # fmt: skip
            if not ra or not rb or not ra["first_km_median"] or not rb["first_km_median"]:
                continue
            ratio = round(ra["first_km_median"] / rb["first_km_median"], 3)
            pred = round((sig[case0][(a, rk)] / sig[case0][(b, rk)]) ** 0.25, 3)
            hl.add(f"ratio.{rk}", ratio, None, None,
                   f"median first detection {_name(a)}/{_name(b)}, {rk}, nose-on {top:,.0f} m")
            hl.add(f"ratio_predicted.{rk}", pred, None, None,
                   f"(sigma {_name(a)}/sigma {_name(b)})^(1/4) at the {rk}'s band")
            lines.append(f"{rk} {ratio:.2f} (σ^¼ {pred:.2f})")
        if lines:
            text.append(
                f"**{_name(a)}/{_name(b)} ratio of median first-detection ranges** nose-on at "
                f"{top:,.0f} m, against the fourth root of their frontal RCS ratio at each radar's "
                "band (the radar equation; equal where neither the horizon, terrain included, nor "
                "the instrumented range binds, higher where they cap the brighter aircraft's "
                "range, as when both are seen at the same terrain-limited range): "
                + "; ".join(lines) + "."
            )
    # 3. Low altitude: the horizon and the terrain decide.
    low = min(spec.altitudes_m)
    if "ingress" in spec.aspects and low != top:
        parts = []
        for t in types:
            rr = [r for r in rows0 if r["aircraft"] == t and r["aspect"] == "ingress"
                  and r["altitude_m"] == low and r["first_km"] is not None]  # fmt: skip
            if not rr:
                continue
            r = max(rr, key=lambda q: q["first_km"])
            hl.add(f"{t}.ingress.{low:g}.best.first_km", r["first_km"], r["first_km_lo"],
                   r["first_km_hi"], f"{_name(t)} nose-on at {low:,.0f} m: first detection by "
                   f"{r['radar']} [km]")  # fmt: skip
            parts.append(f"{_name(t)} {_ci(r, 'first_km', 0, ' km')} ({r['radar']})")
        if parts:
            text.append(
                f"**At {low:,.0f} m** the earliest detection is " + ", ".join(parts)
                + ": the horizon and the terrain, not the RCS, set it."
            )
    # 4. Crossing: what the radars collect, and how long the pictures hold the track.
    if "crossing" in spec.aspects:
        parts = []
        for t in types:
            rr = [r for r in rows0 if r["aircraft"] == t and r["aspect"] == "crossing"
                  and r["altitude_m"] == top]  # fmt: skip
            if not rr:
                continue
            r = max(rr, key=lambda q: q["detections"] or 0)
            hl.add(f"{t}.crossing.{top:g}.max.detections", r["detections"], r["detections_lo"],
                   r["detections_hi"], f"{_name(t)} crossing at {top:,.0f} m: detections by "
                   f"{r['radar']}")  # fmt: skip
            hh = [h for h in _rows(htab) if h["case"] == case0 and h["aircraft"] == t
                  and h["aspect"] == "crossing" and h["altitude_m"] == top]  # fmt: skip
            held = "; ".join(
                f"the {h['unit']} picture holds it {_ci(h, 'held_s', 0, ' s')}" for h in hh
            )
            for h in hh:
                hl.add(f"{t}.crossing.{top:g}.held_s.{h['unit']}", h["held_s"], h["held_s_lo"],
                       h["held_s_hi"], f"{_name(t)} crossing at {top:,.0f} m: track held by the "
                       f"{h['unit']} picture [s]")  # fmt: skip
            parts.append(
                f"the {_name(t)} gives the {r['radar']} {_ci(r, 'detections', 0)} detections "
                f"({_ci(r, 'dwells', 0)} dwells); {held}"
            )
        if parts:
            text.append(
                f"**Crossing at {spec.crossing_offset_km:g} km, {top:,.0f} m**: "
                + "; ".join(parts) + "."
            )
    # 5. The RCS range.
    if rtab.num_rows:
        parts = []
        for t in types:
            rr = [r for r in _rows(rtab) if r["aircraft"] == t and r["first_km_median"]]
            if not rr:
                continue
            best_radar = max(rr, key=lambda q: q["first_km_median"])["radar"]
            on = sorted((r for r in rr if r["radar"] == best_radar), key=lambda q: q["rcs_m2"])
            lo_r, hi_r = on[0], on[-1]
            hl.add(f"{t}.rcs_low.{best_radar}.median_km", lo_r["first_km_median"], None, None,
                   f"{_name(t)} at {lo_r['rcs_m2']:g} m² ({lo_r['case']}), {best_radar} [km]")
            hl.add(f"{t}.rcs_high.{best_radar}.median_km", hi_r["first_km_median"], None, None,
                   f"{_name(t)} at {hi_r['rcs_m2']:g} m² ({hi_r['case']}), {best_radar} [km]")
            parts.append(
                f"the {_name(t)} from {_fmt(lo_r['first_km_median'])} km ({lo_r['rcs_m2']:g} m², "
                f"{lo_r['case']}) to {_fmt(hi_r['first_km_median'])} km ({hi_r['rcs_m2']:g} m², "
                f"{hi_r['case']}) at the {best_radar}"
            )
        if parts:
            text.append(
                "**Over the sourced RCS ranges** the median first detection runs "
                + "; ".join(parts) + " (table `rcs_range`)."
            )

    findings = _findings(comp, types[0], types[1]) if len(types) >= 2 else []
    paths = ", ".join(
        f"{asp} {alt:,.0f} m at {brg:.0f}°" for alt, asp, brg in _paths_of(spec)
    )
    from iads.study.kinds.exposure import _reps_used

    cases = "; ".join(
        f"**{c.name}**" + (f" ({', '.join(f'{k} = {v:g}' for k, v in c.overrides.items())})"
                           if c.overrides else " (catalog figures)")
        + (f", flown {', '.join(c.aspects or spec.aspects)} at "
           f"{', '.join(f'{a:,.0f}' for a in (c.altitudes_m or spec.altitudes_m))} m"
           if c.altitudes_m or c.aspects else "")
        + (f": {c.note}" if c.note else "")
        for c in spec.rcs_cases
    )  # fmt: skip
    speeds = ", ".join(f"{_name(k)} {v:g} m/s" for k, v in spec.speed_mps.items()) or "none"
    units = ", ".join(
        f"{u.name} ({u.system}{' + ' + ', '.join(u.extra_radars) if u.extra_radars else ''})"
        for u in base.scenario.defenders
    )
    setup = (
        f"Defense: {units}, at {base.scenario.defenders[0].position.lat:.3f} N "
        f"{base.scenario.defenders[0].position.lon:.3f} E, weapons held (scenario "
        f"`{spec.scenario}`, terrain: "
        f"{(base.scenario.terrain.dem if base.scenario.terrain else 'builtin')}). Aircraft: "
        f"{', '.join(_name(t) for t in types)}, {spec.per_cell} per path per run, at catalog "
        f"cruise speed unless set ({speeds}). Paths (bearing from the "
        f"site): {paths}; ingress nose-on from {_km(spec.ingress_start_km)} to "
        f"{_km(spec.ingress_end_km)} km, crossing at {spec.crossing_offset_km:g} km closest "
        f"approach over ±{spec.crossing_half_length_km:g} km. RCS cases: {cases}. "
        f"{_reps_used(camp)} replications per point ({len(camp.points)} points: RCS case × "
        "aircraft), every number measured by the engine's sensing chain and tracker "
        "(truth only gives the range at the first detection). First-detection ranges "
        "leave out censored ones (detected on the first look after the aircraft appeared) "
        "and runs without detection; dwells count over the runs with a detection. "
        "Intervals: 95 % (Student t over runs; Wilson for probabilities)."
    )
    answer = "\n\n".join(text) if text else "No radar detected any aircraft."
    tables = {
        "first_detection": _shown_detection(dtab, case0),
        "track_hold": htab.filter(pc.equal(htab.column("case"), case0)),
        "rcs_range": rtab,
        "headline": hl.table(),
        "detection_all_cases": dtab,
        "track_hold_all_cases": htab,
        "per_run_detection": det,
        "per_run_track_hold": hold,
    }
    shown = ["headline", "first_detection", "track_hold"]
    if rtab.num_rows:
        shown.append("rcs_range")
    if comp is not None:
        tables["comparisons"] = comp
        shown.append("comparisons")
    figures = []
    for asp in spec.aspects:
        png = _figure_first_detection(dtab, case0, types, radar_keys, asp)
        if png:
            figures.append(Figure(
                f"first_detection_{asp}", f"First detection by radar, {asp}", png,
                f"Mean first-detection range [km] by radar, {asp} path, per altitude "
                f"(RCS case {case0}); error bars: 95 % intervals over runs.",
            ))  # fmt: skip
    png = _figure_rcs(rtab, types)
    if png:
        figures.append(Figure(
            "first_detection_vs_rcs", "First detection over the RCS range", png,
            "Median first-detection range [km] against the mean frontal RCS at each radar's "
            "band [m²], log-log, per RCS case; dotted: the radar equation's slope 1/4.",
        ))  # fmt: skip
    assumptions = _assumptions(camp, types)
    return ChapterResult(
        question=spec.question,
        setup=setup,
        answer=answer,
        findings=findings,
        tables=tables,
        shown=shown,
        figures=figures,
        assumptions=assumptions,
        numbers=hl.numbers(),
    )


def _km(v: float | dict[str, float]) -> str:
    if isinstance(v, dict):
        return "(" + ", ".join(f"{_name(k)} {x:g}" for k, x in v.items()) + ")"
    return f"{v:g}"


def _paths_of(spec: Any) -> list[tuple[float, str, float]]:
    from iads.study.kinds.exposure import _paths

    return _paths(spec)


def _assumptions(camp: Any, types: list[str]) -> list[str]:
    """The assumed RCS and radar figures the answer rests on (from the first point's
    catalog), and what every RCS case set."""
    cat = camp.points[0].loaded.catalog
    out = []
    for t in types:
        e = cat.threats[t]
        for f in ("rcs_front_m2", "rcs_side_m2", "rcs_rear_m2"):
            fig = getattr(e, f, None)
            if fig is not None and fig.assumed:
                out.append(f"threats.{t}.{f} = {fig.value:g} (assumed: {fig.rationale})")
        band = e.rcs_band
        if band is not None:
            for f in ("shaping_limit_hz", "low_band_exponent", "low_band_max_m2"):
                fig = getattr(band, f, None)
                if fig is not None and fig.assumed:
                    out.append(f"threats.{t}.rcs_band.{f} = {fig.value:g} (assumed)")
    seen = set()
    for p in camp.points:
        for u in p.loaded.scenario.defenders:
            sysent = cat.systems[u.system]
            for r in [*sysent.radars, *u.extra_radars]:
                if r in seen:
                    continue
                seen.add(r)
                rd = cat.radars[r]
                for f in ("ref_range_m", "ref_rcs_m2", "frequency_hz", "revisit_s"):
                    fig = getattr(rd, f, None)
                    if fig is not None and getattr(fig, "assumed", False):
                        out.append(f"radars.{r}.{f} = {fig.value:g} (assumed)")
    return out
