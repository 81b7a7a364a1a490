"""Salesforce as Fivetran lands it (fixtures/source_systems/salesforce/) -> contract ->
the same conformed tables and KPIs. Two builds: the full org (OpportunityHistory,
multi-currency), and the same org with an empty OpportunityHistory and no
currency_iso_code column (field history tracking only, single currency).

The org, as of 2024-06-30 (USD reporting, EUR at 1.10 from 2023-01-01):
  accounts  Acme Corp (A1), Beta GmbH (A2, parent = the deleted A4), Acme Europe (A3,
            parent A1); Old Duplicate Co (A4) is_deleted, kept (flagged) because Beta
            and the live lead Ld4 name it; Gone Ltd (A5) _fivetran_deleted, named by none
  deals     O1 A1 New Business, won 2024-03-15, 12,000 USD, created 2024-01-10
            O2 A2 Existing Customer - Upgrade, won 2024-05-20, 10,000 EUR, created 2024-02-01
            O3 A3 New Customer, lost 2024-04-30, 8,000 USD, own closed/won flags empty
            O4 A1 Renewal, Negotiation/Review (default 90%), no probability, 20,000 USD
            O5 A2 Existing Customer - Downgrade, Prospecting, 5,000 EUR, close 2024-06-15
            O6 is_deleted, O7 _fivetran_deleted, O8 is_deleted with its account A4
            (Salesforce puts an account's deals in the recycle bin with it)
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

AS_OF = date(2024, 6, 30)

A1, A2, A3, A4, A5 = ("0018d000002Acm1AAC", "0018d000002Bta2AAC", "0018d000002Acm3AAC",
                      "0018d000002Del4AAC", "0018d000002Ftd5AAC")
O1, O2, O3, O4, O5, O6, O7, O8 = (f"0068d000003Op{n}AAC" for n in range(1, 9))
MANAGER, RITA, SAM = "0058d000001MgrQAAS", "0058d000001Rp1QAAS", "0058d000001Rp2QAAS"


def build(project, folder: Path, change_raw=None) -> Path:
    raw = land_like_an_elt_tool(folder / "landed.duckdb", "salesforce", "contract")
    if change_raw is not None:
        with duckdb.connect(str(raw)) as connection:
            change_raw(connection)
    warehouse = folder / "revops.duckdb"
    build_warehouse(project, BuildOptions(
        warehouse=warehouse, raw_database=raw, crm_source="salesforce", as_of=AS_OF))
    return warehouse


@pytest.fixture(scope="module")
def warehouse(project, tmp_path_factory) -> Path:
    return build(project, tmp_path_factory.mktemp("salesforce"))


@pytest.fixture(scope="module")
def field_history_warehouse(project, tmp_path_factory) -> Path:
    def field_history_only_single_currency(connection):
        connection.execute("delete from salesforce.opportunity_history")
        connection.execute("alter table salesforce.opportunity drop column currency_iso_code")

    return build(project, tmp_path_factory.mktemp("salesforce_field_history"), field_history_only_single_currency)


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def query_staging(warehouse: Path, sql: str) -> list[tuple]:
    """Staging is views over the landed Salesforce file: attach it as the build did."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        connection.execute(f"attach '{warehouse.parent / 'landed.duckdb'}' as raw_input (read_only)")
        return connection.execute(sql).fetchall()


def scorecard(warehouse: Path, metric: str, period_type: str, period_start: date) -> float | None:
    rows = query(warehouse, f"""
        select value from kpis.kpi_scorecard
        where metric_name = '{metric}' and period_type = '{period_type}' and period_start = '{period_start}'
            and owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'""")
    assert len(rows) == 1, (metric, rows)
    return rows[0][0]


# --- the full org ---------------------------------------------------------------------

def test_nothing_is_quarantined(warehouse):
    assert query(warehouse, "select * from audit.dq_quarantine") == []


def test_accounts(warehouse):
    assert query(warehouse, """
        select account_id, account_name, parent_account_id, segment, region, country, owner_user_id, industry,
               cast(created_at as date)
        from core.dim_accounts order by account_name""") == [
        # segment__c 'Enterprise' -> enterprise; region is never guessed from billing_state
        (A1, "Acme Corp", None, "enterprise", "unknown", "United States", RITA, "Technology", date(2023, 1, 5)),
        (A3, "Acme Europe", A1, "unknown", "unknown", "France", RITA, "Technology", date(2023, 4, 1)),
        # the parent A4 is deleted, and kept because Beta and Ld4 name it
        (A2, "Beta GmbH", A4, "mid-market", "unknown", "Germany", SAM, "Manufacturing", date(2023, 2, 1)),
        (A4, "Old Duplicate Co", None, "unknown", "unknown", "United States", RITA, "Retail", date(2023, 1, 15)),
    ]
    # the website as the account's domain: 'https://www.acme.com/' -> acme.com
    assert query_staging(warehouse, "select account_id, domain from staging.stg_contract__accounts order by 1") == [
        (A1, "acme.com"), (A3, "acme.eu"), (A2, "beta.de"), (A4, "olddup.com")]
    # the deleted A4 is flagged; the hard-deleted A5, which no live row names, is gone
    assert query(warehouse, "select account_id from core.dim_accounts where is_deleted") == [(A4,)]
    assert query(warehouse, f"select count(*) from core.dim_accounts where account_id = '{A5}'") == [(0,)]


def test_users(warehouse):
    assert query(warehouse, """
        select user_id, user_name, email, title, team, manager_user_id, cast(hired_at as date), is_active
        from core.dim_users order by user_id""") == [
        (MANAGER, "Maria Manager", "maria.manager@example.com", "VP Sales", "sales", None, date(2022, 1, 10), True),
        (RITA, "Rita Rep", "rita.rep@example.com", "Account Executive", "sales", MANAGER, date(2023, 3, 1), True),
        # no Name: FirstName LastName; department -> team (lower case, as staging has teams)
        (SAM, "Sam Seller", "sam.seller@example.com", "Account Executive", "sales emea", MANAGER, date(2023, 6, 1), False),
        # the integration user has _fivetran_deleted: not here
    ]


def test_opportunities(warehouse):
    assert query(warehouse, """
        select opportunity_id, account_id, stage_name, stage_order, is_closed, is_won, probability,
               amount, currency, amount_reporting, opportunity_type, source, forecast_category, lost_reason,
               close_date, days_to_close, is_past_close_date
        from core.fct_opportunities order by opportunity_id""") == [
        # 2024-01-10 -> 2024-03-15: 21 + 29 + 15 = 65 days
        (O1, A1, "Closed Won", 5, True, True, 1.0, Decimal("12000"), "USD", Decimal("12000"),
         "new_business", "web", "closed", None, date(2024, 3, 15), 65, False),
        # 10,000 EUR x 1.10 = 11,000 USD; 'Existing Customer - Upgrade' is expansion;
        # 2024-02-01 -> 2024-05-20: 29 + 31 + 30 + 19 = 109 days
        (O2, A2, "Closed Won", 5, True, True, 1.0, Decimal("10000"), "EUR", Decimal("11000"),
         "expansion", "partner referral", "closed", None, date(2024, 5, 20), 109, False),
        # own IsClosed/IsWon empty: closed and lost from the Closed Lost stage; Loss_Reason__c
        (O3, A3, "Closed Lost", 6, True, False, 0.0, Decimal("8000"), "USD", Decimal("8000"),
         "new_business", "web", "omitted", "price", date(2024, 4, 30), 101, False),
        # no probability: the stage's default 90 -> 0.9; no lead source
        (O4, A1, "Negotiation/Review", 4, False, False, 0.9, Decimal("20000"), "USD", Decimal("20000"),
         "renewal", None, "commit", None, date(2024, 7, 31), None, False),
        # probability 10 (0-100) -> 0.1; 'Downgrade' is none of the three types
        (O5, A2, "Prospecting", 1, False, False, 0.1, Decimal("5000"), "EUR", Decimal("5500"),
         "unknown", "partner referral", "pipeline", None, date(2024, 6, 15), None, True),
        # O6 and O8 (is_deleted) and O7 (_fivetran_deleted) are absent
    ]


def test_stages_keep_the_api_name_and_derive_qualified(warehouse):
    # Qualification's label was renamed to Discovery; deals store the API name. Qualified:
    # open with a default probability >= 20, or won.
    assert query_staging(warehouse, """
        select stage_name, stage_order, is_qualified, is_closed, is_won
        from staging.stg_contract__opportunity_stages order by stage_order""") == [
        ("Prospecting", 1, False, False, False),
        ("Qualification", 2, True, False, False),
        ("Proposal", 3, True, False, False),
        ("Negotiation/Review", 4, True, False, False),
        ("Closed Won", 5, True, True, True),
        ("Closed Lost", 6, False, True, False),
    ]


def test_opportunity_history_comes_from_opportunity_history(warehouse):
    assert query(warehouse, f"""
        select valid_from, valid_to, stage_name, is_closed, is_won, close_date, amount, forecast_category
        from core.fct_opportunity_history where opportunity_id = '{O1}' order by valid_from""") == [
        (date(2024, 1, 10), date(2024, 2, 5), "Prospecting", False, False, date(2024, 2, 28), Decimal("10000"), "pipeline"),
        # two rows at 2024-02-05 11:00: the later Id (amount 12,000) wins
        (date(2024, 2, 5), date(2024, 2, 26), "Qualification", False, False, date(2024, 2, 28), Decimal("12000"), "pipeline"),
        # the close date slipped to 03-15; ForecastCategory 'Forecast' is commit. The deleted
        # 'Closed Lost' row of 2024-03-01 is not a state.
        (date(2024, 2, 26), date(2024, 3, 15), "Negotiation/Review", False, False, date(2024, 3, 15), Decimal("12000"), "commit"),
        (date(2024, 3, 15), None, "Closed Won", True, True, date(2024, 3, 15), Decimal("12000"), "closed"),
    ]
    # O2's close date moved from 04-30 to 05-20 on 04-25
    assert query(warehouse, f"""
        select valid_from, stage_name, close_date from core.fct_opportunity_history
        where opportunity_id = '{O2}' order by valid_from""") == [
        (date(2024, 2, 1), "Prospecting", date(2024, 4, 30)),
        (date(2024, 3, 1), "Proposal", date(2024, 4, 30)),
        (date(2024, 4, 25), "Proposal", date(2024, 5, 20)),
        (date(2024, 5, 20), "Closed Won", date(2024, 5, 20)),
    ]
    # O5 has no history: one state from its creation; deleted deals have none
    assert query(warehouse, f"""
        select opportunity_id, count(*) from core.fct_opportunity_history
        where opportunity_id in ('{O5}', '{O6}', '{O7}', '{O8}') group by 1""") == [(O5, 1)]


def test_activities(warehouse):
    assert query(warehouse, """
        select activity_id, account_id, user_id, activity_type, occurred_at
        from core.fct_activities order by activity_id""") == [
        # Task subtype Call, completed 14:30
        ("00T8d000008Tk1AAC", A1, RITA, "call", datetime(2024, 6, 20, 14, 30)),
        # subtype Email, not completed at a known time: its activity date
        ("00T8d000008Tk2AAC", A2, SAM, "email", datetime(2024, 5, 2)),
        # subtype Task, no type: task
        ("00T8d000008Tk3AAC", A1, RITA, "task", datetime(2024, 6, 1)),
        # Event type Meeting at its start
        ("00U8d000009Ev1AAC", A2, SAM, "meeting", datetime(2024, 4, 10, 15)),
        # all-day event without a type: meeting, on its date
        ("00U8d000009Ev2AAC", A3, RITA, "meeting", datetime(2024, 6, 25)),
        # left out: Tk4 (no account), Tk5 and Tk7 (is_deleted), Tk6 (open to-do), Ev3
        # (_fivetran_deleted)
    ]


def test_leads(warehouse):
    assert query(warehouse, """
        select lead_id, source, status, converted_date, converted_account_id, converted_opportunity_id, is_converted
        from core.fct_leads order by lead_id""") == [
        ("00Q8d000006Ld1AAC", "web", "closed - converted", date(2024, 1, 10), A1, O1, True),
        ("00Q8d000006Ld2AAC", "partner referral", "closed - converted", date(2024, 2, 1), A2, O2, True),
        ("00Q8d000006Ld3AAC", "trade show", "working - contacted", None, None, None, False),
        # converted into the deleted account A4, which is kept for it
        ("00Q8d000006Ld4AAC", "web", "closed - converted", date(2024, 3, 10), A4, None, True),
        # Ld5 is_deleted: absent
    ]


def test_sales_kpis(warehouse):
    year, q1, q2 = date(2024, 1, 1), date(2024, 1, 1), date(2024, 4, 1)
    # won O1 (Q1) and O2 (Q2), lost O3 (Q2); the deleted O6/O7/O8 were "won" and must not count
    assert scorecard(warehouse, "win_rate", "year", year) == pytest.approx(2 / 3)
    assert scorecard(warehouse, "win_rate", "quarter", q2) == pytest.approx(1 / 2)
    # by amount: (12,000 + 11,000) / (12,000 + 11,000 + 8,000)
    assert scorecard(warehouse, "win_rate_by_amount", "year", year) == pytest.approx(23000 / 31000)
    assert scorecard(warehouse, "bookings", "year", year) == pytest.approx(23000)
    assert scorecard(warehouse, "bookings", "quarter", q1) == pytest.approx(12000)
    assert scorecard(warehouse, "bookings_new_business", "year", year) == pytest.approx(12000)
    assert scorecard(warehouse, "bookings_expansion", "year", year) == pytest.approx(11000)
    assert scorecard(warehouse, "bookings_renewal", "year", year) == pytest.approx(0)
    # sales cycle of the won deals: (65 + 109) / 2; from first touch (the leads):
    # 2023-12-20 -> 2024-03-15 = 86, 2024-01-25 -> 2024-05-20 = 116
    assert scorecard(warehouse, "average_sales_cycle_days", "year", year) == pytest.approx(87)
    assert scorecard(warehouse, "average_days_from_first_touch", "year", year) == pytest.approx(101)
    assert scorecard(warehouse, "average_selling_price", "year", year) == pytest.approx(11500)
    # open pipeline on 2024-06-30: O4 20,000 + O5 5,500 USD; O5 (account A2, last touch
    # 2024-05-02) has had no activity in 30 days and is past its close date (06-15)
    assert scorecard(warehouse, "open_pipeline_no_recent_activity_share", "year", year) == pytest.approx(5500 / 25500)
    assert scorecard(warehouse, "open_pipeline_past_close_date_share", "year", year) == pytest.approx(5500 / 25500)
    # pipeline created in 2024: 12,000 + 11,000 + 8,000 + 20,000 + 5,500
    assert scorecard(warehouse, "pipeline_created", "year", year) == pytest.approx(56500)


# --- field history only, single currency ----------------------------------------------

def test_field_history_path(field_history_warehouse):
    assert query(field_history_warehouse, "select * from audit.dq_quarantine") == []
    assert query(field_history_warehouse, f"""
        select valid_from, valid_to, stage_name, is_closed, close_date, amount, forecast_category
        from core.fct_opportunity_history where opportunity_id = '{O1}' order by valid_from""") == [
        # at creation: each field's old_value before its first change
        (date(2024, 1, 10), date(2024, 2, 5), "Prospecting", False, date(2024, 2, 28), Decimal("10000"), "pipeline"),
        # StageName and Amount changed at the same instant: one row; CloseDate unchanged
        (date(2024, 2, 5), date(2024, 2, 26), "Qualification", False, date(2024, 2, 28), Decimal("12000"), "pipeline"),
        # stage, close date, forecast category and two Amount changes (12,000 -> 11,500 ->
        # 12,000) at one instant: the later Id wins. The Owner change of 02-27 is ignored.
        (date(2024, 2, 26), date(2024, 3, 15), "Negotiation/Review", False, date(2024, 3, 15), Decimal("12000"), "commit"),
        # the deleted StageName row of 03-01 (Closed Lost) is not a state
        (date(2024, 3, 15), None, "Closed Won", True, date(2024, 3, 15), Decimal("12000"), "closed"),
    ]
    # O2: the CloseDate change of 04-25 alone is a state; no forecast category change is
    # tracked for O2, so every state has the deal's current one (closed)
    assert query(field_history_warehouse, f"""
        select valid_from, stage_name, close_date, amount, forecast_category from core.fct_opportunity_history
        where opportunity_id = '{O2}' order by valid_from""") == [
        (date(2024, 2, 1), "Prospecting", date(2024, 4, 30), Decimal("8000"), "closed"),
        (date(2024, 3, 1), "Proposal", date(2024, 4, 30), Decimal("10000"), "closed"),
        (date(2024, 4, 25), "Proposal", date(2024, 5, 20), Decimal("10000"), "closed"),
        (date(2024, 5, 20), "Closed Won", date(2024, 5, 20), Decimal("10000"), "closed"),
    ]
    # the field history of the deleted O6 is not read
    assert query(field_history_warehouse, f"select count(*) from core.fct_opportunity_history where opportunity_id = '{O6}'") == [(0,)]


def test_single_currency_org_uses_the_reporting_currency(field_history_warehouse):
    # no currency_iso_code: O2 is 10,000 USD, not EUR
    assert query(field_history_warehouse, f"""
        select currency, amount_reporting from core.fct_opportunities where opportunity_id = '{O2}'""") == [
        ("USD", Decimal("10000"))]
    # bookings 2024: 12,000 + 10,000; win rate unchanged, 2 of 3
    assert scorecard(field_history_warehouse, "bookings", "year", date(2024, 1, 1)) == pytest.approx(22000)
    assert scorecard(field_history_warehouse, "win_rate", "year", date(2024, 1, 1)) == pytest.approx(2 / 3)
