"""Stripe as the billing system (billing_source: stripe), with the CRM's accounts from
the input contract: Stripe's tables as an ELT tool lands them (fixtures/source_systems/
stripe), built into the conformed tables and the KPIs. Every expected value is worked
out by hand from the fixture rows in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from click.testing import CliRunner

from revops.cli import main
from revops.errors import ExitCode

from conftest import land_like_an_elt_tool

pytestmark = pytest.mark.slow  # every test here reads a dbt build

# The CRM side: four contract accounts. A1 is named in cus_A's metadata; A2's website
# shares cus_B's email domain; A3 and A4 share a domain, so cus_D cannot be matched.
CRM_ACCOUNTS = [
    ("A1", "Acme", "2023-06-01", "acme.com"),
    ("A2", "Beta", "2023-07-01", "https://www.beta.de/"),
    ("A3", "Delta US", "2023-08-01", "shared.com"),
    ("A4", "Delta EU", "2023-08-02", "www.shared.com"),
]
FX_RATES = [("2023-01-01", "EUR", "1.10"), ("2023-01-01", "JPY", "0.007")]


def land_contract_tables(database: Path) -> None:
    connection = duckdb.connect(str(database))
    try:
        connection.execute("create schema if not exists raw")
        connection.execute("create table raw.accounts (account_id varchar, account_name varchar, "
                           "created_at varchar, domain varchar)")
        connection.executemany("insert into raw.accounts values (?, ?, ?, ?)", CRM_ACCOUNTS)
        connection.execute("create table raw.fx_rates (rate_date varchar, currency varchar, rate_to_reporting varchar)")
        connection.executemany("insert into raw.fx_rates values (?, ?, ?)", FX_RATES)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def build_output(tmp_path_factory) -> tuple[Path, str]:
    """`revops build --billing-source stripe` as a user runs it."""
    folder = tmp_path_factory.mktemp("stripe")
    raw = land_like_an_elt_tool(folder / "fivetran.duckdb", "stripe")
    land_contract_tables(raw)
    built = folder / "revops.duckdb"
    result = CliRunner().invoke(main, ["build", "--warehouse", str(built), "--raw-database", str(raw),
                                       "--billing-source", "stripe", "--as-of", "2024-06-30", "--quiet"])
    assert result.exit_code == 0, result.output
    return built, result.output


@pytest.fixture(scope="module")
def warehouse(build_output) -> Path:
    return build_output[0]


def test_the_build_reports_the_unmatched_customers(build_output):
    _, output = build_output
    assert "Building" in output and "from stripe" in output
    assert "2 stripe customers matched no CRM account and are accounts of their own" in output
    assert "cus_D Delta Holdings: no id in metadata; several CRM accounts share the email domain" in output


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_customers_are_matched_by_metadata_then_email_domain_and_the_rest_kept(warehouse):
    assert rows(warehouse, "select customer_id, account_id, matched_by, unmatched_reason, is_deleted "
                           "from audit.billing_customer_matches order by customer_id") == [
        ("cus_A", "A1", "metadata", None, False),
        ("cus_B", "A2", "email_domain", None, False),
        # A404 is no CRM account, and no account has gamma.dev
        ("cus_C", "cus_C", None, "no CRM account with the id in metadata or the email domain", False),
        ("cus_D", "cus_D", None, "no id in metadata; several CRM accounts share the email domain", False),
        # deleted in Stripe, still a customer (any billing history of it counts), billed
        # as Acme by its email domain acme.com
        ("cus_E", "A1", "email_domain", None, True),
        # cus_T is test mode: not a customer
    ]
    # the unmatched customers are accounts of their own, beside the CRM's
    assert rows(warehouse, "select account_id, account_name from core.dim_accounts order by account_id") == [
        ("A1", "Acme"), ("A2", "Beta"), ("A3", "Delta US"), ("A4", "Delta EU"),
        ("cus_C", "Gamma"), ("cus_D", "Delta Holdings"),
    ]


def test_subscriptions_come_from_items_prices_and_intervals(warehouse):
    got = rows(warehouse, """
        select subscription_id, account_id, period_start, period_end, billing_interval, currency,
               amount, round(mrr, 6), round(mrr_reporting, 6), cancel_reason
        from core.fct_subscriptions order by subscription_id""")
    assert got == [
        # 3 seats x 100.00 + 1 add-on x 25.00, monthly
        ("sub_A", "A1", date(2024, 1, 1), None, "month", "USD", Decimal("325"), Decimal("325"),
         Decimal("325"), None),
        # EUR 1,200.00 a year: 100 EUR MRR, 110 USD at 1.10; cancelled for a failed payment
        ("sub_B", "A2", date(2024, 1, 15), date(2024, 4, 15), "year", "EUR", Decimal("1200"),
         Decimal("100"), Decimal("110"), "involuntary"),
        # 50.00 every 2 weeks: 50 / (2 x 12/52) = 108.333333 a month; starts when the trial ends
        ("sub_C", "cus_C", date(2024, 2, 15), None, "month", "USD", Decimal("108.333333"),
         Decimal("108.333333"), Decimal("108.333333"), None),
        # a legacy plan, 90,000 JPY (zero-decimal) every 3 months: 30,000 JPY, 210 USD at 0.007
        ("sub_D", "cus_D", date(2024, 4, 1), None, "quarter", "JPY", Decimal("90000"), Decimal("30000"),
         Decimal("210"), None),
        # sub_X never started (incomplete_expired); sub_T ended within its trial
    ]


def test_invoices_and_payments(warehouse):
    assert rows(warehouse, """
        select invoice_id, account_id, status, currency, total, subscription_id, cast(issued_at as date)
        from core.fct_invoices order by invoice_id""") == [
        ("in_1", "A1", "paid", "USD", Decimal("325"), "sub_A", date(2024, 6, 1)),
        # the subscription comes from the invoice's lines
        ("in_2", "A2", "paid", "EUR", Decimal("1200"), "sub_B", date(2024, 1, 15)),
        ("in_3", "cus_C", "open", "USD", Decimal("50"), "sub_C", date(2024, 6, 12)),
        # zero-decimal: 90,000 JPY is 90,000 yen, not 900
        ("in_4", "cus_D", "paid", "JPY", Decimal("90000"), "sub_D", date(2024, 4, 1)),
        ("in_5", "A1", "void", "USD", Decimal("325"), "sub_A", date(2024, 5, 1)),
        # sub_X was never billed, so the invoice names no subscription; in_6 is deleted
        # and in_7 test mode
        ("in_8", "A1", "void", "USD", Decimal("100"), None, date(2024, 2, 1)),
    ]
    assert rows(warehouse, """
        select payment_id, invoice_id, status, amount, failure_reason
        from core.fct_payments order by payment_id""") == [
        ("ch_1", "in_1", "succeeded", Decimal("325"), None),
        # the invoice comes from the charge's payment intent
        ("ch_2", "in_2", "succeeded", Decimal("1200"), None),
        ("ch_3", "in_3", "failed", Decimal("50"), "card_declined"),
        ("ch_4", "in_4", "succeeded", Decimal("90000"), None),
        # ch_5 is pending, ch_6 pays no invoice, re_2 is a pending refund
        ("re_1", "in_1", "refunded", Decimal("50"), None),
    ]


def scorecard(warehouse: Path, metric: str, month: str) -> tuple:
    [(value, numerator, denominator)] = rows(warehouse, f"""
        select round(value, 6), round(numerator, 6), round(denominator, 6) from kpis.kpi_scorecard
        where metric_name = '{metric}' and period_type = 'month' and period_label = '{month}'
          and owner_user_id = 'all' and team = 'all' and segment = 'all' and region = 'all'""")
    return value, numerator, denominator


def test_mrr_and_a_few_kpis(warehouse):
    # June 2024: sub_A 325 + sub_C 108.333333 + sub_D 210 (sub_B ended in April)
    assert rows(warehouse, """
        select round(sum(mrr), 6) from core.fct_mrr_monthly where month_start = date '2024-06-01'
    """) == [(Decimal("643.333333"),)]
    assert scorecard(warehouse, "mrr", "2024-06") == (643.333333, 643.333333, None)
    assert scorecard(warehouse, "arpa", "2024-06") == (214.444444, 643.333333, 3)
    # April: MRR at the start is sub_A 325 + sub_B 110 + sub_C 108.333333 = 543.333333;
    # sub_B's 110 churned (a failed payment), sub_D's 210 is new
    assert scorecard(warehouse, "gross_mrr_churn_rate", "2024-04") == (round(110 / 543.333333, 6), 110, 543.333333)
    assert scorecard(warehouse, "net_new_mrr", "2024-04") == (100, 100, None)
    assert scorecard(warehouse, "quick_ratio", "2024-04") == (round(210 / 110, 6), 210, 110)
    assert scorecard(warehouse, "logo_churn_rate", "2024-04") == (round(1 / 3, 6), 1, 3)
    # billed in April: in_4's 90,000 JPY at 0.007 = 630 USD
    assert scorecard(warehouse, "billed_revenue", "2024-04") == (630, 630, None)
    # June: paid 325 on in_1, 50 of it refunded; in_3's 50 failed and is still open
    assert scorecard(warehouse, "collected_revenue", "2024-06") == (275, 275, None)
    assert scorecard(warehouse, "open_receivables", "2024-06") == (50, 50, None)
    assert scorecard(warehouse, "unrecovered_failed_payment_leakage_rate", "2024-06") == (round(50 / 375, 6), 50, 375)


def test_nothing_is_quarantined(warehouse):
    assert rows(warehouse, "select count(*) from audit.dq_quarantine") == [(0,)]


def test_a_system_schema_that_is_not_there_is_a_clear_error(tmp_path):
    raw = land_like_an_elt_tool(tmp_path / "fivetran.duckdb", "stripe")
    result = CliRunner().invoke(main, ["build", "--warehouse", str(tmp_path / "revops.duckdb"), "--raw-database",
                                       str(raw), "--billing-source", "stripe", "--var", "stripe_schema=stripe_prod",
                                       "--quiet"])
    assert result.exit_code == ExitCode.BUILD_FAILED, result.output
    assert "there is no table" in result.output and "stripe_prod" in result.output
    assert not (tmp_path / "revops.duckdb").exists()
