"""`dbt source freshness` on a Fivetran landing: every source system's tables declare
`loaded_at_field: _fivetran_synced` with a freshness (warn after a day, error after
three), so the command works on what Fivetran writes. `revops build` never runs it."""

from __future__ import annotations

import duckdb
import pytest
import yaml

from revops.build import BuildOptions
from revops.dbt_invocation import invoke_dbt

from conftest import land_like_an_elt_tool

pytestmark = pytest.mark.slow  # runs dbt


def _stamp_synced(raw, hours_ago: int) -> None:
    """Fivetran's `_fivetran_synced` on every row (the Stripe fixtures lack it), `hours_ago`."""
    with duckdb.connect(str(raw)) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in ('salesforce', 'hubspot', 'stripe')").fetchall()
        for schema, table in tables:
            columns = {row[0] for row in connection.execute(f'describe "{schema}"."{table}"').fetchall()}
            if "_fivetran_synced" not in columns:
                connection.execute(f'alter table "{schema}"."{table}" add column _fivetran_synced timestamp')
            connection.execute(
                f'update "{schema}"."{table}" set _fivetran_synced = now() - interval {hours_ago} hour')


# Stripe's optional tables, which the ELT-shaped landing does not hold
STRIPE_OPTIONAL_NOT_LANDED = ("subscription_history", "discount", "coupon")


# a source is enabled only when its system is selected, so each run checks one CRM and Stripe
@pytest.mark.parametrize("crm, hours_ago, status, passed", [
    ("salesforce", 2, "pass", True), ("salesforce", 30, "warn", True), ("salesforce", 80, "error", False),
    ("hubspot", 2, "pass", True),
])
def test_source_freshness_reads_fivetran_synced(project, tmp_path, crm, hours_ago, status, passed):
    raw = land_like_an_elt_tool(tmp_path / "landed.duckdb", crm, "stripe", "contract")
    _stamp_synced(raw, hours_ago)
    options = BuildOptions(warehouse=tmp_path / "w.duckdb", raw_database=raw, crm_source=crm,
                           billing_source="stripe")
    outcome = invoke_dbt(
        project,
        # the landing has no history-mode schema and none of Stripe's optional tables
        ["source", "freshness", "--select", f"source:{crm}", "source:stripe",
         "--exclude", *(f"source:stripe.{table}" for table in STRIPE_OPTIONAL_NOT_LANDED)],
        warehouse=options.warehouse, dbt_vars=options.dbt_vars())
    assert outcome.error is None or not passed, outcome.error
    assert outcome.success is passed, outcome
    sources = sum(len(source["tables"]) for system in (crm, "stripe")
                  for source in yaml.safe_load(
                      (project.root / f"models/staging/{system}/_{system}__sources.yml").read_text())["sources"]
                  if source["name"] == system) - len(STRIPE_OPTIONAL_NOT_LANDED)
    counts = {key: value for key, value in outcome.counts.items() if key not in ("success",)}
    assert counts == {status: sources}, outcome.counts
