"""`revops kpis` on the demo: the scorecard as a table, with checked filters."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from revops.cli import main
from revops.errors import ExitCode
from test_build_and_export import query

pytestmark = pytest.mark.slow


def test_every_scorecard_metric_has_a_value_on_the_demo(demo_warehouse):
    rows = query(demo_warehouse, """
        select metric_name, count(value) as values_present
        from kpis.kpi_scorecard
        where owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'
        group by metric_name
    """)
    empty = [metric for metric, values_present in rows if values_present == 0]
    assert rows and not empty, f"metrics with no value in any period: {empty}"


def test_kpis_prints_the_latest_quarter_by_default(demo_warehouse):
    result = CliRunner().invoke(main, ["kpis", "--warehouse", str(demo_warehouse)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("KPIs for FY2025-Q4 (quarter; all)")
    assert "billed_revenue" in result.output


def test_kpis_filters_by_metric_period_and_dimension(demo_warehouse):
    result = CliRunner().invoke(main, [
        "kpis", "--warehouse", str(demo_warehouse), "--period-type", "year", "--period", "FY2024",
        "--metric", "billed_revenue", "--segment", "smb",
    ])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "KPIs for FY2024 (year; segment=smb)"
    assert [line.split()[0] for line in lines[4:]] == ["billed_revenue"]


@pytest.mark.parametrize("option, value", [
    ("--metric", "win_rate; drop table x"),
    ("--segment", "nonexistent"),
    ("--period", "FY1999"),
])
def test_kpis_rejects_values_the_scorecard_does_not_hold(demo_warehouse, option, value):
    result = CliRunner().invoke(main, ["kpis", "--warehouse", str(demo_warehouse), option, value])
    assert result.exit_code == ExitCode.USAGE
    assert "unknown" in result.output and "choose from" in result.output


def test_kpis_matches_metric_segment_and_period_whatever_their_case(demo_warehouse):
    [(won, closed)] = query(demo_warehouse, """
        select numerator, denominator from kpis.kpi_scorecard
        where metric_name = 'win_rate' and period_type = 'year' and period_label = 'FY2024'
          and segment = 'smb' and owner_user_id = 'all' and team = 'all' and region = 'all'
    """)
    result = CliRunner().invoke(main, [
        "kpis", "--warehouse", str(demo_warehouse), "--period-type", "year", "--period", "fy2024",
        "--metric", "WIN_RATE", "--segment", "SMB",
    ])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "KPIs for FY2024 (year; segment=smb)"
    assert lines[4].split() == ["win_rate", f"{won / closed * 100:.1f}%", f"{won:.0f}", f"{closed:.0f}"]


def test_a_near_miss_gets_a_did_you_mean(demo_warehouse):
    result = CliRunner().invoke(main, ["kpis", "--warehouse", str(demo_warehouse), "--metric", "win_rat"])
    assert result.exit_code == ExitCode.USAGE
    assert "unknown metric 'win_rat' (did you mean win_rate?)" in result.output
