"""Check a folder of contract files without building: every problem, with its file,
line and reason.

Each file is read with DuckDB's readers as text (the way a build reads it), then
checked column by column against the contract: required columns and values, types,
enumerations, currency codes, duplicate keys, references to other tables and
currencies without exchange rates.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .contract import ContractTable, load_contract
from .project import Project

_BOOLEANS = ("true", "false", "1", "0", "yes", "no")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # the line in a CSV file (the header is line 1); the row in a Parquet file
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        column = f", column {self.column}" if self.column else ""
        value = f": {self.value!r}" if self.value is not None else ""
        return f"{where}{column}{value} - {self.reason}"


@dataclass(frozen=True)
class FileReport:
    table: str
    file: str | None  # None: the table has no file (allowed)
    rows: int
    problems: list[Problem]


def validate_folder(project: Project, folder: Path, *, reporting_currency: str = "USD") -> list[FileReport]:
    import duckdb

    contract = load_contract(project.contract_sources)
    currencies = _currency_codes(project.root / "seeds" / "reference" / "currencies.csv")
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    reports: dict[str, FileReport] = {}
    loaded: dict[str, set[str]] = {}  # table -> its columns, for the tables that loaded
    for table in contract.values():
        path = _file_for(folder, table.name)
        if path is None:
            reports[table.name] = FileReport(table.name, None, 0, [])
            continue
        problems: list[Problem] = []
        try:
            columns, rows = _load(connection, table.name, path)
        except duckdb.Error as error:
            message = str(error).strip().splitlines()[0]
            reports[table.name] = FileReport(table.name, path.name, 0, [Problem(path.name, None, None, None, f"cannot be read: {message}")])
            continue
        loaded[table.name] = columns
        problems += _missing_columns(path.name, table, columns)
        problems += _bad_values(connection, path.name, table, columns, currencies)
        problems += _duplicate_keys(connection, path.name, table, columns)
        reports[table.name] = FileReport(table.name, path.name, rows, problems)
    for table in contract.values():
        if table.name in loaded:
            report = reports[table.name]
            report.problems.extend(_orphans(connection, report.file, table, loaded))
            report.problems.extend(_currencies_without_rates(connection, report.file, table, loaded, reporting_currency))
            report.problems.sort(key=lambda p: (p.line or 0, p.column or "", p.reason))
    connection.close()
    return list(reports.values())


def _file_for(folder: Path, table: str) -> Path | None:
    for extension in ("parquet", "csv"):
        path = folder / f"{table}.{extension}"
        if path.is_file():
            return path
    return None


def _load(connection, table: str, path: Path) -> tuple[set[str], int]:
    """Load a file as text into a temp table with its line numbers."""
    literal = str(path).replace("'", "''")
    if path.suffix == ".parquet":
        reader, first_line = f"read_parquet('{literal}')", 1
    else:
        reader, first_line = f"read_csv('{literal}', header = true, all_varchar = true, quote = '\"', escape = '\"')", 2
    connection.execute(
        f'create or replace temp table "{table}" as'
        f" select *, row_number() over () + {first_line - 1} as _line from {reader}"
    )
    columns = {row[0].lower() for row in connection.execute(f'describe "{table}"').fetchall()} - {"_line"}
    rows = connection.execute(f'select count(*) from "{table}"').fetchall()[0][0]
    return columns, rows


def _missing_columns(file: str, table: ContractTable, present: set[str]) -> list[Problem]:
    return [
        Problem(file, None, column.name, None, "required column is missing")
        for column in table.columns
        if column.required and column.name not in present
    ]


def _value_check(column, currencies: list[str]) -> tuple[str, str] | None:
    """(SQL condition on `v` that is true for a bad value, the reason) for a column."""
    kind = column.contract_type
    if column.accepted_values:
        values = ", ".join(f"'{value}'" for value in column.accepted_values)
        return f"lower(v) not in ({values})", "not one of " + ", ".join(column.accepted_values)
    if kind in ("timestamp", "date"):
        return "try_cast(v as timestamptz) is null", f"not an ISO 8601 {'date' if kind == 'date' else 'timestamp'}"
    if kind == "boolean":
        return f"lower(v) not in ({', '.join(repr(b) for b in _BOOLEANS)})", "not a boolean (true/false, 1/0, yes/no)"
    if kind in ("money", "number"):
        return "try_cast(v as double) is null", "not a number"
    if kind == "integer":
        return "try_cast(v as bigint) is null", "not a whole number"
    if kind == "currency":
        codes = ", ".join(f"'{code}'" for code in currencies)
        return f"upper(v) not in ({codes})", "not an ISO 4217 currency code"
    return None


def _bad_values(connection, file: str, table: ContractTable, present: set[str], currencies: list[str]) -> list[Problem]:
    problems = []
    for column in table.columns:
        if column.name not in present:
            continue
        value = f'nullif(trim(cast("{column.name}" as varchar)), \'\')'
        if column.required:
            for (line,) in connection.execute(
                f'select _line from "{table.name}" where {value} is null order by _line'
            ).fetchall():
                problems.append(Problem(file, line, column.name, None, "required value is empty"))
        check = _value_check(column, currencies)
        if check is None:
            continue
        condition, reason = check
        rows = connection.execute(
            f'select _line, v from (select _line, {value} as v from "{table.name}")'
            f" where v is not null and ({condition}) order by _line"
        ).fetchall()
        problems += [Problem(file, line, column.name, bad, reason) for line, bad in rows]
    return problems


def _duplicate_keys(connection, file: str, table: ContractTable, present: set[str]) -> list[Problem]:
    if not table.primary_key or not set(table.primary_key) <= present:
        return []
    key = ", ".join(f'trim(cast("{name}" as varchar))' for name in table.primary_key)
    rows = connection.execute(
        f"select _line, first_line, key_text from ("
        f"  select _line, min(_line) over (partition by {key}) as first_line,"
        f"  concat_ws(', ', {key}) as key_text from \"{table.name}\""
        f") where _line > first_line order by _line"
    ).fetchall()
    name = ", ".join(table.primary_key)
    return [Problem(file, line, name, key_text, f"duplicate key (first on line {first})") for line, first, key_text in rows]


def _orphans(connection, file: str, table: ContractTable, loaded: dict[str, set[str]]) -> list[Problem]:
    problems = []
    for column in table.columns:
        if column.references is None or column.name not in loaded[table.name]:
            continue
        target_table, target_column = column.references
        if target_table not in loaded or target_column not in loaded[target_table]:
            continue
        rows = connection.execute(
            f'select _line, v from (select _line, nullif(trim(cast("{column.name}" as varchar)), \'\') as v from "{table.name}")'
            f' where v is not null and v not in (select trim(cast("{target_column}" as varchar)) from "{target_table}"'
            f' where "{target_column}" is not null) order by _line'
        ).fetchall()
        problems += [
            Problem(file, line, column.name, value, f"no {target_table} row with {target_column} = {value!r}")
            for line, value in rows
        ]
    return problems


def _currencies_without_rates(connection, file, table: ContractTable, loaded, reporting_currency: str) -> list[Problem]:
    if "currency" not in loaded[table.name] or table.name == "fx_rates":
        return []
    rated = (
        "select distinct upper(trim(cast(currency as varchar))) from fx_rates where currency is not null"
        if "fx_rates" in loaded and "currency" in loaded["fx_rates"] else "select ''"
    )
    rows = connection.execute(
        f"select min(_line), c from (select _line, upper(trim(cast(currency as varchar))) as c from \"{table.name}\")"
        f" where c is not null and c != ? and c not in ({rated}) group by c order by 1",
        [reporting_currency.upper()],
    ).fetchall()
    return [
        Problem(file, line, "currency", code, "no exchange rate in fx_rates for this currency (first use shown)")
        for line, code in rows
    ]


def _currency_codes(path: Path) -> list[str]:
    with path.open(newline="") as handle:
        return [row["currency"] for row in csv.DictReader(handle)]
