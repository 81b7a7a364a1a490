"""Write every table of a DuckDB landing file as Parquet, `OUT/<schema>/<table>/data.parquet`
(a folder per table, as Spark lays tables out),
so another engine can read the same landing with its own readers (scripts/test-spark
registers them with the `spark_register_parquet_tables` operation).

    python scripts/lib/landing_to_parquet.py LANDING.duckdb OUT
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from revops.landing import sql_string


def main(landing: str, out: str) -> int:
    with duckdb.connect(landing, read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_catalog = current_database() and table_type = 'BASE TABLE' order by all").fetchall()
        for schema, table in tables:
            folder = Path(out) / schema / table
            folder.mkdir(parents=True, exist_ok=True)
            connection.execute(f'copy "{schema}"."{table}" to {sql_string(str(folder / "data.parquet"))} (format parquet)')
    print(f"wrote {len(tables)} tables of {landing} to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
