"""`revops kpis` for people and scripts: the formats, the JSON schema, --compare,
--trend, --list, the period type read from the label, and the as-of warnings.

The fast tests use a scorecard made by hand; the slow ones read the demo warehouse
(the session's build) and hand-check the demo's FY2025-Q4 win rate (37 won of 96
closed = 38.5%, the README's example), its average sales cycle (2,253 days over 37 won
deals = 60.9 d) and their change on FY2025-Q3 (57 of 120 = 47.5%).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import duckdb
import jsonschema
import pytest
from click.testing import CliRunner

from conftest import published_copy
from revops.cli import main
from revops.errors import BadUsage, ExitCode
from revops.kpi_catalog import metric_catalog, one_line
from revops.scorecard import (Context, Period, Scorecard, ScorecardRow, as_of_warnings, change, change_kind,
                              period_type_of, resolve_period_type)
from revops.scorecard_formats import document, kpis_schema, render

TOP_KEYS = {"schema_version", "as_of", "reporting_currency", "period_type", "period", "previous_period",
            "periods", "filters", "compare", "metrics", "warnings"}
METRIC_KEYS = {"name", "label", "unit", "value", "numerator", "denominator", "previous_value", "change",
               "change_unit", "trend"}
Q3 = Period("FY2025-Q3", date(2025, 7, 1), date(2025, 9, 30))
Q4 = Period("FY2025-Q4", date(2025, 10, 1), date(2025, 12, 31))


# --- by hand: no warehouse -----------------------------------------------------------

def _row(metric, unit, period, value, numerator=None, denominator=None):
    return ScorecardRow(metric, unit, period.label, {}, value, numerator, denominator)


def _scorecard(periods=(Q4,), previous=Q3, context=Context(date(2025, 12, 15), "EUR", date(2025, 12, 15))):
    rows = {}
    for period, (won, closed, booked) in ((Q3, (57, 120, 100.0)), (Q4, (37, 96, 110.0))):
        rows[("win_rate", period.label)] = _row("win_rate", "ratio", period, won / closed, won, closed)
        rows[("bookings", period.label)] = _row("bookings", "currency", period, booked, booked)
    scorecard = Scorecard(context, "quarter", list(periods), previous,
                          {"owner_user_id": "all", "team": "all", "segment": "smb", "region": "all"},
                          ["bookings", "win_rate"], rows, calendar_end=Q4.end)
    scorecard.warnings = as_of_warnings(scorecard)
    return scorecard


@pytest.mark.parametrize("label, period_type", [
    ("2024-05", "month"), ("FY2024-Q3", "quarter"), ("fy2024-q3", "quarter"), ("2024-Q3", "quarter"),
    ("FY2024", "year"), ("fy2024", "year"), ("2024", None), ("last quarter", None),
])
def test_the_period_type_is_read_from_the_label(label, period_type):
    assert period_type_of(label) == period_type


def test_a_given_period_type_must_match_the_label():
    assert resolve_period_type(None, "FY2024") == "year"
    assert resolve_period_type("YEAR", "FY2024") == "year"
    assert resolve_period_type(None, None) == "quarter"
    assert resolve_period_type("month", None) == "month"
    assert resolve_period_type(None, "someday") == "quarter"  # then unknown, with a did-you-mean
    with pytest.raises(BadUsage, match="--period FY2024 is a year label, but --period-type is month"):
        resolve_period_type("month", "FY2024")


def test_a_conflicting_period_type_is_a_usage_error_before_the_warehouse_is_opened(tmp_path):
    result = CliRunner().invoke(main, ["kpis", "--warehouse", str(tmp_path / "none.duckdb"),
                                       "--period", "FY2024", "--period-type", "quarter"])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "is a year label, but --period-type is quarter" in result.output
    assert "such as FY2025-Q1" in result.output


@pytest.mark.parametrize("now, before, unit, expected, kind", [
    (37 / 96, 57 / 120, "ratio", (37 / 96 - 57 / 120) * 100, "points"),  # -8.96 points, not -18.9%
    (110.0, 100.0, "currency", 10.0, "percent"),
    (90.0, -100.0, "currency", 190.0, "percent"),  # against the previous value's size
    (3.0, 2.0, "multiple", 50.0, "percent"),
    (45.0, 60.0, "days", -25.0, "percent"),
    (5.0, 0.0, "currency", None, "percent"),  # no relative change from 0
    (0.5, 0.0, "ratio", 50.0, "points"),  # but points from 0 are fine
    (None, 1.0, "currency", None, "percent"),
    (1.0, None, "ratio", None, "points"),
])
def test_the_change_on_the_previous_period(now, before, unit, expected, kind):
    assert change_kind(unit) == kind
    assert change(now, before, unit) == (pytest.approx(expected) if expected is not None else None)


def test_table_by_hand():
    text = render(_scorecard(), {}, "table", compare=True, trend=False)
    lines = text.splitlines()
    assert lines[0] == "KPIs for FY2025-Q4 (quarter; segment=smb)"
    assert lines[1] == ("as of 2025-12-15; amounts in EUR; FY2025-Q4 runs 2025-10-01 to 2025-12-31; "
                        "change against FY2025-Q3")
    assert lines[2].split() == ["metric", "value", "FY2025-Q3", "change", "numerator", "denominator"]
    assert lines[4].split() == ["bookings", "110", "EUR", "100", "EUR", "+10.0%", "110", "-"]
    assert lines[5].split() == ["win_rate", "38.5%", "47.5%", "-9.0", "pts", "37", "96"]


def test_markdown_by_hand():
    text = render(_scorecard(), {}, "markdown", compare=True, trend=False)
    assert text.splitlines()[:3] == ["**KPIs for FY2025-Q4 (quarter; segment=smb)**", "",
                                     "as of 2025-12-15; amounts in EUR; FY2025-Q4 runs 2025-10-01 to 2025-12-31; "
                                     "change against FY2025-Q3"]
    assert "| metric | value | FY2025-Q3 | change | numerator | denominator |" in text
    assert "| win_rate | 38.5% | 47.5% | -9.0 pts | 37 | 96 |" in text
    assert "| bookings | 110 EUR | 100 EUR | +10.0% | 110 | - |" in text


def test_trend_by_hand_puts_the_periods_side_by_side():
    scorecard = _scorecard(periods=(Q3, Q4))
    lines = render(scorecard, {}, "table", compare=True, trend=True).splitlines()
    assert lines[0] == "KPIs for FY2025-Q3 to FY2025-Q4 (quarter; segment=smb)"
    assert lines[2].split() == ["metric", "FY2025-Q3", "FY2025-Q4", "change"]
    assert lines[5].split() == ["win_rate", "47.5%", "38.5%", "-9.0", "pts"]
    rows = list(csv.DictReader(io.StringIO(render(scorecard, {}, "csv", compare=True, trend=True))))
    assert [(row["metric"], row["period"], row["value"]) for row in rows] == [
        ("bookings", "FY2025-Q3", "100.0"), ("bookings", "FY2025-Q4", "110.0"),
        ("win_rate", "FY2025-Q3", "0.475"), ("win_rate", "FY2025-Q4", repr(37 / 96))]
    # the change is the chosen period's, on its own row
    assert [row["change"] for row in rows] == ["", "10.0", "", repr((37 / 96 - 0.475) * 100)]
    assert [row["change_unit"] for row in rows] == ["", "percent", "", "points"]
    assert [row["previous_value"] for row in rows] == ["", "100.0", "", "0.475"]
    doc = document(scorecard, {}, compare=True, trend=True)
    jsonschema.validate(doc, kpis_schema())
    assert [p["label"] for p in doc["periods"]] == ["FY2025-Q3", "FY2025-Q4"]
    assert doc["metrics"][1]["trend"] == [
        {"period": "FY2025-Q3", "value": 0.475, "numerator": 57, "denominator": 120},
        {"period": "FY2025-Q4", "value": 37 / 96, "numerator": 37, "denominator": 96}]


def test_json_by_hand_has_exactly_the_schema_keys():
    doc = document(_scorecard(), {}, compare=True, trend=False)
    jsonschema.validate(doc, kpis_schema())
    assert set(doc) == TOP_KEYS
    assert all(set(metric) == METRIC_KEYS for metric in doc["metrics"])
    bookings, win_rate = doc["metrics"]
    assert (win_rate["value"], win_rate["numerator"], win_rate["denominator"]) == (37 / 96, 37, 96)
    assert win_rate["change"] == pytest.approx(-8.958333, abs=1e-6) and win_rate["change_unit"] == "points"
    assert bookings["change"] == pytest.approx(10.0) and bookings["change_unit"] == "percent"
    assert doc["reporting_currency"] == "EUR" and doc["as_of"] == "2025-12-15"
    assert doc["period"] == {"label": "FY2025-Q4", "start": "2025-10-01", "end": "2025-12-31"}


def test_the_schema_refuses_what_scripts_must_not_meet():
    schema = kpis_schema()
    good = document(_scorecard(), {}, compare=False, trend=False)
    jsonschema.validate(good, schema)
    assert good["compare"] is None and good["previous_period"] is None
    assert good["metrics"][0]["change"] is None and good["metrics"][0]["trend"] is None
    for broken in ({**good, "extra": 1}, {k: v for k, v in good.items() if k != "as_of"},
                   {**good, "metrics": [{**good["metrics"][0], "value": "38.5%"}]},
                   {**good, "metrics": [{**good["metrics"][0], "unit": "percent"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)


def test_the_as_of_date_beyond_the_data_or_the_calendar_is_warned_about():
    assert _scorecard().warnings == []
    late = _scorecard(context=Context(date(2040, 6, 30), "USD", date(2025, 8, 15)))
    assert late.warnings == [
        "the as-of date 2040-06-30 is beyond the calendar: the scorecard's last quarter ends 2025-12-31, so "
        "no period holds 'today'; rebuild with an --as-of inside the data, or widen the calendar (--var calendar_end)",
        "FY2025-Q4 starts after the data's latest event (2025-08-15): nothing in the data happened then, so "
        "the KPIs are empty or balances (MRR, ARR, receivables) carried forward; the as-of date is 2040-06-30: "
        "rebuild with an earlier --as-of, or choose an earlier --period",
    ]
    assert document(late, {}, compare=False, trend=False)["warnings"] == late.warnings


def test_every_metric_has_a_unit_and_a_one_line_definition(project):
    catalog = metric_catalog(project.root)
    assert len(catalog) == 74
    assert {info.unit for info in catalog.values()} <= {"ratio", "multiple", "currency", "currency_per_day",
                                                        "days", "count"}
    missing = [name for name, info in catalog.items() if not info.definition or "\n" in info.definition]
    assert not missing
    assert catalog["win_rate"].definition == "won_deals / closed_deals; NULL when no deal closed."
    assert catalog["arr"].label == "ARR" and catalog["win_rate"].label == "Win rate"
    # a doc block's role prefix and its second sentence are not part of the one line
    assert catalog["billed_revenue"].definition.startswith("Sum of net_amount_reporting")


def test_a_definition_kept_in_a_doc_block_is_resolved(tmp_path):
    (tmp_path / "macros" / "conventions").mkdir(parents=True)
    (tmp_path / "macros" / "conventions" / "scorecard_metrics.sql").write_text(
        "{{ return([\n    {'metric': 'churn', 'model': 'kpi_churn', 'unit': 'ratio',\n"
        "     'value': 'churn_rate', 'numerator': 'lost', 'denominator': 'start'},\n]) }}\n")
    (tmp_path / "models" / "kpis" / "customers").mkdir(parents=True)
    (tmp_path / "models" / "kpis" / "customers" / "kpi_churn.yml").write_text(
        "version: 2\nmodels:\n  - name: kpi_churn\n    columns:\n"
        "      - name: churn_rate\n        description: '{{ doc(\"churn_rate\") }}'\n")
    (tmp_path / "models" / "kpis" / "customers" / "_docs.md").write_text(
        "{% docs churn_rate %}\nLost customers / customers at the start.\nNULL without customers.\n{% enddocs %}\n")
    [(name, info)] = metric_catalog(tmp_path).items()
    assert (name, info.unit, info.model, info.label) == ("churn", "ratio", "kpi_churn", "Churn")
    assert info.definition == "Lost customers / customers at the start."


def test_one_line_is_the_first_sentence_without_the_column_role():
    assert one_line("Value, days. Days sales\n  outstanding. Not additive.") == "Days sales outstanding."
    assert one_line("won / closed; NULL when none.") == "won / closed; NULL when none."


def test_list_needs_no_warehouse(tmp_path):
    base = ["kpis", "--warehouse", str(tmp_path / "none.duckdb"), "--list"]
    result = CliRunner().invoke(main, base)
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("win_rate "))
    assert line.split(None, 3) == ["win_rate", "%", "(ratio)", "won_deals / closed_deals; NULL when no deal closed."]
    listed = json.loads(CliRunner().invoke(main, base + ["--format", "json", "--metric", "WIN_RATE"]).stdout)
    assert listed == [{"name": "win_rate", "label": "Win rate", "unit": "ratio", "model": "kpi_win_rate",
                       "definition": "won_deals / closed_deals; NULL when no deal closed."}]
    wrong = CliRunner().invoke(main, base + ["--metric", "win_rat"])
    assert wrong.exit_code == ExitCode.USAGE and "did you mean win_rate?" in wrong.output


# --- on the demo warehouse -------------------------------------------------------------

def _kpis(warehouse, *args):
    result = CliRunner().invoke(main, ["kpis", "--warehouse", str(warehouse), *args])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.slow
def test_each_format_shows_the_demo_win_rate_and_sales_cycle(demo_warehouse):
    wanted = ["--period", "FY2025-Q4", "--metric", "win_rate", "--metric", "average_sales_cycle_days"]
    table = _kpis(demo_warehouse, *wanted).stdout.splitlines()
    assert table[0] == "KPIs for FY2025-Q4 (quarter; all)"
    assert table[1] == "as of 2025-12-15; amounts in USD; FY2025-Q4 runs 2025-10-01 to 2025-12-31"
    assert table[4].split() == ["average_sales_cycle_days", "60.9", "d", "2,253", "37"]
    assert table[5].split() == ["win_rate", "38.5%", "37", "96"]

    markdown = _kpis(demo_warehouse, *wanted, "--format", "markdown").stdout
    assert "| win_rate | 38.5% | 37 | 96 |" in markdown
    assert "| average_sales_cycle_days | 60.9 d | 2,253 | 37 |" in markdown
    assert "as of 2025-12-15; amounts in USD" in markdown

    rows = {row["metric"]: row for row in csv.DictReader(io.StringIO(
        _kpis(demo_warehouse, *wanted, "--format", "csv").stdout))}
    assert (float(rows["win_rate"]["numerator"]), float(rows["win_rate"]["denominator"])) == (37, 96)
    assert float(rows["win_rate"]["value"]) == pytest.approx(37 / 96)
    assert float(rows["average_sales_cycle_days"]["value"]) == pytest.approx(2253 / 37)
    assert rows["win_rate"]["period"] == "FY2025-Q4" and rows["win_rate"]["unit"] == "ratio"

    doc = json.loads(_kpis(demo_warehouse, *wanted, "--format", "json").stdout)
    jsonschema.validate(doc, kpis_schema())
    assert set(doc) == TOP_KEYS
    metrics = {metric["name"]: metric for metric in doc["metrics"]}
    assert all(set(metric) == METRIC_KEYS for metric in doc["metrics"])
    assert (metrics["win_rate"]["value"], metrics["win_rate"]["numerator"], metrics["win_rate"]["denominator"]) \
        == (pytest.approx(37 / 96), 37, 96)
    assert metrics["average_sales_cycle_days"]["value"] == pytest.approx(2253 / 37)
    assert metrics["win_rate"]["unit"] == "ratio" and metrics["average_sales_cycle_days"]["unit"] == "days"
    assert (doc["as_of"], doc["reporting_currency"], doc["period_type"]) == ("2025-12-15", "USD", "quarter")
    assert doc["filters"] == {"owner_user_id": "all", "team": "all", "segment": "all", "region": "all"}
    assert doc["warnings"] == []


@pytest.mark.slow
def test_the_whole_demo_scorecard_validates_against_the_schema(demo_warehouse, project):
    doc = json.loads(_kpis(demo_warehouse, "--format", "json", "--compare", "previous", "--trend", "3").stdout)
    jsonschema.validate(doc, kpis_schema())
    catalog = metric_catalog(project.root)
    assert len(doc["metrics"]) == len(catalog) and {m["name"] for m in doc["metrics"]} == set(catalog)
    assert all(len(metric["trend"]) == 3 for metric in doc["metrics"])


@pytest.mark.slow
def test_compare_previous_in_every_format(demo_warehouse):
    wanted = ["--metric", "win_rate", "--metric", "bookings", "--compare", "previous"]
    [(q3_bookings,), (q4_bookings,)] = _query(demo_warehouse, """
        select value from kpis.kpi_scorecard
        where metric_name = 'bookings' and period_type = 'quarter' and period_label in ('FY2025-Q3', 'FY2025-Q4')
          and owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'
        order by period_start""")
    bookings_change = (q4_bookings - q3_bookings) / q3_bookings * 100
    win_rate_change = (37 / 96 - 57 / 120) * 100  # -8.96 points

    doc = json.loads(_kpis(demo_warehouse, *wanted, "--format", "json").stdout)
    jsonschema.validate(doc, kpis_schema())
    assert doc["compare"] == "previous" and doc["previous_period"]["label"] == "FY2025-Q3"
    metrics = {metric["name"]: metric for metric in doc["metrics"]}
    assert metrics["win_rate"]["previous_value"] == pytest.approx(57 / 120)
    assert metrics["win_rate"]["change"] == pytest.approx(win_rate_change)
    assert metrics["win_rate"]["change_unit"] == "points"
    assert metrics["bookings"]["change"] == pytest.approx(bookings_change)
    assert metrics["bookings"]["change_unit"] == "percent"

    table = _kpis(demo_warehouse, *wanted).stdout.splitlines()
    assert table[2].split()[:4] == ["metric", "value", "FY2025-Q3", "change"]
    assert table[5].split()[:5] == ["win_rate", "38.5%", "47.5%", "-9.0", "pts"]
    assert table[4].split()[5] == f"{bookings_change:+.1f}%"

    markdown = _kpis(demo_warehouse, *wanted, "--format", "markdown").stdout
    assert "| win_rate | 38.5% | 47.5% | -9.0 pts | 37 | 96 |" in markdown

    rows = {row["metric"]: row for row in csv.DictReader(io.StringIO(
        _kpis(demo_warehouse, *wanted, "--format", "csv").stdout))}
    assert float(rows["win_rate"]["change"]) == pytest.approx(win_rate_change)
    assert float(rows["bookings"]["change"]) == pytest.approx(bookings_change)
    assert rows["bookings"]["previous_period"] == "FY2025-Q3"


@pytest.mark.slow
def test_trend_shows_the_last_n_periods(demo_warehouse):
    table = _kpis(demo_warehouse, "--metric", "win_rate", "--trend", "2").stdout.splitlines()
    assert table[0] == "KPIs for FY2025-Q3 to FY2025-Q4 (quarter; all)"
    assert table[2].split() == ["metric", "FY2025-Q3", "FY2025-Q4"]
    assert table[4].split() == ["win_rate", "47.5%", "38.5%"]
    doc = json.loads(_kpis(demo_warehouse, "--metric", "win_rate", "--trend", "2", "--format", "json").stdout)
    assert [(point["period"], point["numerator"], point["denominator"]) for point in doc["metrics"][0]["trend"]] \
        == [("FY2025-Q3", 57, 120), ("FY2025-Q4", 37, 96)]
    # more periods than the scorecard holds: all of them, no error
    months = _kpis(demo_warehouse, "--period", "2021-07", "--trend", "5", "--metric", "arr", "--format", "json")
    assert [p["label"] for p in json.loads(months.stdout)["periods"]] == ["2021-06", "2021-07"]


@pytest.mark.slow
def test_the_period_label_sets_the_period_type(demo_warehouse):
    year = _kpis(demo_warehouse, "--period", "fy2024", "--metric", "win_rate").stdout.splitlines()
    assert year[0] == "KPIs for FY2024 (year; all)"
    month = _kpis(demo_warehouse, "--period", "2025-11", "--metric", "win_rate").stdout.splitlines()
    assert month[0] == "KPIs for 2025-11 (month; all)"
    result = CliRunner().invoke(main, ["kpis", "--warehouse", str(demo_warehouse), "--period", "2024-Q3"])
    assert result.exit_code == ExitCode.USAGE
    assert "unknown period '2024-Q3' (did you mean FY2024-Q3?)" in result.output


@pytest.mark.slow
def test_an_as_of_date_beyond_the_data_warns_on_stderr(demo_warehouse, tmp_path):
    # what `revops build --as-of 2040-06-30` records, on a copy (no second build)
    late = published_copy(demo_warehouse, tmp_path)
    with duckdb.connect(str(late)) as connection:
        connection.execute("update core.dim_reporting_context set as_of_date = date '2040-06-30',"
                           " latest_event_date = date '2025-08-15'")
    result = _kpis(late, "--metric", "win_rate", "--format", "json")
    assert "warning: the as-of date 2040-06-30 is beyond the calendar" in result.stderr
    assert "warning: FY2025-Q4 starts after the data's latest event (2025-08-15)" in result.stderr
    doc = json.loads(result.stdout)  # stdout stays clean JSON
    assert len(doc["warnings"]) == 2 and doc["as_of"] == "2040-06-30"
    assert "warning" not in _kpis(demo_warehouse, "--metric", "win_rate").stderr


def _query(warehouse, sql):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()
