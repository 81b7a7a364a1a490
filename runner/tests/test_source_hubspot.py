"""HubSpot as Fivetran lands it (fixtures/source_systems/hubspot/*.csv), built with
crm_source hubspot: the conformed tables and a few KPIs, checked against values worked
out by hand from the fixtures.

The fixture portal, in short (the as-of date is the latest event, 2023-06-30, the
call 7008; every excluded row is dated later, so a leak would move it):
  pipelines  'Sales Pipeline' (default, display 0) and 'Renewals' (2222, display 1);
             both have a 'Closed Won' and a 'Closed Lost' stage; stage 2222009 is
             deleted.
  companies  1001 Acme, 1002 Globex, 1003 Initech; 1004 is_deleted, 1005
             _fivetran_deleted.
  owners     101 Ada Lovelace, 102 (no name: grace@example.com), 103 Alan Turing
             (inactive).
  deals      5001 Acme new business 12,000 USD won 2023-03-20
             5002 Globex expansion 10,000 EUR (x 1.10 = 11,000 USD) won 2023-04-10
             5003 Initech new business 8,000 USD lost 2023-05-05 ('Budget')
             5004 Acme new business 20,000 USD open, Contract Sent, closes 2023-07-31
             5005 Acme renewal 5,000 USD won 2023-06-15 (Renewals pipeline)
             5006 Globex renewal 3,000 (no currency: USD) open, Renewal Negotiation,
                  closes 2023-08-31; its history comes from deal_stage only
             5007 is_deleted, 5008 _fivetran_deleted, 5009 merged into 5001.
  engagements 7001 call (Acme), 7002 email (Acme and Globex), 7004 meeting without
             timestamp (Initech), 7008 call (Acme); 7003 has no company, 7005 is
             inactive, 7006 deleted, 7007 only on deleted company 1004.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops.build import BuildOptions, build_warehouse

from conftest import land_like_an_elt_tool

pytestmark = pytest.mark.slow  # every test here reads a dbt build

AS_OF = date(2023, 6, 30)


@pytest.fixture(scope="module")
def warehouse(project, tmp_path_factory) -> Path:
    """One build for the module (a build takes a minute or two)."""
    folder = tmp_path_factory.mktemp("hubspot")
    raw = land_like_an_elt_tool(folder / "landed.duckdb", "hubspot", "contract")
    # no as_of: the as-of date is the data's latest event, which the checks below rely on
    options = BuildOptions(warehouse=folder / "revops.duckdb", raw_database=raw, crm_source="hubspot")
    return build_warehouse(project, options).warehouse


def query(warehouse: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def scorecard(warehouse: Path, metric: str, period_type: str, period_start: date) -> float | None:
    """A grand-total value (every dimension 'all') of kpis.kpi_scorecard."""
    rows = query(
        warehouse,
        "select value from kpis.kpi_scorecard where metric_name = ? and period_type = ? and period_start = ?"
        " and owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'",
        [metric, period_type, period_start],
    )
    assert len(rows) == 1, (metric, period_type, period_start, rows)
    return rows[0][0]


def test_nothing_is_quarantined(warehouse):
    # every row the adapter hands over meets the contract: no duplicate history key
    # from several properties changed at one instant, no deal of a deleted/merged deal
    assert query(warehouse, "select table_name, column_name, reason from audit.dq_quarantine") == []


def test_as_of_date_is_the_latest_kept_event(warehouse):
    # call 7008 at 2023-06-30 16:00; the excluded engagements (2023-07-02..05) do not count
    assert query(warehouse, "select as_of_date from core.dim_reporting_context") == [(AS_OF,)]


def test_users_from_owners(warehouse):
    assert query(warehouse, "select user_id, user_name, email, is_active, hired_at from core.dim_users order by user_id") == [
        ("101", "Ada Lovelace", "ada@example.com", True, datetime(2021, 3, 1, 9, 0)),
        # no first or last name: named after the email
        ("102", "grace@example.com", "grace@example.com", True, datetime(2021, 6, 15, 8, 30)),
        ("103", "Alan Turing", "alan@example.com", False, datetime(2020, 1, 10, 12, 0)),
    ]


def test_accounts_from_live_companies(warehouse):
    # 1004 (is_deleted) and 1005 (_fivetran_deleted) are out
    assert query(
        warehouse,
        "select account_id, account_name, industry, country, owner_user_id, is_target_account, created_at,"
        " customer_since from core.dim_accounts order by account_id",
    ) == [
        # customer since the first won deal: 5001 on 2023-03-20 (5005 won later)
        ("1001", "Acme Corp", "COMPUTER_SOFTWARE", "United States", "101", True, datetime(2022, 11, 1, 10, 0), date(2023, 3, 20)),
        ("1002", "Globex GmbH", "MACHINERY", "Germany", "102", False, datetime(2022, 12, 5, 14, 20), date(2023, 4, 10)),
        ("1003", "Initech", "FINANCIAL_SERVICES", "United States", "101", False, datetime(2023, 1, 10, 9, 15), None),
    ]


def test_opportunities_from_live_unmerged_deals(warehouse):
    rows = query(
        warehouse,
        "select opportunity_id, account_id, owner_user_id, stage_name, stage_order, is_closed, is_won, probability,"
        " amount, currency, amount_reporting, opportunity_type, forecast_category, lost_reason, created_at, close_date"
        " from core.fct_opportunities order by opportunity_id",
    )
    assert rows == [
        # primary company 1001 (type_id 5) over 1003; 'Closed Won' is in both pipelines, so
        # qualified with the pipeline label; order: first pipeline (0) * 100 + display 3
        ("5001", "1001", "101", "Sales Pipeline / Closed Won", 3, True, True, 1.0,
         Decimal("12000"), "USD", Decimal("12000"), "new_business", "closed", None,
         datetime(2023, 1, 15, 10, 0), date(2023, 3, 20)),
        # no primary association: the lowest company id of 1002 and 1003; EUR at 1.10;
        # existingbusiness is an expansion
        ("5002", "1002", "102", "Sales Pipeline / Closed Won", 3, True, True, 1.0,
         Decimal("10000"), "EUR", Decimal("11000"), "expansion", "closed", None,
         datetime(2023, 2, 1, 8, 0), date(2023, 4, 10)),
        # closed lost: probability 0 stage; lost reason lower-cased
        ("5003", "1003", "101", "Sales Pipeline / Closed Lost", 4, True, False, 0.0,
         Decimal("8000"), "USD", Decimal("8000"), "new_business", "omit", "budget",
         datetime(2023, 2, 15, 9, 0), date(2023, 5, 5)),
        # no owner_id: property_hubspot_owner_id; no deal probability: the stage's 0.9
        ("5004", "1001", "101", "Contract Sent", 2, False, False, 0.9,
         Decimal("20000"), "USD", Decimal("20000"), "new_business", "commit", None,
         datetime(2023, 4, 1, 11, 0), date(2023, 7, 31)),
        # second pipeline: 1 * 100 + display 2
        ("5005", "1001", "102", "Renewals / Closed Won", 102, True, True, 1.0,
         Decimal("5000"), "USD", Decimal("5000"), "renewal", "closed", None,
         datetime(2023, 3, 1, 10, 0), date(2023, 6, 15)),
        # primary company 1004 is deleted: the live one, 1002; no currency: reporting USD
        ("5006", "1002", "102", "Renewal Negotiation", 101, False, False, 0.5,
         Decimal("3000"), "USD", Decimal("3000"), "renewal", "pipeline", None,
         datetime(2023, 5, 1, 9, 0), date(2023, 8, 31)),
    ]
    # 5007 (is_deleted), 5008 (_fivetran_deleted) and 5009 (merged into 5001) are out
    ids = {row[0] for row in rows}
    assert not ids & {"5007", "5008", "5009"}


def test_opportunity_history(warehouse):
    rows = query(
        warehouse,
        "select opportunity_id, valid_from, valid_to, stage_name, stage_order, is_qualified_stage, is_closed, is_won,"
        " amount, close_date, forecast_category from core.fct_opportunity_history order by opportunity_id, valid_from",
    )
    assert rows == [
        # 5001: dealstage, amount, closedate (epoch ms) and forecast set at one instant
        # make one state; hs_lastmodifieddate (2023-03-21) is no change
        ("5001", date(2023, 1, 15), date(2023, 2, 10), "Appointment Scheduled", 0, True, False, False,
         Decimal("10000"), date(2023, 3, 31), "pipeline"),
        ("5001", date(2023, 2, 10), date(2023, 3, 20), "Contract Sent", 2, True, False, False,
         Decimal("12000"), date(2023, 3, 31), "pipeline"),
        ("5001", date(2023, 3, 20), None, "Sales Pipeline / Closed Won", 3, True, True, True,
         Decimal("12000"), date(2023, 3, 20), "closed"),
        ("5002", date(2023, 2, 1), date(2023, 4, 10), "Qualified To Buy", 1, True, False, False,
         Decimal("9000"), date(2023, 4, 30), "best_case"),
        ("5002", date(2023, 4, 10), None, "Sales Pipeline / Closed Won", 3, True, True, True,
         Decimal("10000"), date(2023, 4, 10), "closed"),
        # no forecast category in 5003's history: its current one, omit
        ("5003", date(2023, 2, 15), date(2023, 5, 5), "Appointment Scheduled", 0, True, False, False,
         Decimal("8000"), date(2023, 5, 31), "omit"),
        ("5003", date(2023, 5, 5), None, "Sales Pipeline / Closed Lost", 4, False, True, False,
         Decimal("8000"), date(2023, 5, 5), "omit"),
        ("5004", date(2023, 4, 1), date(2023, 5, 20), "Qualified To Buy", 1, True, False, False,
         Decimal("20000"), date(2023, 6, 30), "best_case"),
        ("5004", date(2023, 5, 20), None, "Contract Sent", 2, True, False, False,
         Decimal("20000"), date(2023, 7, 31), "commit"),
        # Renewal Due: 10% < 20%, not qualified
        ("5005", date(2023, 3, 1), date(2023, 6, 15), "Renewal Due", 100, False, False, False,
         Decimal("5000"), date(2023, 6, 15), "closed"),
        ("5005", date(2023, 6, 15), None, "Renewals / Closed Won", 102, True, True, True,
         Decimal("5000"), date(2023, 6, 15), "closed"),
        # 5006 has no property history: its stages come from deal_stage
        ("5006", date(2023, 5, 1), date(2023, 6, 5), "Renewal Due", 100, False, False, False,
         Decimal("3000"), date(2023, 8, 31), "pipeline"),
        ("5006", date(2023, 6, 5), None, "Renewal Negotiation", 101, True, False, False,
         Decimal("3000"), date(2023, 8, 31), "pipeline"),
    ]


def test_activities_from_engagements_with_companies(warehouse):
    assert query(
        warehouse,
        "select activity_id, account_id, user_id, activity_type, occurred_at from core.fct_activities order by activity_id",
    ) == [
        ("7001", "1001", "101", "call", datetime(2023, 6, 20, 14, 0)),
        # one engagement, two companies: one touch each
        ("7002-1001", "1001", "102", "email", datetime(2023, 5, 15, 9, 0)),
        ("7002-1002", "1002", "102", "email", datetime(2023, 5, 15, 9, 0)),
        # no timestamp: created_at
        ("7004", "1003", "101", "meeting", datetime(2023, 5, 10, 11, 0)),
        ("7008", "1001", "101", "call", datetime(2023, 6, 30, 16, 0)),
    ]


def test_win_rate_and_bookings(warehouse):
    year, q1, q2 = date(2023, 1, 1), date(2023, 1, 1), date(2023, 4, 1)
    # 2023: won 5001, 5002, 5005, lost 5003 -> 3 / 4
    assert scorecard(warehouse, "win_rate", "year", year) == pytest.approx(0.75)
    # by amount: (12,000 + 11,000 + 5,000) / (28,000 + 8,000)
    assert scorecard(warehouse, "win_rate_by_amount", "year", year) == pytest.approx(28000 / 36000)
    # Q1: only 5001; Q2: 5002 and 5005 won, 5003 lost
    assert scorecard(warehouse, "win_rate", "quarter", q1) == pytest.approx(1.0)
    assert scorecard(warehouse, "win_rate", "quarter", q2) == pytest.approx(2 / 3)
    assert scorecard(warehouse, "bookings", "year", year) == pytest.approx(28000)
    assert scorecard(warehouse, "bookings_new_business", "year", year) == pytest.approx(12000)
    assert scorecard(warehouse, "bookings_expansion", "year", year) == pytest.approx(11000)  # 10,000 EUR
    assert scorecard(warehouse, "bookings_renewal", "year", year) == pytest.approx(5000)
    assert scorecard(warehouse, "bookings", "quarter", q2) == pytest.approx(16000)


def test_average_selling_price(warehouse):
    # new business and expansion won in 2023: (12,000 + 11,000) / 2; renewals do not count
    assert scorecard(warehouse, "average_selling_price", "year", date(2023, 1, 1)) == pytest.approx(11500)


def test_open_pipeline_and_pipeline_created(warehouse):
    rows = query(
        warehouse,
        "select open_pipeline_amount, no_recent_activity_amount, past_close_date_amount,"
        " pipeline_created_amount, qualified_amount"
        " from kpis.kpi_pipeline_created where period_type = 'quarter' and period_start = ?"
        " and owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'",
        [date(2023, 4, 1)],
    )
    # open on 2023-06-30: 5004 (20,000) and 5006 (3,000). 5006's account, Globex, was last
    # touched on 2023-05-15 (more than 30 days before); Acme on 2023-06-30. Neither is
    # past its close date. Created in Q2: 5004 and 5006, both reached a qualified stage
    # (Qualified To Buy, Renewal Negotiation).
    assert [tuple(float(value) for value in row) for row in rows] == [(23000.0, 3000.0, 0.0, 23000.0, 23000.0)]
    assert scorecard(warehouse, "open_pipeline_no_recent_activity_share", "quarter", date(2023, 4, 1)) == pytest.approx(3000 / 23000)
    # created in 2023: all six deals, 59,000 USD; all qualified but 5006 only since June,
    # 5003 through Appointment Scheduled at exactly 20%
    assert scorecard(warehouse, "pipeline_created", "year", date(2023, 1, 1)) == pytest.approx(59000)
    assert scorecard(warehouse, "pipeline_qualified_share", "year", date(2023, 1, 1)) == pytest.approx(1.0)
