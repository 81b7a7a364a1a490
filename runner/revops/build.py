"""Build the warehouse: write to a fresh file, test it, then publish it atomically.

The published warehouse is only ever replaced by a complete, tested build, with one
rename. A failed or killed build leaves it as it was, and a reader holding it open
keeps seeing the old data until it reconnects.

Publishing owns the warehouse's sidecar file too. DuckDB keeps uncheckpointed writes in
`<file>.wal` and replays that log onto whatever file has the name when it is next
opened: a stale log from a killed read-write session (the `duckdb` shell opens
read-write by default) would be replayed onto the new build. So the fresh build is
checkpointed into its one file, a publish is refused while a process holds the
warehouse read-write, and a writer's leftover log is removed before the rename.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import struct
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator

import logging

from .dbt_invocation import DbtOutcome, ProgressCallback, invoke_dbt, summary_words
from .errors import BadInput, BadUsage, BuildFailed, WarehouseBusy
from .project import Project
from .words import plural

log = logging.getLogger(__name__)


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
    memory_limit: str | None = None  # DuckDB's memory_limit (12GB); past it, it spills to disk
    wait_for_lock: bool = False
    max_quarantined_share: float | None = None  # the severity policy's threshold
    crm_source: str = "contract"  # contract | salesforce | hubspot
    billing_source: str = "contract"  # contract | stripe
    extra_vars: dict = field(default_factory=dict)  # any other dbt variable (--var)
    # dbt's unit tests check the project's SQL on fixed inputs, not the data: as dbt
    # recommends, a build leaves them out unless asked (the test suite and CI run them)
    unit_tests: bool = False

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
    if options.data_dir is not None:
        require_data_folder(options.data_dir)
    if options.raw_database is not None and not options.raw_database.is_file():
        raise BadInput(f"--raw-database {options.raw_database}: no such file")
    warehouse = options.warehouse.resolve()
    _refuse_to_replace_a_foreign_file(warehouse)
    refuse_while_written(warehouse)  # before reading the folder: a held warehouse is the first thing to say
    file_warnings = []
    if options.data_dir is not None:  # the contract's file checks first: seconds, not minutes
        from .landing import check_folder

        file_warnings = [str(problem) for problem in check_folder(project.contract_sources, options.data_dir).warnings]
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadUsage(f"--warehouse {warehouse}: cannot create its folder ({error.strerror})") from None
    started = time.monotonic()
    with _exclusive_build_lock(warehouse, wait=options.wait_for_lock):
        refuse_while_written(warehouse)  # before the build's minutes, not only at the end
        staging = _staging_path(warehouse)
        shutil.rmtree(staging.parent, ignore_errors=True)  # the last failed build, if any
        staging.parent.mkdir(parents=True)
        if options.dbt_vars().get("incremental_facts") is True and warehouse.is_file():
            # incremental facts extend the published build: start from a copy of it (the
            # published file itself is still only replaced by the rename below)
            shutil.copyfile(warehouse, staging)
        outcome = invoke_dbt(
            project,
            ["build"] if options.unit_tests else ["build", "--exclude-resource-type", "unit_test"],
            warehouse=staging,
            dbt_vars=options.dbt_vars(),
            threads=options.threads,
            memory_limit=options.memory_limit,
            on_progress=on_progress,
        )
        if not outcome.success and _failed_landing(outcome):
            raise BadInput(f"cannot read the files in {options.data_dir}; the published warehouse was left unchanged",
                           details=outcome.error.splitlines())
        if not outcome.success:
            told = f" ({summary_words(outcome.tally)})" if outcome.tally else ""
            failures = _failure_lines(outcome, staging)
            raise BuildFailed(
                f"the build failed{told}; the published warehouse was left unchanged",
                details=failures + _out_of_memory_hint(failures, options) + quarantine_summary(staging)
                + _left_for_inspection(staging),
            )
        seal(staging)
        try:
            publish(staging, warehouse)
        except WarehouseBusy as busy:
            busy.details.append(f"the tested build was not published; it is at {staging} until the next build")
            raise
        shutil.rmtree(staging.parent, ignore_errors=True)
    return BuildResult(warehouse=warehouse, outcome=outcome, seconds=time.monotonic() - started,
                       file_warnings=file_warnings)


def require_data_folder(folder: Path) -> None:
    """`--data` names a folder that is there: bad input (exit 3) otherwise, from build
    and validate alike."""
    if not folder.is_dir():
        raise BadInput(f"--data {folder}: {'not a folder' if folder.exists() else 'no such folder'}")


def _failed_landing(outcome: DbtOutcome) -> bool:
    """The run stopped in the hook landing the files: a file DuckDB could not read."""
    return bool(outcome.error) and not outcome.failures and "land_contract_files" in outcome.error


def wal_path(database: Path) -> Path:
    """DuckDB's write-ahead log of a database file: the same name plus `.wal`."""
    return database.with_name(database.name + ".wal")


def seal(database: Path) -> None:
    """Checkpoint a finished build so that everything it holds is in its one file and
    no write-ahead log of its own is left to travel, or go astray, with it."""
    import duckdb

    with duckdb.connect(str(database)) as connection:
        connection.execute("checkpoint")
    if wal_path(database).exists():  # DuckDB removes the log when it checkpoints on close
        raise RuntimeError(f"{wal_path(database)} is still there after a checkpoint")


def publish(fresh: Path, warehouse: Path) -> None:
    """Replace `warehouse` with the sealed database `fresh`: one rename, after removing
    the log a killed writer left, with no writer able to open it in between.

    Refused (WarehouseBusy) while a process holds the warehouse read-write: its log
    would be written beside, and replayed onto, the new file. Read-only readers do not
    block a publish; they keep the old file until they reconnect. DuckDB takes POSIX
    (fcntl) locks on the whole file: a write lock read-write, a read lock read-only. A
    read lock held here for the swap therefore lets readers in and keeps writers out.
    (POSIX locks are per process: a read-write connection to `warehouse` inside this
    very process would go unseen, and closing the descriptor below would drop its
    lock. The runner never holds one.)"""
    try:
        descriptor = os.open(warehouse, os.O_RDONLY)
    except FileNotFoundError:  # the first build
        os.replace(fresh, warehouse)
        return
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EACCES):
                raise _written_elsewhere(warehouse, _writer_pid(descriptor)) from None
            raise
        wal_path(warehouse).unlink(missing_ok=True)
        os.replace(fresh, warehouse)
    finally:
        os.close(descriptor)  # releases the read lock


def refuse_while_written(warehouse: Path) -> None:
    """WarehouseBusy when a process holds `warehouse` read-write (readers are fine)."""
    try:
        descriptor = os.open(warehouse, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        pid = _writer_pid(descriptor)
        if pid is None:  # not Linux: find out by trying the read lock
            try:
                fcntl.lockf(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
        raise _written_elsewhere(warehouse, pid)
    finally:
        os.close(descriptor)


def _writer_pid(descriptor: int) -> int | None:
    """The process holding a write lock on the file (F_GETLK), or None: no writer, or
    not knowable here (the `struct flock` layout below is Linux's)."""
    if not sys.platform.startswith("linux"):
        return None
    layout = "hhqqi"  # l_type, l_whence, l_start, l_len, l_pid
    request = struct.pack(layout, fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
    lock_type, _, _, _, pid = struct.unpack(layout, fcntl.fcntl(descriptor, fcntl.F_GETLK, request))
    return None if lock_type == fcntl.F_UNLCK else pid


def _written_elsewhere(warehouse: Path, pid: int | None) -> WarehouseBusy:
    holder = f"process {pid}" if pid else "another process"
    return WarehouseBusy(
        f"{warehouse} is open read-write by {holder} (a duckdb shell opens read-write by default); "
        "close it, then build again",
        details=["a build is published only while nothing writes to the warehouse; read-only "
                 "connections (duckdb -readonly, BI tools) do not get in the way"],
    )


def _refuse_to_replace_a_foreign_file(warehouse: Path) -> None:
    """`--warehouse` names a file the build will replace: never a CSV or anything else
    that is not a DuckDB database (an empty file is fine)."""
    from .warehouse import looks_like_duckdb

    if warehouse.is_file() and warehouse.stat().st_size > 0 and not looks_like_duckdb(warehouse):
        raise BadInput(f"--warehouse {warehouse} is not a DuckDB warehouse; the build would replace it, "
                       "so it stops here", details=["name a new file, or the warehouse an earlier build wrote"])


def _out_of_memory_hint(failures: list[str], options: BuildOptions) -> list[str]:
    """DuckDB's own advice names its SET commands; say which options of the build those are."""
    if not any("Out of Memory Error" in line for line in failures):
        return []
    limit = f" (it was {options.memory_limit})" if options.memory_limit else " (by default 80% of RAM)"
    return [f"DuckDB ran out of memory: raise --memory-limit{limit}, or build with --threads 1"]


def _left_for_inspection(staging: Path) -> list[str]:
    """Where the failed build was left (kept for inspection until the next build)."""
    if not staging.is_file():
        return []
    lines = [f"the failed build is at {staging}; open it read-only to inspect "
             f"(duckdb -readonly {staging}); it is removed by the next build"]
    log = staging.parent / ".dbt" / "logs" / "dbt.log"
    if log.is_file():
        lines.append(f"dbt's log of it: {log}")
    return lines


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
        lines.append(f"quarantined: {plural(count, f'{table} row')}, {column}: {reason}{where}")
    return lines


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 4].rsplit(",", 1)[0] + ", ..."


def _failure_lines(outcome: DbtOutcome, database: Path) -> list[str]:
    """A model's error as dbt says it; a failed data test in the user's words (which
    table, how many rows, the first of them, what to do), dbt's name only with --debug."""
    import duckdb

    from .test_failures import FailedTest, explain

    if outcome.error:
        return outcome.error.splitlines()
    lines = []
    try:
        connection = duckdb.connect(str(database), read_only=True) if database.is_file() else None
    except duckdb.Error:
        connection = None
    try:
        for failure in outcome.failures:
            if failure.resource_type != "test" or failure.status != "fail":
                lines.append(f"{failure.status.upper()}: {failure.resource_type} {failure.name} ({failure.path})")
                lines.extend(f"    {line}" for line in failure.message.splitlines())
                continue
            test = FailedTest(name=failure.name, path=failure.path, failing_rows=failure.failing_rows,
                              test_name=failure.test_name, model=failure.model, column=failure.column,
                              kwargs=failure.kwargs, compiled_sql=failure.compiled_sql)
            lines.extend(explain(test, connection))
            log.debug("failed test: %s (%s)", failure.name, failure.path)
    finally:
        if connection is not None:
            connection.close()
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
