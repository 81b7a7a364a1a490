"""What the report shows, read from the KPI models of a built warehouse.

Every value comes from a KPI model (or its KPI frame, for pipeline by stage) as dbt
built it: the report computes no KPI of its own. User values (period, segment,
region) are checked against what the warehouse holds, then bound as DuckDB
parameters; table and column names are this module's constants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import NoWarehouse
from ..scorecard import SCORECARD, ScorecardFilter, ScorecardRow, check_choice, distinct_values, read_scorecard
from ..warehouse import read_only_connection

TREND_PERIODS = 8  # the "last 8 quarters", for any period type
CREATED_BY_MONTH = 12  # months of pipeline created, ending with the period's last month

# The headline scorecard: the metrics a CRO, a CFO and a board ask for first.
HEADLINE = (
    "arr", "net_new_arr", "net_revenue_retention", "gross_revenue_retention", "logo_churn_rate",
    "bookings", "pipeline_created", "win_rate", "average_sales_cycle_days",
    "next_period_pipeline_coverage", "forecast_accuracy", "billed_revenue", "collected_revenue",
    "days_sales_outstanding", "revenue_leakage_rate",
)


@dataclass(frozen=True)
class Cut:
    period_type: str = "quarter"
    period: str | None = None  # a period label; None = the latest of its type
    segment: str = "all"
    region: str = "all"

    def describe(self) -> str:
        parts = [f"{name}={value}" for name, value in (("segment", self.segment), ("region", self.region))
                 if value != "all"]
        return ", ".join(parts) or "all segments and regions"


@dataclass
class ReportData:
    cut: Cut
    period_label: str
    period_start: date
    period_end: date
    as_of: date | None
    currency: str | None
    headline: list[tuple[ScorecardRow, ScorecardRow | None]]  # (this period, the previous one)
    previous_label: str | None
    series: dict[str, list[dict]] = field(default_factory=dict)  # chart name -> rows


def read_report_data(warehouse: Path, cut: Cut) -> ReportData:
    with read_only_connection(warehouse) as connection:
        if not connection.execute(
            "select count(*) from information_schema.tables where table_schema = 'kpis' and table_name = 'kpi_scorecard'"
        ).fetchone()[0]:
            raise NoWarehouse(f"{warehouse} has no {SCORECARD}; rebuild it with `revops build`")
        cut = _checked_cut(connection, cut)
        periods = _periods(connection, cut.period_type)
        label = cut.period or periods[-1][0]
        index = [p[0] for p in periods].index(label)
        _, start, end = periods[index]
        previous = periods[index - 1][0] if index > 0 else None
        as_of, currency = _context(connection)
        series = _series(connection, cut, label, start, end, [p[0] for p in periods[max(0, index - TREND_PERIODS + 1):index + 1]])
    dimensions = {"segment": cut.segment, "region": cut.region}
    _, rows = read_scorecard(warehouse, ScorecardFilter(cut.period_type, label, HEADLINE, dimensions))
    before = {}
    if previous:
        _, earlier = read_scorecard(warehouse, ScorecardFilter(cut.period_type, previous, HEADLINE, dimensions))
        before = {row.metric_name: row for row in earlier}
    by_name = {row.metric_name: row for row in rows}
    headline = [(by_name[name], before.get(name)) for name in HEADLINE if name in by_name]
    return ReportData(cut, label, start, end, as_of, currency, headline, previous, series)


def _checked_cut(connection, cut: Cut) -> Cut:
    """The cut with each value spelled as the warehouse spells it (`SMB` -> `smb`); an
    unknown value is a usage error with a did-you-mean."""
    checked = {}
    for name, value in (("segment", cut.segment), ("region", cut.region)):
        checked[name] = check_choice(name, value, distinct_values(connection, name))
    period = None
    if cut.period is not None:
        labels = [label for label, _, _ in _periods(connection, cut.period_type)]
        period = check_choice(f"{cut.period_type} period", cut.period, labels)
    return Cut(cut.period_type, period, checked["segment"], checked["region"])


def _periods(connection, period_type: str) -> list[tuple[str, date, date]]:
    rows = connection.execute(
        f"select distinct period_label, period_start, period_end from {SCORECARD} where period_type = ? order by period_start",
        [period_type],
    ).fetchall()
    if not rows:
        raise NoWarehouse(f"the scorecard has no {period_type} periods; rebuild the warehouse with `revops build`")
    return rows


def _context(connection) -> tuple[date | None, str | None]:
    row = connection.execute("select as_of_date, reporting_currency from core.dim_reporting_context").fetchone()
    return (row[0], row[1]) if row else (None, None)


def _records(connection, sql: str, parameters: list) -> list[dict]:
    result = connection.execute(sql, parameters)
    names = [column[0] for column in result.description]
    return [{name: _plain(value) for name, value in zip(names, row)} for row in result.fetchall()]


def _plain(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _series(connection, cut: Cut, label: str, start: date, end: date, trend_labels: list[str]) -> dict[str, list[dict]]:
    accounts = "segment = ? and region = ?"
    people_all = "owner_user_id = 'all' and team = 'all'"
    dims = [cut.segment, cut.region]
    trend = "period_type = ? and period_label in (" + ", ".join("?" for _ in trend_labels) + ")"
    trend_params = [cut.period_type, *trend_labels]
    one = "period_type = ? and period_label = ?"
    one_params = [cut.period_type, label]

    def read(model: str, columns: str, where: str, parameters: list, order: str = "period_start") -> list[dict]:
        return _records(connection, f"select {columns} from kpis.{model} where {where} order by {order}", parameters)

    series = {
        "mrr_bridge": read("kpi_mrr_movements", "starting_mrr, new_mrr, expansion_mrr, reactivation_mrr, "
                           "contraction_mrr, churned_mrr, ending_mrr", f"{one} and {accounts}", one_params + dims),
        "arr_trend": read("kpi_arr", "period_label, period_start, arr", f"{trend} and {accounts}", trend_params + dims),
        "retention_trend": read("kpi_revenue_retention", "period_label, period_start, net_revenue_retention, "
                                "gross_revenue_retention", f"{trend} and {accounts}", trend_params + dims),
        "pipeline_created_by_month": read(
            "kpi_pipeline_created", "period_label, period_start, pipeline_created_amount",
            f"period_type = 'month' and period_end <= ? and period_start > ? - interval {CREATED_BY_MONTH} month"
            f" and {people_all} and {accounts}", [end, end] + dims),
        "pipeline_by_stage": _records(connection, """
            select stage_name, min(stage_order) as stage_order, sum(amount_reporting) as open_amount,
                   count(*) as open_deals
            from intermediate.int_kpi_deal_states_by_period
            where period_type = ? and period_label = ? and read_at = 'measured_on'
              and is_open and not is_excluded
              and (? = 'all' or segment = ?) and (? = 'all' or region = ?)
            group by stage_name order by stage_order""",
            one_params + [cut.segment, cut.segment, cut.region, cut.region]),
        "coverage_trend": read("kpi_pipeline_coverage", "period_label, period_start, pipeline_coverage",
                               f"{trend} and {people_all} and {accounts}", trend_params + dims),
        "win_rate_trend": read("kpi_win_rate", "period_label, period_start, win_rate",
                               f"{trend} and {people_all} and {accounts}", trend_params + dims),
        "sales_cycle_trend": read("kpi_sales_cycle_time", "period_label, period_start, avg_sales_cycle_days, "
                                  "median_sales_cycle_days", f"{trend} and {people_all} and {accounts}",
                                  trend_params + dims),
        "forecast_by_team": read("kpi_forecast_accuracy", "team, forecast_accuracy, forecast_amount, actual_amount",
                                 f"{one} and owner_user_id = 'all' and team <> 'all' and {accounts}",
                                 one_params + dims, order="team"),
        "ar_aging": read("kpi_receivables_aging", "ar_current, ar_1_30_days, ar_31_60_days, ar_61_90_days, "
                         "ar_over_90_days", f"{one} and {accounts}", one_params + dims),
        "leakage_by_kind": read("kpi_revenue_leakage", "voided_amount, uncollectible_amount, "
                                "over_90_days_past_due_amount, unrecovered_failed_payment_amount",
                                f"{one} and {accounts}", one_params + dims),
    }
    return series
