"""A failed data test is said in the user's words: the table, how many rows, the first
of them and what to do (test_failures.explain), without dbt's generated name."""

from __future__ import annotations

import duckdb
import pytest

from conftest import published_copy
from revops.dbt_invocation import invoke_dbt
from revops.test_failures import FailedTest, explain


@pytest.fixture
def database():
    connection = duckdb.connect()
    connection.execute("create schema core")
    connection.execute("create table core.fct_opportunities (opportunity_id varchar, account_id varchar, amount int)")
    connection.execute("insert into core.fct_opportunities values ('O1', 'A1', 10), ('O2', null, -5), ('O3', null, 7)")
    yield connection
    connection.close()


def test_not_null_names_the_table_the_count_and_the_first_rows(database):
    lines = explain(FailedTest(name="not_null_fct_opportunities_account_id", path="models/x.yml", failing_rows=2,
                               test_name="not_null", model="fct_opportunities", column="account_id"), database)
    assert lines[0] == "fct_opportunities: 2 rows with no account_id"
    assert lines[1:3] == ["    first: opportunity_id='O2', account_id=None, amount=-5",
                          "    first: opportunity_id='O3', account_id=None, amount=7"]
    assert lines[3].startswith("    what to do: the contract checks should have caught this row")
    assert not any("not_null_fct_opportunities_account_id" in line for line in lines)


def test_not_null_columns_names_each_column_with_its_count_and_the_first_rows(database):
    # the model-level test that stands for several not_null ones: dbt counts 3 NULLs
    database.execute("update core.fct_opportunities set amount = null where opportunity_id = 'O1'")
    lines = explain(FailedTest(name="not_null_columns_fct_opportunities_x", path="models/x.yml", failing_rows=3,
                               test_name="not_null_columns", model="fct_opportunities",
                               kwargs={"column_names": ["opportunity_id", "account_id", "amount"]}), database)
    assert lines[0] == "fct_opportunities: 2 rows with no account_id, 1 row with no amount"
    assert lines[1:4] == ["    first: opportunity_id='O1', account_id='A1', amount=None",
                          "    first: opportunity_id='O2', account_id=None, amount=-5",
                          "    first: opportunity_id='O3', account_id=None, amount=7"]
    assert lines[4].startswith("    what to do: the contract checks should have caught this row")
    # without the database, the count dbt made and the columns checked
    assert explain(FailedTest(name="x", path="", failing_rows=1, test_name="not_null_columns", model="fct_opportunities",
                              kwargs={"column_names": ["account_id", "amount"]}))[0] == \
        "fct_opportunities: 1 missing value in account_id, amount"


def test_a_rule_shows_the_rows_that_break_it(database):
    lines = explain(FailedTest(name="expression_is_true_x", path="", failing_rows=1, test_name="expression_is_true",
                               model="fct_opportunities", kwargs={"expression": "amount >= 0"}), database)
    assert lines[:2] == ["fct_opportunities: 1 row breaks the rule `amount >= 0`",
                         "    first: opportunity_id='O2', account_id=None, amount=-5"]


def test_a_reference_names_the_table_it_points_at():
    lines = explain(FailedTest(name="relationships_x", path="", failing_rows=3, test_name="relationships",
                               model="stg_contract__leads", column="converted_account_id",
                               kwargs={"to": "ref('stg_contract__accounts')", "field": "account_id"}))
    assert lines[0] == "stg_contract__leads: 3 rows whose converted_account_id matches no row of stg_contract__accounts"


def test_a_singular_test_shows_what_it_returned(database):
    lines = explain(FailedTest(name="quarantine_within_tolerance", path="tests/q.sql", failing_rows=1,
                               compiled_sql="select 'opportunities' as table_name, 2 as raw_rows, 1 as quarantined_rows"),
                    database)
    assert lines[0] == "too many rows broke the input contract"
    assert lines[1] == "    table_name=opportunities, raw_rows=2, quarantined_rows=1"
    assert "--max-quarantined-share" in lines[2]


@pytest.mark.slow
def test_not_null_columns_fails_on_each_null_and_counts_them(project, tiny_warehouse, tmp_path):
    # the model-level test for several columns, run by dbt on a copy of a built warehouse
    # where two accounts lose their segment and one its region: 3 NULLs, 2 columns
    warehouse = published_copy(tiny_warehouse, tmp_path)
    selection = ["--select", "dim_accounts,test_name:not_null_columns"]
    passed = invoke_dbt(project, ["test", *selection], warehouse=warehouse)
    assert passed.success and passed.tally[("test", "pass")] == 1
    with duckdb.connect(str(warehouse)) as connection:
        assert connection.execute("select count(*) from core.dim_accounts").fetchone()[0] >= 2
        connection.execute("update core.dim_accounts set segment = null where account_id in "
                           "(select account_id from core.dim_accounts order by account_id limit 2)")
        connection.execute("update core.dim_accounts set region = null where account_id = "
                           "(select min(account_id) from core.dim_accounts)")
    failed = invoke_dbt(project, ["test", *selection], warehouse=warehouse)
    assert not failed.success
    [failure] = failed.failures
    assert (failure.test_name, failure.model, failure.failing_rows) == ("not_null_columns", "dim_accounts", 3)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        lines = explain(FailedTest(name=failure.name, path=failure.path, failing_rows=failure.failing_rows,
                                   test_name=failure.test_name, model=failure.model, kwargs=failure.kwargs),
                        connection)
    assert lines[0] == "dim_accounts: 2 rows with no segment, 1 row with no region"
