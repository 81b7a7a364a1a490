"""Run dbt in-process and turn its events into progress lines and a short summary.

In-process (dbtRunner) is several times faster than a subprocess per command. The
price: dbt-duckdb keeps the database file open after the run, so `invoke_dbt` closes
it before returning; the caller can then move or reopen the file.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .project import Project

# dbt events that report one finished node, and where their fields live.
_RESULT_EVENTS = {"LogModelResult", "LogTestResult", "LogSeedResult", "LogNodeResult"}
_FAILED_STATUSES = {"error", "fail", "runtime error"}


@dataclass(frozen=True)
class NodeProgress:
    """One node finished: for progress lines."""

    index: int
    total: int
    resource_type: str
    name: str
    status: str
    seconds: float


@dataclass(frozen=True)
class NodeFailure:
    resource_type: str
    name: str
    status: str
    message: str
    path: str
    # data tests: what test_failures.explain needs to say it in the user's words
    failing_rows: int = 0
    test_name: str | None = None
    model: str | None = None
    column: str | None = None
    kwargs: dict = field(default_factory=dict)
    compiled_sql: str | None = None  # a singular test's query, to show its rows


@dataclass
class DbtOutcome:
    success: bool
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[NodeFailure] = field(default_factory=list)
    error: str | None = None  # a failure before any node ran (parse, compile, connection)


ProgressCallback = Callable[[NodeProgress], None]


def invoke_dbt(
    project: Project,
    args: list[str],
    *,
    warehouse: Path,
    dbt_vars: dict | None = None,
    threads: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> DbtOutcome:
    """Run one dbt command (`["build"]`, `["run-operation", ...]`) against `warehouse`."""
    from dbt.cli.main import dbtRunner  # imported late: it takes a second to load

    def on_event(event) -> None:
        if on_progress is None or event.info.name not in _RESULT_EVENTS:
            return
        data = event.data
        node = data.node_info
        on_progress(
            NodeProgress(
                index=int(getattr(data, "index", 0) or 0),
                total=int(getattr(data, "total", 0) or 0),
                resource_type=node.resource_type or "test",
                name=node.node_name or getattr(data, "name", ""),
                status=(getattr(data, "status", "") or node.node_status or "").lower(),
                seconds=float(getattr(data, "execution_time", 0.0) or 0.0),
            )
        )

    target_dir = warehouse.parent / ".dbt"
    command = [
        *args,
        "--project-dir", str(project.root),
        "--profiles-dir", str(project.root),
        "--target-path", str(target_dir / "target"),
        "--log-path", str(target_dir / "logs"),
        "--log-level", "none",
        "--log-level-file", "info",
    ]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars, sort_keys=True)]
    env = {"REVOPS_WAREHOUSE": str(warehouse)}
    if threads:
        env["REVOPS_THREADS"] = str(threads)
    with _environment(env):
        try:
            result = dbtRunner(callbacks=[on_event]).invoke(command)
        finally:
            release_duckdb_file()
    if isinstance(result.exception, KeyboardInterrupt):  # dbtRunner catches even Ctrl-C
        raise KeyboardInterrupt
    return _outcome(result)


def release_duckdb_file() -> None:
    """Close the DuckDB database dbt-duckdb keeps open between in-process runs."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter: nothing held
        return
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if environment is not None and getattr(environment, "conn", None) is not None:
            environment.close()
    from dbt.adapters.factory import reset_adapters

    reset_adapters()


def _outcome(result) -> DbtOutcome:
    if result.exception is not None and result.result is None:
        return DbtOutcome(success=False, error=_first_line_block(str(result.exception)))
    outcome = DbtOutcome(success=bool(result.success))
    run_results = getattr(result.result, "results", None) or []
    for node_result in run_results:
        status = str(node_result.status).lower()
        outcome.counts[status] = outcome.counts.get(status, 0) + 1
        if status in _FAILED_STATUSES:
            node = node_result.node
            metadata = getattr(node, "test_metadata", None)
            attached = getattr(node, "attached_node", None) or ""
            refs = getattr(node, "refs", None) or []
            outcome.failures.append(
                NodeFailure(
                    resource_type=str(node.resource_type),
                    name=node.name,
                    status=status,
                    message=_first_line_block(node_result.message or ""),
                    path=str(getattr(node, "original_file_path", "")),
                    failing_rows=int(getattr(node_result, "failures", 0) or 0),
                    test_name=metadata.name if metadata else None,
                    model=attached.rsplit(".", 1)[-1] if attached else (refs[0].name if refs else None),
                    column=getattr(node, "column_name", None),
                    kwargs=dict(metadata.kwargs) if metadata else {},
                    compiled_sql=getattr(node, "compiled_code", None),
                )
            )
    if result.exception is not None:
        outcome.error = _first_line_block(str(result.exception))
    return outcome


def _first_line_block(text: str) -> str:
    """dbt's message without its blank lines, whole: a reader's reason (which file,
    which line, what DuckDB suggests) is often past its sixth line."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines() if line.strip())


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """dbt reads the profile's env_var() during invoke; set them only for the call."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
