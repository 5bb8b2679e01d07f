"""The per-replication summary row: the run's summary (``Result.summary()``) flattened
into named numeric metrics, and the catalogue of metrics a campaign reports.

Every metric is derived from the summary dict, which is itself derived from the event
log. The summary is read defensively: a metric the engine does not (yet) produce is
simply absent, and any numeric entry it adds later becomes a metric of its own under its
dotted path (in summary.csv); :data:`REPORTED` picks the ones printed and plotted, among
them friendly and neutral losses, fratricide engagements and double engagements.
"""

from __future__ import annotations

import fnmatch
import json
import math
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

__all__ = [
    "KEY_COLUMNS",
    "SIDES",
    "MetricSpec",
    "flatten_summary",
    "reported_metrics",
    "row_table",
]

#: Columns that identify a replication (every other numeric column is a metric).
KEY_COLUMNS = ("point", "rep", "seed")
#: Summary entries that describe the run rather than measure it.
_NOT_METRICS = {"seed", "duration_s", "time_step_s"}
#: Summary entries left out of the stored summary JSON (constant per scenario, large).
_NOT_STORED = {"assumed_figures"}


@dataclass(frozen=True)
class MetricSpec:
    """How a campaign reports one metric: ``pattern`` (fnmatch over column names),
    ``label`` (``{}`` stands for the part the ``*`` matched), and ``kind``:
    ``proportion`` (a 0/1 outcome: Wilson interval, two-proportion test) or ``mean``
    (t interval, Welch test)."""

    pattern: str
    label: str
    kind: str = "mean"


#: The metrics printed and plotted, in this order (summary.csv holds every metric).
REPORTED: tuple[MetricSpec, ...] = (
    MetricSpec("no_leaker", "P(no leaker)", "proportion"),
    MetricSpec("totals.leaked", "leakers"),
    MetricSpec("totals.killed", "kills"),
    MetricSpec("interceptors_fired.*", "fired {}"),
    MetricSpec("cost.exchange_ratio", "cost exchange ratio"),
    MetricSpec("cost.leakers_usd", "leakers [USD]"),
    MetricSpec("cost.defense_exchange_ratio", "defense cost exchange ratio"),
    MetricSpec("first_detection_km.*", "first detection {} [km]"),
    MetricSpec("battle_management.double_engagements", "double engagements"),
    MetricSpec("friendlies.engagements", "fratricide engagements"),
    MetricSpec("friendlies.lost", "friendly aircraft lost"),
    MetricSpec("neutrals.engagements", "engagements of neutrals"),
    MetricSpec("neutrals.lost", "neutral aircraft lost"),
    MetricSpec("sead.radars_lost", "radars lost"),
    MetricSpec("sead.battery_effective_s.*", "{} effective [s]"),
    MetricSpec("sead.interceptors_on_arms", "interceptors on ARMs"),
    MetricSpec("sead.arms_launched", "ARMs launched"),
    MetricSpec("sead.attackers_lost", "attackers lost"),
    MetricSpec("sead.strike_targets_hit", "strike targets hit"),
    MetricSpec("sead.autonomous_s.*", "{} autonomous [s]"),
    MetricSpec("sead.links_lost", "links lost"),
)
#: Metrics that are 0/1 outcomes per replication.
PROPORTIONS = {"no_leaker"}
#: Families of metrics that cannot be negative (counts, costs, ranges): their intervals
#: are clipped at 0, which never removes a true (non-negative) value from them.
NONNEGATIVE = (
    "totals.",
    "by_threat_type.",
    "interceptors_fired.",
    "units.",
    "asset_hits.",
    "cost.",
    "first_detection_km.",
    "sead.",
    "events",
    "battle_management.",
    "friendlies.",
    "neutrals.",
)
#: Metric families reported only where the scenario flies such aircraft (the count
#: ``<side>aircraft`` is above 0 at some point).
SIDES = ("friendlies.", "neutrals.")


def _leaves(obj: Any, prefix: str, out: dict[str, float | None]) -> None:
    """Numeric (and boolean) leaves of nested dicts under dotted names; lists and text
    are not metrics (lists are read explicitly in :func:`flatten_summary`)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            _leaves(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif obj is None and prefix.startswith("cost."):
        out[prefix] = None  # a cost not public: undefined, not absent or zero
    elif isinstance(obj, bool):
        out[prefix] = float(obj)
    elif isinstance(obj, (int, float)):
        out[prefix] = float(obj) if math.isfinite(obj) else None


def flatten_summary(summary: dict[str, Any]) -> dict[str, float | None]:
    """The metrics of one replication from its summary dict.

    Derived beyond the summary's own numbers: ``no_leaker`` (1 if no threat leaked),
    ``first_detection_km.<type>`` (mean range of first detection over the threats of
    that type that were detected, censored first detections (``seen_at_launch``) left
    out; None if none is left), ``units.<name>.fired``, and
    ``interceptors_fired.<missile>`` for every missile the units carry (0 if unfired).
    A ratio without a denominator (exchange ratio with no kill) is None, not a number.
    """
    out: dict[str, float | None] = {}
    _leaves({k: v for k, v in summary.items() if k not in _NOT_METRICS}, "", out)
    totals = summary.get("totals") or {}
    if "leaked" in totals:
        out["no_leaker"] = float(totals["leaked"] == 0)
    units = summary.get("units") or []
    for unit in units:
        if "name" in unit and "fired" in unit:
            out[f"units.{unit['name']}.fired"] = float(unit["fired"])
        for missile in unit.get("left") or {}:
            out.setdefault(f"interceptors_fired.{missile}", 0.0)
    for ratio in ("exchange_ratio", "defense_exchange_ratio"):
        if "cost" in summary and ratio in (summary["cost"] or {}):
            out.setdefault(f"cost.{ratio}", None)
    threats = summary.get("threats")
    if threats is not None:
        ranges: dict[str, list[float]] = {}
        for th in threats:
            ranges.setdefault(th.get("type", "?"), [])
            fd = th.get("first_detection")
            # A threat seen when it appeared tells where it appeared, not how far the
            # radars see: censored, left out of the range statistics.
            if fd and fd.get("range_km") is not None and not fd.get("seen_at_launch"):
                ranges[th.get("type", "?")].append(float(fd["range_km"]))
        for typ, r in ranges.items():
            out[f"first_detection_km.{typ}"] = sum(r) / len(r) if r else None
    return out


def row_table(point: int, rep: int, seed: int, summary: dict[str, Any]) -> pa.Table:
    """One replication's summary row as a one-row pyarrow table: ``point``, ``rep``,
    ``seed`` (int64), every metric (float64, null where undefined) and
    ``summary_json`` (the run's summary, without the constant list of assumed figures)."""
    metrics = flatten_summary(summary)
    stored = {k: v for k, v in summary.items() if k not in _NOT_STORED}
    fields = [pa.field(k, pa.int64(), nullable=False) for k in KEY_COLUMNS]
    fields += [pa.field(k, pa.float64()) for k in metrics]
    fields.append(pa.field("summary_json", pa.string()))
    values = [[point], [rep], [seed]] + [[v] for v in metrics.values()]
    values.append([json.dumps(stored, sort_keys=True, ensure_ascii=False)])
    return pa.Table.from_arrays(
        [pa.array(v, f.type) for v, f in zip(values, fields, strict=True)],
        schema=pa.schema(fields),
    )


def reported_metrics(
    columns: list[str], absent: tuple[str, ...] = ()
) -> list[tuple[str, str, str]]:
    """The reported metrics present among ``columns``: (column, label, kind), in the
    order of :data:`REPORTED` (columns matching a pattern sorted by name). ``absent``:
    prefixes of :data:`SIDES` whose aircraft the campaign never flies (their metrics,
    always 0, are left out)."""
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for spec in REPORTED:
        for col in sorted(fnmatch.filter(columns, spec.pattern)):
            if col in seen or col in KEY_COLUMNS or col == "summary_json":
                continue
            if absent and col.startswith(absent):
                continue
            seen.add(col)
            star = _star(spec.pattern, col)
            out.append((col, spec.label.format(star), metric_kind(col)))
    return out


def nonnegative(column: str) -> bool:
    """Whether the metric cannot be negative (a count, cost, range or ratio of those)."""
    return column.startswith(NONNEGATIVE) or "fratricide" in column


def metric_kind(column: str) -> str:
    """``proportion`` for 0/1 outcomes, else ``mean``."""
    return "proportion" if column in PROPORTIONS else "mean"


def _star(pattern: str, col: str) -> str:
    if "*" not in pattern:
        return col
    head, _, tail = pattern.partition("*")
    tail = tail.rstrip("*")
    if pattern.startswith("*"):
        return col
    return col[len(head) : len(col) - len(tail) if tail else None]
