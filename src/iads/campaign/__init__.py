"""iads.campaign: Monte Carlo campaigns over scenarios.

spec       campaign files, sweeps (grid / zip) over scenario parameters by YAML path
run        seeds per replication, the run loop; backends: local processes or dask
store      one Parquet summary row (and event log) per replication, atomic, resumable
analysis   DuckDB statistics per sweep point; stats: Wilson, t, Welch, Holm
summary    summary.csv, plots and comparison tests of a campaign folder

campaign = load_campaign("raid.campaign.yaml")
run_campaign(campaign, "out/raid", backend=LocalBackend(workers=4))
summarize("out/raid")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iads._lazy import lazy_exports

if TYPE_CHECKING:
    from iads.campaign.analysis import (
        Difference,
        MetricStat,
        compare_points,
        point_stats,
        read_rows,
    )
    from iads.campaign.backends import DaskBackend, LocalBackend, replicate
    from iads.campaign.metrics import flatten_summary, row_table
    from iads.campaign.run import RunStats, run_campaign, task_seed, tasks
    from iads.campaign.spec import (
        Campaign,
        CampaignFile,
        Point,
        compare_campaign,
        load_campaign,
        parse_sweep_path,
        single_campaign,
    )
    from iads.campaign.stats import (
        holm,
        t_interval,
        two_proportion_test,
        welch_test,
        wilson_interval,
    )
    from iads.campaign.store import Store
    from iads.campaign.summary import CampaignSummary, summarize

_EXPORTS = {
    "Difference": "iads.campaign.analysis",
    "MetricStat": "iads.campaign.analysis",
    "compare_points": "iads.campaign.analysis",
    "point_stats": "iads.campaign.analysis",
    "read_rows": "iads.campaign.analysis",
    "DaskBackend": "iads.campaign.backends",
    "LocalBackend": "iads.campaign.backends",
    "replicate": "iads.campaign.backends",
    "flatten_summary": "iads.campaign.metrics",
    "row_table": "iads.campaign.metrics",
    "RunStats": "iads.campaign.run",
    "run_campaign": "iads.campaign.run",
    "task_seed": "iads.campaign.run",
    "tasks": "iads.campaign.run",
    "Campaign": "iads.campaign.spec",
    "CampaignFile": "iads.campaign.spec",
    "Point": "iads.campaign.spec",
    "compare_campaign": "iads.campaign.spec",
    "load_campaign": "iads.campaign.spec",
    "parse_sweep_path": "iads.campaign.spec",
    "single_campaign": "iads.campaign.spec",
    "holm": "iads.campaign.stats",
    "t_interval": "iads.campaign.stats",
    "two_proportion_test": "iads.campaign.stats",
    "welch_test": "iads.campaign.stats",
    "wilson_interval": "iads.campaign.stats",
    "Store": "iads.campaign.store",
    "CampaignSummary": "iads.campaign.summary",
    "summarize": "iads.campaign.summary",
}
__all__ = [
    "Campaign",
    "CampaignFile",
    "CampaignSummary",
    "DaskBackend",
    "Difference",
    "LocalBackend",
    "MetricStat",
    "Point",
    "RunStats",
    "Store",
    "compare_campaign",
    "compare_points",
    "flatten_summary",
    "holm",
    "load_campaign",
    "parse_sweep_path",
    "point_stats",
    "read_rows",
    "replicate",
    "row_table",
    "run_campaign",
    "single_campaign",
    "summarize",
    "t_interval",
    "task_seed",
    "tasks",
    "two_proportion_test",
    "welch_test",
    "wilson_interval",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
