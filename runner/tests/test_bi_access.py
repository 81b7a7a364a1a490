"""A published warehouse opens in BI tools however they name it: its views do not name
the catalog, so a renamed copy or `ATTACH ... AS wh` can read every one of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from revops.dbt_invocation import invoke_dbt


def _views(connection, catalog: str) -> list[tuple[str, str, str]]:
    return connection.execute(
        "select schema_name, view_name, sql from duckdb_views() where database_name = ? and not internal "
        "order by 1, 2", [catalog]).fetchall()


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@pytest.mark.slow
def test_every_view_reads_in_a_renamed_copy_and_under_another_catalog_name(project, demo_warehouse, tmp_path):
    # Every model of the default build is a table, so the KPI frames are rebuilt as views
    # (kpi_frames_materialized) in a copy of the demo warehouse: without views this test
    # would pass for nothing.
    with_views = tmp_path / "revops.duckdb"
    shutil.copyfile(demo_warehouse, with_views)
    outcome = invoke_dbt(project, ["run", "--select", "path:models/intermediate/kpi_frames"],
                         warehouse=with_views, dbt_vars={"kpi_frames_materialized": "view"})
    assert outcome.success, outcome
    renamed = tmp_path / "sales_copy.duckdb"
    shutil.copyfile(with_views, renamed)
    connection = duckdb.connect()
    try:
        # ATTACH takes no bound parameter: the path as a quoted string literal
        connection.execute(f"attach {_literal(with_views)} as wh (read_only)")
        connection.execute(f"attach {_literal(renamed)} as sales_copy (read_only)")
        for catalog in ("wh", "sales_copy"):
            views = _views(connection, catalog)
            assert {schema for schema, _, _ in views} == {"intermediate"}
            assert len(views) >= 5
            for schema, view, sql in views:
                assert '"revops".' not in sql, f"{schema}.{view} names the catalog revops"
                connection.execute(f'select count(*) from {catalog}."{schema}"."{view}"').fetchall()
    finally:
        connection.close()


# A BI tool's reader, as Superset opens a DuckDB file: SQLAlchemy through duckdb-engine,
# read-only, with the tables reflected (what fails with SQLAlchemy 2.x). It reads, waits
# for a line on stdin (the rebuild), and reads again on the same connection.
SQLALCHEMY_READER = """
import sys
import sqlalchemy as sa
engine = sa.create_engine("duckdb:///" + sys.argv[1], connect_args={"read_only": True})
with engine.connect() as connection:
    def read():
        scorecard = sa.Table("kpi_scorecard", sa.MetaData(), schema="kpis", autoload_with=connection)
        win_rate = sa.Table("kpi_win_rate", sa.MetaData(), schema="kpis", autoload_with=connection)
        mrr = connection.execute(sa.select(scorecard.c.value).where(
            scorecard.c.metric_name == "mrr", scorecard.c.period_type == "month",
            scorecard.c.period_label == "2024-02", scorecard.c.segment == "all", scorecard.c.region == "all")).scalar_one()
        won, closed, rate = connection.execute(sa.select(win_rate.c.won_deals, win_rate.c.closed_deals, win_rate.c.win_rate).where(
            win_rate.c.period_type == "month", win_rate.c.period_label == "2024-01", win_rate.c.owner_user_id == "all",
            win_rate.c.team == "all", win_rate.c.segment == "all", win_rate.c.region == "all")).one()
        accounts = connection.execute(sa.text("select count(*) from core.dim_accounts")).scalar_one()
        tables = len(sa.inspect(connection).get_table_names(schema="kpis"))
        print(round(float(mrr), 6), won, closed, float(rate), accounts, tables > 20, flush=True)
    read()
    sys.stdin.readline()
    read()
"""


@pytest.mark.slow
def test_a_sqlalchemy_reader_reads_the_scorecard_and_a_kpi_model_while_a_rebuild_runs(
        project, tiny_company, tiny_warehouse, tmp_path):
    import subprocess
    import sys

    from conftest import published_copy
    from revops.build import BuildOptions, build_warehouse

    warehouse = published_copy(tiny_warehouse, tmp_path)
    reader = subprocess.Popen([sys.executable, "-c", SQLALCHEMY_READER, str(warehouse)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # tiny company: 1,200 EUR a year at 1.10 = 110 USD MRR from February 2024; one deal
    # closed in January 2024, won: win rate 1 of 1
    first = reader.stdout.readline().split()
    assert first == ["110.0", "1", "1", "1.0", "2", "True"], reader.stderr.read() if not first else first
    with (tiny_company / "accounts.csv").open("a") as accounts:
        accounts.write("A3,Gamma,2024-03-01T00:00:00Z,smb,NA\n")
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tiny_company))  # the reader stays open
    reader.stdin.write("\n")
    reader.stdin.flush()
    assert reader.stdout.readline().split() == first  # its snapshot, whole, through the rebuild
    assert reader.wait(timeout=60) == 0, reader.stderr.read()
    fresh = subprocess.run([sys.executable, "-c", SQLALCHEMY_READER, str(warehouse)], input="\n",
                           capture_output=True, text=True, timeout=120)
    assert fresh.stdout.split()[:6] == ["110.0", "1", "1", "1.0", "3", "True"], fresh.stderr


@pytest.mark.slow
def test_the_duckdb_shell_reads_the_warehouse_read_only(demo_warehouse):
    """The README's `duckdb -readonly` example, with the duckdb-cli of the bi extra: a
    query answers, and a write is refused."""
    import subprocess
    import sys

    shell = Path(sys.executable).with_name("duckdb")
    assert shell.is_file(), "the duckdb shell is not installed: pip install -e '.[bi]'"
    version = subprocess.run([str(shell), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith(f"v{duckdb.__version__}"), version
    expected = duckdb.connect(str(demo_warehouse), read_only=True).execute(
        "select count(*) from kpis.kpi_scorecard where metric_name = 'win_rate'").fetchall()[0][0]
    assert expected > 0
    answer = subprocess.run(
        [str(shell), "-readonly", "-csv", "-noheader", str(demo_warehouse),
         "-c", "select count(*) from kpis.kpi_scorecard where metric_name = 'win_rate'"],
        capture_output=True, text=True, timeout=120)
    assert answer.returncode == 0 and answer.stdout.strip() == str(expected), answer.stderr
    write = subprocess.run([str(shell), "-readonly", str(demo_warehouse), "-c", "create table kpis.x as select 1"],
                           capture_output=True, text=True, timeout=120)
    assert write.returncode != 0 and "read-only" in write.stderr, write.stdout + write.stderr
