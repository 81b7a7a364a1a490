"""Run dbt in-process and turn its events into progress lines and a short summary.

In-process (dbtRunner) is several times faster than a subprocess per command. The
price: dbt-duckdb keeps the database file open after the run, so `invoke_dbt` closes
it before returning; the caller can then move or reopen the file.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .project import Project
from .words import plural

# The events progress is counted from: the run's start says how many nodes it executes
# (dbt's own count of the selection), and every executed node ends with NodeFinished,
# skipped ones included. dbt's per-node result lines are no use for counting: a data
# test's carries no total, and their index is the start order, not the finish order.
_RUN_STARTED = "ConcurrencyLine"
_NODE_FINISHED = "NodeFinished"
_FAILED_STATUSES = {"error", "fail", "runtime error"}
_WITHOUT_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]  # the one selection progress can count
_SELECTION_FLAGS = {"--select", "-s", "--models", "-m", "--exclude", "--selector", "--resource-type",
                    "--resource-types", "--exclude-resource-type", "--exclude-resource-types", "--inline"}


def node_kind(resource_type: str) -> str:
    """What progress counts a node as: unit tests are tests like data tests."""
    return "test" if resource_type == "unit_test" else resource_type


@dataclass(frozen=True)
class NodeProgress:
    """One node finished: for progress lines. `index` counts the nodes finished so far,
    this one included, in the order they finished; `total` is how many the run executes
    (0 when dbt did not say). `done`/`totals` are the same by kind (model, test, seed...),
    `totals` empty when the manifest's count does not match dbt's (a selection)."""

    index: int
    total: int
    resource_type: str
    name: str
    status: str
    seconds: float
    done: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)


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
    counts: dict[str, int] = field(default_factory=dict)  # by status, from the run results
    tally: dict[tuple[str, str], int] = field(default_factory=dict)  # by (resource type, status)
    failures: list[NodeFailure] = field(default_factory=list)
    error: str | None = None  # a failure before any node ran (parse, compile, connection)


ProgressCallback = Callable[[NodeProgress], None]

# Variables only the run reads (an on-run-start hook), never the parse: they reach dbt
# as environment variables, because dbt parses the whole project again (15 s) whenever
# --vars changes, and every build of another folder would change them.
RUN_ONLY_VARS = {"data_dir": "REVOPS_DATA_DIR"}


def invoke_dbt(
    project: Project,
    args: list[str],
    *,
    warehouse: Path,
    dbt_vars: dict | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> DbtOutcome:
    """Run one dbt command (`["build"]`, `["run-operation", ...]`) against `warehouse`."""
    from dbt.cli.main import dbtRunner  # imported late: it takes a second to load

    warehouse = warehouse.resolve()  # dbt runs in its folder (below)
    target_dir = warehouse.parent / ".dbt"
    without_unit_tests = args[-2:] == _WITHOUT_UNIT_TESTS and not _SELECTION_FLAGS.intersection(args[:-2])
    counter = _ProgressCounter(on_progress,
                               whole_project=not _SELECTION_FLAGS.intersection(args),
                               without_unit_tests=without_unit_tests)

    def on_event(event) -> None:
        if on_progress is None:
            return
        if event.info.name == _RUN_STARTED:
            counter.run_started(int(event.data.node_count or 0))
        elif event.info.name == _NODE_FINISHED:
            node, result = event.data.node_info, event.data.run_result
            counter.node_finished(resource_type=node.resource_type or "test",
                                  name=node.node_name or node.unique_id,
                                  status=(result.status or node.node_status or "").lower(),
                                  seconds=float(result.execution_time or 0.0))

    dbt_vars = dict(dbt_vars or {})
    # dbt parses the whole project again when the profile's values change, the file's
    # path among them: the profile names the file alone, and dbt runs in its folder
    env = {"REVOPS_WAREHOUSE": warehouse.name}
    for name, variable in RUN_ONLY_VARS.items():  # out of --vars, so the parse can be reused
        value = dbt_vars.pop(name, None)
        env[variable] = "" if value is None else str(Path(value).resolve())  # never one left in the shell
    if isinstance(dbt_vars.get("raw_database"), str):  # a path given with --var: not from the build's folder
        dbt_vars["raw_database"] = str(Path(dbt_vars["raw_database"]).resolve())
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
    if threads:
        env["REVOPS_THREADS"] = str(threads)
    # read by the first on-run-start hook (set_memory_limit), not by the parse
    env["REVOPS_MEMORY_LIMIT"] = memory_limit or ""
    parse_cache = _ParseCache(project, dbt_vars, target_dir / "target")
    parse_cache.restore()
    with _environment(env), _working_directory(warehouse.parent):
        try:
            if args[0] in _RUNS_NODES:
                # parse first, then run on the parsed manifest without writing dbt's JSON
                # artifacts: a build writes manifest.json twice (2-3 s of a small build)
                # and the runner reads neither that nor run_results.json, only the
                # in-process results. The manifest gives the progress its totals.
                parsed = dbtRunner().invoke(["parse", *command[len(args):], "--no-write-json"])
                result = parsed
                if parsed.success:
                    counter.manifest = parsed.result
                    result = dbtRunner(manifest=parsed.result, callbacks=[on_event]).invoke(
                        [*command, "--no-write-json"])
            else:
                result = dbtRunner(callbacks=[on_event]).invoke(command)
        finally:
            release_duckdb_file()
    parse_cache.save()
    if isinstance(result.exception, KeyboardInterrupt):  # dbtRunner catches even Ctrl-C
        raise KeyboardInterrupt
    return _outcome(result)


class _ProgressCounter:
    """Numbers each finished node, overall and by kind, for the progress callback.
    dbt calls back from its worker threads, hence the lock."""

    def __init__(self, on_progress: ProgressCallback | None, *, whole_project: bool,
                 without_unit_tests: bool = False):
        self.manifest = None  # dbt's parsed Manifest, set once the parse is done
        self.whole_project = whole_project or without_unit_tests
        self.without_unit_tests = without_unit_tests
        self.on_progress = on_progress
        self.lock = threading.Lock()
        self.total = 0
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.index = 0

    def run_started(self, node_count: int) -> None:
        # dbt's own count (node_count) leaves out a build's unit tests (652 of the tiny
        # company's 733 nodes): the manifest's is the run's when nothing is selected
        totals = executed_nodes_by_kind(self.manifest, unit_tests=not self.without_unit_tests) \
            if self.whole_project else {}
        with self.lock:
            self.total = sum(totals.values()) or node_count
            self.totals = totals

    def node_finished(self, *, resource_type: str, name: str, status: str, seconds: float) -> None:
        kind = node_kind(resource_type)
        with self.lock:
            self.index += 1
            self.done[kind] = self.done.get(kind, 0) + 1
            progress = NodeProgress(index=self.index, total=max(self.total, self.index), resource_type=resource_type,
                                    name=name, status=status, seconds=seconds, done=dict(self.done),
                                    totals=dict(self.totals))
            self.on_progress(progress)


def executed_nodes_by_kind(manifest, *, unit_tests: bool = True) -> dict[str, int]:
    """How many nodes of each kind an unselected `dbt build` executes from dbt's parsed
    Manifest: every enabled model but the ephemeral ones (compiled into others), seed,
    snapshot, data test, unit test (unless left out), saved query and exposure (the last
    two finish as no-ops). Empty without a manifest."""
    if manifest is None:
        return {}
    nodes = [*manifest.nodes.values(), *(manifest.unit_tests.values() if unit_tests else ()),
             *manifest.saved_queries.values(), *manifest.exposures.values()]
    totals: dict[str, int] = {}
    for node in nodes:
        resource_type, config = str(node.resource_type), node.config
        if config.enabled is False or resource_type not in _EXECUTED_RESOURCE_TYPES:
            continue
        if resource_type == "model" and getattr(config, "materialized", None) == "ephemeral":
            continue
        kind = node_kind(resource_type)
        totals[kind] = totals.get(kind, 0) + 1
    return totals


_RUNS_NODES = {"build", "run", "test", "seed"}  # the commands that run on a parsed manifest
_EXECUTED_RESOURCE_TYPES = {"model", "seed", "snapshot", "test", "unit_test", "saved_query", "exposure"}


class _ParseCache:
    """dbt's partial parsing across builds. Each build has a fresh target folder, so dbt
    would parse all of the project every time (15 of a small build's 35 s). Its
    partial-parse file is kept per set of --vars in the project's target/ folder, copied
    into the build's target before dbt runs and back after. dbt checks the file itself
    (every file's checksum, the vars, the profile, its version) and parses again
    whatever changed, or everything, so a stale copy costs time, never correctness. A
    folder that cannot be written just means no reuse."""

    FILE = "partial_parse.msgpack"

    def __init__(self, project: Project, dbt_vars: dict, target: Path):
        key = hashlib.sha256(json.dumps(dbt_vars, sort_keys=True, default=str).encode()).hexdigest()[:16]
        self.cached = project.root / "target" / "revops_parse_cache" / f"{key}.msgpack"
        self.target = target

    def restore(self) -> None:
        try:
            self.target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.cached, self.target / self.FILE)
        except OSError:
            pass

    def save(self) -> None:
        written = self.target / self.FILE
        try:
            if not written.is_file() or (self.cached.is_file() and filecmp.cmp(written, self.cached, shallow=False)):
                return
            self.cached.parent.mkdir(parents=True, exist_ok=True)
            partial = self.cached.with_name(f"{self.cached.name}.{os.getpid()}.tmp")
            shutil.copyfile(written, partial)
            os.replace(partial, self.cached)  # readers see the old file or the new, whole
        except OSError:
            pass


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
        key = (str(node_result.node.resource_type), status)
        outcome.tally[key] = outcome.tally.get(key, 0) + 1
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


# the build summary's words: what a node of each type is called, and what each status
# says of it, in the order they are told ("591 checks passed, 83 models built")
_SUMMARY_NOUNS = {"test": "check", "unit_test": "check", "model": "model", "seed": "seed", "snapshot": "snapshot"}
_SUMMARY_ORDER = [("check", "pass", "passed"), ("model", "success", "built"), ("seed", "success", "loaded"),
                  ("snapshot", "success", "taken"), ("check", "warn", "warned"), ("check", "fail", "failed"),
                  ("check", "error", "errored"), ("model", "error", "failed"), ("seed", "error", "failed"),
                  ("snapshot", "error", "failed"), ("check", "skipped", "skipped"), ("model", "skipped", "skipped"),
                  ("seed", "skipped", "skipped"), ("snapshot", "skipped", "skipped")]


def summary_words(tally: dict[tuple[str, str], int]) -> str:
    """A run's results in plain words: "591 checks passed, 83 models built, 1 check
    warned". Hooks, saved queries and exposures (no-ops in a build) are not told; a
    status this list does not know is told as dbt names it."""
    counts: dict[tuple[str, str], int] = {}
    for (resource_type, status), n in tally.items():
        noun = _SUMMARY_NOUNS.get(resource_type)
        if noun is not None:
            counts[(noun, status)] = counts.get((noun, status), 0) + n
    known = {(noun, status) for noun, status, _ in _SUMMARY_ORDER}
    parts = [f"{plural(counts[(noun, status)], noun)} {verb}" for noun, status, verb in _SUMMARY_ORDER
             if counts.get((noun, status))]
    parts += [f"{plural(n, noun)} {status}" for (noun, status), n in sorted(counts.items())
              if (noun, status) not in known]
    return ", ".join(parts) or "nothing to run"


def _first_line_block(text: str) -> str:
    """dbt's message without its blank lines, whole: a reader's reason (which file,
    which line, what DuckDB suggests) is often past its sixth line."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines() if line.strip())


@contextmanager
def _working_directory(folder: Path) -> Iterator[None]:
    try:
        previous = os.getcwd()
    except FileNotFoundError:  # the folder it ran in was removed
        previous = None
    os.chdir(folder)
    try:
        yield
    finally:
        if previous is not None:
            try:
                os.chdir(previous)
            except FileNotFoundError:
                pass


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
