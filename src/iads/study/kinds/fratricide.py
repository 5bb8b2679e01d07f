"""The ``fratricide`` chapter kind: own-force aircraft flying through the zone of a
defence, in several arms that differ in how the defence identifies them (its picture, its
IFF), replicated; per arm, the fratricide engagements per friendly sortie, the chance
that a sortie is engaged and that it is lost, the friendly losses per run and the double
engagements, each with its 95 % interval; the differences the chapter's contrasts name,
tested with Holm's correction over every test of the chapter.

Units of analysis. A sortie's identification is drawn once per aircraft (``iads.c2.iff``),
independently of the other aircraft, so the chance that a sortie is engaged (or lost) is
a proportion over sorties: Wilson interval, two-proportion z test. Engagements per
sortie (an aircraft declared hostile may be engaged again after a miss) are averaged per
replication, the replication being the independent unit: Student t interval over
replications, Welch test; so are the losses and double engagements per run. When no
replication of an arm has any, the interval is [0, 3/N] over its N sorties (or runs),
the "rule of three" (Hanley & Lippman-Hand 1983, JAMA 249:1743), since a t interval of
zeros would claim certainty.

Every number the text quotes is a cell of the ``estimates`` or ``contrasts`` table; the
``replications`` table holds the counts of every replication behind them.
"""

from __future__ import annotations

import io
import math
from typing import Any, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field

from iads.errors import InputError
from iads.study.chapter import ChapterContext, ChapterResult, Figure, fmt, register
from iads.study.kinds._arms import Arm, ArmsChapter, Contrast, arm_campaign, arm_contrasts, arm_reps

__all__ = ["FratricideArm", "FratricideChapter", "FratricideContrast"]


FratricideArm = Arm
FratricideContrast = Contrast


class FratricideChapter(ArmsChapter):
    """The ``fratricide`` chapter block."""

    kind: Literal["fratricide"]
    quick_replications: int = Field(default=3, ge=2, le=100, description="per arm with --quick")


#: The per-replication counts read from each run's summary (``iads.engine.result``).
COUNTS = {
    "sorties": "friendlies.aircraft",
    "engaged": "friendlies.engaged",
    "engagements": "friendlies.engagements",
    "interceptors": "friendlies.interceptors",
    "lost": "friendlies.lost",
    "double_engagements": "battle_management.double_engagements",
}

#: The metrics per arm: (name, label, kind); kind ``sortie`` is a proportion over
#: sorties, ``rep`` a mean over replications.
METRICS = (
    ("engagements_per_sortie", "fratricide engagements per sortie", "rate"),
    ("p_engaged", "P(sortie engaged)", "sortie"),
    ("p_lost", "P(sortie lost)", "sortie"),
    ("lost_per_run", "friendly aircraft lost per run", "rep"),
    ("double_engagements", "double engagements per run", "rep"),
)


def _fmt(x: float | int | None) -> str:
    """A number as the report shows it, so the text quotes what the tables show."""
    return fmt(int(x) if isinstance(x, np.integer) else x)


class FratricideKind:
    """Registered as ``fratricide``."""

    name = "fratricide"
    spec = FratricideChapter

    def estimate(self, spec: FratricideChapter, ctx: ChapterContext) -> int:
        return len(spec.arms) * arm_reps(spec, ctx)

    def run(self, spec: FratricideChapter, ctx: ChapterContext) -> ChapterResult:
        from iads.campaign.analysis import read_rows

        n = arm_reps(spec, ctx)
        loaded = [ctx.scenario(a.scenario, a.overrides or None) for a in spec.arms]
        for arm, ld in zip(spec.arms, loaded, strict=True):
            if not ld.scenario.friendlies:
                raise InputError(
                    f"chapter '{spec.key}': arm '{arm.key}' ({arm.scenario}) flies no "
                    "friendly aircraft; a fratricide chapter needs the scenario's "
                    "'friendlies:'")
        labels, camp = arm_campaign(spec, ctx, n, loaded, store_events=False)
        store = ctx.campaign("campaign", camp)
        reps = replication_table(read_rows(store), spec, labels)
        est = estimates_table(reps, spec, labels)
        diffs = contrasts_table(reps, est, spec)
        return _result(spec, n, loaded, labels, reps, est, diffs)


def replication_table(
    raw: pa.Table, spec: FratricideChapter, labels: list[str]
) -> pa.Table:
    """One row per (arm, replication): the counts of :data:`COUNTS` (int64)."""
    cols = raw.column_names
    point = raw.column("point").to_numpy()
    keep = point < len(spec.arms)
    out: dict[str, Any] = {
        "arm": pa.array([spec.arms[int(p)].key for p in point[keep]]),
        "label": pa.array([labels[int(p)] for p in point[keep]]),
        "rep": pa.array(raw.column("rep").to_numpy()[keep], pa.int64()),
        "seed": pa.array(raw.column("seed").to_numpy()[keep], pa.int64()),
    }
    for name, col in COUNTS.items():
        if col in cols:
            v = raw.column(col).to_numpy(zero_copy_only=False).astype(float)[keep]
            v = np.nan_to_num(v, nan=0.0)
        else:
            v = np.zeros(int(keep.sum()))
        out[name] = pa.array(np.rint(v).astype(np.int64))
    table = pa.table(out)
    index = {a.key: i for i, a in enumerate(spec.arms)}
    arm_index = np.array([index[k] for k in table.column("arm").to_pylist()], np.int64)
    order = np.lexsort((table.column("rep").to_numpy(), arm_index))
    return table.take(pa.array(order))


def _arm_rows(reps: pa.Table, key: str) -> dict[str, np.ndarray]:
    mask = np.array([k == key for k in reps.column("arm").to_pylist()], bool)
    return {c: reps.column(c).to_numpy()[mask] for c in COUNTS}


def _t(x: np.ndarray, conf: float = 0.95) -> tuple[float, float, float, float]:
    """(mean, sd, lo, hi) of x with the Student t interval (lo clipped at 0: counts)."""
    from iads.campaign.stats import t_interval

    n = x.size
    mean = float(np.mean(x)) if n else math.nan
    sd = float(np.std(x, ddof=1)) if n > 1 else math.nan
    lo, hi = t_interval(mean, sd, n, conf)
    return mean, sd, max(0.0, lo), hi


def estimates_table(reps: pa.Table, spec: FratricideChapter, labels: list[str]) -> pa.Table:
    """Per arm: replications, sorties, and each metric of :data:`METRICS` with its 95 %
    interval (columns ``X``, ``X_lo``, ``X_hi``) and its standard deviation where it is a
    mean over replications (``X_sd``)."""
    from iads.campaign.stats import wilson_interval

    rows: list[dict[str, Any]] = []
    for arm, label in zip(spec.arms, labels, strict=True):
        c = _arm_rows(reps, arm.key)
        n_rep = int(c["sorties"].size)
        sorties = int(c["sorties"].sum())
        row: dict[str, Any] = {"arm": arm.key, "label": label, "replications": n_rep,
                               "sorties": sorties, "engagements": int(c["engagements"].sum()),
                               "engaged": int(c["engaged"].sum()), "lost": int(c["lost"].sum())}
        per = c["engagements"] / np.maximum(c["sorties"], 1)
        mean, sd, lo, hi = _t(per)
        if sorties and not per.any():
            hi = 3.0 / sorties  # rule of three: no event in N sorties
        row |= {"engagements_per_sortie": mean, "engagements_per_sortie_lo": lo,
                "engagements_per_sortie_hi": hi, "engagements_per_sortie_sd": sd}
        for name, col in (("p_engaged", "engaged"), ("p_lost", "lost")):
            k = int(c[col].sum())
            p = k / sorties if sorties else math.nan
            lo, hi = wilson_interval(k, sorties) if sorties else (math.nan, math.nan)
            row |= {name: p, f"{name}_lo": max(0.0, lo), f"{name}_hi": min(1.0, hi)}
        for name, col in (("lost_per_run", "lost"), ("double_engagements", "double_engagements")):
            mean, sd, lo, hi = _t(c[col].astype(float))
            if n_rep and not c[col].any():
                hi = 3.0 / n_rep  # rule of three: no event in n runs
            row |= {name: mean, f"{name}_lo": lo, f"{name}_hi": hi, f"{name}_sd": sd}
        rows.append(row)
    return pa.Table.from_pylist(rows)


def contrasts_table(reps: pa.Table, est: pa.Table, spec: FratricideChapter) -> pa.Table:
    """Each contrast on each metric: the difference b − a, the test, its p value and
    Holm's adjusted one over every test of the chapter, and whether it is significant."""
    from iads.campaign.stats import holm, two_proportion_test, welch_test

    by = {r["arm"]: r for r in est.to_pylist()}
    rows: list[dict[str, Any]] = []
    for con in arm_contrasts(spec):
        a, b = by[con.a], by[con.b]
        for name, label, kind in METRICS:
            if kind == "sortie":
                col = "engaged" if name == "p_engaged" else "lost"
                _, p = two_proportion_test(a[col], a["sorties"], b[col], b["sorties"])
                test = "two-proportion z"
            else:
                _, _, p = welch_test(a[name], a[f"{name}_sd"], a["replications"],
                                     b[name], b[f"{name}_sd"], b["replications"])
                test = "Welch t"
            rows.append({"contrast": con.says, "a": con.a, "b": con.b, "metric": name,
                         "label": label, "a_value": a[name], "b_value": b[name],
                         "difference": b[name] - a[name], "test": test, "p": p})
    p_raw = np.array([r["p"] for r in rows], float)
    adj, sig = holm(p_raw, spec.alpha) if rows else (np.empty(0), np.empty(0, bool))
    for r, q, s in zip(rows, adj, sig, strict=True):
        r["p_holm"] = float(q)
        r["significant"] = bool(s) and math.isfinite(r["p"])
    return pa.Table.from_pylist(rows)


def _figure(est: pa.Table) -> Figure:
    """P(sortie engaged) and P(sortie lost) per arm with their 95 % intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = est.to_pylist()
    x = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(7.5, 3.8), dpi=110)
    for k, (name, label, colour) in enumerate((
        ("p_engaged", "sortie engaged", "#d95f02"),
        ("p_lost", "sortie lost", "#7570b3"),
    )):
        v = np.array([r[name] for r in rows])
        err = np.clip(np.array([[r[name] - r[f"{name}_lo"] for r in rows],
                                [r[f"{name}_hi"] - r[name] for r in rows]]), 0.0, None)
        ax.bar(x + (k - 0.5) * 0.38, v, 0.36, yerr=err, capsize=4, color=colour, label=label)
    ax.set_xticks(x, [_wrap(r["label"]) for r in rows], fontsize=8)
    ax.set_ylabel("probability per friendly sortie")
    ax.set_ylim(0, max(0.05, min(1.0, 1.15 * max(r["p_engaged_hi"] for r in rows))))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return Figure(
        name="fratricide",
        title="Friendly sorties engaged and lost, by arm",
        png=buf.getvalue(),
        caption="Share of friendly sorties the defence engaged (at least one salvo) and "
        "shot down, per arm, with 95 % Wilson intervals over the sorties.",
    )


def _wrap(s: str, width: int = 22) -> str:
    words, lines, cur = s.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return "\n".join([*lines, cur])


def _iv(r: dict[str, Any], name: str) -> str:
    return f"{_fmt(r[name])} [{_fmt(r[f'{name}_lo'])}, {_fmt(r[f'{name}_hi'])}]"


def _result(
    spec: FratricideChapter,
    n: int,
    loaded: list[Any],
    labels: list[str],
    reps: pa.Table,
    est: pa.Table,
    diffs: pa.Table,
) -> ChapterResult:
    rows = est.to_pylist()
    arms = []
    for arm, ld, label in zip(spec.arms, loaded, labels, strict=True):
        units = ", ".join(
            f"{d.name} ({'IFF' if d.iff else 'no allied IFF'}"
            f"{', weapons hold' if d.doctrine.hold_fire else ''})"
            for d in ld.scenario.defenders if d.enabled)
        nets = "; ".join(f"network {nw.name}: {', '.join(nw.members)}"
                         for nw in ld.scenario.networks) or "no network (own pictures)"
        groups = ", ".join(f"{g.count} × {g.name or g.type}" for g in ld.scenario.friendlies)
        arms.append(f"- **{label}** (`{arm.key}`, {arm.scenario}): {units}; {nets}. "
                    f"Friendly aircraft: {groups}.")
    iff = loaded[0].catalog.model.c2.iff
    setup = (
        f"{len(spec.arms)} arms, {n} replications each (independent seeds per arm and "
        f"replication). {rows[0]['sorties'] // max(rows[0]['replications'], 1)} friendly "
        "sorties per "
        "replication.\n\n" + "\n".join(arms) + "\n\n"
        "Identification (docs/identification.md): a unit looks at (interrogates) a "
        f"confirmed track every {_fmt(iff.look_period_s.value)} s; a unit that can "
        "interrogate the allied modes gets a valid reply with probability "
        f"{_fmt(iff.p_reply.value)} per look from a working transponder (it fails for the "
        f"sortie with probability {_fmt(iff.p_transponder_failure.value)}); after "
        f"{int(iff.looks_to_declare.value)} looks without one the track is identified by "
        "procedural means, which judge a friend hostile with probability "
        f"{_fmt(iff.p_friend_declared_hostile_without_iff.value)}, once per aircraft and "
        "sortie. A network identifies with the IFF of any of its units."
    )
    lines = [f"- **{r['label']}**: {_iv(r, 'engagements_per_sortie')} fratricide engagements "
             f"per sortie; {_iv(r, 'p_engaged')} of sorties engaged, {_iv(r, 'p_lost')} "
             f"lost ({r['lost']} of {r['sorties']} sorties); "
             f"{_iv(r, 'double_engagements')} double engagements per run."
             for r in rows]
    answer = ("Fratricide per friendly sortie, with 95 % intervals:\n\n" + "\n".join(lines))
    findings = []
    for d in diffs.to_pylist():
        if d["significant"]:
            findings.append(
                f"{d['contrast']}: {d['label']} changes by {_fmt(d['difference'])} "
                f"({d['b']} {_fmt(d['b_value'])} vs {d['a']} {_fmt(d['a_value'])}; "
                f"{d['test']}, p = {d['p']:.2g}, Holm-adjusted {d['p_holm']:.2g})."
            )
    assumptions = [
        f"c2.iff.{name} = {_fmt(f.value)}: {f.rationale or ', '.join(f.source)}"
        for name, f in iff
    ]
    assumptions += [
        "The F-16 routes and patrol, the allied unit standing for the allied network's "
        "sensors and the 30 % procedural error are assumptions, not published figures; the "
        "sensitivity chapter varies the identification figures.",
        "Fratricide counts engagements by the defence's fire units of aircraft it should "
        "not engage; the friendly aircraft neither evade nor fire.",
    ]
    numbers: dict[str, float] = {}
    for r in rows:
        for name, _, _ in METRICS:
            for suffix in ("", "_lo", "_hi"):
                numbers[f"{r['arm']}.{name}{suffix}"] = float(r[f"{name}{suffix}"])
        numbers[f"{r['arm']}.sorties"] = float(r["sorties"])
        numbers[f"{r['arm']}.lost"] = float(r["lost"])
    return ChapterResult(
        question=spec.question,
        setup=setup,
        answer=answer,
        findings=findings,
        tables={"estimates": est, "contrasts": diffs, "replications": reps},
        shown=["estimates", "contrasts"],
        figures=[_figure(est)],
        assumptions=assumptions,
        numbers=numbers,
    )


register(FratricideKind())
