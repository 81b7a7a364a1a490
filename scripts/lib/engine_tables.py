"""The same build on several engines must give the same numbers: dump the scorecard,
every KPI table and the conformed tables of a build, then compare the dumps row by row.

    python scripts/lib/engine_tables.py dump duckdb WAREHOUSE.duckdb OUT
    python scripts/lib/engine_tables.py dump postgres profile OUT   (REVOPS_PG_*, as profiles.yml)
    python scripts/lib/engine_tables.py dump spark SPARK_WAREHOUSE_DIR OUT
    python scripts/lib/engine_tables.py compare DIR DIR [DIR ...]

A dump is one CSV per table (`<schema>.<table>.csv`) of the schemas `kpis` and `core`
(`--schemas kpis,core,audit` adds the quarantine and the other audit tables).
`compare` puts each table's rows in order and compares them cell by cell: numbers agree
when they differ by at most 1e-9 relative (so money agrees to the cent below ten
million, and ratios to 1e-9), other values after spelling is made alike (true/t,
`2024-01-01 00:00:00+00`/`2024-01-01`). One thing is each engine's own words: why its
CSV reader could not parse a line (the quarantine's reason for `_source_text`); the
line, file and text must still agree. It exits 1 and names every difference: a
difference is a bug to fix, not a tolerance to widen.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from pathlib import Path

from revops.landing import sql_string

SCHEMAS = ("kpis", "core")
# the quarantine's reason for a line the CSV reader could not parse is the reader's
READER_WORDED = ("audit.dq_quarantine.csv", "column_name", "_source_text", "reason")
RELATIVE_TOLERANCE = 1e-9
CENT = 0.005  # never looser than half a cent, whatever the size of the amount
_MAX_REPORTED = 20


def dump_duckdb(warehouse: str, out: Path, schemas: tuple[str, ...]) -> list[str]:
    import duckdb

    with duckdb.connect(warehouse, read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in (select unnest(?)) and table_type = 'BASE TABLE' order by all",
            [list(schemas)],
        ).fetchall()
        for schema, table in tables:
            connection.execute(f'copy (select * from "{schema}"."{table}") to '
                               f'{sql_string(str(out / f"{schema}.{table}.csv"))} (format csv, header)')
    return [f"{schema}.{table}" for schema, table in tables]


def dump_spark(warehouse_dir: str, out: Path, schemas: tuple[str, ...]) -> list[str]:
    """Spark's tables are parquet folders (`<schema>.db/<table>/`): DuckDB reads them."""
    import duckdb

    names = []
    with duckdb.connect() as connection:
        for schema in schemas:
            for folder in sorted((Path(warehouse_dir) / f"{schema}.db").glob("*")):
                if not folder.is_dir() or not any(folder.glob("*.parquet")):
                    continue
                connection.execute(f"copy (select * from read_parquet({sql_string(str(folder / '*.parquet'))}))"
                                   f" to {sql_string(str(out / f'{schema}.{folder.name}.csv'))} (format csv, header)")
                names.append(f"{schema}.{folder.name}")
    return names


def dump_postgres(source: str, out: Path, schemas: tuple[str, ...]) -> list[str]:
    """source `profile`: the connection profiles.yml's postgres target makes."""
    import os

    import psycopg2
    from psycopg2 import sql

    if source != "profile":
        raise SystemExit("dump postgres reads its connection from REVOPS_PG_*: pass `profile`")
    environment = os.environ.get
    connection = psycopg2.connect(
        host=environment("REVOPS_PG_HOST", "localhost"), port=int(environment("REVOPS_PG_PORT", "5432")),
        user=environment("REVOPS_PG_USER", "postgres"), password=environment("REVOPS_PG_PASSWORD", ""),
        dbname=environment("REVOPS_PG_DATABASE", "revops"))
    names = []
    with connection, connection.cursor() as cursor:
        cursor.execute("select table_schema, table_name from information_schema.tables"
                       " where table_schema = any(%s) and table_type = 'BASE TABLE' order by 1, 2", [list(schemas)])
        for schema, table in cursor.fetchall():
            query = sql.SQL("copy (select * from {}.{}) to stdout with (format csv, header)").format(
                sql.Identifier(schema), sql.Identifier(table))
            with open(out / f"{schema}.{table}.csv", "w", newline="") as handle:
                cursor.copy_expert(query.as_string(connection), handle)
            names.append(f"{schema}.{table}")
    return names


_TRUE, _FALSE = {"true", "t"}, {"false", "f"}
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]00(:?00)?)?$")


def canonical(cell: str):
    """One cell as every engine would agree to spell it: None, bool, float or text."""
    if cell == "":
        return None
    lowered = cell.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    try:
        return float(cell)
    except ValueError:
        pass
    match = _TIMESTAMP.match(cell)
    if match:
        day, time, fraction = match.group(1), match.group(2), (match.group(3) or "").rstrip("0").rstrip(".")
        return day if time == "00:00:00" and not fraction else f"{day} {time}{fraction}"
    return cell


def _sort_key(row: tuple) -> tuple:
    # numbers rounded so float noise cannot reorder rows; None first
    return tuple((0, "") if v is None else (1, f"{round(v, 6):.6f}") if isinstance(v, float) and not isinstance(v, bool)
                 else (1, str(v)) for v in row)


def read_dump(path: Path) -> tuple[list[str], list[tuple]]:
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = [name.lower() for name in next(reader)]
        order = sorted(range(len(header)), key=lambda i: header[i])  # column order may differ
        rows = [[canonical(row[i]) for i in order] for row in reader]
    columns = [header[i] for i in order]
    table, key_column, key_value, worded = READER_WORDED
    if path.name == table and key_column in columns and worded in columns:
        for row in rows:
            if row[columns.index(key_column)] == key_value:
                row[columns.index(worded)] = "(the CSV reader's own words)"
    rows = [tuple(row) for row in rows]
    return columns, sorted(rows, key=_sort_key)


def cells_agree(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and not isinstance(a, bool) and not isinstance(b, bool):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= min(CENT, RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b)))
    return a == b


def compare_tables(first: Path, second: Path) -> list[str]:
    """The differences between two dumps of one table, in words."""
    columns_a, rows_a = read_dump(first)
    columns_b, rows_b = read_dump(second)
    if columns_a != columns_b:
        return [f"columns differ: {sorted(set(columns_a) ^ set(columns_b))}"]
    if len(rows_a) != len(rows_b):
        return [f"{len(rows_a)} rows against {len(rows_b)}"]
    problems = []
    for row_a, row_b in zip(rows_a, rows_b):
        for column, a, b in zip(columns_a, row_a, row_b):
            if not cells_agree(a, b):
                problems.append(f"{column}: {a!r} against {b!r} in row {dict(zip(columns_a, row_a))}")
    return problems


def compare(folders: list[Path]) -> int:
    reference = folders[0]
    expected = sorted(p.name for p in reference.glob("*.csv"))
    if not expected:
        print(f"{reference}: no tables dumped")
        return 1
    failed = False
    for other in folders[1:]:
        found = sorted(p.name for p in other.glob("*.csv"))
        for name in sorted(set(expected) ^ set(found)):
            print(f"{other.name}: {name} is {'missing' if name in expected else 'extra'}")
            failed = True
        for name in expected:
            if name not in found:
                continue
            problems = compare_tables(reference / name, other / name)
            for problem in problems[:_MAX_REPORTED]:
                print(f"{reference.name} vs {other.name}, {name.removesuffix('.csv')}: {problem}")
            if len(problems) > _MAX_REPORTED:
                print(f"  ... and {len(problems) - _MAX_REPORTED} more")
            failed = failed or bool(problems)
    names = ", ".join(folder.name for folder in folders)
    print(f"{len(expected)} tables compared across {names}: "
          + ("they differ" if failed else "every row and value agrees"))
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    dump = commands.add_parser("dump")
    dump.add_argument("engine", choices=["duckdb", "postgres", "spark"])
    dump.add_argument("source", help="the DuckDB file, `profile` (Postgres) or Spark's warehouse folder")
    dump.add_argument("out", type=Path)
    dump.add_argument("--schemas", default=",".join(SCHEMAS), help="comma-separated (default: kpis,core)")
    check = commands.add_parser("compare")
    check.add_argument("folders", type=Path, nargs="+")
    args = parser.parse_args()
    if args.command == "compare":
        return compare(args.folders)
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in args.out.glob("*.csv"):
        stale.unlink()
    dumper = {"duckdb": dump_duckdb, "postgres": dump_postgres, "spark": dump_spark}[args.engine]
    names = dumper(args.source, args.out, tuple(args.schemas.split(",")))
    print(f"dumped {len(names)} tables of {args.engine} to {args.out}")
    return 0 if names else 1


if __name__ == "__main__":
    sys.exit(main())
