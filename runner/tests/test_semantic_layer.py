"""The semantic layer answers as the KPI models do: every scorecard metric is a
MetricFlow metric and gives, at fiscal month, quarter and year, for the roll-up and by
one cut, the value kpi_scorecard holds for the same period and cut, on DuckDB and (from
scripts/test-postgres) on Postgres. Any that cannot be made equal is in NOT_EQUAL, with
the reason."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from revops.errors import BadInput
from revops.metrics import MetricInfo, list_metrics, period_type_where, query_metrics

# Scorecard metrics whose MetricFlow metric is not equal to the scorecard, and why
# (README, "The semantic layer"). Every scorecard metric is a MetricFlow metric: the
# ones no sum of months gives are metrics over kpi_scorecard's own rows
# (models/semantic/sem_scorecard_rows.yml), one row per period type and cut.
NOT_EQUAL = {}

# MetricFlow's grain -> the scorecard's period_type and the column naming the period
GRAINS = {
    "month": ("metric_time__month", "period_start"),
    "quarter": ("metric_time__fiscal_quarter", "period_label"),
    "year": ("metric_time__fiscal_year", "period_label"),
}


CUTS = ("owner_user_id", "team", "segment", "region")
GRAINS_BY_TYPE = {period_type: column for period_type, (_, column) in GRAINS.items()}


class DuckDBSide:
    """The published DuckDB warehouse, queried as `revops metrics query` does."""

    def __init__(self, project, warehouse: Path):
        self.project, self.warehouse = project, warehouse

    def metric_rows(self, metric: str, group_by: list[str]) -> list[tuple]:
        # the scorecard-row metrics' period type comes from the grain, as for a user
        return query_metrics(self.project, self.warehouse, [metric], group_by).rows

    def rows(self, sql: str, parameters: list) -> list[tuple]:
        connection = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return connection.execute(sql, parameters).fetchall()
        finally:
            connection.close()


class PostgresSide:
    """The demo built on Postgres by scripts/test-postgres: MetricFlow's Postgres SQL
    from that build's semantic manifest, run on that database, against its scorecard."""

    def __init__(self, manifest: Path, connection):
        self.manifest, self.connection = manifest, connection

    def metric_rows(self, metric: str, group_by: list[str]) -> list[tuple]:
        from revops.metrics import sql_for

        return self.rows(sql_for(self.manifest, [metric], group_by, dialect="postgres"), [])

    def rows(self, sql: str, parameters: list) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s") if parameters else sql, parameters or None)
            return cursor.fetchall()


def _scorecard(side, metric: str, period_type: str, cut: str | None) -> dict:
    """{(period, member): value} of the scorecard: the roll-up, or one row per member of
    one cut (segment, team), the other cuts 'all'."""
    column = GRAINS_BY_TYPE[period_type]
    where = " and ".join(f"{name} {'<>' if name == cut else '='} 'all'" for name in CUTS)
    member = cut or "'all'"
    rows = side.rows(f"select {column}, {member}, value from kpis.kpi_scorecard "
                     f"where metric_name = ? and period_type = ? and {where}", [metric, period_type])
    return {(_period(period), member): value for period, member, value in rows}


def _cuts_of(side, metric: str) -> list[str]:
    """The cuts the scorecard has one-cut rows of for the metric."""
    return [name for name in CUTS if side.rows(
        f"select count(*) from kpis.kpi_scorecard where metric_name = ? and {name} <> 'all' and "
        + " and ".join(f"{other} = 'all'" for other in CUTS if other != name), [metric])[0][0]]


def _period(value) -> str:
    return value.date().isoformat() if hasattr(value, "date") else str(value)


def differences(side, metric: str, period_type: str, cut_dimension: str | None) -> list[str]:
    """Where MetricFlow and the scorecard disagree for one metric, grain and cut. A
    period only one of them has must be empty (NULL or 0) there: the scorecard keeps
    the empty periods' roll-up rows, MetricFlow has the periods after the as-of date.
    By a cut, MetricFlow's `all` member (no value, or the roll-up's) is left out: the
    roll-up is compared on its own."""
    group_by = [GRAINS[period_type][0]] + ([cut_dimension] if cut_dimension else [])
    ours = {(_period(row[0]), row[1] if cut_dimension else "all"): row[-1]
            for row in side.metric_rows(metric, group_by) if not cut_dimension or row[1] != "all"}
    theirs = _scorecard(side, metric, period_type, cut_dimension.split("__")[-1] if cut_dimension else None)
    # the roll-up is in every period type; a cut may not be (forecasts by team: quarters)
    assert theirs or cut_dimension, f"the scorecard has no {period_type} rows of {metric}: the comparison would prove nothing"
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


def every_difference(side, semantic_metrics: dict) -> list[str]:
    """differences() of every scorecard metric (but NOT_EQUAL) at month, fiscal quarter
    and fiscal year, in total and by one cut."""
    found = []
    for metric in _scorecard_metric_names(side):
        if metric in NOT_EQUAL:
            continue
        # one cut: the segment, or the team where the KPI is cut by people only (forecasts,
        # quotas); CAC has none (expenses carry no account)
        cuts = [cut for cut in ("segment", "team") if cut in _cuts_of(side, metric)][:1]
        dimensions = [name for name in semantic_metrics[metric].dimensions
                      for cut in cuts if name.endswith(f"__{cut}") and "metric_time" not in name][:1]
        assert len(dimensions) == len(cuts), (metric, cuts, semantic_metrics[metric].dimensions)
        for period_type in GRAINS:
            found += differences(side, metric, period_type, None)
            for dimension in dimensions:
                found += differences(side, metric, period_type, dimension)
    return found


@pytest.fixture(scope="module")
def semantic_metrics(project, demo_warehouse) -> dict:
    return {info.name: info for info in list_metrics(project, demo_warehouse)}


def _scorecard_metric_names(side) -> list[str]:
    return [row[0] for row in side.rows("select distinct metric_name from kpis.kpi_scorecard order by 1", [])]


@pytest.mark.slow
def test_every_scorecard_metric_is_a_metricflow_metric_and_none_is_a_helper(project, demo_warehouse, semantic_metrics):
    scorecard = _scorecard_metric_names(DuckDBSide(project, demo_warehouse))
    missing = [name for name in scorecard if name not in semantic_metrics]
    helpers = [name for name in scorecard if name in semantic_metrics and semantic_metrics[name].helper]
    stale = [name for name in NOT_EQUAL if name not in scorecard]
    assert len(scorecard) >= 74 and not missing and not helpers and not stale, (missing, helpers, stale)
    assert len(NOT_EQUAL) <= 3  # the list should stay short
    # the inputs are helpers, and only the KPIs over the scorecard's rows take a period type
    assert semantic_metrics["scorecard_rollup_value"].helper and semantic_metrics["won_deals"].helper
    per_row = sorted(name for name, info in semantic_metrics.items() if info.per_scorecard_row)
    assert len(per_row) == 26 and "slip_rate" in per_row and "win_rate" not in per_row, per_row


@pytest.mark.slow
def test_every_metric_equals_the_scorecard_at_month_quarter_and_year_in_total_and_by_segment(
        project, demo_warehouse, semantic_metrics):
    found = every_difference(DuckDBSide(project, demo_warehouse), semantic_metrics)
    assert not found, "\n".join(found[:40])


@pytest.mark.slow
def test_metricflow_validates_the_semantic_layer(project, demo_warehouse, semantic_metrics):
    """MetricFlow's own validation (what `mf validate-configs --skip-dw` runs) on the
    manifest dbt parsed beside the warehouse; the data is the equality test's job."""
    from revops.metrics import semantic_manifest_path

    assert_valid(semantic_manifest_path(project, demo_warehouse))


def assert_valid(path: Path) -> None:
    from metricflow_semantic_interfaces.validations.semantic_manifest_validator import SemanticManifestValidator
    from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest

    manifest = parse_manifest_from_dbt_generated_manifest(manifest_json_string=path.read_text())
    results = SemanticManifestValidator().validate_semantic_manifest(manifest)
    assert not results.has_blocking_issues, [issue.as_readable_str() for issue in results.all_issues]
    assert len(manifest.semantic_models) >= 10 and len(manifest.metrics) >= 74


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


def _info(name: str, per_row: bool) -> MetricInfo:
    return MetricInfo(name, "derived", name, "", (), per_scorecard_row=per_row)


def test_a_scorecard_row_metric_reads_the_period_type_of_its_grain():
    slip = [_info("slip_rate", True)]
    where = period_type_where(slip, ["metric_time__fiscal_quarter", "scorecard_row__segment"], None)
    assert where == ["{{ Dimension('scorecard_row__period_type') }} = 'quarter'"]
    assert period_type_where(slip, ["metric_time__month"], None)[0].endswith("= 'month'")
    assert period_type_where(slip, ["metric_time__fiscal_year"], "year")[0].endswith("= 'year'")
    # by period label, any one period type
    assert period_type_where(slip, ["scorecard_row__period_label"], "quarter")[0].endswith("= 'quarter'")
    # the other metrics need no filter
    assert period_type_where([_info("win_rate", False)], ["metric_time__quarter"], None) == []


@pytest.mark.parametrize("metrics, group_by, period_type, message", [
    # a quarter's value would show under its first month
    (["slip_rate"], ["metric_time__month"], "quarter", "quarter values are per metric_time__fiscal_quarter"),
    # a calendar quarter is not the fiscal one unless the fiscal year starts in January
    (["slip_rate"], ["metric_time__quarter"], None, "need a period type"),
    (["slip_rate"], ["metric_time__quarter"], "quarter", "not metric_time__quarter"),
    (["slip_rate"], [], None, "need a period type"),
    (["slip_rate", "win_rate"], ["metric_time__month"], None, "query them separately"),
    (["win_rate"], ["metric_time__month"], "month", "--period-type is for the metrics over the scorecard"),
    (["slip_rate"], ["metric_time__month"], "week", "is not one of month, quarter, year"),
])
def test_a_scorecard_row_metric_refuses_a_grain_that_is_not_its_period_type(metrics, group_by, period_type, message):
    infos = [_info(name, name == "slip_rate") for name in metrics]
    with pytest.raises(BadInput, match=message):
        period_type_where(infos, group_by, period_type)


@pytest.mark.slow
def test_revops_metrics_list_shows_helpers_only_with_all(demo_warehouse, semantic_metrics):
    from click.testing import CliRunner

    from revops.cli import main

    runner = CliRunner()
    shown = runner.invoke(main, ["metrics", "list", "--warehouse", str(demo_warehouse)])
    everything = runner.invoke(main, ["metrics", "list", "--warehouse", str(demo_warehouse), "--all"])
    assert shown.exit_code == 0 and everything.exit_code == 0, shown.output + everything.output
    names = {line.split()[0] for line in shown.output.splitlines() if not line.startswith("saved queries")}
    all_names = {line.split()[0] for line in everything.output.splitlines() if not line.startswith("saved queries")}
    helpers = {name for name, info in semantic_metrics.items() if info.helper}
    assert helpers and not names & helpers and helpers <= all_names and names <= all_names
    assert {"win_rate", "slip_rate", "mrr"} <= names and "scorecard_rollup_rows" in all_names
    assert "slip_rate" in shown.output and "(per period type)" in next(
        line for line in shown.output.splitlines() if line.startswith("slip_rate "))


# On Postgres: scripts/test-postgres builds the demo there (REVOPS_PG_*), then runs
# `pytest -m postgres`; the scorecard compared against is Postgres's own.
POSTGRES_MANIFEST = Path(__file__).resolve().parents[2] / "target" / "postgres" / "semantic_manifest.json"


@pytest.fixture(scope="module")
def postgres_side():
    import os

    if not os.environ.get("REVOPS_PG_HOST") or not POSTGRES_MANIFEST.is_file():
        pytest.skip("no Postgres build: run scripts/test-postgres")
    psycopg2 = pytest.importorskip("psycopg2")
    environment = os.environ.get
    connection = psycopg2.connect(
        host=environment("REVOPS_PG_HOST"), port=int(environment("REVOPS_PG_PORT", "5432")),
        user=environment("REVOPS_PG_USER", "postgres"), password=environment("REVOPS_PG_PASSWORD", ""),
        dbname=environment("REVOPS_PG_DATABASE", "revops"))
    connection.set_session(readonly=True, autocommit=True)
    yield PostgresSide(POSTGRES_MANIFEST, connection)
    connection.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_on_postgres_the_semantic_layer_validates_and_every_metric_equals_the_scorecard(postgres_side):
    from revops.metrics import metrics_in_manifest

    assert_valid(POSTGRES_MANIFEST)
    semantic_metrics = {info.name: info for info in metrics_in_manifest(POSTGRES_MANIFEST)}
    scorecard = _scorecard_metric_names(postgres_side)
    missing = [name for name in scorecard if name not in semantic_metrics]
    assert len(scorecard) >= 74 and not missing, missing
    found = every_difference(postgres_side, semantic_metrics)
    assert not found, "\n".join(found[:40])


@pytest.mark.slow
def test_metricflow_fiscal_grains_follow_dim_dates_with_an_april_fiscal_year(project, demo_warehouse, tmp_path):
    """metric_time__fiscal_quarter and __fiscal_year are dim_dates' labels (whose April
    start is dim_dates' unit test, fiscal_calendar_with_an_april_start_...): on a
    warehouse whose calendar starts the fiscal year in April, March 2024 is FY2024-Q4
    and April to June FY2025-Q1, whatever the calendar quarter says. No build: the demo's
    semantic manifest over two hand-made tables."""
    import shutil

    from revops.metrics import semantic_manifest_path

    warehouse = tmp_path / "april" / "revops.duckdb"
    (warehouse.parent / ".dbt" / "target").mkdir(parents=True)
    shutil.copyfile(semantic_manifest_path(project, demo_warehouse),
                    warehouse.parent / ".dbt" / "target" / "semantic_manifest.json")
    connection = duckdb.connect(str(warehouse))
    connection.execute("""
        create schema core; create schema kpis;
        create table core.dim_dates as
        select cast(day as date) as date_day,
               case when day < date '2024-04-01' then 'FY2024-Q4'
                    when day < date '2024-07-01' then 'FY2025-Q1' else 'FY2025-Q2' end as fiscal_quarter_label,
               case when day < date '2024-04-01' then 'FY2024' else 'FY2025' end as fiscal_year_label
        from range(date '2024-03-01', date '2024-08-01', interval 1 day) as days(day);
        create table kpis.kpi_pipeline_created as
        select 'month' as period_type, cast(period_start as date) as period_start, 'smb' as segment,
               'emea' as region, 'all' as owner_user_id, 'all' as team, amount as pipeline_created_amount,
               1 as pipeline_created_deals, 0 as qualified_amount
        from (values ('2024-03-01', 10), ('2024-04-01', 20), ('2024-05-01', 30), ('2024-07-01', 40))
            as months(period_start, amount)""")
    connection.close()

    def pipeline(grain: str) -> dict:
        result = query_metrics(project, warehouse, ["pipeline_created"], [grain])
        return {period: float(value) for period, value in result.rows}

    assert pipeline("metric_time__fiscal_quarter") == {"FY2024-Q4": 10, "FY2025-Q1": 50, "FY2025-Q2": 40}
    assert pipeline("metric_time__fiscal_year") == {"FY2024": 10, "FY2025": 90}


@pytest.mark.slow
def test_the_account_months_give_the_scorecards_mrr_and_its_net_movement(project, demo_warehouse):
    """The fact-level metrics of sem_facts.yml (names of their own) agree with the KPIs:
    account_mrr is MRR, mrr_gained - mrr_lost its net new MRR, per fiscal quarter."""
    side = DuckDBSide(project, demo_warehouse)
    rows = query_metrics(project, demo_warehouse, ["account_mrr", "mrr_gained", "mrr_lost"],
                         ["metric_time__fiscal_quarter"]).rows
    mrr, net_new = (_scorecard(side, name, "quarter", None) for name in ("mrr", "net_new_mrr"))
    compared = [(label, account_mrr, gained - lost) for label, account_mrr, gained, lost in rows
                if (label, "all") in mrr and mrr[(label, "all")]]
    assert len(compared) >= 8, rows
    for label, account_mrr, movement in compared:
        assert math.isclose(float(account_mrr), mrr[(label, "all")], rel_tol=1e-9), label
        assert math.isclose(float(movement), net_new[(label, "all")], rel_tol=1e-9, abs_tol=1e-6), label


@pytest.mark.slow
def test_the_stage_flow_and_priced_periods_count_the_facts_rows(project, tiny_warehouse, demo_warehouse):
    """opportunity_stage_entries and the priced-period metrics (sem_facts.yml) count and
    sum their facts' rows by the day they start. The tiny company, by hand: its one deal
    is created in January 2024 and its one subscription starts in February at 1,200 EUR a year, 110 USD a month at 1.10."""
    rows = query_metrics(project, tiny_warehouse, ["opportunity_stage_entries", "priced_periods_started",
                                                   "priced_period_mrr_started"], ["metric_time__month"]).rows
    assert {(_period(month), entries, periods, float(mrr)) for month, entries, periods, mrr in rows} == {
        ("2024-01-01", 1, 0, 0.0), ("2024-02-01", 0, 1, 110.0)}

    # the demo, by stage, against the history table itself
    side = DuckDBSide(project, demo_warehouse)
    flow = {(_period(month), stage): (entries, float(amount)) for month, stage, entries, amount in query_metrics(
        project, demo_warehouse, ["opportunity_stage_entries", "opportunity_stage_entry_amount"],
        ["metric_time__month", "opportunity_state__stage_name"]).rows if entries}
    expected = {(_period(month), stage): (entries, float(amount)) for month, stage, entries, amount in side.rows(
        "select date_trunc('month', valid_from), stage_name, count(*), sum(amount_reporting) "
        "from core.fct_opportunity_history where not is_excluded group by 1, 2", [])}
    assert len(expected) > 50 and flow.keys() == expected.keys()
    for key, (entries, amount) in expected.items():
        assert flow[key][0] == entries and math.isclose(flow[key][1], amount, rel_tol=1e-9, abs_tol=1e-6), key
