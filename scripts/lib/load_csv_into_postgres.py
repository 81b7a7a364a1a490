"""Load folders of CSV files into Postgres schemas, every column as text, one table per
file: `python load_csv_into_postgres.py SCHEMA=FOLDER ...`. The connection comes from
the REVOPS_PG_* variables of profiles.yml. scripts/test-postgres uses it to put the
source-system fixtures where an ELT tool would."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import psycopg2
from psycopg2 import sql


def connect():
    return psycopg2.connect(
        host=os.environ.get("REVOPS_PG_HOST", "localhost"),
        port=int(os.environ.get("REVOPS_PG_PORT", "5432")),
        user=os.environ.get("REVOPS_PG_USER", "postgres"),
        password=os.environ.get("REVOPS_PG_PASSWORD", ""),
        dbname=os.environ.get("REVOPS_PG_DATABASE", "revops"),
    )


def load(connection, schema: str, folder: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
        cursor.execute(sql.SQL("create schema {}").format(sql.Identifier(schema)))
        for path in sorted(folder.glob("*.csv")):
            with path.open(newline="") as handle:
                header = next(csv.reader(handle))
            table = sql.Identifier(schema, path.stem)
            cursor.execute(sql.SQL("create table {} ({})").format(
                table, sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(name)) for name in header)))
            with path.open() as handle:
                cursor.copy_expert(sql.SQL("copy {} from stdin with (format csv, header true)").format(table), handle)
    connection.commit()


def main(pairs: list[str]) -> None:
    connection = connect()
    try:
        for pair in pairs:
            schema, _, folder = pair.partition("=")
            load(connection, schema, Path(folder))
    finally:
        connection.close()


if __name__ == "__main__":
    main(sys.argv[1:])
