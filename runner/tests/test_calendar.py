"""The data's clock and calendar, end to end on tiny folders: the as-of date counts
every event that happened (a closed deal's close included), the calendar covers the
data whatever its years, and a "today" resting on a stray event is reported."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml
from click.testing import CliRunner

from conftest import write_csv
from revops.build import BuildOptions, build_warehouse
from revops.cli import main
from revops.errors import BuildFailed


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


STAGES = [
    {"stage_name": "Discovery", "stage_order": "1", "is_qualified": "0", "is_closed": "0", "is_won": "0"},
    {"stage_name": "Closed Won", "stage_order": "5", "is_qualified": "1", "is_closed": "1", "is_won": "1"},
    {"stage_name": "Closed Lost", "stage_order": "6", "is_qualified": "0", "is_closed": "1", "is_won": "0"},
]


def deal(opportunity_id: str, created_at: str, stage: str, amount: str, close_date: str, currency: str = "USD") -> dict:
    closed = stage.startswith("Closed")
    return {"opportunity_id": opportunity_id, "account_id": "A1", "created_at": created_at, "stage_name": stage,
            "is_closed": str(closed).lower(), "is_won": str(stage == "Closed Won").lower(), "amount": amount,
            "currency": currency, "close_date": close_date, "opportunity_type": "new_business"}


# --- the as-of date counts a closed deal's close -------------------------------------


@pytest.fixture(scope="module")
def closes_after_creations(project, tmp_path_factory) -> Path:
    """Three deals created in February 2024 and closed in March, after the last
    creation (Feb 10) and after every other event: won O1 (1,000, 48 days), lost O2
    (500), won O3 (2,000, 47 days). USD only, no fx_rates."""
    folder = tmp_path_factory.mktemp("closes") / "data"
    write_csv(folder, "accounts", [{"account_id": "A1", "account_name": "Acme", "created_at": "2024-01-05T10:00:00Z"}])
    write_csv(folder, "opportunity_stages", STAGES)
    write_csv(folder, "opportunities", [
        deal("O1", "2024-02-01T09:00:00Z", "Closed Won", "1000.00", "2024-03-20"),
        deal("O2", "2024-02-05T09:00:00Z", "Closed Lost", "500.00", "2024-03-25"),
        deal("O3", "2024-02-10T09:00:00Z", "Closed Won", "2000.00", "2024-03-28"),
    ])
    warehouse = folder.parent / "wh" / "revops.duckdb"
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=folder))
    return warehouse


@pytest.mark.slow
def test_the_last_close_is_today_when_it_follows_every_creation(closes_after_creations):
    assert rows(closes_after_creations, "select as_of_date, as_of_date_source, events_after_previous_month_end"
                                        " from core.dim_reporting_context") == [(date(2024, 3, 28), "latest event", 3)]


@pytest.mark.slow
def test_deals_closed_after_the_last_creation_count_in_win_rate(closes_after_creations):
    # Q1 2024: won O1 + O3, lost O2 -> 2 / 3 by count, 3,000 / 3,500 by amount
    assert rows(closes_after_creations,
                "select won_deals, lost_deals, round(win_rate, 4), round(win_rate_by_amount, 4) from kpis.kpi_win_rate"
                " where period_type = 'quarter' and period_start = '2024-01-01' and owner_user_id = 'all'"
                " and team = 'all' and segment = 'all' and region = 'all'") == [
        (2, 1, 0.6667, 0.8571)]


@pytest.mark.slow
def test_deals_closed_after_the_last_creation_count_in_bookings(closes_after_creations):
    assert rows(closes_after_creations,
                "select period_start, bookings_total, won_deals_total from kpis.kpi_bookings"
                " where period_type = 'month' and owner_user_id = 'all' and team = 'all' and segment = 'all'"
                " and region = 'all' and won_deals_total > 0") == [(date(2024, 3, 1), Decimal("3000.000000"), 2)]


@pytest.mark.slow
def test_deals_closed_after_the_last_creation_count_in_sales_cycle(closes_after_creations):
    # O1: Feb 1 -> Mar 20 = 48 days; O3: Feb 10 -> Mar 28 = 47 days
    assert rows(closes_after_creations,
                "select won_deals, total_sales_cycle_days, avg_sales_cycle_days, median_sales_cycle_days"
                " from kpis.kpi_sales_cycle_time where period_type = 'quarter' and period_start = '2024-01-01'"
                " and owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'") == [
        (2, 95, 47.5, 47.5)]


# --- the calendar covers the data ---------------------------------------------------


@pytest.fixture(scope="module")
def company_from_1995(project, tmp_path_factory) -> Path:
    """A single-currency (EUR) company, reporting in EUR, with no fx_rates file: an
    invoice from 1995 and an open deal expected to close in 2040."""
    folder = tmp_path_factory.mktemp("y1995") / "data"
    write_csv(folder, "accounts", [{"account_id": "A1", "account_name": "Acme", "created_at": "1995-01-10"}])
    write_csv(folder, "opportunity_stages", STAGES)
    write_csv(folder, "opportunities", [deal("O1", "1995-01-20", "Discovery", "5000", "2040-06-30", currency="EUR")])
    write_csv(folder, "invoices", [
        {"invoice_id": "I1", "account_id": "A1", "issued_at": "1995-02-01", "total": "1190.00", "tax": "190.00",
         "currency": "EUR", "status": "paid", "due_at": "1995-03-03", "paid_at": "1995-02-15"},
    ])
    warehouse = folder.parent / "wh" / "revops.duckdb"
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=folder, reporting_currency="EUR"))
    return warehouse


@pytest.mark.slow
def test_the_calendar_spans_the_data_with_a_fiscal_year_each_side(company_from_1995):
    # earliest 1995-01-10 -> from 1994-01-01; latest 2040-06-30 -> to 2041-12-31
    assert rows(company_from_1995, "select min(date_day), max(date_day), count(*) from core.dim_dates") == [
        (date(1994, 1, 1), date(2041, 12, 31), (date(2041, 12, 31) - date(1994, 1, 1)).days + 1)]


@pytest.mark.slow
def test_an_invoice_from_1995_converts_without_rates(company_from_1995):
    assert rows(company_from_1995, "select total_reporting from core.fct_invoices") == [(Decimal("1190.000000"),)]
    # billed = total - tax, in February 1995
    assert rows(company_from_1995,
                "select billed_revenue from kpis.kpi_revenue where period_type = 'month'"
                " and period_start = '1995-02-01' and segment = 'all' and region = 'all'") == [(Decimal("1000.000000"),)]


@pytest.mark.slow
def test_a_deal_expected_to_close_in_2040_converts(company_from_1995):
    assert rows(company_from_1995, "select amount_reporting from core.fct_opportunities") == [(Decimal("5000.000000"),)]


@pytest.mark.slow
def test_the_calendar_variables_must_be_dates(project, tmp_path):
    folder = tmp_path / "data"
    write_csv(folder, "accounts", [{"account_id": "A1", "account_name": "Acme", "created_at": "2024-01-05"}])
    with pytest.raises(BuildFailed) as failure:
        build_warehouse(project, BuildOptions(warehouse=tmp_path / "wh" / "revops.duckdb", data_dir=folder,
                                              extra_vars={"calendar_start": "2024-02-30'; drop table x; --"}))
    message = "\n".join(failure.value.details)
    assert "var calendar_start is '2024-02-30'; drop table x; --'" in message
    assert "must be a date, YYYY-MM-DD, from 1900-01-01 to 2100-12-31" in message


def test_the_calendar_reads_every_date_column_of_the_contract(project):
    contract = yaml.safe_load((project.root / "models/staging/contract/_contract__sources.yml").read_text())
    expected = {(table["name"], column["name"]) for table in contract["sources"][0]["tables"]
                for column in table["columns"]
                if column.get("config", {}).get("meta", {}).get("contract_type") in ("date", "timestamp")}
    sql = (project.root / "models/intermediate/calendar/int_calendar_span.sql").read_text()
    read = set(re.findall(r"select cast\((\w+) as date\)(?: as data_date)? from (\w+)", sql))
    assert {(table, column) for column, table in read} == expected


# --- "today" resting on a stray event -------------------------------------------------


@pytest.mark.slow
def test_the_build_warns_when_today_rests_on_one_stray_event(tmp_path):
    """Touches every week of February 2025, and one activity typed as 2026-03-04 (for
    2025-03-04): "today" moves to 2026-03-04 on that single event."""
    folder = tmp_path / "data"
    write_csv(folder, "accounts", [{"account_id": "A1", "account_name": "Acme", "created_at": "2025-01-06"}])
    write_csv(folder, "activities", [
        {"activity_id": f"A{day}", "account_id": "A1", "occurred_at": f"2025-02-{day:02d}T10:00:00Z"}
        for day in (3, 10, 17, 24)
    ] + [{"activity_id": "A99", "account_id": "A1", "occurred_at": "2026-03-04T10:00:00Z"}])
    warehouse = tmp_path / "wh" / "revops.duckdb"
    result = CliRunner().invoke(main, ["build", "--data", str(folder), "--warehouse", str(warehouse), "--quiet"])
    assert result.exit_code == 0, result.output
    assert ("'today' is 2026-03-04, set by 1 event after 2026-02-28: activities A99 on 2026-03-04 (occurred_at);"
            " pass --as-of to choose 'today' yourself") in result.output
