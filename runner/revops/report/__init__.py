"""`revops report`: one self-contained HTML file of the KPIs for a period, with charts.

data.py reads the KPI models, charts.py turns them into Vega-Lite specs (altair),
page.py writes the page with the chart library's JavaScript embedded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import BadUsage
from .data import Cut, read_report_data

__all__ = ["Cut", "WrittenReport", "write_report"]


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    period_label: str
    bytes: int
    charts: int
    empty_charts: int


def write_report(warehouse: Path, cut: Cut, out: Path, project_root: Path) -> WrittenReport:
    try:
        from .charts import build_charts
        from .page import render_page
    except ImportError as error:  # the charting library is the `report` extra, not a base dependency
        raise BadUsage(f"revops report needs the report extra ({error.name} is missing)",
                       details=["pip install -c constraints.txt '.[report]'  (scripts/run-demo installs it)"]) from None

    data = read_report_data(warehouse, cut)
    charts = build_charts(data)
    page = render_page(data, charts, out, project_root).encode("utf-8")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(page)
    except OSError as error:
        raise BadUsage(f"cannot write the report to {out}: {error.strerror or error}") from None
    empty = sum(1 for chart in charts if chart.spec is None)
    return WrittenReport(out, data.period_label, len(page), len(charts) - empty, empty)
