"""Several connections of one source system (var <system>_schemas): the same tables in
two schemas, unioned, with ids made unique by connection and source_relation carried to
the conformed tables. Two builds:

  Salesforce [sf_us, sf_eu] + Stripe [stripe_us, stripe_eu]: each schema holds a copy
      of the fixture (fixtures/source_systems/), so every id collides; the EU copies'
      amounts are doubled (opportunity.amount, price.unit_amount, plan.amount) and the
      EU org has no `event` table (an optional table missing in one connection).
  HubSpot [hs_a, hs_b]: the same, with the custom fields of HubSpot (field map and
      passthroughs; Salesforce's and Stripe's are in test_source_custom_fields.py).

One connection (every other test) keeps ids as they are: no number or id moves.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import land_like_an_elt_tool
from revops.build import BuildOptions, build_warehouse

pytestmark = pytest.mark.slow  # every test here reads a dbt build

O1, O2 = "0068d000003Op1AAC", "0068d000003Op2AAC"


def copy_schema(connection, source: str, target: str, skip: tuple[str, ...] = ()) -> None:
    connection.execute(f'create schema "{target}"')
    for (table,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = ?", [source]).fetchall():
        if table not in skip:
            connection.execute(f'create table "{target}"."{table}" as select * from "{source}"."{table}"')


def drop_schema(connection, schema: str) -> None:
    connection.execute(f'drop schema "{schema}" cascade')


@pytest.fixture(scope="module")
def warehouse(project, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("connections")
    raw = land_like_an_elt_tool(folder / "landed.duckdb", "salesforce", "stripe", "contract")
    with duckdb.connect(str(raw)) as connection:
        copy_schema(connection, "salesforce", "sf_us")
        copy_schema(connection, "salesforce", "sf_eu", skip=("event",))
        connection.execute("update sf_eu.opportunity set amount = amount * 2")
        copy_schema(connection, "stripe", "stripe_us")
        copy_schema(connection, "stripe", "stripe_eu")
        connection.execute("update stripe_eu.price set unit_amount = unit_amount * 2")
        connection.execute("update stripe_eu.plan set amount = amount * 2")
        # the default schemas are not read
        drop_schema(connection, "salesforce")
        drop_schema(connection, "stripe")
    built = folder / "revops.duckdb"
    build_warehouse(project, BuildOptions(
        warehouse=built, raw_database=raw, crm_source="salesforce", billing_source="stripe",
        as_of=date(2024, 6, 30), extra_vars={
            "salesforce_schemas": ["sf_us", "sf_eu"], "stripe_schemas": ["stripe_us", "stripe_eu"]}))
    return built


@pytest.fixture(scope="module")
def hubspot_warehouse(project, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hubspot_connections")
    raw = land_like_an_elt_tool(folder / "landed.duckdb", "hubspot", "contract")
    with duckdb.connect(str(raw)) as connection:
        copy_schema(connection, "hubspot", "hs_a")
        copy_schema(connection, "hubspot", "hs_b")
        connection.execute("update hs_b.deal set property_amount = property_amount * 2")
        drop_schema(connection, "hubspot")
    built = folder / "revops.duckdb"
    build_warehouse(project, BuildOptions(
        warehouse=built, raw_database=raw, crm_source="hubspot", as_of=date(2023, 6, 30), extra_vars={
            "hubspot_schemas": ["hs_a", "hs_b"],
            "hubspot_field_map": {"segment": "property_lifecyclestage", "lost_reason": None},
            "hubspot_company_passthrough_columns": [{"name": "portal_id", "alias": "portal", "transform": "integer"}],
            "hubspot_deal_passthrough_columns": [
                {"name": "property_hs_deal_stage_probability", "alias": "hubspot_probability", "transform": "number"}],
        }))
    return built


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_colliding_deals_are_distinct_rows_of_their_connection(warehouse):
    # five live deals per org (O1-O5), none merged with its twin
    assert rows(warehouse, "select source_relation, count(*), count(distinct opportunity_id) "
                           "from core.fct_opportunities group by 1 order by 1") == [
        ("sf_eu", 5, 5), ("sf_us", 5, 5)]
    assert rows(warehouse, f"""
        select opportunity_id, account_id, owner_user_id, source_relation from core.fct_opportunities
        where opportunity_id in ('sf_us:{O1}', 'sf_eu:{O1}') order by 1""") == [
        (f"sf_eu:{O1}", "sf_eu:0018d000002Acm1AAC", "sf_eu:0058d000001Rp1QAAS", "sf_eu"),
        (f"sf_us:{O1}", "sf_us:0018d000002Acm1AAC", "sf_us:0058d000001Rp1QAAS", "sf_us"),
    ]
    # each deal's account and owner are its own org's: every reference resolves
    assert rows(warehouse, """
        select count(*) from core.fct_opportunities as deals
        left join core.dim_accounts as accounts on accounts.account_id = deals.account_id
        where accounts.account_id is null or accounts.source_relation <> deals.source_relation""") == [(0,)]
    assert rows(warehouse, "select count(*) from audit.dq_quarantine") == [(0,)]


def test_bookings_are_the_sum_of_both_orgs(warehouse):
    # won: O1 12,000 USD + O2 10,000 EUR at 1.10 = 23,000 USD in the US org, doubled in
    # the EU org: 46,000; together 69,000
    assert rows(warehouse, """
        select source_relation, sum(amount_reporting) from core.fct_opportunities
        where is_won group by 1 order by 1""") == [("sf_eu", Decimal("46000")), ("sf_us", Decimal("23000"))]
    assert rows(warehouse, "select sum(amount_reporting) from core.fct_opportunities where is_won") == [
        (Decimal("69000"),)]


def test_accounts_of_both_orgs_and_both_stripe_accounts(warehouse):
    # four accounts per org (A1-A4; A5 is deleted and named by none); Stripe customers
    # name unprefixed CRM ids and share domains with both orgs' accounts, so none
    # matches and each is an account of its own: cus_C and cus_D per Stripe account,
    # plus cus_A and cus_B (acme.com and beta.de are in both orgs)
    assert rows(warehouse, "select source_relation, count(*) from core.dim_accounts group by 1 order by 1") == [
        ("sf_eu", 4), ("sf_us", 4), ("stripe_eu", 5), ("stripe_us", 5)]


def test_mrr_is_the_sum_of_both_stripe_accounts(warehouse):
    # June 2024 in one account: sub_A 325 + sub_C 108.333333 + sub_D 210 = 643.333333
    # (test_source_stripe.py); the EU account's prices are doubled: 1,286.666667
    assert rows(warehouse, """
        select accounts.source_relation, round(sum(monthly.mrr), 6) from core.fct_mrr_monthly as monthly
        inner join core.dim_accounts as accounts on accounts.account_id = monthly.account_id
        where monthly.month_start = date '2024-06-01' group by 1 order by 1""") == [
        ("stripe_eu", Decimal("1286.666667")), ("stripe_us", Decimal("643.333333"))]
    # per customer: cus_A 325 / 650, cus_C 108.333333 / 216.666667, cus_D 210 / 420
    assert rows(warehouse, """
        select account_id, round(mrr, 6) from core.fct_mrr_monthly
        where month_start = date '2024-06-01' and account_id like '%cus\\_A' escape '\\' order by 1""") == [
        ("stripe_eu:cus_A", Decimal("650.000000")), ("stripe_us:cus_A", Decimal("325.000000"))]
    assert rows(warehouse, "select round(sum(mrr), 6) from core.fct_mrr_monthly "
                           "where month_start = date '2024-06-01'") == [(Decimal("1930.000000"),)]
    assert rows(warehouse, "select invoice_id, source_relation from core.fct_invoices "
                           "where invoice_id like '%:in\\_1' escape '\\' order by 1") == [
        ("stripe_eu:in_1", "stripe_eu"), ("stripe_us:in_1", "stripe_us")]


def test_hubspot_portals_union_with_their_custom_fields(hubspot_warehouse):
    deals = rows(hubspot_warehouse, """
        select source_relation, count(*), count(distinct opportunity_id), sum(amount) filter (where is_won)
        from core.fct_opportunities group by 1 order by 1""")
    # six live, unmerged deals per portal (5001-5006); stage ids are shared (closedwon,
    # 2222002), so the won ones resolve in both: 5001 12,000 USD + 5002 10,000 EUR + 5005
    # 5,000 USD = 27,000 in deal currency, doubled in hs_b
    assert deals == [("hs_a", 6, 6, Decimal("27000")), ("hs_b", 6, 6, Decimal("54000"))]
    assert rows(hubspot_warehouse, """
        select account_id, segment, portal, source_relation from core.dim_accounts
        where account_id in ('hs_a:1001', 'hs_b:1001') order by 1""") == [
        ("hs_a:1001", "customer", 4242, "hs_a"), ("hs_b:1001", "customer", 4242, "hs_b")]
    assert rows(hubspot_warehouse, """
        select opportunity_id, account_id, hubspot_probability from core.fct_opportunities
        where opportunity_id in ('hs_a:5001', 'hs_b:5001') order by 1""") == [
        ("hs_a:5001", "hs_a:1001", Decimal("1")), ("hs_b:5001", "hs_b:1001", Decimal("1"))]
