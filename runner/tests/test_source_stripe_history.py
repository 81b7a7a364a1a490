"""Stripe's MRR history rebuilt from invoice lines (issue #16): the fixture landing
fixtures/stripe_history, six subscriptions of one story each, built with
billing_source stripe. Every expected value is worked out by hand in the comments.

  sub_up      A1  basic 100/month from 2024-01-01; upgraded to pro 300 on 2024-03-16
                  (a proration pair on in_up4: -51.61 unused basic, +154.84 pro); a 50%
                  coupon that applies once (not recurring: no effect on MRR)
  sub_seats   A2  2 seats x 50 from 2024-01-01; 5 seats from the 2024-05-01 cycle; one
                  line with an unreadable period (quarantined)
  sub_down    A3  pro 300 from 2024-01-01; basic 100 from the renewal on 2024-06-01
  sub_coupon  A4  trial 2024-01-18 to 2024-02-01 (a zero line); pro 300 with a 20%
                  coupon repeating from 2024-02-01 to 2024-05-01
  sub_annual  A5  1,200 a year from 2024-03-01, plus a one-off 500 onboarding line
  sub_cancel  A6  basic 100 from 2024-01-01, cancelled 2024-04-15, half of April's 100
                  refunded the same day
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from click.testing import CliRunner

from revops.cli import main

pytestmark = pytest.mark.slow  # every test here reads a dbt build

FIXTURES = Path(__file__).parent / "fixtures" / "stripe_history"
CRM_ACCOUNTS = [(f"A{n}", f"Account {n}", "2023-12-01") for n in range(1, 7)]


def land(database: Path, *, without: tuple[str, ...] = ()) -> Path:
    """The fixture tables in schema stripe as an ELT tool lands them, the contract's
    accounts in schema raw; the tables named in `without` are not landed."""
    connection = duckdb.connect(str(database))
    try:
        connection.execute("create schema stripe")
        for path in sorted(FIXTURES.glob("*.csv")):
            if path.stem not in without:
                connection.execute(f'create table stripe."{path.stem}" as '
                                   "select * from read_csv(?, header = true, auto_detect = true)", [str(path)])
        connection.execute("create schema raw")
        connection.execute("create table raw.accounts (account_id varchar, account_name varchar, created_at varchar)")
        connection.executemany("insert into raw.accounts values (?, ?, ?)", CRM_ACCOUNTS)
    finally:
        connection.close()
    return database


def build(folder: Path, **landing) -> Path:
    raw = land(folder / "fivetran.duckdb", **landing)
    built = folder / "revops.duckdb"
    # one unreadable line in 11 subscription rows is above the default 1% threshold
    result = CliRunner().invoke(main, ["build", "--warehouse", str(built), "--raw-database", str(raw),
                                       "--billing-source", "stripe", "--as-of", "2024-06-30",
                                       "--max-quarantined-share", "0.2", "--quiet"])
    assert result.exit_code == 0, result.output
    return built


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("stripe_history"))


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_priced_periods_come_from_the_invoice_lines(warehouse):
    assert rows(warehouse, """
        select subscription_id, period_start, period_end, billing_interval, amount, quantity, cancel_reason
        from core.fct_subscriptions order by subscription_id, period_start""") == [
        # 1,200 a year; the 500 onboarding line is one-off and prices nothing
        ("sub_annual", date(2024, 3, 1), None, "year", Decimal("1200"), Decimal("1"), None),
        # the April line is the current item (basic); ends on the cancellation
        ("sub_cancel", date(2024, 1, 1), date(2024, 4, 15), "month", Decimal("100"), Decimal("1"), "voluntary"),
        # the trial line prices nothing; 300 x (1 - 20%) = 240 while the coupon runs
        ("sub_coupon", date(2024, 2, 1), date(2024, 5, 1), "month", Decimal("240"), Decimal("1"), None),
        ("sub_coupon", date(2024, 5, 1), None, "month", Decimal("300"), Decimal("1"), None),
        # pro until the renewal on 2024-06-01, basic (the current item) after
        ("sub_down", date(2024, 1, 1), date(2024, 6, 1), "month", Decimal("300"), Decimal("1"), None),
        ("sub_down", date(2024, 6, 1), None, "month", Decimal("100"), Decimal("1"), None),
        # 2 x 50 = 100, then 5 x 50 = 250 from the May cycle
        ("sub_seats", date(2024, 1, 1), date(2024, 5, 1), "month", Decimal("100"), Decimal("2"), None),
        ("sub_seats", date(2024, 5, 1), None, "month", Decimal("250"), Decimal("5"), None),
        # basic until the upgrade's proration line on 2024-03-16, pro after; the 50%
        # coupon lasts one invoice (duration once), so 100 stays 100
        ("sub_up", date(2024, 1, 1), date(2024, 3, 16), "month", Decimal("100"), Decimal("1"), None),
        ("sub_up", date(2024, 3, 16), None, "month", Decimal("300"), Decimal("1"), None),
    ]


def test_changes_of_price_and_seats_are_expansion_and_contraction(warehouse):
    got = rows(warehouse, """
        select strftime(month_start, '%Y-%m'), sum(mrr), sum(new_mrr), sum(expansion_mrr),
               sum(contraction_mrr), sum(churned_mrr)
        from core.fct_mrr_monthly where month_start between date '2024-01-01' and date '2024-06-01'
        group by month_start order by month_start""")
    assert [tuple(int(value) if isinstance(value, Decimal) else value for value in row) for row in got] == [
        # month, MRR at month end, new, expansion, contraction, churn
        # Jan: up 100 + seats 100 + down 300 + cancel 100 = 600, all new (coupon in trial)
        ("2024-01", 600, 600, 0, 0, 0),
        # Feb: + coupon 240 new = 840
        ("2024-02", 840, 240, 0, 0, 0),
        # Mar: up 100 -> 300 (+200 expansion), annual 1,200 / 12 = 100 new: 840 + 300 = 1,140
        ("2024-03", 1140, 100, 200, 0, 0),
        # Apr: cancel's 100 churns (ended 2024-04-15): 1,040
        ("2024-04", 1040, 0, 0, 0, 100),
        # May: seats 100 -> 250 (+150), coupon ends 240 -> 300 (+60): 1,040 + 210 = 1,250
        ("2024-05", 1250, 0, 210, 0, 0),
        # Jun: down 300 -> 100 (-200 contraction): 1,050
        ("2024-06", 1050, 0, 0, 200, 0),
    ]


def scorecard(warehouse: Path, metric: str, month: str):
    [(value,)] = rows(warehouse, f"""
        select round(value, 2) from kpis.kpi_scorecard
        where metric_name = '{metric}' and period_type = 'month' and period_label = '{month}'
          and owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'""")
    return value


def test_revenue_counts_the_one_off_lines_and_the_refund(warehouse):
    # billed in March: in_annual1 1,200 + the 500 onboarding line = 1,700, collected by ch_annual1
    assert scorecard(warehouse, "billed_revenue", "2024-03") == 1700
    assert scorecard(warehouse, "collected_revenue", "2024-03") == 1700
    # billed in April: in_up4 300 + the proration 154.84 - 51.61 = 403.23, and in_cancel4 100:
    # 503.23; collected 403.23 + 100 - the 50 refunded = 453.23
    assert scorecard(warehouse, "billed_revenue", "2024-04") == 503.23
    assert scorecard(warehouse, "collected_revenue", "2024-04") == 453.23
    # recurring revenue in April is the MRR: 1,040
    assert scorecard(warehouse, "mrr", "2024-04") == 1040


def test_a_line_whose_period_does_not_parse_is_quarantined(warehouse):
    # il_seats6's period_start is "not a date": a subscriptions row of its own, quarantined
    assert rows(warehouse, "select table_name, row_key, column_name, value, reason from audit.dq_quarantine") == [
        ("subscriptions", "sub_seats, not a date", "period_start", "not a date", "not a valid date"),
    ]


def test_without_lines_or_discounts_a_subscription_is_one_period_at_its_current_items(tmp_path):
    built = build(tmp_path, without=("invoice_line_item", "discount", "coupon"))
    assert rows(built, """
        select subscription_id, period_start, period_end, amount
        from core.fct_subscriptions order by subscription_id, period_start""") == [
        ("sub_annual", date(2024, 3, 1), None, Decimal("1200")),
        ("sub_cancel", date(2024, 1, 1), date(2024, 4, 15), Decimal("100")),
        # the current pro item from the end of the trial, undiscounted
        ("sub_coupon", date(2024, 2, 1), None, Decimal("300")),
        ("sub_down", date(2024, 1, 1), None, Decimal("100")),
        ("sub_seats", date(2024, 1, 1), None, Decimal("250")),
        ("sub_up", date(2024, 1, 1), None, Decimal("300")),
    ]
