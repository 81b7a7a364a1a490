"""Check a folder of contract files without publishing anything: exactly the build's
own checks, run by the build's own code.

The folder is scanned and landed by landing.py (as `revops build` does), then dbt
builds the contract staging models, `audit.dq_quarantine` and their data tests
(the quarantine tolerance among them) into a scratch DuckDB file in a temporary
folder. So what validate accepts, the build accepts: every quarantined row is
reported with its file, line, column, value and reason, and the verdict is the
build's `quarantine_within_tolerance` test.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .contract import load_contract
from .landing import FileProblem, FolderScan, scan_folder
from .build_notes import build_notes
from .project import Project
from .words import plural

# what validate builds: the contract checks and everything they read, and every contract
# staging model (their key tests and the conservation test are the build's checks too),
# with the data tests whose every parent is built (unit tests prove code, not data)
VALIDATE_SELECTION = ["--select", "+dq_quarantine", "+dq_defaults", "+path:models/staging/contract",
                      "--indirect-selection", "cautious",
                      "--exclude-resource-type", "unit_test", "--store-failures"]


@dataclass(frozen=True)
class Problem:
    file: str | None
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
    problems: list[Problem]  # the rows the build quarantines


@dataclass(frozen=True)
class OverTolerance:
    table: str
    rows: int
    quarantined: int
    max_share: float

    def __str__(self) -> str:
        return (f"{self.table}: {self.quarantined} of {plural(self.rows, 'row')} quarantined, more than the "
                f"{self.max_share:.0%} allowed (--max-quarantined-share, var dq_max_quarantined_share)")


@dataclass
class ValidationReport:
    folder: Path
    scan: FolderScan
    files: list[FileReport] = field(default_factory=list)
    over_tolerance: list[OverTolerance] = field(default_factory=list)
    build_failures: list[str] = field(default_factory=list)  # any other check the build would fail
    notes: list[str] = field(default_factory=list)  # defaults used and references nulled, as the build says them

    @property
    def file_problems(self) -> list[FileProblem]:
        return self.scan.problems

    @property
    def quarantined(self) -> int:
        return sum(len(report.problems) for report in self.files)

    @property
    def build_would_pass(self) -> bool:
        return not self.scan.errors and not self.over_tolerance and not self.build_failures


def validate_folder(
    project: Project, folder: Path, *, reporting_currency: str | None = None,
    max_quarantined_share: float | None = None, extra_vars: dict | None = None,
) -> ValidationReport:
    from .build import BuildOptions, require_data_folder

    require_data_folder(folder)  # as the build says it, with the build's exit code (bad input)
    contract = load_contract(project.contract_sources)
    scan = scan_folder(folder, contract)
    report = ValidationReport(folder=folder, scan=scan)
    if scan.errors:
        return report
    with tempfile.TemporaryDirectory(prefix="revops-validate-") as scratch:
        warehouse = Path(scratch) / "validate.duckdb"
        options = BuildOptions(warehouse=warehouse, data_dir=folder, reporting_currency=reporting_currency,
                               max_quarantined_share=max_quarantined_share, extra_vars=dict(extra_vars or {}))
        outcome = _run_checks(project, warehouse, options.dbt_vars())
        if outcome.error and not outcome.failures:
            report.build_failures.append(outcome.error)
            return report
        report.files = _file_reports(warehouse, scan, contract)
        report.over_tolerance = _over_tolerance(warehouse)
        report.notes = build_notes(warehouse, quarantine=False)
        report.build_failures = [
            f"{failure.status.upper()}: {failure.resource_type} {failure.name}: {failure.message}"
            for failure in outcome.failures if failure.name != "quarantine_within_tolerance"
        ]
    return report


def report_lines(report: ValidationReport, max_problems: int = 20) -> list[tuple[str, str | None]]:
    """What `revops validate` prints before its verdict, each line with its colour (None:
    plain): the file problems, each file's rows and first max_problems quarantined rows,
    the build's notes, and what is over the tolerance or would fail the build."""
    lines = [(f"  {problem}", "red" if problem.severity == "error" else "yellow") for problem in report.file_problems]
    for file_report in report.files:
        if file_report.file is None:
            lines.append((f"  {file_report.table}: no file (the KPIs that need it will be empty)", None))
        elif not file_report.problems:
            lines.append((f"  {file_report.file}: {plural(file_report.rows, 'row')}, OK", None))
        else:
            lines.append((f"  {file_report.file}: {plural(file_report.rows, 'row')}, {len(file_report.problems)} quarantined",
                          "yellow"))
            lines.extend((f"    {problem}", None) for problem in file_report.problems[:max_problems])
            if len(file_report.problems) > max_problems:
                lines.append((f"    ... and {len(file_report.problems) - max_problems} more", None))
    lines.extend((f"  {line}", "yellow") for line in report.notes)
    lines.extend((f"  {line}", "red") for line in [str(table) for table in report.over_tolerance] + report.build_failures)
    return lines


def _run_checks(project: Project, warehouse: Path, dbt_vars: dict):
    from .dbt_invocation import invoke_dbt

    return invoke_dbt(project, ["build", *VALIDATE_SELECTION], warehouse=warehouse, dbt_vars=dbt_vars)


def _file_reports(warehouse: Path, scan: FolderScan, contract) -> list[FileReport]:
    import duckdb

    reports = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        quarantined: dict[str, list[Problem]] = {}
        for table, file, line, column, value, reason in connection.execute(
            "select table_name, source_file, source_line, column_name, value, reason from audit.dq_quarantine"
            " order by table_name, source_file, source_line, column_name, reason"
        ).fetchall():
            # a line the reader could not parse: its text is the value, no column is to blame
            column = None if column == "_source_text" else column
            quarantined.setdefault(table, []).append(Problem(file, line, column, value, reason))
        for table in contract:
            landed = scan.tables.get(table)
            if landed is None:
                reports.append(FileReport(table, None, 0, []))
                continue
            rows = connection.execute(f'select count(*) from raw."{table}"').fetchall()[0][0]
            reports.append(FileReport(table, landed.name, rows, quarantined.get(table, [])))
    return reports


def _over_tolerance(warehouse: Path) -> list[OverTolerance]:
    """The tables the build's quarantine_within_tolerance test failed on (its stored
    failures)."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        stored = connection.execute(
            "select table_schema from information_schema.tables where table_name = 'quarantine_within_tolerance'"
        ).fetchall()
        if not stored:
            return []
        rows = connection.execute(
            f'select table_name, raw_rows, quarantined_rows, max_quarantined_share'
            f' from "{stored[0][0]}".quarantine_within_tolerance order by table_name'
        ).fetchall()
    return [OverTolerance(table, raw, quarantined, float(share)) for table, raw, quarantined, share in rows]
