"""iads.report: terminal tables, the engagement map over an offline basemap, and the files
a run writes (events.parquet, summary.json, truth.parquet, engagement.png)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from iads._lazy import lazy_exports

if TYPE_CHECKING:
    from iads.report.export import truth_table, write_run
    from iads.report.tables import summary_tables

_EXPORTS = {
    "truth_table": "iads.report.export",
    "write_run": "iads.report.export",
    "summary_tables": "iads.report.tables",
}
__all__ = [
    "summary_tables",
    "truth_table",
    "write_run",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
