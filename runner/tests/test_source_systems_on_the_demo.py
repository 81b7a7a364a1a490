"""The demo company through Salesforce and Stripe. `revops demo --elt-landing` reshapes
the demo into the tables Fivetran would land; the build from them must give the same
KPIs as the build from the contract files, in every period, for every owner, team and
segment. The exceptions are what the systems themselves do not hold, named below."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from revops.build import BuildOptions, build_warehouse
from revops.demo.elt_landing import land_demo_as_elt

pytestmark = pytest.mark.slow  # every test here reads a dbt build

EXPECTED_TO_DIFFER = {
    # Stripe keeps one priced period per subscription (its current price), so the MRR
    # history of upgrades and downgrades, and everything built on it, is not there
    "mrr", "arr", "arpa", "recurring_revenue", "net_new_mrr", "net_new_arr", "expansion_arr",
    "upsell_mrr", "upsell_rate", "quick_ratio", "gross_mrr_churn_rate", "gross_revenue_retention",
    "gross_revenue_retention_t12m", "net_revenue_retention", "net_revenue_retention_t12m",
    "dollar_renewal_rate", "customer_lifetime_value",
    # Salesforce has no target-account flag
    "target_account_engagement_rate", "touches_per_target_account",
}
# Salesforce has no region field either: compare the rows over every region
SCORECARD = """
    select metric_name, period_type, period_label, owner_user_id, team, segment, round(value, 6)
    from kpis.kpi_scorecard where region = 'all'"""


@pytest.fixture(scope="module")
def systems_warehouse(project, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo_as_systems")
    landing = folder / "fivetran.duckdb"
    land_demo_as_elt(project.demo_data, landing)
    options = BuildOptions(warehouse=folder / "revops.duckdb", raw_database=landing,
                           crm_source="salesforce", billing_source="stripe")
    return build_warehouse(project, options).warehouse


def scorecard(warehouse: Path) -> dict[tuple, float | None]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {row[:-1]: row[-1] for row in connection.execute(SCORECARD).fetchall()}


def test_every_kpi_the_systems_hold_is_the_same_as_from_the_contract_files(demo_warehouse, systems_warehouse):
    from_files, from_systems = scorecard(demo_warehouse), scorecard(systems_warehouse)
    assert {key[0] for key in from_files} == {key[0] for key in from_systems}
    compared = [key for key in from_files.keys() | from_systems.keys() if key[0] not in EXPECTED_TO_DIFFER]
    differ = sorted((key, from_files.get(key), from_systems.get(key)) for key in compared
                    if from_files.get(key) != from_systems.get(key))
    assert not differ, f"{len(differ)} of {len(compared)} scorecard rows differ, e.g. {differ[:5]}"
    # 55 KPIs in about 31,700 rows: sales, marketing, billing and payments, quotas, forecasts
    assert len({key[0] for key in compared}) == 55 and len(compared) > 30_000


def test_every_customer_is_matched_and_no_row_quarantined(systems_warehouse):
    with duckdb.connect(str(systems_warehouse), read_only=True) as connection:
        assert connection.execute("select count(*), count(*) filter (where matched_by = 'metadata') "
                                  "from audit.billing_customer_matches").fetchall() == [(254, 254)]
        assert connection.execute("select count(*) from audit.dq_quarantine").fetchall() == [(0,)]
