"""Save every KPI table of a built warehouse, or compare a warehouse with a saved copy:
the proof that a change did not move a number.

    python scripts/lib/kpi_snapshot.py save WAREHOUSE DIR
    python scripts/lib/kpi_snapshot.py compare DIR WAREHOUSE

Each table in the `kpis` schema (kpi_scorecard and every kpi_* model) and, with
--core, each conformed table in `core` (with --all, every table and view of every
schema the build writes: staging, intermediate and audit too), is written as CSV in
`order by all` order, so two builds compare byte for byte. `compare` exits 1 and names
the tables that differ.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

import duckdb


ALL_SCHEMAS = ["kpis", "core", "staging", "intermediate", "audit"]


def save(warehouse: Path, folder: Path, schemas: list[str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in (select unnest(?)) order by all",
            [schemas],
        ).fetchall()
        for schema, table in tables:
            target = folder / f"{schema}.{table}.csv"
            relation = f'"{schema}"."{table}"'
            connection.execute(
                f"copy (select * from {relation} order by all) to ? (header, delimiter ',')", [str(target)]
            )
            saved.append(target.name)
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["save", "compare"])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--core", action="store_true", help="also the conformed tables in schema core")
    parser.add_argument("--all", action="store_true", help="every schema the build writes")
    args = parser.parse_args()
    schemas = ALL_SCHEMAS if args.all else ["kpis"] + (["core"] if args.core else [])
    if args.action == "save":
        names = save(args.first, args.second, schemas)
        print(f"saved {len(names)} tables to {args.second}")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        names = save(args.second, Path(scratch), schemas)
        expected = sorted(p.name for p in args.first.glob("*.csv"))
        missing = sorted(set(expected) - set(names))
        added = sorted(set(names) - set(expected))
        changed = [n for n in names if n in expected and not filecmp.cmp(args.first / n, Path(scratch) / n, shallow=False)]
    for label, items in (("missing", missing), ("new", added), ("different", changed)):
        for item in items:
            print(f"{label}: {item}")
    same = not (missing or added or changed)
    print("every table is byte-equal" if same else "the numbers moved")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
