"""Landing a folder of contract files: which file holds which table, and the SQL that
reads them into the raw schema. The one implementation behind `revops validate`,
`revops build --data` and plain `dbt build --vars '{raw_source: files, ...}'` (through
the dbt-duckdb plugin in dbt_plugin.py and macros/duckdb/duckdb__land_contract_files.sql).

Rules:
  - a table is `<table>.csv`, `<table>.csv.gz` or `<table>.parquet`, its name matched
    case-insensitively, or a folder of part files named so (as Spark writes them:
    `forecasts.csv/part-00000.csv`); anything else in the folder is listed as unread,
    with a did-you-mean for near misses;
  - two files for one table (a CSV beside a Parquet), a broken symlink, a file that
    cannot be opened, a header naming a column twice or lacking a required column, and
    a folder with no contract file at all are errors: nothing is built;
  - a CSV is read with the contract's dialect fixed (header line, quote and escape `"`,
    every column text); only the delimiter (`,`, `;` or tab) is taken from the header
    line, and lines above the header that name no contract column (a report title) are
    skipped. A line that does not parse is kept as a row of its own carrying DuckDB's
    reason, so the contract checks quarantine it with its file and line;
  - `_source_line` is the line in the file (the header is line 1 of a plain file), the
    row in a Parquet file. Records are numbered as read; when they and the rejected
    lines add up to the file's line count (counted at scan time), each line is one
    record and that number is the line. Otherwise (a quoted line break, a blank line)
    the file's physical lines are read again to map each record to its first line.

Paths never become SQL as typed: each is a quoted literal with DuckDB's glob
characters escaped, so a folder named `O'Brien [1]` is read as itself.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .contract import ContractTable

DELIMITERS = (",", ";", "\t")
_EXTENSIONS = (".csv.gz", ".csv", ".parquet")  # longest first
# what Spark, Hadoop and Databricks write beside part files
_PART_MARKERS = ("_SUCCESS", "_committed_", "_started_", "_metadata", "_common_metadata")
_HEADER_SEARCH_LINES = 20  # a title block above the header is at most this long
_HEAD_BYTES = 1 << 16
_COUNT_CHUNK_BYTES = 1 << 22


@dataclass(frozen=True)
class FileProblem:
    """Something wrong with a file as a whole (not with one of its rows)."""

    file: str  # relative to the folder
    reason: str
    severity: str = "error"  # error: nothing is built; warning: reported, the build goes on
    column: str | None = None

    def __str__(self) -> str:
        column = f", column {self.column}" if self.column else ""
        return f"{self.file}{column}: {self.reason}"


@dataclass(frozen=True)
class SourceFile:
    path: str  # absolute
    name: str  # relative to the folder, as reported
    columns: tuple[str, ...]  # lower-cased header names, in file order
    delimiter: str = ","
    header_line: int = 1  # the file line holding the header (CSV)
    # physical lines of a plain CSV whose line ends are \n or \r\n; None: not counted
    # (gzip, a lone \r), so its records are always mapped to lines by reading them
    line_count: int | None = None


@dataclass(frozen=True)
class LandedTable:
    table: str
    file_format: str  # csv | parquet
    files: tuple[SourceFile, ...]

    @property
    def name(self) -> str:
        """How the table's file is named in reports: the file, or the part folder."""
        first = self.files[0].name
        return first if len(self.files) == 1 and "/" not in first else first.rsplit("/", 1)[0]


@dataclass
class FolderScan:
    folder: str
    tables: dict[str, LandedTable] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[FileProblem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[FileProblem]:
        return [problem for problem in self.problems if problem.severity != "error"]

    def to_json(self) -> str:
        return json.dumps(asdict(self))


def scan_folder(folder: Path, contract: dict[str, ContractTable]) -> FolderScan:
    """Which file holds each contract table, and every problem with the folder's files."""
    scan = FolderScan(folder=str(folder))
    if not folder.is_dir():
        scan.problems.append(FileProblem(str(folder), "no such folder"))
        return scan
    candidates: dict[str, list[tuple[str, str, list[Path]]]] = {}  # table -> [(name, format, files)]
    for entry in sorted(folder.iterdir(), key=lambda path: path.name):
        name = entry.name
        if entry.is_symlink() and not entry.exists():
            scan.problems.append(FileProblem(name, f"a broken symbolic link (to {os.readlink(entry)})"))
            continue
        stem, extension = _split_extension(name)
        table = stem.lower() if extension else None
        if table not in contract:
            scan.problems.append(FileProblem(name, _unread_reason(name, stem, extension, entry.is_dir(), contract),
                                             severity="warning"))
            continue
        if entry.is_dir():
            parts, unread = _part_files(entry, extension)
            scan.problems += [FileProblem(f"{name}/{part}", "not read: not a part file of this table "
                                          f"(part-*{extension})", severity="warning") for part in unread]
            if not parts:
                scan.problems.append(FileProblem(name, f"a folder with no part files (part-*{extension})"))
                continue
            files = parts
        else:
            files = [entry]
        file_format = "parquet" if extension == ".parquet" else "csv"
        candidates.setdefault(table, []).append((name, file_format, files))
    for table, found in sorted(candidates.items()):
        if len(found) > 1:
            names = " and ".join(name for name, _, _ in found)
            scan.problems.append(FileProblem(names, f"{len(found)} files hold table {table}; keep one"))
            continue
        _, file_format, files = found[0]
        landed = _read_headers(folder, table, file_format, files, contract[table], scan.problems)
        if landed is not None:
            scan.tables[table] = landed
    if not scan.tables and not scan.errors:
        scan.problems.append(FileProblem(str(folder), "no contract file in this folder (expected files such as "
                                         "accounts.csv, opportunities.csv or invoices.parquet)"))
    return scan


def _split_extension(name: str) -> tuple[str, str | None]:
    lower = name.lower()
    for extension in _EXTENSIONS:
        if lower.endswith(extension) and len(name) > len(extension):
            return name[: -len(extension)], extension
    return (name.split(".", 1)[0] if "." in name[1:] else name), None


def _unread_reason(name: str, stem: str, extension: str | None, is_dir: bool,
                   contract: dict[str, ContractTable]) -> str:
    kind = "folder" if is_dir else "file"
    if extension is None and stem.lower() in contract:
        return (f"not read: a {kind} for table {stem.lower()} must end in .csv, .csv.gz or .parquet "
                f"(did you mean {stem.lower()}.csv?)")
    near = difflib.get_close_matches(stem.lower(), list(contract), n=1, cutoff=0.75)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return f"not read: no contract table is named {stem.lower()!r}{hint}"


def _part_files(folder: Path, extension: str) -> tuple[list[Path], list[str]]:
    """The part files of a Spark-style table folder, and the other files in it."""
    parts, unread = [], []
    for entry in sorted(folder.iterdir(), key=lambda path: path.name):
        name = entry.name
        if name.startswith(_PART_MARKERS) or name.startswith(".") and name.endswith(".crc"):
            continue
        if name.startswith("part-") and entry.is_file() and _part_extension_matches(name, extension):
            parts.append(entry)
        else:
            unread.append(name)
    return parts, unread


def _part_extension_matches(name: str, extension: str) -> bool:
    lower = name.lower()
    if extension == ".parquet":
        return lower.endswith(".parquet")
    return lower.endswith((".csv", ".csv.gz"))


def _read_headers(folder: Path, table: str, file_format: str, files: list[Path], contract_table: ContractTable,
                  problems: list[FileProblem]) -> LandedTable | None:
    read: list[SourceFile] = []
    failed = False
    for path in files:
        name = str(path.relative_to(folder))
        try:
            source = _parquet_header(path, name) if file_format == "parquet" else _csv_header(path, name, contract_table)
        except (OSError, UnicodeDecodeError, EOFError, ValueError) as error:
            problems.append(FileProblem(name, f"cannot be read: {_reason(error)}"))
            failed = True
            continue
        duplicated = sorted({column for column in source.columns if source.columns.count(column) > 1})
        for column in duplicated:
            positions = ", ".join(str(i + 1) for i, c in enumerate(source.columns) if c == column)
            problems.append(FileProblem(name, f"the header names this column twice (columns {positions})", column=column))
            failed = True
        present = set(source.columns)
        for column in contract_table.columns:
            if column.required and column.name not in present:
                problems.append(FileProblem(name, "required column is missing", column=column.name))
                failed = True
        known = {column.name for column in contract_table.columns}
        for column in source.columns:
            near = difflib.get_close_matches(column, sorted(known - present), n=1, cutoff=0.8)
            if column not in known and near:
                problems.append(FileProblem(name, f"not read: not a column of {table} (did you mean {near[0]}?)",
                                            severity="warning", column=column))
        if read and source.columns != read[0].columns:
            problems.append(FileProblem(name, f"its header differs from {read[0].name}'s"))
            failed = True
        read.append(source)
    if failed:
        return None
    return LandedTable(table=table, file_format=file_format, files=tuple(read))


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error).strip() or type(error).__name__


def _csv_header(path: Path, name: str, table: ContractTable) -> SourceFile:
    """The header of a CSV: the first line naming a contract column (lines above it are
    a title block), and the delimiter that splits it into the most contract columns."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    text = head.decode("utf-8-sig", errors="strict" if len(head) < _HEAD_BYTES else "ignore")
    lines = text.splitlines()[:_HEADER_SEARCH_LINES]
    known = {column.name for column in table.columns}
    best: tuple[int, int, str, list[str]] | None = None  # (score, -line, delimiter, fields)
    for index, line in enumerate(lines):
        for delimiter in DELIMITERS:
            fields = [field.strip().lower() for field in next(csv.reader([line], delimiter=delimiter), [])]
            score = len(set(fields) & known)
            if score and (best is None or (score, -index) > best[:2]):
                best = (score, -index, delimiter, fields)
        if best is not None:
            break  # the first line naming a contract column is the header
    if best is None:
        first = lines[0] if lines else ""
        fields = [field.strip().lower() for field in next(csv.reader([first]), [])]
        return SourceFile(str(path), name, tuple(fields), ",", 1)
    _, line_index, delimiter, fields = best
    fields = [field or f"column{i + 1}" for i, field in enumerate(fields)]
    line_count = None if opener is gzip.open else _count_lines(path)
    return SourceFile(str(path), name, tuple(fields), delimiter, 1 - line_index, line_count)


def _count_lines(path: Path) -> int | None:
    """The file's lines as DuckDB's reader splits them, or None when a \r not followed by
    \n (a line end to DuckDB, not to this count) makes the count unsafe. A byte scan:
    about a second per gigabyte."""
    lines = carriage_returns = crlf = 0
    previous = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(_COUNT_CHUNK_BYTES):
            lines += chunk.count(b"\n")
            if b"\r" in chunk or previous == b"\r":  # most files have none: skip two counts
                carriage_returns += chunk.count(b"\r")
                crlf += chunk.count(b"\r\n") + (previous == b"\r" and chunk[:1] == b"\n")
            previous = chunk[-1:]
    if carriage_returns != crlf:
        return None
    return lines + (previous not in (b"", b"\n"))


def _parquet_header(path: Path, name: str) -> SourceFile:
    import duckdb

    with duckdb.connect() as connection:
        try:
            rows = connection.execute(
                "select name from parquet_schema(?) where name != 'duckdb_schema' and num_children is null"
                " order by column_id", [glob_escape(str(path))]).fetchall()
        except duckdb.Error as error:
            raise ValueError(str(error).strip()) from None
    return SourceFile(str(path), name, tuple(row[0].lower() for row in rows))


# -- the SQL --------------------------------------------------------------------------

def glob_escape(path: str) -> str:
    """A path DuckDB's readers take literally: `[`, `*` and `?` are glob characters."""
    return "".join(f"[{character}]" if character in "[*?" else character for character in path)


def sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# A landing is a list of steps: a statement, or a choice {"if": query, "then": [...],
# "else": [...]} whose query returns one boolean. run_landing() runs them on a DuckDB
# connection; the dbt hook (macros/duckdb/duckdb__land_contract_files.sql) the same way.
Step = str | dict


def landing_statements(scan: FolderScan, contract: dict[str, ContractTable], raw_schema: str) -> list[Step]:
    """The steps that land every table of `scan` into `raw_schema` (and drop the
    contract tables it has no file for, so no earlier build's data leaks in)."""
    schema = sql_identifier(raw_schema)
    statements: list[Step] = [f"create schema if not exists {schema}"]
    for table in sorted(contract):
        relation = f"{schema}.{sql_identifier(table)}"
        landed = scan.tables.get(table)
        if landed is None:
            statements.append(f"drop table if exists {relation}")
            continue
        for index, source in enumerate(landed.files):
            verb = f"create or replace table {relation} as" if index == 0 else f"insert into {relation} by name"
            if landed.file_format == "parquet":
                statements.append(f"{verb} {_parquet_select(source)}")
            elif source.line_count is None:
                statements += _csv_mapped_statements(source, relation, verb)
            else:
                statements += _csv_counted_statements(source, relation, verb)
    statements += [f"drop table if exists {temp}" for temp in ("__revops_rows", "__revops_lines", "__revops_rejected")]
    return statements


def run_landing(connection, statements: list[Step]) -> None:
    """Run landing steps on a DuckDB connection, as the dbt hook does."""
    for step in statements:
        if isinstance(step, dict):
            chosen = step["then"] if connection.execute(step["if"]).fetchone()[0] else step["else"]
            run_landing(connection, chosen)
        else:
            connection.execute(step)


def _parquet_select(source: SourceFile) -> str:
    columns = ", ".join(sql_identifier(column) for column in source.columns)
    return (
        f"select {columns}, cast(file_row_number + 1 as bigint) as _source_line,"
        f" {sql_string(source.name)} as _source_file,"
        " cast(null as varchar) as _source_error, cast(null as varchar) as _source_text"
        f" from read_parquet({sql_string(glob_escape(source.path))}, file_row_number = true,"
        " hive_partitioning = false)"
    )


def _read_csv(source: SourceFile) -> str:
    """The file's records, with the contract's dialect fixed; bad lines go to DuckDB's
    rejects table (reject_errors), numbered by file line."""
    columns = ", ".join(f"{sql_string(column)}: 'VARCHAR'" for column in source.columns)
    return (
        f"read_csv({sql_string(glob_escape(source.path))}, columns = {{{columns}}}, header = true,"
        f" skip = {source.header_line - 1}, auto_detect = false, delim = {sql_string(source.delimiter)},"
        " quote = '\"', escape = '\"', comment = '', store_rejects = true, hive_partitioning = false,"
        " union_by_name = false)"
    )


_REJECTS_BY_LINE = (
    "select line, arg_min(lower(replace(error_type, '_', ' ')) || ': ' || error_message, column_idx) as reason,"
    " any_value(csv_line) as raw_text from reject_errors group by line"
)


def _csv_counted_statements(source: SourceFile, relation: str, verb: str) -> list[Step]:
    """A CSV whose lines were counted: land its records numbered as read (record n on
    line header + n). If records and rejected lines fill every line below the header,
    each line is one record: shift the records after each rejected line down by one
    and add the rejected lines. If not (a quoted line break, a blank line), delete the
    records and land the file as _csv_mapped_statements does."""
    name = sql_string(source.name)
    columns = ", ".join(sql_identifier(column) for column in source.columns)
    header = source.header_line
    return [
        "drop table if exists reject_errors",
        "drop table if exists reject_scans",
        f"{verb} select {columns}, cast(row_number() over () + {header} as bigint) as _source_line,"
        f" {name} as _source_file, cast(null as varchar) as _source_error, cast(null as varchar) as _source_text"
        f" from {_read_csv(source)}",
        {
            "if": f"select (select count(*) from {relation} where _source_file = {name})"
                  f" + (select count(distinct line) from reject_errors) + {header} <> {source.line_count}",
            "then": [f"delete from {relation} where _source_file = {name}",
                     *_csv_mapped_statements(source, relation, f"insert into {relation} by name")],
            "else": [
                # good_before: how many records precede the rejected line
                "create or replace temp table __revops_rejected as"
                f" select *, line - {header} - row_number() over (order by line) as good_before"
                f" from ({_REJECTS_BY_LINE})",
                f"update {relation} set _source_line = _source_line + ("
                "   select count(*) from __revops_rejected"
                f"  where __revops_rejected.good_before < {relation}._source_line - {header})"
                f" where _source_file = {name}"
                f" and _source_line - {header} > (select min(good_before) from __revops_rejected)",
                f"insert into {relation} by name select line as _source_line, {name} as _source_file,"
                " 'malformed line: ' || reason as _source_error, trim(raw_text, chr(10) || chr(13)) as _source_text"
                " from __revops_rejected",
            ],
        },
    ]


def _csv_mapped_statements(source: SourceFile, relation: str, verb: str) -> list[str]:
    """Read one CSV twice: its records, and its physical lines, to number each record
    by the file line it starts on."""
    path = sql_string(glob_escape(source.path))
    skip = source.header_line - 1
    quote_delimiter = source.delimiter.replace("\t", "\\t")
    # a quote opens a field after a delimiter (or at the line start) and closes one before
    # a delimiter (or at the line end); doubled quotes are a quote inside a field
    # (a line without a quote has none: most lines skip the regular expression)
    boundary_quotes = (
        "case when contains(text, '\"') then"
        f" len(regexp_extract_all(replace(text, '\"\"', ''),"
        f" '(^|{quote_delimiter})\"|\"({quote_delimiter}|\\r?$)')) else 0 end"
    )
    return [
        "drop table if exists reject_errors",
        "drop table if exists reject_scans",
        "create or replace temp table __revops_rows as"
        f" select *, row_number() over () as __record from {_read_csv(source)}",
        # DuckDB numbers records from the top of the file (skipped lines, the header and
        # blank lines count once each, a quoted line break not at all): map each record
        # number to the file line it starts on
        "create or replace temp table __revops_lines as"
        " with physical as ("
        "   select row_number() over () as line, text"
        f"  from read_csv({path}, columns = {{'text': 'VARCHAR'}}, header = false, auto_detect = false,"
        "   delim = chr(31), quote = '', escape = '', comment = '', strict_mode = false, null_padding = true,"
        "   hive_partitioning = false)"
        " ),"
        " quoting as ("
        f"  select line, text, coalesce(sum({boundary_quotes}) over ("
        "     order by line rows between unbounded preceding and 1 preceding), 0) % 2 = 1 as continues_a_value"
        f"  from physical where line > {skip}"
        " ),"
        " starts as ("
        f"  select line, text, {skip} + row_number() over (order by line) as record_line"
        "   from quoting where not continues_a_value"
        " ),"
        f" rejected as ({_REJECTS_BY_LINE.replace('select line,', 'select line as record_line,', 1)})"
        " select starts.line, starts.record_line, rejected.reason, rejected.raw_text,"
        "   case when rejected.record_line is null and starts.text is not null"
        f"  and starts.record_line > {skip + 1} then row_number() over ("
        "     partition by rejected.record_line is null and starts.text is not null"
        f"    and starts.record_line > {skip + 1} order by starts.line) end as good_record"
        " from starts left join rejected using (record_line)",
        f"{verb} {_csv_mapped_select(source)}",
    ]


def _csv_mapped_select(source: SourceFile) -> str:
    columns = ", ".join(f"rows.{sql_identifier(column)}" for column in source.columns)
    nulls = ", ".join(f"null as {sql_identifier(column)}" for column in source.columns)
    name = sql_string(source.name)
    return (
        f"select {columns}, lines.line as _source_line, {name} as _source_file,"
        " cast(null as varchar) as _source_error, cast(null as varchar) as _source_text"
        " from __revops_rows as rows join __revops_lines as lines on lines.good_record = rows.__record"
        f" union all select {nulls}, line, {name}, 'malformed line: ' || reason, trim(raw_text, chr(10) || chr(13))"
        " from __revops_lines where reason is not null"
    )


def plan(data_dir: str, raw_schema: str, contract: dict[str, ContractTable]) -> dict:
    """What the dbt hook needs: the problems (it stops on an error) and the statements."""
    scan = scan_folder(Path(data_dir), contract)
    return {
        "errors": [str(problem) for problem in scan.errors],
        "warnings": [str(problem) for problem in scan.warnings],
        "statements": [] if scan.errors else landing_statements(scan, contract, raw_schema),
    }


def check_folder(contract_sources: Path, folder: Path) -> FolderScan:
    """Scan `folder` as the build will land it; a problem with a file (a missing
    required column, a file that cannot be read...) is BadInput, before any model runs."""
    from .contract import load_contract
    from .errors import BadInput
    from .words import plural

    scan = scan_folder(folder, load_contract(contract_sources))
    if scan.errors:
        raise BadInput(f"{plural(len(scan.errors), 'problem')} with the files in {folder}; nothing was built",
                       details=[str(problem) for problem in scan.problems])
    return scan
