"""A published warehouse opens in BI tools however they name it: its views do not name
the catalog, so a renamed copy or `ATTACH ... AS wh` can read every one of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest


def _views(connection, catalog: str) -> list[tuple[str, str, str]]:
    return connection.execute(
        "select schema_name, view_name, sql from duckdb_views() where database_name = ? and not internal "
        "order by 1, 2", [catalog]).fetchall()


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@pytest.mark.slow
def test_every_view_reads_in_a_renamed_copy_and_under_another_catalog_name(demo_warehouse, tmp_path):
    renamed = tmp_path / "sales_copy.duckdb"
    shutil.copyfile(demo_warehouse, renamed)
    connection = duckdb.connect()
    try:
        # ATTACH takes no bound parameter: the path as a quoted string literal
        connection.execute(f"attach {_literal(demo_warehouse)} as wh (read_only)")
        connection.execute(f"attach {_literal(renamed)} as sales_copy (read_only)")
        for catalog in ("wh", "sales_copy"):
            views = _views(connection, catalog)
            # the intermediate layer is views (dbt_project.yml): a warehouse without
            # them would make this test pass for nothing
            assert {schema for schema, _, _ in views} == {"intermediate"}
            assert len(views) >= 5
            for schema, view, sql in views:
                assert '"revops".' not in sql, f"{schema}.{view} names the catalog revops"
                connection.execute(f'select count(*) from {catalog}."{schema}"."{view}"').fetchall()
    finally:
        connection.close()
