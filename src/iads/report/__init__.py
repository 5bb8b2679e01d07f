"""iads.report: terminal tables, the engagement map over an offline basemap, and the files
a run writes (events.parquet, summary.json, truth.parquet, engagement.png)."""

from iads.report.export import truth_table, write_run
from iads.report.tables import summary_tables

__all__ = ["summary_tables", "truth_table", "write_run"]
