"""Build the warehouse: write to a fresh file, test it, then publish it atomically.

The published warehouse is only ever replaced by a complete, tested build, with one
rename. A failed or killed build leaves it as it was, and a reader holding it open
keeps seeing the old data until it reconnects.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator

from .dbt_invocation import DbtOutcome, ProgressCallback, invoke_dbt
from .errors import BadInput, BuildFailed, WarehouseBusy
from .project import Project


@dataclass(frozen=True)
class BuildOptions:
    warehouse: Path
    data_dir: Path | None = None  # a folder of contract files; None = the demo company
    raw_schema: str | None = None  # contract tables already in this schema
    raw_database: Path | None = None  # DuckDB: the file holding raw_schema (attached read-only)
    as_of: date | None = None
    reporting_currency: str | None = None
    fiscal_year_start_month: int | None = None
    threads: int | None = None
    wait_for_lock: bool = False
    max_quarantined_share: float | None = None  # the severity policy's threshold
    crm_source: str = "contract"  # contract | salesforce | hubspot
    billing_source: str = "contract"  # contract | stripe
    extra_vars: dict = field(default_factory=dict)  # any other dbt variable (--var)

    @property
    def uses_source_systems(self) -> bool:
        return self.crm_source != "contract" or self.billing_source != "contract"

    def dbt_vars(self) -> dict:
        variables: dict = dict(self.extra_vars)
        if self.data_dir is not None:
            variables.update(raw_source="files", data_dir=str(self.data_dir.resolve()))
        elif self.raw_schema is not None or self.uses_source_systems:
            # with source systems the other contract tables come from a schema (absent
            # tables are empty), never from the demo company
            variables.update(raw_source="schema", raw_schema=self.raw_schema or "raw")
        if self.raw_database is not None:
            variables["raw_database"] = str(self.raw_database.resolve())
        if self.uses_source_systems:
            variables.update(crm_source=self.crm_source, billing_source=self.billing_source)
        if self.as_of is not None:
            variables["as_of_date"] = self.as_of.isoformat()
        if self.reporting_currency is not None:
            variables["reporting_currency"] = self.reporting_currency.upper()
        if self.fiscal_year_start_month is not None:
            variables["fiscal_year_start_month"] = self.fiscal_year_start_month
        if self.max_quarantined_share is not None:
            variables["dq_max_quarantined_share"] = self.max_quarantined_share
        return variables


@dataclass(frozen=True)
class BuildResult:
    warehouse: Path
    outcome: DbtOutcome
    seconds: float
    file_warnings: list[str] = field(default_factory=list)  # files in --data that were not read


def build_warehouse(
    project: Project, options: BuildOptions, on_progress: ProgressCallback | None = None
) -> BuildResult:
    """Run `dbt build` into a fresh database and publish it if every node passed."""
    if options.data_dir is not None and not options.data_dir.is_dir():
        raise BadInput(f"--data {options.data_dir}: no such folder")
    if options.raw_database is not None and not options.raw_database.is_file():
        raise BadInput(f"--raw-database {options.raw_database}: no such file")
    file_warnings = []
    if options.data_dir is not None:  # the contract's file checks first: seconds, not minutes
        from .landing import check_folder

        file_warnings = [str(problem) for problem in check_folder(project.contract_sources, options.data_dir).warnings]
    warehouse = options.warehouse.resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with _exclusive_build_lock(warehouse, wait=options.wait_for_lock):
        staging = _staging_path(warehouse)
        shutil.rmtree(staging.parent, ignore_errors=True)
        staging.parent.mkdir(parents=True)
        outcome = invoke_dbt(
            project,
            ["build"],
            warehouse=staging,
            dbt_vars=options.dbt_vars(),
            threads=options.threads,
            on_progress=on_progress,
        )
        if not outcome.success and _failed_landing(outcome):
            raise BadInput(f"cannot read the files in {options.data_dir}; the published warehouse was left unchanged",
                           details=outcome.error.splitlines())
        if not outcome.success:
            raise BuildFailed(
                "the build failed; the published warehouse was left unchanged",
                details=_failure_lines(outcome) + quarantine_summary(staging),
            )
        os.replace(staging, warehouse)
        shutil.rmtree(staging.parent, ignore_errors=True)
    return BuildResult(warehouse=warehouse, outcome=outcome, seconds=time.monotonic() - started,
                       file_warnings=file_warnings)


def _failed_landing(outcome: DbtOutcome) -> bool:
    """The run stopped in the hook landing the files: a file DuckDB could not read."""
    return bool(outcome.error) and not outcome.failures and "land_contract_files" in outcome.error


def _staging_path(warehouse: Path) -> Path:
    """Where a build is written before publishing: beside the warehouse (same file
    system, so the publish is one atomic rename) and under the same file name, because
    DuckDB names the database after the file and views refer to it by that name."""
    return warehouse.parent / f".{warehouse.stem}.building" / warehouse.name


def unmatched_billing_customers(warehouse: Path, limit: int = 5) -> tuple[int, list[str]]:
    """How many billing customers matched no CRM account (each became an account of its
    own), and the first few with the reason."""
    from .warehouse import read_only_connection

    with read_only_connection(warehouse) as connection:
        rows = connection.execute(
            "select customer_id, coalesce(customer_name, ''), unmatched_reason, count(*) over ()"
            " from audit.billing_customer_matches where not is_matched order by customer_id limit ?",
            [limit],
        ).fetchall()
    total = rows[0][3] if rows else 0
    return total, [f"{customer} {name}: {reason}".replace("  ", " ") for customer, name, reason, _ in rows]


def quarantine_summary(warehouse: Path, limit: int = 12) -> list[str]:
    """What audit.dq_quarantine holds, by table and reason, with the first lines: the
    rows that broke the contract and were kept out of the conformed tables."""
    import duckdb

    if not warehouse.is_file():
        return []
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            rows = connection.execute(
                "select table_name, column_name, reason, count(*),"
                " string_agg(cast(source_line as varchar), ', ' order by source_line), min(source_file)"
                " from audit.dq_quarantine group by table_name, column_name, reason order by 4 desc, 1, 2 limit ?",
                [limit],
            ).fetchall()
    except duckdb.Error:  # the build stopped before the audit model existed
        return []
    lines = []
    for table, column, reason, count, source_lines, source_file in rows:
        where = f" (lines {_shorten(source_lines)}{f' of {source_file}' if source_file else ''})" if source_lines else ""
        lines.append(f"quarantined: {count} {table} row(s), {column}: {reason}{where}")
    return lines


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 4].rsplit(",", 1)[0] + ", ..."


def _failure_lines(outcome: DbtOutcome) -> list[str]:
    if outcome.error:
        return outcome.error.splitlines()
    lines = []
    for failure in outcome.failures:
        lines.append(f"{failure.status.upper()}: {failure.resource_type} {failure.name} ({failure.path})")
        lines.extend(f"    {line}" for line in failure.message.splitlines())
    return lines


@contextmanager
def _exclusive_build_lock(warehouse: Path, *, wait: bool) -> Iterator[None]:
    """One build per warehouse at a time: a lock file beside it, released by the OS
    even when the process is killed."""
    lock_path = warehouse.parent / f".{warehouse.name}.lock"
    with open(lock_path, "a+") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EACCES):
                raise WarehouseBusy(
                    f"another build of {warehouse} is running; wait for it, or pass --wait to queue behind it"
                ) from None
            raise
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
