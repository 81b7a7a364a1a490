"""The report's pieces that need no browser: the waterfall's steps, the period-over-period
change, and `revops report`'s options and errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from revops.cli import main
from revops.errors import ExitCode
from revops.report.charts import bridge_steps
from revops.report.page import _change
from revops.scorecard import ScorecardRow


def test_the_bridge_walks_from_starting_to_ending_mrr():
    # 100 + 20 + 10 + 5 - 8 - 7 = 120
    steps = bridge_steps({"starting_mrr": 100.0, "new_mrr": 20.0, "expansion_mrr": 10.0,
                          "reactivation_mrr": 5.0, "contraction_mrr": 8.0, "churned_mrr": 7.0,
                          "ending_mrr": 120.0})
    assert [(s["step"], s["from"], s["to"], s["kind"]) for s in steps] == [
        ("Starting", 0.0, 100.0, "total"),
        ("New", 100.0, 120.0, "gain"),
        ("Expansion", 120.0, 130.0, "gain"),
        ("Reactivation", 130.0, 135.0, "gain"),
        ("Contraction", 135.0, 127.0, "loss"),
        ("Churn", 127.0, 120.0, "loss"),
        ("Ending", 0.0, 120.0, "total"),
    ]


def _row(value, unit, label="FY2025-Q3"):
    return ScorecardRow("m", unit, label, {}, value, None, None)


@pytest.mark.parametrize("now, before, unit, shown", [
    (0.55, 0.50, "ratio", "+5.0 pts vs FY2025-Q3"),  # a rate moves in points, not per cent
    (110.0, 100.0, "currency", "+10.0% vs FY2025-Q3"),
    (90.0, -100.0, "currency", "+190.0% vs FY2025-Q3"),  # from a negative value: against its size
    (5.0, 0.0, "currency", "from 0 in FY2025-Q3"),
    (5.0, None, "currency", "no previous value"),
])
def test_the_change_on_the_previous_period(now, before, unit, shown):
    assert _change(_row(now, unit, "FY2025-Q4"), _row(before, unit)) == shown


def test_no_previous_period_is_said():
    assert _change(_row(1.0, "ratio"), None) == "no previous value"


@pytest.mark.slow
@pytest.mark.parametrize("option, value, hint", [
    ("--segment", "smbb", "did you mean smb?"),
    ("--region", "emae", "did you mean EMEA?"),
    ("--period", "FY2025-Q9", "did you mean FY2025-Q4?"),
])
def test_report_rejects_an_unknown_cut_with_a_did_you_mean(demo_warehouse, tmp_path, option, value, hint):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", "--warehouse", str(demo_warehouse), option, value, "--out", str(out)])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert hint in result.output
    assert not out.exists()


@pytest.mark.slow
def test_report_takes_a_cut_in_any_case(demo_warehouse, tmp_path):
    out = tmp_path / "smb.html"
    result = CliRunner().invoke(main, ["report", "--warehouse", str(demo_warehouse), "--segment", "SMB",
                                       "--period", "fy2025-q2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote the FY2025-Q2 report" in result.output
    assert "segment=smb" in out.read_text(encoding="utf-8")


def test_report_without_a_warehouse_exits_4(tmp_path):
    result = CliRunner().invoke(main, ["report", "--warehouse", str(tmp_path / "none.duckdb"),
                                       "--out", str(tmp_path / "r.html")])
    assert result.exit_code == ExitCode.NO_WAREHOUSE, result.output
