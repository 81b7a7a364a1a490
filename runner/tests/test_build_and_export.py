"""End to end: raw files -> dbt build -> published warehouse -> exports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import published_copy
from revops.build import BuildOptions, build_warehouse
from revops.cli import main
from revops.errors import BadUsage, BuildFailed, ExitCode, WarehouseBusy
from revops.export import export_models


def query(warehouse: Path, sql: str):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.slow
def test_build_from_a_folder_of_files_and_export(project, tiny_company, tmp_path):
    warehouse = tmp_path / "wh" / "revops.duckdb"
    result = CliRunner().invoke(main, ["build", "--data", str(tiny_company), "--warehouse", str(warehouse), "--quiet"])
    assert result.exit_code == 0, result.output
    assert warehouse.is_file()
    # nothing is left behind from the build but the published file and its lock
    assert sorted(p.name for p in warehouse.parent.iterdir() if not p.name.startswith(".")) == ["revops.duckdb"]

    # 1,200 EUR a year = 100 EUR a month = 110 USD at 1.10; February is the first month
    assert query(warehouse, "select month_start, mrr, movement_type from core.fct_mrr_monthly order by month_start limit 1") == [
        (date(2024, 2, 1), Decimal("110.000000"), "new")
    ]
    # a missing segment is 'unknown'; a timestamp with an offset is converted to UTC
    assert query(warehouse, "select segment from core.dim_accounts where account_id = 'A2'") == [("unknown",)]
    assert str(query(warehouse, "select created_at from core.fct_opportunities")[0][0]) == "2024-01-10 08:00:00"
    # the as-of date is the latest event (the payment date), not the clock
    assert str(query(warehouse, "select as_of_date from core.dim_reporting_context")[0][0]) == "2024-03-01"

    out = tmp_path / "exports"
    result = CliRunner().invoke(main, ["export", "--warehouse", str(warehouse), "--out", str(out), "-m", "fct_opportunities", "-m", "dim_accounts"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md", "dim_accounts.csv", "dim_accounts.parquet", "fct_opportunities.csv", "fct_opportunities.parquet",
    ]
    assert query(warehouse, "select count(*) from core.dim_accounts")[0][0] == 2
    with duckdb.connect() as connection:
        assert connection.execute(f"select count(*) from read_parquet('{out}/dim_accounts.parquet')").fetchall() == [(2,)]


@pytest.mark.slow
def test_export_rejects_an_unknown_model(tiny_warehouse, tmp_path):
    warehouse = tiny_warehouse
    result = CliRunner().invoke(main, ["export", "--warehouse", str(warehouse), "--out", str(tmp_path / "x"), "-m", "dim_acounts; drop table x"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "no such model to export" in result.output


@pytest.mark.slow
def test_a_failed_build_leaves_the_published_warehouse_unchanged(project, tiny_company, tiny_warehouse, tmp_path):
    warehouse = published_copy(tiny_warehouse, tmp_path)  # tiny_company, built and published
    before = warehouse.read_bytes()
    # a duplicate account id: one of three rows quarantined is over the 1% tolerance
    (tiny_company / "accounts.csv").write_text(
        "account_id,account_name,created_at\nA1,Acme,2024-01-05\nA1,Acme again,2024-01-06\nA2,Beta,2024-02-01\n"
    )
    with pytest.raises(BuildFailed) as failure:
        build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tiny_company))
    assert failure.value.details[0] == "too many rows broke the input contract"
    assert "quarantined: 1 accounts row, account_id: duplicate key (lines 3 of accounts.csv)" in failure.value.details
    assert warehouse.read_bytes() == before
    # the failed build is kept for inspection, and the message says where
    failed = tmp_path / ".revops.building" / "revops.duckdb"
    assert (f"the failed build is at {failed}; open it read-only to inspect (duckdb -readonly {failed}); "
            "it is removed by the next build") in failure.value.details
    assert query(failed, "select count(*) from audit.dq_quarantine") == [(1,)]
    # ...until the next build
    (tiny_company / "accounts.csv").write_text(
        "account_id,account_name,created_at\nA1,Acme,2024-01-05\nA2,Beta,2024-02-01\n"
    )
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tiny_company))
    assert not failed.parent.exists()


def test_a_second_build_of_the_same_warehouse_is_refused_while_one_runs(project, tiny_company, tmp_path):
    import fcntl

    warehouse = tmp_path / "revops.duckdb"
    lock = tmp_path / ".revops.duckdb.lock"
    with open(lock, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(WarehouseBusy):
            build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tiny_company))
    assert not warehouse.exists()


@pytest.mark.slow
def test_demo_build_is_queryable_read_only_and_exports_every_mart(demo_warehouse, tmp_path):
    # another process could open it read-only: so can we, with the plain DuckDB client
    counts = dict(query(demo_warehouse, """
        select 'accounts', count(*) from core.dim_accounts
        union all select 'opportunities', count(*) from core.fct_opportunities
        union all select 'invoices', count(*) from core.fct_invoices
    """))
    assert counts["accounts"] >= 300
    assert counts["opportunities"] >= 1000
    assert counts["invoices"] >= 1000
    files = export_models(demo_warehouse, tmp_path / "exports", formats=("parquet",))
    exported = {file.model for file in files}
    assert {"dim_accounts", "fct_opportunities", "fct_invoices", "fct_mrr_monthly"} <= exported


@pytest.mark.slow
def test_the_demo_as_files_gives_the_same_warehouse_as_the_demo_as_seeds(project, demo_warehouse, tmp_path):
    # the demo CSVs are in the input contract: read by DuckDB's readers (the path users'
    # files take) they must give exactly what `dbt seed` gives
    from_files = tmp_path / "revops.duckdb"
    build_warehouse(project, BuildOptions(warehouse=from_files, data_dir=project.demo_data))
    for model in ("dim_accounts", "fct_opportunities", "fct_opportunity_history", "fct_mrr_monthly",
                  "fct_invoices", "fct_payments", "fct_leads", "fct_forecasts"):
        sql = f"select * from core.{model} order by all"
        assert query(from_files, sql) == query(demo_warehouse, sql), model


@pytest.mark.slow
def test_build_from_parquet_files(project, tiny_company, tmp_path):
    # the same tiny company as Parquet (typed columns, not text): the same numbers
    parquet = tmp_path / "parquet"
    parquet.mkdir()
    with duckdb.connect() as connection:
        for csv_file in tiny_company.glob("*.csv"):
            connection.execute(
                f"copy (select * from read_csv('{csv_file}', header = true)) to '{parquet / csv_file.stem}.parquet' (format parquet)"
            )
    warehouse = tmp_path / "revops.duckdb"
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=parquet))
    assert query(warehouse, "select month_start, mrr from core.fct_mrr_monthly order by month_start limit 1") == [
        (date(2024, 2, 1), Decimal("110.000000"))
    ]
    assert query(warehouse, "select count(*) from core.dim_accounts") == [(2,)]


@pytest.mark.slow
def test_export_refuses_a_file_as_its_folder(tiny_warehouse, tmp_path):
    warehouse = tiny_warehouse
    (tmp_path / "not_a_folder").write_text("x")
    result = CliRunner().invoke(main, ["export", "--warehouse", str(warehouse), "--out", str(tmp_path / "not_a_folder")])
    assert result.exit_code == ExitCode.USAGE
    assert "is a file" in result.output
    with pytest.raises(BadUsage, match="is a file, not a folder"):
        export_models(warehouse, tmp_path / "not_a_folder")


@pytest.mark.slow
def test_build_from_tables_in_another_duckdb_schema(project, tiny_company, tmp_path):
    # contract tables a loader wrote into schema `crm` of its own DuckDB file
    raw = tmp_path / "loads.duckdb"
    with duckdb.connect(str(raw)) as connection:
        connection.execute("create schema crm")
        for csv_file in tiny_company.glob("*.csv"):
            connection.execute(f"create table crm.{csv_file.stem} as select * from read_csv('{csv_file}', header = true)")
    warehouse = tmp_path / "revops.duckdb"
    result = CliRunner().invoke(main, ["build", "--quiet", "--warehouse", str(warehouse),
                                       "--raw-database", str(raw), "--raw-schema", "crm"])
    assert result.exit_code == 0, result.output
    assert query(warehouse, "select month_start, mrr from core.fct_mrr_monthly order by month_start limit 1") == [
        (date(2024, 2, 1), Decimal("110.000000"))
    ]


def test_export_writes_the_audit_tables(tmp_path):
    # the rows kept out of the conformed tables, and how billing customers matched
    warehouse = tmp_path / "revops.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        for schema in ("core", "audit"):
            connection.execute(f"create schema {schema}")
        connection.execute("create table core.dim_accounts as select 'A1' as account_id")
        connection.execute("create table audit.dq_quarantine as select 'accounts' as table_name, 4 as source_line,"
                           " 'duplicate key' as reason")
        connection.execute("create table audit.billing_customer_matches as select 'cus_1' as customer_id,"
                           " 'A1' as account_id")
    files = export_models(warehouse, tmp_path / "out", formats=("csv",))
    assert sorted((file.model, file.rows) for file in files if file.model) == [
        ("billing_customer_matches", 1), ("dim_accounts", 1), ("dq_quarantine", 1)]
    assert files[-1].path.name == "README.md"  # and the README every export has
    assert (tmp_path / "out" / "dq_quarantine.csv").read_text() == "table_name,source_line,reason\naccounts,4,duplicate key\n"


@pytest.mark.slow
def test_the_memory_limit_reaches_duckdb(project, tiny_company, tiny_warehouse, tmp_path):
    # a limit too small for anything: the build fails in DuckDB, says which option to
    # raise, and the published warehouse stays as it was
    warehouse = published_copy(tiny_warehouse, tmp_path)
    published = warehouse.read_bytes()
    with pytest.raises(BuildFailed) as failed:
        build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tiny_company, memory_limit="1MB"))
    assert "Out of Memory Error" in "\n".join(failed.value.details)
    assert "DuckDB ran out of memory: raise --memory-limit (it was 1MB), or build with --threads 1" \
        in failed.value.details
    assert warehouse.read_bytes() == published
