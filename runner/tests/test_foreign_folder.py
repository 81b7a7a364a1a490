"""A CRM export nobody on the team shaped (fixtures/foreign/crm_export): hashed ids, a
deal under no account, one not yet sized, one pointing at an account that is not in
the export, no stages file, no users file, no exchange rates, accents and a quoted
comma in names, dates from 2007-2009, and deals that closed after the last one was
created. It builds first try, loses no deal, and says what it defaulted and nulled.

The sales KPIs are computed by hand below, from the five deals:
  006A01 won   1,000  created 2008-01-10, closed 2008-03-31 (81 days)
  006A02 lost  1,000  created 2008-02-01, closed 2008-04-15
  006A03 won   (none) created 2008-03-01, closed 2008-05-20 (80 days)
  006A04 won   2,000  created 2008-03-05, closed 2009-01-31 (332 days), no account
  006A05 open    300  created 2008-03-10, expected 2009-06-30, unknown account
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from revops.build import BuildOptions, build_warehouse
from revops.build_notes import build_notes
from test_build_and_export import query

pytestmark = pytest.mark.slow  # every test here reads a dbt build

EXPORT = Path(__file__).parent / "fixtures" / "foreign" / "crm_export"


@pytest.fixture(scope="module")
def warehouse(project, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crm_export") / "export"
    shutil.copytree(EXPORT, folder)
    built = folder.parent / "revops.duckdb"
    build_warehouse(project, BuildOptions(warehouse=built, data_dir=folder))
    return built


def test_every_deal_is_kept(warehouse):
    assert query(warehouse, """
        select opportunity_id, account_id, amount, is_won, is_closed from core.fct_opportunities order by 1
    """) == [
        ("006A01", "9f86d081884c7d659a2feaa0c55ad015", 1000, True, True),
        ("006A02", "3c59dc048e8850243be8079a5c74d079", 1000, False, True),
        ("006A03", "9f86d081884c7d659a2feaa0c55ad015", None, True, True),
        ("006A04", None, 2000, True, True),
        ("006A05", None, 300, False, False),  # its account is not in the export: nulled
    ]
    assert query(warehouse, "select count(*) from audit.dq_quarantine") == [(0,)]


def test_names_keep_their_accents_and_commas(warehouse):
    assert query(warehouse, "select account_name from core.dim_accounts order by 1") == [
        ("Café Müller GmbH",), ("Żabka Sp. z o.o., Kraków",)]


def test_today_is_the_last_close_not_the_last_creation(warehouse):
    # the last deal was created 2008-03-10; the last one closed 2009-01-31 (the open
    # deal's expected close, 2009-06-30, is a plan, not an event)
    assert query(warehouse, "select as_of_date from core.dim_reporting_context") == [(__import__("datetime").date(2009, 1, 31),)]


def test_win_rate_counts_every_closed_deal(warehouse):
    # FY2007 (the accounts' year): nothing closed, a row of zeros. FY2008: 006A01,
    # 006A03 won, 006A02 lost -> 2/3 by count; by amount the unsized deal is left out:
    # 1,000 won of 2,000 closed = 0.5. FY2009: 006A04 won, 1/1.
    rows = query(warehouse, """
        select period_label, won_deals, closed_deals, round(win_rate, 6), round(win_rate_by_amount, 6)
        from kpis.kpi_win_rate
        where period_type = 'year' and owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'
        order by period_start
    """)
    assert rows == [("FY2007", 0, 0, None, None), ("FY2008", 2, 3, 0.666667, 0.5), ("FY2009", 1, 1, 1.0, 1.0)]


def test_bookings_and_sales_cycle(warehouse):
    # bookings FY2007: none; FY2008: 1,000 (006A01; 006A03 has no amount) from 2 won
    # deals; FY2009: 2,000
    assert query(warehouse, """
        select period_label, bookings_total, won_deals_total from kpis.kpi_bookings
        where period_type = 'year' and owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'
        order by period_start
    """) == [("FY2007", 0, 0), ("FY2008", 1000, 2), ("FY2009", 2000, 1)]
    # cycle FY2008: (81 + 80) / 2 = 80.5 days; FY2009: 332 days
    assert query(warehouse, """
        select period_label, won_deals, avg_sales_cycle_days from kpis.kpi_sales_cycle_time
        where period_type = 'year' and owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'
        order by period_start
    """) == [("FY2007", 0, None), ("FY2008", 2, 80.5), ("FY2009", 1, 332.0)]


def test_the_deal_under_no_account_is_in_the_owner_cut(warehouse):
    # 006A04's owner 005A0000002 (no users file: the id is kept as given), region unknown
    assert query(warehouse, """
        select won_deals from kpis.kpi_win_rate
        where period_type = 'year' and period_label = 'FY2009' and owner_user_id = '005A0000002'
    """) == [(1,)]
    assert query(warehouse, """
        select won_deals from kpis.kpi_win_rate
        where period_type = 'year' and period_label = 'FY2009' and owner_user_id = 'all' and region = 'unknown'
            and segment = 'all' and team = 'all'
    """) == [(1,)]


def test_the_build_says_what_it_defaulted_and_nulled(warehouse):
    notes = build_notes(warehouse)
    assert ("default: no opportunity_stages table: 3 stages derived from the deals' own stage names, "
            "closed and won as the deals say") in notes
    assert any(line.startswith("default: no fx_rates: every amount is taken to be in USD") for line in notes)
    assert "set to NULL: 1 opportunities row whose account_id matches no row (deadbeefdeadbeefdeadbeefdeadbeef)" in notes
    assert query(warehouse, "select stage_name, stage_order, is_closed, is_won from core.fct_opportunities"
                            " group by all order by 2") == [
        ("Prospecting", 1, False, False), ("Closed Lost", 2, True, False), ("Closed Won", 3, True, True)]
