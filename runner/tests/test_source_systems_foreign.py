"""The foreign-data corpus for the source systems: a Salesforce + Stripe and a HubSpot +
Stripe landing with the real world's awkwardness (fixtures/foreign/<set>/<schema>/
<table>.csv), each built once.

Both sets hold: soft-deleted parents with live children, a deleted Stripe customer with
billing history, history-mode duplicates (`_fivetran_active`), dangling and hashed
(32-hex) ids, missing optional tables and columns, deals without an amount or an
account, data from before 2010, and a close after the last creation. Every expected
value is worked out by hand beside the assertion.

Two kinds of test:
- **adapter** tests read the `base_<system>__contract_*` views, i.e. what the adapters hand
  the contract. They hold whether or not the build as a whole passes.
- **needs-main** tests (marked `NEEDS_CONTRACT_CHANGES`) read the conformed tables and
  KPIs of a successful build. They need the lead's contract changes (NULL amounts and
  deals without an account kept, optional references to missing rows nulled, stages
  derived from the deals, the as-of date counting closes) and the calendar spanning the
  data (here from 2006): until those are on main the build exits 1 and they fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops.build import BuildOptions, _staging_path, build_warehouse
from revops.errors import BuildFailed

pytestmark = pytest.mark.slow  # every test here reads a dbt build

FOREIGN_FIXTURES = Path(__file__).parent / "fixtures" / "foreign"

# The tests that read a successful build: they need the contract's and the calendar's
# changes from main (see the module docstring).
NEEDS_CONTRACT_CHANGES = "needs the lead's contract changes and the calendar spanning the data"


def land_fixture_set(name: str, database: Path) -> Path:
    """Each folder of fixtures/foreign/<name>/ is a schema and each CSV a table, typed
    the way Fivetran lands them: ids (`id`, `*_id`) as text, the rest auto-detected."""
    connection = duckdb.connect(str(database))
    try:
        for schema_folder in sorted(path for path in (FOREIGN_FIXTURES / name).iterdir() if path.is_dir()):
            schema = schema_folder.name
            connection.execute(f'create schema if not exists "{schema}"')
            for path in sorted(schema_folder.glob("*.csv")):
                header = path.read_text().splitlines()[0].split(",")
                ids = {column: "VARCHAR" for column in header if column == "id" or column.endswith("_id")}
                connection.execute(
                    f'create table "{schema}"."{path.stem}" as '
                    "select * from read_csv(?, header = true, auto_detect = true, types = ?)", [str(path), ids])
    finally:
        connection.close()
    return database


@dataclass
class Built:
    """One build of a fixture set: the published warehouse when it passed, else the
    unpublished one it left (the adapter views are in both)."""

    database: Path
    raw: Path
    error: BuildFailed | None
    statuses: dict[str, str] = field(default_factory=dict)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            # the adapter views read the landed tables, attached as the build did
            connection.execute(f"attach '{self.raw}' as raw_input (read_only)")
            return connection.execute(sql).fetchall()

    def require_success(self) -> None:
        if self.error is not None:
            pytest.fail(f"{NEEDS_CONTRACT_CHANGES}; the build failed: {self.error}\n" + "\n".join(self.error.details))

    def scorecard(self, metric: str, period_type: str, period_start: date, **cut: str) -> float | None:
        self.require_success()
        dimensions = {"owner_user_id": "all", "team": "all", "segment": "all", "region": "all", **cut}
        where = " and ".join(f"{column} = '{value}'" for column, value in dimensions.items())
        rows = self.query(f"""
            select value from kpis.kpi_scorecard
            where metric_name = '{metric}' and period_type = '{period_type}' and period_start = '{period_start}'
                and {where}""")
        assert len(rows) == 1, (metric, period_type, period_start, rows)
        return rows[0][0]


def build_fixture_set(project, folder: Path, name: str, crm_source: str) -> Built:
    raw = land_fixture_set(name, folder / "fivetran.duckdb")
    warehouse = folder / "revops.duckdb"
    statuses: dict[str, str] = {}
    options = BuildOptions(warehouse=warehouse, raw_database=raw, crm_source=crm_source, billing_source="stripe")
    try:
        build_warehouse(project, options, on_progress=lambda node: statuses.__setitem__(node.name, node.status))
    except BuildFailed as failed:
        return Built(_staging_path(warehouse), raw, failed, statuses)
    return Built(warehouse, raw, None, statuses)


def key_test_statuses(built: Built, system: str) -> dict[str, str]:
    """The key tests of the adapters' contract models (see _<system>__models.yml)."""
    return {name: status for name, status in built.statuses.items()
            if name.startswith((f"unique_combination_of_columns_base_{system}__contract_",))
            or (name.startswith(f"base_{system}__contract_") and name.endswith("_key_is_not_empty"))}


# === Salesforce + Stripe ===============================================================

ACME, BETA, GAMMA, GONE = "0018d000002Acm1AAC", "0018d000002Bta2AAC", "0018d000002Gam3AAC", "0018d000002Gon9AAC"
NOT_LANDED_ACCOUNT = "0018d000009NotLndAAA"
MARIA, RITA, DAN, SAM = "0058d000001MgrQAAS", "0058d000001Rp1QAAS", "0058d000001Del3AAS", "0058d000001Sam4AAS"
HASHED_MANAGER = "9f86d081884c7d659a2feaa0c55ad015"  # a 32-hex id no user has
OP = {n: f"0068d000003Op{n}AAC" for n in range(1, 8)}


@pytest.fixture(scope="module")
def salesforce_stripe(project, tmp_path_factory) -> Built:
    return build_fixture_set(project, tmp_path_factory.mktemp("foreign_sf"), "salesforce_stripe", "salesforce")


def test_salesforce_history_mode_reads_only_the_live_version(salesforce_stripe):
    # Acme has two versions; the old one (Acme Old Name, SMB) is not live. Gone Inc is
    # deleted but kept, flagged: a live deal, a task, a lead and Beta (as parent) name
    # it. Purged Co is deleted by the loader and nothing names it: left out. Parents are
    # passed through as landed (Gamma's is not landed: the contract's to null).
    assert salesforce_stripe.query("""
        select account_id, account_name, segment, parent_account_id, is_deleted
        from staging.base_salesforce__contract_accounts order by account_id""") == [
        (ACME, "Acme Corp", "enterprise", None, "false"),
        (BETA, "Beta LLC", "mid-market", GONE, "false"),
        (GAMMA, "Gamma Ltd", "smb", NOT_LANDED_ACCOUNT, "false"),
        (GONE, "Gone Inc", "smb", None, "true"),
    ]


def test_salesforce_deleted_users_that_own_live_deals_are_kept_inactive(salesforce_stripe):
    # Dan is deleted by the loader but owns the live Beta deal: kept, inactive. Olga is
    # deleted and owns nothing: left out. Sam's manager is a hashed id nobody has:
    # passed through for the contract to null and report.
    assert salesforce_stripe.query("""
        select user_id, user_name, manager_user_id, is_active
        from staging.base_salesforce__contract_users order by user_id""") == [
        (DAN, "Dan Departed", MARIA, "false"),
        (MARIA, "Maria Manager", None, "true"),
        (RITA, "Rita Rep", MARIA, "true"),
        (SAM, "Sam Seller", HASHED_MANAGER, "true"),
    ]


def test_salesforce_deals_the_vendor_counts_are_all_handed_to_the_contract(salesforce_stripe):
    # Op6 is deleted: out. Op4 is on the deleted Gone Inc: kept. Op5 has no amount and
    # Op7 no account (both optional in Salesforce): passed through empty. No
    # opportunity_stage is landed, so closed/won are the deals' own flags; no
    # currency_iso_code, so every deal is in the reporting currency.
    got = salesforce_stripe.query("""
        select opportunity_id, account_id, stage_name, is_closed, is_won, cast(amount as decimal(18, 2)),
               currency, owner_user_id
        from staging.base_salesforce__contract_opportunities order by opportunity_id""")
    assert got == [
        (OP[1], ACME, "Closed Won", "true", "true", Decimal("5000.00"), "USD", RITA),
        (OP[2], ACME, "Closed Won", "true", "true", Decimal("12000.00"), "USD", RITA),
        (OP[3], BETA, "Closed Lost", "true", "false", Decimal("8000.00"), "USD", DAN),
        (OP[4], GONE, "Closed Won", "true", "true", Decimal("3000.00"), "USD", RITA),
        (OP[5], GAMMA, "Prospecting", "false", "false", None, "USD", SAM),
        (OP[7], None, "Closed Won", "true", "true", Decimal("2000.00"), "USD", SAM),
    ]


def test_salesforce_without_opportunity_stage_gives_an_empty_stages_table(salesforce_stripe):
    assert salesforce_stripe.query("select count(*) from staging.base_salesforce__contract_opportunity_stages") == [(0,)]


def test_salesforce_history_schema_is_the_deal_history(salesforce_stripe):
    # No opportunity_history or field history: the versions in salesforce_history are
    # the history, one row per version at its _fivetran_start. Op2's version of 05-02
    # changed only the description: skipped. Op6's versions are of a deleted deal.
    got = salesforce_stripe.query("""
        select opportunity_id, cast(changed_at as timestamp), stage_name, cast(amount as decimal(18, 2)),
               cast(close_date as date), forecast_category
        from staging.base_salesforce__contract_opportunity_history order by opportunity_id, changed_at""")
    assert got == [
        (OP[2], datetime(2024, 1, 10, 9), "Prospecting", Decimal("10000.00"), date(2024, 5, 31), "pipeline"),
        (OP[2], datetime(2024, 4, 1, 9), "Negotiation", Decimal("12000.00"), date(2024, 6, 30), "best_case"),
        (OP[2], datetime(2024, 6, 28, 10), "Closed Won", Decimal("12000.00"), date(2024, 6, 28), "closed"),
        (OP[3], datetime(2024, 2, 1, 9), "Qualification", Decimal("8000.00"), date(2024, 4, 30), "pipeline"),
        (OP[3], datetime(2024, 4, 15, 12), "Closed Lost", Decimal("8000.00"), date(2024, 4, 15), "omitted"),
    ]


def test_salesforce_touches_and_leads_of_deleted_parents_are_kept(salesforce_stripe):
    # the call on Gone Inc is kept; the email with no account is no account touch
    assert salesforce_stripe.query("""
        select activity_id, account_id, activity_type
        from staging.base_salesforce__contract_activities order by activity_id""") == [
        ("00T8d000008Tk1AAC", GONE, "call"),
        ("00U8d000009Ev1AAC", ACME, "meeting"),
    ]
    # converted ids as Salesforce holds them: Ld1's name the kept Gone Inc and Op4; Ld2's
    # name an account not landed and the deleted Op6 (the contract's to null)
    assert salesforce_stripe.query("""
        select lead_id, converted_account_id, converted_opportunity_id
        from staging.base_salesforce__contract_leads order by lead_id""") == [
        ("00Q8d000006Ld1AAC", GONE, OP[4]),
        ("00Q8d000006Ld2AAC", NOT_LANDED_ACCOUNT, OP[6]),
        ("00Q8d000006Ld3AAC", None, None),
    ]


def test_a_deleted_stripe_customer_keeps_its_account_flagged(salesforce_stripe):
    # cus_Gone2 is deleted in Stripe and matches no account: an account of its own,
    # flagged deleted. cus_Hash3's metadata names a 32-hex id no CRM account has.
    assert salesforce_stripe.query("""
        select customer_id, account_id, matched_by, is_deleted
        from staging.base_stripe__customers order by customer_id""") == [
        ("cus_Acme1", ACME, "metadata", False),
        ("cus_Gone2", "cus_Gone2", None, True),
        ("cus_Hash3", "cus_Hash3", None, False),
    ]
    assert salesforce_stripe.query("""
        select account_id, is_deleted from staging.base_stripe__contract_accounts
        where account_id like 'cus_%' order by account_id""") == [("cus_Gone2", "true"), ("cus_Hash3", "false")]
    # its subscription and invoice keep their account
    assert salesforce_stripe.query("""
        select subscription_id, account_id from staging.base_stripe__contract_subscriptions order by 1""") == [
        ("sub_1", ACME), ("sub_2", "cus_Gone2"), ("sub_3", "cus_Hash3")]


def test_stripe_history_mode_reads_the_live_invoice_version(salesforce_stripe):
    # in_1 was open, then paid: only the live (paid) version is the invoice
    assert salesforce_stripe.query("""
        select invoice_id, account_id, status, cast(total as decimal(18, 2))
        from staging.base_stripe__contract_invoices order by invoice_id""") == [
        ("in_1", ACME, "paid", Decimal("200.00")),
        ("in_2", "cus_Gone2", "paid", Decimal("1200.00")),
        ("in_3", "cus_Hash3", "open", Decimal("300.00")),
    ]


def test_salesforce_stripe_key_tests_ran_and_passed(salesforce_stripe):
    statuses = key_test_statuses(salesforce_stripe, "salesforce") | key_test_statuses(salesforce_stripe, "stripe")
    # two per contract model: 7 Salesforce, 4 Stripe
    assert len(statuses) == 22, statuses
    assert set(statuses.values()) == {"pass"}, statuses


# --- needs main: the conformed tables and KPIs ------------------------------------------

def test_salesforce_stripe_builds_and_keeps_every_deal_invoice_and_payment(salesforce_stripe):
    salesforce_stripe.require_success()  # NEEDS_CONTRACT_CHANGES
    assert salesforce_stripe.query("""
        select opportunity_id, account_id, amount from core.fct_opportunities order by opportunity_id""") == [
        (OP[1], ACME, Decimal("5000")),
        (OP[2], ACME, Decimal("12000")),
        (OP[3], BETA, Decimal("8000")),
        (OP[4], GONE, Decimal("3000")),
        # no amount: NULL, not 0
        (OP[5], GAMMA, None),
        # no account: kept under none
        (OP[7], None, Decimal("2000")),
    ]
    assert salesforce_stripe.query("select invoice_id from core.fct_invoices order by 1") == [
        ("in_1",), ("in_2",), ("in_3",)]
    assert salesforce_stripe.query("select payment_id from core.fct_payments order by 1") == [
        ("ch_1",), ("ch_2",), ("ch_3",)]
    # nothing a source counts is quarantined (nulled references are reported, not rows lost)
    assert salesforce_stripe.query("""
        select count(*) from audit.dq_quarantine
        where table_name in ('opportunities', 'invoices', 'payments', 'subscriptions', 'accounts')""") == [(0,)]


def test_salesforce_stripe_accounts_and_their_deleted_flags(salesforce_stripe):
    salesforce_stripe.require_success()  # NEEDS_CONTRACT_CHANGES (Gamma's parent nulled)
    assert salesforce_stripe.query("""
        select account_id, parent_account_id, is_deleted from core.dim_accounts order by account_id""") == [
        (ACME, None, False),
        (BETA, GONE, False),
        # its parent is not landed: NULL (and reported)
        (GAMMA, None, False),
        (GONE, None, True),
        ("cus_Gone2", None, True),
        ("cus_Hash3", None, False),
    ]


def test_salesforce_stripe_as_of_is_the_last_close(salesforce_stripe):
    salesforce_stripe.require_success()  # NEEDS_CONTRACT_CHANGES (the as-of counts closes)
    # the last creation is Op5's (2024-03-01), the last payment ch_1 (2024-06-01); Op2
    # closed on 2024-06-28
    assert salesforce_stripe.query("select as_of_date from core.dim_reporting_context") == [(date(2024, 6, 28),)]


def test_salesforce_stripe_sales_kpis(salesforce_stripe):
    year, q2 = date(2024, 1, 1), date(2024, 4, 1)
    # 2024 closes: won Op2 12,000 (06-28), Op4 3,000 (03-31, on a deleted account), Op7
    # 2,000 (05-31, no account); lost Op3 8,000 (04-15)
    assert salesforce_stripe.scorecard("win_rate", "year", year) == pytest.approx(3 / 4)
    assert salesforce_stripe.scorecard("win_rate_by_amount", "year", year) == pytest.approx(17000 / 25000)
    assert salesforce_stripe.scorecard("bookings", "year", year) == pytest.approx(12000 + 3000 + 2000)
    # Q2: Op2 and Op7 won, Op3 lost
    assert salesforce_stripe.scorecard("win_rate", "quarter", q2) == pytest.approx(2 / 3)
    assert salesforce_stripe.scorecard("bookings", "quarter", q2) == pytest.approx(14000)
    # created in 2024: Op2, Op3, Op4, Op5 (no amount), Op7 -> 5 deals; the amount sums
    # the four sized ones, 12,000 + 8,000 + 3,000 + 2,000
    assert salesforce_stripe.scorecard("pipeline_created_deals", "year", year) == pytest.approx(5)
    assert salesforce_stripe.scorecard("pipeline_created", "year", year) == pytest.approx(25000)
    # before 2010: Op1, 5,000 won on 2009-06-30
    assert salesforce_stripe.scorecard("bookings", "year", date(2009, 1, 1)) == pytest.approx(5000)
    assert salesforce_stripe.scorecard("win_rate", "year", date(2009, 1, 1)) == pytest.approx(1)
    # the deal with no account is in its owner's cut: Sam won Op7's 2,000
    # an owner's row carries the owner's team (the owner and team cut)
    assert salesforce_stripe.scorecard("bookings", "year", year, owner_user_id=SAM, team="sales") == pytest.approx(2000)


def test_salesforce_stripe_billing_kpis(salesforce_stripe):
    # March 2024 month end: sub_1 2 x 100 + sub_2 1,200 a year = 100 (the deleted
    # customer's) -> 300; June: sub_1 200 + sub_3 3 x 100 -> 500 (sub_2 ended 04-01)
    assert salesforce_stripe.scorecard("mrr", "month", date(2024, 3, 1)) == pytest.approx(300)
    assert salesforce_stripe.scorecard("mrr", "month", date(2024, 6, 1)) == pytest.approx(500)
    # the deleted customer's invoice, issued 2023-06-01, is billed revenue
    assert salesforce_stripe.scorecard("billed_revenue", "month", date(2023, 6, 1)) == pytest.approx(1200)
    # June: ch_1 200 succeeded
    assert salesforce_stripe.scorecard("collected_revenue", "month", date(2024, 6, 1)) == pytest.approx(200)


# === HubSpot + Stripe ==================================================================

@pytest.fixture(scope="module")
def hubspot_stripe(project, tmp_path_factory) -> Built:
    return build_fixture_set(project, tmp_path_factory.mktemp("foreign_hs"), "hubspot_stripe", "hubspot")


def test_hubspot_history_mode_and_deleted_companies(hubspot_stripe):
    # 1001 has an old version (Acme Old Name): not live. Globex and Initech are deleted:
    # HubSpot drops a deleted company's associations, so Globex's deal has no company.
    assert hubspot_stripe.query("""
        select account_id, account_name, is_deleted from staging.base_hubspot__contract_accounts
        order by account_id""") == [("1001", "Acme Corp", "false")]
    # Bob is deleted but owns the live Globex deal: kept, inactive; Cy owns nothing
    assert hubspot_stripe.query("""
        select user_id, user_name, is_active from staging.base_hubspot__contract_users order by user_id""") == [
        ("101", "Ada Lovelace", "true"), ("102", "Bob Gone", "false")]


def test_hubspot_deals_the_vendor_counts_are_all_handed_to_the_contract(hubspot_stripe):
    # 5002's live version is closed won at 6,000 (its old one was open at 5,000); 5004
    # has no company, 5003's only one is deleted, and 5005 has no amount: passed through
    # empty. 5005's second company,
    # 9999, is not landed: its primary one (1001) is the account.
    got = hubspot_stripe.query("""
        select opportunity_id, account_id, stage_name, is_won, cast(amount as decimal(18, 2)), owner_user_id
        from staging.base_hubspot__contract_opportunities order by opportunity_id""")
    assert got == [
        ("5001", "1001", "Closed Won", "true", Decimal("12000.00"), "101"),
        ("5002", "1001", "Closed Won", "true", Decimal("6000.00"), "101"),
        ("5003", None, "Closed Lost", "false", Decimal("4000.00"), "102"),
        ("5004", None, "Closed Won", "true", Decimal("3000.00"), "101"),
        ("5005", "1001", "Appointment Scheduled", "false", None, "101"),
    ]
    # no history tables are landed: no history
    assert hubspot_stripe.query("select count(*) from staging.base_hubspot__contract_opportunity_history") == [(0,)]


def test_hubspot_stripe_customers_and_invoices_without_optional_columns(hubspot_stripe):
    # cus_a shares acme.example with Acme Corp; cus_z is deleted and unmatched
    assert hubspot_stripe.query("""
        select customer_id, account_id, matched_by, is_deleted from staging.base_stripe__customers
        order by customer_id""") == [("cus_a", "1001", "email_domain", False), ("cus_z", "cus_z", None, True)]
    # the invoice table has no tax or due_date column: both empty
    assert hubspot_stripe.query("""
        select invoice_id, account_id, cast(total as decimal(18, 2)), tax, due_at
        from staging.base_stripe__contract_invoices order by invoice_id""") == [
        ("in_a1", "1001", Decimal("100.00"), None, None),
        ("in_z1", "cus_z", Decimal("1200.00"), None, None),
    ]


def test_hubspot_stripe_key_tests_ran_and_passed(hubspot_stripe):
    statuses = key_test_statuses(hubspot_stripe, "hubspot") | key_test_statuses(hubspot_stripe, "stripe")
    # two per contract model: 6 HubSpot, 4 Stripe
    assert len(statuses) == 20, statuses
    assert set(statuses.values()) == {"pass"}, statuses


# --- needs main: the conformed tables and KPIs ------------------------------------------

def test_hubspot_stripe_builds_and_keeps_every_deal(hubspot_stripe):
    hubspot_stripe.require_success()  # NEEDS_CONTRACT_CHANGES
    assert hubspot_stripe.query("""
        select opportunity_id, account_id, amount from core.fct_opportunities order by opportunity_id""") == [
        ("5001", "1001", Decimal("12000")),
        ("5002", "1001", Decimal("6000")),
        ("5003", None, Decimal("4000")),
        ("5004", None, Decimal("3000")),
        ("5005", "1001", None),
    ]
    assert hubspot_stripe.query("""
        select account_id, is_deleted from core.dim_accounts order by account_id""") == [
        ("1001", False), ("cus_z", True)]
    # closes after the last creation (5004, 2024-03-15): 5002 closed 2024-06-20
    assert hubspot_stripe.query("select as_of_date from core.dim_reporting_context") == [(date(2024, 6, 20),)]


def test_hubspot_stripe_kpis(hubspot_stripe):
    year = date(2024, 1, 1)
    # 2024 closes: won 5002 6,000 (06-20) and 5004 3,000 (no company); lost 5003 4,000
    assert hubspot_stripe.scorecard("win_rate", "year", year) == pytest.approx(2 / 3)
    assert hubspot_stripe.scorecard("win_rate_by_amount", "year", year) == pytest.approx(9000 / 13000)
    assert hubspot_stripe.scorecard("bookings", "year", year) == pytest.approx(9000)
    # Ada owns both wins, the one without a company included
    # (HubSpot owners have no team: the owner's row carries team unknown)
    assert hubspot_stripe.scorecard("bookings", "year", year, owner_user_id="101", team="unknown") == pytest.approx(9000)
    # 2009: 5001 won, 12,000
    assert hubspot_stripe.scorecard("bookings", "year", date(2009, 1, 1)) == pytest.approx(12000)
    # January 2024 month end: sub_a 100 + the deleted customer's sub_z 1,200 / 12 = 100;
    # June: sub_a 100 (sub_z ended 2024-03-01)
    assert hubspot_stripe.scorecard("mrr", "month", date(2024, 1, 1)) == pytest.approx(200)
    assert hubspot_stripe.scorecard("mrr", "month", date(2024, 6, 1)) == pytest.approx(100)
    # the deleted customer's invoice of 2023-01-01
    assert hubspot_stripe.scorecard("billed_revenue", "month", date(2023, 1, 1)) == pytest.approx(1200)
