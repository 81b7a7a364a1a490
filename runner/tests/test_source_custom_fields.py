"""Custom fields: field maps (a contract column read from another source column) and
passthrough columns (extra source columns carried to the conformed tables), on
Salesforce and Stripe in one build (HubSpot's are in test_source_connections.py, on
its two-connection build), plus the refusals of bad values (no build).

The build: the Salesforce and Stripe fixtures (fixtures/source_systems/), with two
custom columns added the way an org has them: account.customer_tier__c (Acme Corp
'Strategic', the others empty) and customer.tier (cus_C 'Startup').
  salesforce_field_map  segment <- Customer_Tier__c (mixed case: names are matched as
                        loaders land them, lower case), region <- billing_state,
                        amount <- expected_revenue, lost_reason <- nothing (NULL)
  stripe_field_map      segment <- Tier
  passthroughs          account billing_city, number_of_employees as employees
                        (integer); opportunity last_modified_date as sf_modified_at
                        (timestamp); customer email as billing_email; subscription
                        cancellation_details_reason as stripe_cancellation; invoice
                        due_date as stripe_due (timestamp)
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import land_like_an_elt_tool
from revops.build import BuildOptions, build_warehouse
from revops.cli import main
from revops.options import Invalid, check_variables
from test_options import compile_inline

A1, A2, A3, A4 = "0018d000002Acm1AAC", "0018d000002Bta2AAC", "0018d000002Acm3AAC", "0018d000002Del4AAC"
O1, O2, O3, O4, O5 = (f"0068d000003Op{n}AAC" for n in range(1, 6))

CUSTOM_FIELDS = {
    "salesforce_field_map": {"segment": "Customer_Tier__c", "region": "billing_state",
                             "amount": "expected_revenue", "lost_reason": None},
    "salesforce_account_passthrough_columns": [
        "billing_city", {"name": "number_of_employees", "alias": "employees", "transform": "integer"}],
    "salesforce_opportunity_passthrough_columns": [
        {"name": "last_modified_date", "alias": "sf_modified_at", "transform": "timestamp"}],
    "stripe_field_map": {"segment": "Tier"},
    "stripe_customer_passthrough_columns": [{"name": "email", "alias": "billing_email"}],
    "stripe_subscription_passthrough_columns": [{"name": "cancellation_details_reason", "alias": "stripe_cancellation"}],
    "stripe_invoice_passthrough_columns": [{"name": "due_date", "alias": "stripe_due", "transform": "timestamp"}],
    "billing_account_id_metadata_key": "salesforce_account_id",
}


def land_with_custom_columns(path: Path) -> Path:
    raw = land_like_an_elt_tool(path, "salesforce", "stripe", "contract")
    with duckdb.connect(str(raw)) as connection:
        connection.execute("alter table salesforce.account add column customer_tier__c varchar")
        connection.execute(f"update salesforce.account set customer_tier__c = 'Strategic' where id = '{A1}'")
        connection.execute("alter table stripe.customer add column tier varchar")
        connection.execute("update stripe.customer set tier = 'Startup' where id = 'cus_C'")
    return raw


@pytest.fixture(scope="module")
def warehouse(project, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("custom_fields")
    raw = land_with_custom_columns(folder / "landed.duckdb")
    built = folder / "revops.duckdb"
    build_warehouse(project, BuildOptions(
        warehouse=built, raw_database=raw, crm_source="salesforce", billing_source="stripe",
        as_of=date(2024, 6, 30), extra_vars=CUSTOM_FIELDS))
    return built


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.slow
def test_salesforce_and_stripe_field_maps_and_passthroughs_reach_dim_accounts(warehouse):
    assert rows(warehouse, """
        select account_id, segment, region, source_relation, billing_city, employees, billing_email
        from core.dim_accounts order by account_id""") == [
        # segment from customer_tier__c, not segment__c ('Enterprise'); region from billing_state
        (A1, "strategic", "CA", "salesforce", "San Francisco", 1200, None),
        (A3, "unknown", "unknown", "salesforce", "Paris", 150, None),
        (A2, "unknown", "Berlin", "salesforce", "Berlin", 300, None),
        (A4, "unknown", "unknown", "salesforce", None, 10, None),
        # the customers matching no CRM account: Stripe's tier and email
        ("cus_C", "startup", "unknown", "stripe", None, None, "jo@gamma.dev"),
        ("cus_D", "unknown", "unknown", "stripe", None, None, "finance@shared.com"),
    ]
    # a passthrough is typed by its transform
    types = dict(rows(warehouse, "select column_name, data_type from information_schema.columns "
                                 "where table_schema = 'core' and table_name = 'dim_accounts'"))
    assert (types["employees"], types["billing_city"], types["source_relation"]) == ("BIGINT", "VARCHAR", "VARCHAR")


@pytest.mark.slow
def test_salesforce_amount_and_lost_reason_come_from_the_mapped_fields(warehouse):
    assert rows(warehouse, """
        select opportunity_id, amount, lost_reason, source_relation, sf_modified_at
        from core.fct_opportunities order by opportunity_id""") == [
        # amount is expected_revenue (amount: 12000, 10000, 8000, 20000, 5000)
        (O1, Decimal("12000"), None, "salesforce", datetime(2024, 3, 15, 16, 0)),
        (O2, Decimal("10000"), None, "salesforce", datetime(2024, 5, 20, 12, 0)),
        # lost_reason mapped to nothing: NULL, not loss_reason__c's 'price'
        (O3, Decimal("0"), None, "salesforce", datetime(2024, 4, 30, 15, 0)),
        (O4, None, None, "salesforce", datetime(2024, 6, 10, 9, 0)),
        (O5, Decimal("500"), None, "salesforce", datetime(2024, 5, 1, 9, 0)),
    ]
    # open pipeline in deal currency: O4 has no expected revenue, O5 500 EUR
    assert rows(warehouse, "select currency, sum(amount) from core.fct_opportunities "
                           "where not is_closed group by currency order by currency") == [
        ("EUR", Decimal("500")), ("USD", None)]


@pytest.mark.slow
def test_stripe_subscription_and_invoice_passthroughs_reach_their_facts(warehouse):
    assert rows(warehouse, """
        select subscription_id, source_relation, stripe_cancellation from core.fct_subscriptions
        order by subscription_id, period_start""") == [
        ("sub_A", "stripe", None), ("sub_B", "stripe", "payment_failed"),
        ("sub_C", "stripe", None), ("sub_D", "stripe", None)]
    assert rows(warehouse, "select invoice_id, stripe_due from core.fct_invoices "
                           "where invoice_id in ('in_1', 'in_2') order by invoice_id") == [
        ("in_1", datetime(2024, 6, 15, 8, 0)), ("in_2", datetime(2024, 1, 29, 9, 35))]


# Refusals: the runner's checks (no dbt), plain dbt's (a compile), and a mapped column
# the landed table does not have (a build that stops at the first model).

@pytest.mark.parametrize("variables, message", [
    ({"salesforce_field_map": {"segmnt": "customer_tier__c"}}, "(did you mean segment?)"),
    ({"hubspot_field_map": {"segment": "tier; drop table x"}}, "is not a column name"),
    ({"stripe_field_map": {"amount": "total"}}, "is not a column the stripe field map supports"),
    ({"salesforce_account_passthrough_columns": [{"name": "x", "transform": "cast(x as int)"}]},
     "is not one of text, integer, number, boolean, date, timestamp"),
    ({"stripe_invoice_passthrough_columns": [{"name": "total", "transform": "nmber"}]}, "(did you mean number?)"),
    ({"hubspot_deal_passthrough_columns": ['x" || y']}, "is not a plain column name"),
    ({"salesforce_opportunity_passthrough_columns": ["amount"]},
     "'amount' is already a column of contract table opportunities"),
    ({"salesforce_account_passthrough_columns": ["tier", {"name": "x", "alias": "tier"}]}, "'tier' is named twice"),
    ({"stripe_customer_passthrough_columns": ["source_relation"]}, "is source_relation"),
    ({"salesforce_schemas": ["sf_us", "sf_us"]}, "'sf_us' is listed twice"),
    ({"stripe_schemas": ["st_us", "st-eu"]}, "is not a schema or database.schema"),
])
def test_the_runner_refuses_bad_custom_fields(project, variables, message):
    with pytest.raises(Invalid) as error:
        check_variables(variables, project)
    assert message in str(error.value)


@pytest.mark.slow  # dbt compiles
@pytest.mark.parametrize("dbt_vars, message", [
    ({"salesforce_field_map": {"segmnt": "x"}}, "keyed by segment, region, industry, country, amount, lost_reason, "
                                                "source, not segmnt (did you mean segment?)"),
    ({"stripe_subscription_passthrough_columns": [{"name": "x", "transform": "x::int"}]},
     "transform x::int is not one of text, integer"),
    ({"hubspot_schemas": ["hubspot_us", "eu; drop"]}, "eu; drop is not"),
])
def test_plain_dbt_refuses_bad_custom_fields(project, tmp_path, dbt_vars, message):
    compiled, error = compile_inline(project, tmp_path, "select 1 as x", dbt_vars)
    assert compiled is None
    assert message in error


@pytest.mark.slow
def test_a_mapped_column_the_table_lacks_names_the_table_and_near_matches(project, tmp_path):
    raw = land_with_custom_columns(tmp_path / "landed.duckdb")
    result = CliRunner().invoke(main, [
        "build", "--warehouse", str(tmp_path / "revops.duckdb"), "--raw-database", str(raw),
        "--crm-source", "salesforce", "--var", "salesforce_field_map={segment: customer_teir__c}",
        "--as-of", "2024-06-30", "--quiet"])
    assert result.exit_code != 0
    assert "var salesforce_field_map.segment reads column 'customer_teir__c'" in result.output
    assert "has no such column: did you mean customer_tier__c" in result.output
