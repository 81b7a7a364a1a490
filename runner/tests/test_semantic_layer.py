"""The semantic layer answers as the KPI models do: every scorecard metric that is a
MetricFlow metric gives, at fiscal month, quarter and year, for the roll-up and by
segment, the value kpi_scorecard holds for the same period and cut. The few that cannot
be MetricFlow metrics without changing their meaning are listed, with the reason."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from revops.metrics import list_metrics, query_metrics

# Scorecard metrics with no MetricFlow metric, and why (README, "The semantic layer").
NOT_METRICFLOW_METRICS = {
    "median_sales_cycle_days": "a median: not a ratio of additive columns",
    "pipeline_velocity": "trailing-window inputs multiplied and divided: no additive form",
    "pipeline_velocity_change": "a difference of two periods' velocities",
    "pipeline_acceleration": "its denominator is the pipeline due in the period at the period's start",
    "slip_rate": "deals open at the period start with a close date in it: a state at the start, not a sum of months",
    "slip_rate_by_amount": "as slip_rate",
    "forecast_accuracy": "|forecast - actual| per forecast period (a quarter): absolute errors do not add up",
    "forecast_bias": "forecast calls name a quarter; months hold no call",
    "gross_mrr_churn_rate": "its denominator is MRR at the period's start",
    "open_pipeline_past_close_date_share": "open pipeline measured at the period's end, not a sum of months",
    "open_pipeline_no_recent_activity_share": "activity in the 30 days before the period's end, not a sum of months",
    "upsell_mrr": "expansion of the customers active at the period's start",
    "quota_attainment": "quotas are set per period type (a quarter's quota is not the sum of its months')",
    "share_of_reps_at_or_above_quota": "a share of reps over a threshold, per period",
    "next_period_pipeline_coverage": "measured on the next period",
    "days_sales_outstanding": "receivables at period end x days in the period / billed revenue",
    "target_account_engagement_rate": "distinct accounts engaged in the period",
    "touches_per_target_account": "per distinct target account in the period",
    "logo_churn_rate": "customers active at the period start and gone at its end: a cohort, not a sum of months",
    "gross_revenue_retention": "a cohort of the period start",
    "net_revenue_retention": "a cohort of the period start",
    "gross_revenue_retention_t12m": "trailing 12 months of a cohort",
    "net_revenue_retention_t12m": "trailing 12 months of a cohort",
    "upsell_rate": "distinct customers active at the period start",
    "monthly_logo_churn_rate_t6m": "trailing six months",
    "customer_lifetime_value": "ARPA x margin / trailing churn: built on two of the above",
}

# MetricFlow's grain -> the scorecard's period_type and the column naming the period
GRAINS = {
    "month": ("metric_time__month", "period_start"),
    "quarter": ("metric_time__fiscal_quarter", "period_label"),
    "year": ("metric_time__fiscal_year", "period_label"),
}


def _scorecard(warehouse: Path, metric: str, period_type: str, by_segment: bool) -> dict:
    """{(period, segment): value} of the scorecard, the roll-up or one row per segment."""
    column = GRAINS_BY_TYPE[period_type]
    segment = "segment <> 'all'" if by_segment else "segment = 'all'"
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = connection.execute(
            f"select {column}, segment, value from kpis.kpi_scorecard where metric_name = ? and period_type = ? "
            f"and owner_user_id = 'all' and team = 'all' and region = 'all' and {segment}",
            [metric, period_type]).fetchall()
    finally:
        connection.close()
    return {(_period(period), segment if by_segment else "all"): value for period, segment, value in rows}


GRAINS_BY_TYPE = {period_type: column for period_type, (_, column) in GRAINS.items()}


def _period(value) -> str:
    return value.date().isoformat() if hasattr(value, "date") else str(value)


def differences(project, warehouse: Path, metric: str, period_type: str, segment_dimension: str | None) -> list[str]:
    """Where MetricFlow and the scorecard disagree for one metric, grain and cut. A
    period only one of them has must be empty (NULL or 0) there: the scorecard keeps
    the empty periods' roll-up rows, MetricFlow has the periods after the as-of date."""
    group_by = [GRAINS[period_type][0]] + ([segment_dimension] if segment_dimension else [])
    result = query_metrics(project, warehouse, [metric], group_by)
    ours = {(_period(row[0]), row[1] if segment_dimension else "all"): row[-1] for row in result.rows}
    theirs = _scorecard(warehouse, metric, period_type, bool(segment_dimension))
    assert theirs, f"the scorecard has no {period_type} rows of {metric}: the comparison would prove nothing"
    found = []
    for key in sorted(set(ours) | set(theirs)):
        mine, expected = ours.get(key), theirs.get(key)
        if key not in theirs or key not in ours:
            if (mine or expected or 0) != 0:
                found.append(f"{metric} {period_type} {key}: MetricFlow {mine}, scorecard {expected} (row only on one side)")
            continue
        if (mine is None) != (expected is None) or (
                mine is not None and not math.isclose(float(mine), float(expected), rel_tol=1e-9, abs_tol=1e-6)):
            found.append(f"{metric} {period_type} {key}: MetricFlow {mine}, scorecard {expected}")
    return found


@pytest.fixture(scope="module")
def semantic_metrics(project, demo_warehouse) -> dict:
    return {info.name: info for info in list_metrics(project, demo_warehouse)}


def _scorecard_metric_names(warehouse: Path) -> list[str]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [row[0] for row in connection.execute(
            "select distinct metric_name from kpis.kpi_scorecard order by 1").fetchall()]
    finally:
        connection.close()


@pytest.mark.slow
def test_every_scorecard_metric_is_a_metricflow_metric_or_a_listed_exception(demo_warehouse, semantic_metrics):
    scorecard = _scorecard_metric_names(demo_warehouse)
    missing = [name for name in scorecard if name not in semantic_metrics and name not in NOT_METRICFLOW_METRICS]
    listed_but_present = [name for name in NOT_METRICFLOW_METRICS if name in semantic_metrics]
    stale = [name for name in NOT_METRICFLOW_METRICS if name not in scorecard]
    assert not missing and not listed_but_present and not stale, (missing, listed_but_present, stale)
    # the list should stay short
    assert len(NOT_METRICFLOW_METRICS) < len(scorecard) / 2


@pytest.mark.slow
def test_every_metric_equals_the_scorecard_at_month_quarter_and_year_in_total_and_by_segment(
        project, demo_warehouse, semantic_metrics):
    found = []
    for metric in _scorecard_metric_names(demo_warehouse):
        if metric in NOT_METRICFLOW_METRICS:
            continue
        segments = [name for name in semantic_metrics[metric].dimensions if name.endswith("__segment")]
        for period_type in GRAINS:
            found += differences(project, demo_warehouse, metric, period_type, None)
            if segments:  # CAC has no segment cut (expenses carry no account)
                found += differences(project, demo_warehouse, metric, period_type, segments[0])
    assert not found, "\n".join(found[:40])


@pytest.mark.slow
def test_metricflow_validates_the_semantic_layer(project, demo_warehouse, semantic_metrics):
    """MetricFlow's own validation (what `mf validate-configs --skip-dw` runs) on the
    manifest dbt parsed beside the warehouse; the data is the equality test's job."""
    from metricflow_semantic_interfaces.validations.semantic_manifest_validator import SemanticManifestValidator
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest

    from revops.metrics import semantic_manifest_path

    manifest = parse_manifest_from_dbt_generated_manifest(
        manifest_json_string=semantic_manifest_path(project, demo_warehouse).read_text())
    results = SemanticManifestValidator().validate_semantic_manifest(manifest)
    assert not results.has_blocking_issues, [issue.as_readable_str() for issue in results.all_issues]
    assert len(manifest.semantic_models) >= 10 and len(manifest.metrics) >= 40


@pytest.mark.slow
def test_revops_metrics_query_prints_the_win_rate_revops_kpis_prints(demo_warehouse, semantic_metrics):
    """The issue's "done when": `revops metrics query --metrics win_rate --group-by
    metric_time__quarter` and `revops kpis --metric win_rate --period-type quarter`."""
    from click.testing import CliRunner

    from revops.cli import main

    runner = CliRunner()
    kpis = runner.invoke(main, ["kpis", "--warehouse", str(demo_warehouse), "--metric", "win_rate",
                                "--period-type", "quarter"])
    assert kpis.exit_code == 0, kpis.output
    label = kpis.output.split()[2]  # "KPIs for FY2025-Q4 (quarter; all)"
    won, closed = (float(cell) for cell in kpis.output.splitlines()[-1].split()[2:4])
    metrics = runner.invoke(main, ["metrics", "query", "--warehouse", str(demo_warehouse),
                                   "--metrics", "win_rate", "--group-by", "metric_time__quarter"])
    assert metrics.exit_code == 0, metrics.output
    # the demo's fiscal year is the calendar year: FY2025-Q4 starts 2025-10-01
    start = f"{label[2:6]}-{3 * (int(label[-1]) - 1) + 1:02d}-01"
    printed = {line.split()[0]: line.split()[1] for line in metrics.output.splitlines()[2:]}
    assert math.isclose(float(printed[start]), won / closed, rel_tol=1e-5), (printed, won, closed)
    assert sum(1 for value in printed.values() if value != "-") >= 8  # every quarter with closed deals
