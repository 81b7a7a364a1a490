"""CRM from Salesforce and billing from Stripe in one build: Stripe customers matched to
Salesforce accounts (here by the Salesforce id in their metadata, a configurable key,
else the email domain), unmatched customers kept as accounts of their own, and the
CRM's account attributes carried onto billing KPIs. The Stripe tables are landed the
way Fivetran's newer schema has them: `subscription_history` instead of
`subscription`, and payment intents without a `charge` table."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import land_like_an_elt_tool
from revops.cli import main

pytestmark = pytest.mark.slow  # every test here reads a dbt build

ACME_CORP = "0018d000002Acm1AAC"  # Salesforce account, website acme.com, segment Enterprise
BETA_GMBH = "0018d000002Bta2AAC"  # Salesforce account, website beta.de


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    raw = land_like_an_elt_tool(folder / "fivetran.duckdb", "salesforce", "stripe", "contract")
    with duckdb.connect(str(raw)) as connection:
        # Fivetran's history: the active version of each subscription, plus a superseded
        # one (sub_A at 1 seat) that must not count
        connection.execute("create table stripe.subscription_history as "
                           "select *, true as _fivetran_active from stripe.subscription")
        connection.execute("insert into stripe.subscription_history by name "
                           "select 'sub_A_v0' as id, 'cus_A' as customer_id, 'active' as status, "
                           "false as _fivetran_active")
        connection.execute("drop table stripe.subscription")
        connection.execute("drop table stripe.charge")
    built = folder / "revops.duckdb"
    result = CliRunner().invoke(main, [
        "build", "--warehouse", str(built), "--raw-database", str(raw), "--crm-source", "salesforce",
        "--billing-source", "stripe", "--var", "billing_account_id_metadata_key=salesforce_account_id",
        "--as-of", "2024-06-30", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "2 stripe customers matched no CRM account and are accounts of their own" in result.output
    return built


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_stripe_customers_are_matched_to_salesforce_accounts(warehouse):
    assert rows(warehouse, "select customer_id, account_id, matched_by, unmatched_reason "
                           "from audit.billing_customer_matches order by customer_id") == [
        # metadata.salesforce_account_id names Acme Corp
        ("cus_A", ACME_CORP, "metadata", None),
        # no id in metadata; beta.de is Beta GmbH's website
        ("cus_B", BETA_GMBH, "email_domain", None),
        # its metadata has only crm_account_id, not the key this build reads
        ("cus_C", "cus_C", None, "no id in metadata; no CRM account has the email domain"),
        ("cus_D", "cus_D", None, "no id in metadata; no CRM account has the email domain"),
        # deleted in Stripe, kept as a customer: billed as Acme Corp by its domain acme.com
        ("cus_E", ACME_CORP, "email_domain", None),
    ]
    # the unmatched customers are accounts beside Salesforce's
    accounts = dict(rows(warehouse, "select account_id, account_name from core.dim_accounts"))
    assert accounts[ACME_CORP] == "Acme Corp" and accounts["cus_C"] == "Gamma" and accounts["cus_D"] == "Delta Holdings"


def test_subscriptions_come_from_the_active_history_rows(warehouse):
    assert rows(warehouse, "select subscription_id, account_id, round(mrr_reporting, 6) "
                           "from core.fct_subscriptions order by subscription_id") == [
        ("sub_A", ACME_CORP, Decimal("325")),
        ("sub_B", BETA_GMBH, Decimal("110")),
        ("sub_C", "cus_C", Decimal("108.333333")),
        ("sub_D", "cus_D", Decimal("210")),
        # sub_A_v0 is a superseded version
    ]


def test_payments_come_from_payment_intents_without_charges(warehouse):
    assert rows(warehouse, "select payment_id, invoice_id, status, amount, failure_reason "
                           "from core.fct_payments order by payment_id") == [
        ("pi_1", "in_1", "succeeded", Decimal("325"), None),
        ("pi_2", "in_2", "succeeded", Decimal("1200"), None),
        # requires_payment_method after a declined card: a failed attempt
        ("pi_3", "in_3", "failed", Decimal("50"), "card_declined"),
        # the refund names the payment intent it refunds
        ("re_1", "in_1", "refunded", Decimal("50"), None),
    ]


def test_billing_kpis_by_crm_segment(warehouse):
    # June 2024 MRR by the Salesforce segment of the account: Acme Corp (Enterprise)
    # 325; cus_C 108.333333 and cus_D 210 have no CRM segment
    got = rows(warehouse, """
        select segment, round(value, 6) from kpis.kpi_scorecard
        where metric_name = 'mrr' and period_type = 'month' and period_label = '2024-06'
          and owner_user_id = 'all' and team = 'all' and region = 'all'
        order by segment""")
    assert got == [("all", 643.333333), ("enterprise", 325.0), ("unknown", 318.333333)]


def test_nothing_is_quarantined(warehouse):
    assert rows(warehouse, "select count(*) from audit.dq_quarantine") == [(0,)]
