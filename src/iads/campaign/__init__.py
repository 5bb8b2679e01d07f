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

from iads.campaign.analysis import Difference, MetricStat, compare_points, point_stats, read_rows
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
from iads.campaign.stats import holm, t_interval, two_proportion_test, welch_test, wilson_interval
from iads.campaign.store import Store
from iads.campaign.summary import CampaignSummary, summarize

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
