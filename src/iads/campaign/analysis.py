"""Analysis of a campaign store (rows read with DuckDB): per sweep point, the estimate and
confidence interval of every metric (Wilson for proportions, Student t for means),
``summary.csv``, and the tests of the differences between points (two-proportion z or
Welch t, Holm corrected across the whole family of tests)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from iads.campaign.metrics import (
    KEY_COLUMNS,
    SIDES,
    metric_kind,
    nonnegative,
    reported_metrics,
)
from iads.campaign.spec import _show
from iads.campaign.stats import holm, t_interval, two_proportion_test, welch_test, wilson_interval
from iads.campaign.store import Store
from iads.errors import InputError

__all__ = [
    "Difference",
    "MetricStat",
    "compare_points",
    "point_stats",
    "read_rows",
    "write_csv",
]


@dataclass(frozen=True)
class MetricStat:
    """One metric at one sweep point over its ``n`` replications where it is defined:
    ``estimate`` (proportion or mean), ``sd`` (sample standard deviation), the interval
    [``lo``, ``hi``] at confidence ``conf`` by ``method`` (``wilson`` or ``t``)."""

    point: int
    metric: str
    label: str
    kind: str
    n: int
    estimate: float
    sd: float
    lo: float
    hi: float
    method: str
    conf: float


@dataclass(frozen=True)
class Difference:
    """The test of metric ``metric`` between points ``a`` and ``b``: ``diff`` is b - a,
    ``p`` the raw two-sided p value of ``test``, ``p_holm`` the Holm-adjusted one, and
    ``significant`` whether it is below ``alpha``."""

    metric: str
    label: str
    a: int
    b: int
    diff: float
    p: float
    p_holm: float
    significant: bool
    test: str
    alpha: float


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _source(con: duckdb.DuckDBPyConnection, rows: pa.Table | Store | str | Path) -> str:
    """A SQL relation over the rows: a registered arrow table, or the store's Parquet
    files read in place (columns united by name, absent ones null)."""
    if isinstance(rows, pa.Table):
        con.register("campaign_rows", rows)
        return "campaign_rows"
    store = rows if isinstance(rows, Store) else Store.open(rows)
    if not store.done():
        raise InputError(f"{store.root} holds no finished replication yet")
    glob = store.summary_glob().replace("'", "''")
    return f"read_parquet('{glob}', union_by_name = true)"


def read_rows(rows: Store | str | Path) -> pa.Table:
    """Every stored summary row, ordered by (point, rep)."""
    con = duckdb.connect()
    src = _source(con, rows)
    return con.sql(f"SELECT * FROM {src} ORDER BY point, rep").to_arrow_table()


def point_stats(
    rows: pa.Table | Store | str | Path,
    *,
    conf: float = 0.95,
    metrics: list[str] | None = None,
) -> list[MetricStat]:
    """Estimate and interval of each metric at each point, from a table of summary rows
    or a campaign store. ``metrics``: the columns to summarize (default: every metric
    column). Rows are read by DuckDB in replication order (point, rep); count, mean,
    sample standard deviation and sum of each metric are then computed with correctly
    rounded sums (``math.fsum``), so the figures do not depend on the order in which the
    replications were stored (one worker, several, Dask) down to the last bit. Nulls (a
    metric undefined in a replication) are left out of its n. The t interval of a metric
    that cannot be negative is clipped at 0."""
    con = duckdb.connect()
    src = _source(con, rows)
    cols = [r[0] for r in con.sql(f"DESCRIBE SELECT * FROM {src}").fetchall()]
    if metrics is None:
        metrics = [c for c in cols if c not in KEY_COLUMNS and c != "summary_json"]
    metrics = [m for m in metrics if m in cols]
    labels = {c: label for c, label, _ in reported_metrics(metrics)}
    order = "point, rep" if "rep" in cols else "point"
    sel = ", ".join(["point", *(_q(m) for m in metrics)])
    table = con.sql(f"SELECT {sel} FROM {src} ORDER BY {order}").to_arrow_table()
    point_col = table.column("point").to_numpy()
    points, starts = np.unique(point_col, return_index=True)
    bounds = [*starts.tolist(), point_col.size]
    columns = [_float_column(table.column(j + 1)) for j in range(len(metrics))]
    out: list[MetricStat] = []
    for k, point in enumerate(points.tolist()):
        part = slice(bounds[k], bounds[k + 1])
        for m, (values, valid) in zip(metrics, columns, strict=True):
            x = values[part][valid[part]]
            n, mean, sd, total = _moments(x)
            kind = metric_kind(m)
            if kind == "proportion":
                lo, hi = wilson_interval(total, n, conf)
                method = "wilson"
            else:
                lo, hi = t_interval(mean, sd, n, conf)
                if nonnegative(m) and lo < 0.0:
                    lo = 0.0
                method = "t"
            out.append(
                MetricStat(int(point), m, labels.get(m, m), kind, n, mean, sd, lo, hi, method,
                           conf)
            )
    return out


def _float_column(col: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """A metric column as (float64 values, validity mask), nulls masked out."""
    valid = col.is_valid().to_numpy(zero_copy_only=False)
    values = pc.fill_null(col.cast(pa.float64()), 0.0).to_numpy()
    return values, valid


def _moments(x: np.ndarray) -> tuple[int, float, float, float]:
    """(n, mean, sample standard deviation, sum) of x with correctly rounded sums: the
    result is the same bits whatever the order of x. NaN where undefined (n = 0; sd for
    n < 2)."""
    n = int(x.size)
    if n == 0:
        return 0, math.nan, math.nan, 0.0
    total = math.fsum(x.tolist())
    mean = total / n
    sd = math.sqrt(math.fsum(((x - mean) ** 2).tolist()) / (n - 1)) if n >= 2 else math.nan
    return n, mean, sd, total


def compare_points(
    stats: list[MetricStat],
    *,
    alpha: float = 0.05,
    pairs: list[tuple[int, int]] | None = None,
) -> list[Difference]:
    """Test every metric between each pair of points (default: all pairs a < b):
    two-proportion z test for proportions, Welch's t test for means. The p values are
    Holm-corrected over the whole family (every metric of every pair), so the chance of
    any false "significant" in the table is at most ``alpha``."""
    by = {(s.point, s.metric): s for s in stats}
    points = sorted({s.point for s in stats})
    metrics = list(dict.fromkeys(s.metric for s in stats))
    pairs = pairs or [(a, b) for i, a in enumerate(points) for b in points[i + 1 :]]
    rows: list[tuple[str, str, int, int, float, float, str]] = []
    for a, b in pairs:
        for m in metrics:
            sa, sb = by.get((a, m)), by.get((b, m))
            if sa is None or sb is None or sa.n == 0 or sb.n == 0:
                continue
            if sa.kind == "proportion":
                _, p = two_proportion_test(sa.estimate * sa.n, sa.n, sb.estimate * sb.n, sb.n)
                test = "two-proportion z"
            else:
                _, _, p = welch_test(sa.estimate, sa.sd, sa.n, sb.estimate, sb.sd, sb.n)
                test = "Welch t"
            rows.append((m, sa.label, a, b, sb.estimate - sa.estimate, p, test))
    adj, rejected = holm([r[5] for r in rows], alpha) if rows else ([], [])
    return [
        Difference(m, lab, a, b, d, p, float(pa_), bool(rej), test, alpha)
        for (m, lab, a, b, d, p, test), pa_, rej in zip(rows, adj, rejected, strict=True)
    ]


def point_labels(
    manifest: dict[str, Any] | None, points: list[int], *, short: bool = False
) -> dict[int, str]:
    """Display label of each point from the store's manifest (``point i`` if unknown):
    ``threats[0].count=24, ...``, or with ``short`` only the values (``24, ...``)."""
    known = {p["index"]: p for p in (manifest or {}).get("points", [])}
    out = {}
    for i in points:
        p = known.get(i)
        if p is None:
            out[i] = f"point {i}"
        elif p["params"] and list(p["params"])[0] == "scenario":
            # a comparison (its override factors are columns of summary.csv)
            out[i] = _show(p["params"]["scenario"])
        elif short and p["params"]:
            out[i] = ", ".join(_show(v) for v in p["params"].values())
        else:
            out[i] = p["label"]
    return out


def write_csv(stats: list[MetricStat], manifest: dict[str, Any], path: str | Path) -> Path:
    """``summary.csv`` in long form: one line per (point, metric) with the sweep
    parameters' values, n, estimate, interval and method."""
    params = manifest.get("parameters", [])
    by_point = {p["index"]: p["params"] for p in manifest.get("points", [])}
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "point",
                *params,
                "metric",
                "label",
                "kind",
                "n",
                "estimate",
                "sd",
                "ci_low",
                "ci_high",
                "interval",
                "conf",
            ]
        )
        for s in stats:
            vals = [_show(by_point.get(s.point, {}).get(k, "")) for k in params]
            w.writerow(
                [
                    s.point,
                    *vals,
                    s.metric,
                    s.label,
                    s.kind,
                    s.n,
                    _num(s.estimate),
                    _num(s.sd),
                    _num(s.lo),
                    _num(s.hi),
                    s.method,
                    s.conf,
                ]
            )
    return path


def _num(x: float) -> str:
    return "" if x is None or not math.isfinite(x) else repr(float(x))


def reported(stats: list[MetricStat]) -> list[tuple[str, str, str]]:
    """The reported metrics (column, label, kind) among those of ``stats``; friendly and
    neutral metrics only where some point flies such aircraft."""
    flown = {s.metric for s in stats if s.n > 0 and s.estimate > 0}
    absent = tuple(p for p in SIDES if f"{p}aircraft" not in flown)
    return reported_metrics(list(dict.fromkeys(s.metric for s in stats)), absent)
