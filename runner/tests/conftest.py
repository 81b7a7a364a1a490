"""Shared fixtures: a built demo warehouse and a built tiny company (once per session),
and tiny input folders. Every test that runs dbt is marked `slow` (the check below
fails one that is not), so `scripts/test -m "not slow"` runs in about a minute."""

from __future__ import annotations

import csv
import io
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

_running: dict = {"item": None}  # the test being set up, run or torn down
_unmarked_dbt_runs: set = set()  # the tests not marked slow that ran dbt
_dbt_runs: list = []  # (test or fixture's test, dbt command, seconds): told at the end


def pytest_configure(config) -> None:
    """Refuse dbt, at once, in a test not marked slow: before dbt runs, so a missing
    mark costs a second, not a build, and "not slow" stays honest."""
    from dbt.cli.main import dbtRunner

    if getattr(dbtRunner.invoke, "_refuses_unmarked_tests", False):
        return
    invoke = dbtRunner.invoke

    def refusing_invoke(self, args, **kwargs):
        item = _running["item"]
        if item is not None and item.get_closest_marker("slow") is None:
            _unmarked_dbt_runs.add(item.nodeid)
            raise RuntimeError(f"{item.nodeid} runs dbt ({args[0]}) but is not marked @pytest.mark.slow")
        started = time.monotonic()
        try:
            return invoke(self, args, **kwargs)
        finally:
            _dbt_runs.append((item.nodeid if item is not None else "(no test)", args[0], time.monotonic() - started))

    refusing_invoke._refuses_unmarked_tests = True
    dbtRunner.invoke = refusing_invoke


def _is_xdist_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_runtest_logreport(report) -> None:
    """Under pytest-xdist (scripts/test runs two workers), each worker sends the dbt runs
    it timed with its tests' reports; the controller prints the summary."""
    for name, runs in getattr(report, "user_properties", ()):
        if name == "dbt_runs" and _running.get("controller"):
            _dbt_runs.extend(tuple(run) for run in runs)


def pytest_sessionstart(session) -> None:
    _running["controller"] = not _is_xdist_worker(session.config) and session.config.pluginmanager.hasplugin("dsession")


def pytest_terminal_summary(terminalreporter) -> None:
    """Where the suite's time went: dbt runs (builds above all) are most of it."""
    if not _dbt_runs:
        return
    by_test: dict[str, list[float]] = {}
    for nodeid, _, seconds in _dbt_runs:
        by_test.setdefault(nodeid, []).append(seconds)
    total = sum(seconds for _, _, seconds in _dbt_runs)
    terminalreporter.write_sep("-", f"dbt ran {len(_dbt_runs)} times, {total:.0f} s in all; the tests it took longest for")
    for nodeid, runs in sorted(by_test.items(), key=lambda item: -sum(item[1]))[:15]:
        terminalreporter.write_line(f"{sum(runs):7.1f} s  {len(runs):2d} runs  {nodeid}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _running["item"] = item
    yield
    _running["item"] = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when == "teardown" and _is_xdist_worker(item.config):
        report.user_properties.append(("dbt_runs", list(_dbt_runs[_running.get("sent", 0):])))
        _running["sent"] = len(_dbt_runs)
    details = getattr(call.excinfo.value, "details", None) if call.excinfo is not None else None
    if details:  # a RevopsError's details are what the CLI prints below its message
        report.sections.append(("revops error details", "\n".join(str(line) for line in details)))
    if call.when == "teardown" and item.nodeid in _unmarked_dbt_runs and report.passed:
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} runs dbt but is not marked @pytest.mark.slow"

from revops.build import BuildOptions, BuildResult, build_warehouse
from revops.project import Project


@pytest.fixture(scope="session")
def project() -> Project:
    return Project.locate()


@pytest.fixture(scope="session")
def demo_warehouse(project: Project, tmp_path_factory) -> Path:
    """The demo company built once, as `revops build` would (about a minute)."""
    warehouse = tmp_path_factory.mktemp("demo") / "revops.duckdb"
    build_warehouse(project, BuildOptions(warehouse=warehouse))
    return warehouse


@dataclass(frozen=True)
class TinyBuild:
    warehouse: Path
    result: BuildResult
    progress: str  # what the build's progress printed, to a stream that is not a terminal


@pytest.fixture(scope="session")
def tiny_build(project: Project, tmp_path_factory) -> TinyBuild:
    """The tiny company (tiny_company_files) built once, as `revops build --data
    --unit-tests` would, with its progress lines captured as a log or a pipe gets them.
    The suite's one build that runs the project's unit tests (they do not read the data)."""
    from revops.progress import progress_for

    folder = tiny_company_files(tmp_path_factory.mktemp("tiny_build"))
    warehouse = folder.parent / "warehouse" / "revops.duckdb"
    captured = io.StringIO()
    with progress_for(captured, environ={}) as progress:
        result = build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=folder, unit_tests=True),
                                on_progress=progress)
    return TinyBuild(warehouse=warehouse, result=result, progress=captured.getvalue())


@pytest.fixture(scope="session")
def tiny_warehouse(tiny_build: TinyBuild) -> Path:
    """The tiny company's published warehouse. Read it, or copy it (published_copy) to
    change it: never write to it."""
    return tiny_build.warehouse


def published_copy(warehouse: Path, folder: Path) -> Path:
    """A copy of a published warehouse at folder/revops.duckdb: what building the same
    input there would have published, without the build."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "revops.duckdb"
    shutil.copyfile(warehouse, copy)
    return copy


def write_csv(folder: Path, table: str, rows: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def tiny_company(tmp_path: Path) -> Path:
    return tiny_company_files(tmp_path)


def tiny_company_files(parent: Path) -> Path:
    """A company in the input contract small enough to check by hand: two accounts,
    one of them an annual EUR customer (1,200 EUR a year at 1.10 = 110 USD MRR), one
    won deal, one invoice. Tables not written here are absent, as the contract allows."""
    folder = parent / "tiny"
    write_csv(folder, "accounts", [
        {"account_id": "A1", "account_name": "Acme", "created_at": "2024-01-05T10:00:00Z", "segment": "smb", "region": "EMEA"},
        {"account_id": "A2", "account_name": "Beta", "created_at": "2024-02-01 09:00:00", "segment": "", "region": ""},
    ])
    write_csv(folder, "opportunities", [
        {"opportunity_id": "O1", "account_id": "A1", "created_at": "2024-01-10T09:00:00+01:00",
         "stage_name": "Closed Won", "is_closed": "yes", "is_won": "1", "amount": "1200.00",
         "currency": "EUR", "close_date": "2024-01-31", "probability": "100", "opportunity_type": "new_business"},
    ])
    write_csv(folder, "opportunity_stages", [
        {"stage_name": "Closed Won", "stage_order": "6", "is_qualified": "1", "is_closed": "1", "is_won": "1"},
    ])
    write_csv(folder, "subscriptions", [
        {"subscription_id": "S1", "account_id": "A1", "period_start": "2024-02-01", "amount": "1200.00",
         "billing_interval": "year", "currency": "EUR", "period_end": ""},
    ])
    write_csv(folder, "invoices", [
        {"invoice_id": "I1", "account_id": "A1", "issued_at": "2024-02-01T00:00:00Z", "total": "1200.00",
         "currency": "EUR", "status": "paid", "due_at": "2024-03-02T00:00:00Z", "paid_at": "2024-03-01T00:00:00Z"},
    ])
    write_csv(folder, "fx_rates", [
        {"rate_date": "2024-01-01", "currency": "EUR", "rate_to_reporting": "1.10"},
    ])
    return folder


SOURCE_SYSTEM_FIXTURES = Path(__file__).parent / "fixtures" / "source_systems"


def land_like_an_elt_tool(database: Path, *systems: str) -> Path:
    """Write the fixture tables of each source system (fixtures/source_systems/<system>/
    <table>.csv) into schema <system> of a DuckDB file, with typed columns, the way
    Fivetran or Airbyte lands them in a warehouse. A `contract` folder, if named, goes to
    schema `raw` (the contract tables no source system provides)."""
    import duckdb

    connection = duckdb.connect(str(database))
    try:
        for system in systems:
            schema = "raw" if system == "contract" else system
            connection.execute(f'create schema if not exists "{schema}"')
            for path in sorted((SOURCE_SYSTEM_FIXTURES / system).glob("*.csv")):
                connection.execute(
                    f'create or replace table "{schema}"."{path.stem}" as '
                    "select * from read_csv(?, header = true, auto_detect = true)", [str(path)])
    finally:
        connection.close()
    return database
