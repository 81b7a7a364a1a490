"""Builds publish atomically: killed or concurrent builds and readers during a rebuild
never see a half-built warehouse; the same input always gives the same files; a
read-write session on the warehouse, alive or killed, never leaks into a new build."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import revops.build
from conftest import published_copy, tiny_company_files
from revops.build import BuildOptions, build_warehouse, publish, wal_path
from revops.cli import main
from revops.errors import ExitCode, WarehouseBusy
from revops.export import export_models
from test_build_and_export import query

def revops_process(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "revops", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **kwargs)


@pytest.mark.slow
def test_two_builds_of_the_same_input_export_byte_identical_files(project, tiny_company, tiny_warehouse, tmp_path):
    # the session's build of the tiny company (another folder, another process history)
    # and a build of it here
    warehouse = tmp_path / "second" / "revops.duckdb"
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tiny_company))
    exports = []
    for attempt, built in (("first", tiny_warehouse), ("second", warehouse)):
        files = export_models(built, tmp_path / attempt / "exports")
        exports.append({file.path.name: file.path.read_bytes() for file in files})
    assert exports[0].keys() == exports[1].keys()
    different = [name for name in exports[0] if exports[0][name] != exports[1][name]]
    assert not different


@pytest.mark.slow
def test_a_build_killed_halfway_leaves_the_published_warehouse_intact(project, tiny_company, tiny_warehouse, tmp_path):
    warehouse = published_copy(tiny_warehouse, tmp_path)  # tiny_company, built and published
    published = warehouse.read_bytes()
    building = tmp_path / ".revops.building"
    process = revops_process("build", "--data", str(tiny_company), "--warehouse", str(warehouse))
    deadline = time.monotonic() + 120
    while not (building / "revops.duckdb").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # well into the dbt build
    assert process.poll() is None, process.stdout.read()
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert warehouse.read_bytes() == published
    assert query(warehouse, "select count(*) from core.dim_accounts") == [(2,)]
    # the lock died with the process, and the leftovers do not get in the next build's way
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tiny_company))
    assert query(warehouse, "select count(*) from core.dim_accounts") == [(2,)]


@pytest.mark.slow
def test_a_reader_during_a_rebuild_sees_the_old_data_then_a_new_connection_the_new(
        project, tiny_company, tiny_warehouse, tmp_path):
    warehouse = published_copy(tiny_warehouse, tmp_path)  # tiny_company, built and published
    reader_code = (
        "import duckdb, sys\n"
        f"con = duckdb.connect({str(warehouse)!r}, read_only=True)\n"
        "count = lambda: con.execute('select count(*) from core.dim_accounts').fetchall()[0][0]\n"
        "print(count(), flush=True)\n"
        "sys.stdin.readline()\n"
        "print(count(), flush=True)\n"
    )
    reader = subprocess.Popen([sys.executable, "-c", reader_code], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "2"
    with (tiny_company / "accounts.csv").open("a") as accounts:
        accounts.write("A3,Gamma,2024-03-01T00:00:00Z,smb,NA\n")
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tiny_company))
    reader.stdin.write("\n")
    reader.stdin.flush()
    assert reader.stdout.readline().strip() == "2"  # the old snapshot, whole
    reader.wait(timeout=30)
    fresh = subprocess.run([sys.executable, "-c", reader_code], input="\n", capture_output=True, text=True)
    assert fresh.stdout.split() == ["3", "3"]


@pytest.mark.slow
def test_a_second_build_waits_or_exits_while_one_runs(project, tiny_company, tmp_path):
    warehouse = tmp_path / "revops.duckdb"
    env = dict(os.environ, REVOPS_WAREHOUSE=str(warehouse), REVOPS_DATA=str(tiny_company))
    first = revops_process("build", "--quiet", env=env)
    lock_held = tmp_path / ".revops.building"
    deadline = time.monotonic() + 120
    while not lock_held.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    refused = subprocess.run([sys.executable, "-m", "revops", "build", "--no-wait"], env=env,
                             capture_output=True, text=True)
    assert refused.returncode == ExitCode.BUSY, refused.stderr
    assert "another build" in refused.stderr
    queued = revops_process("build", "--quiet", "--wait", env=env)
    assert first.wait(timeout=300) == 0, first.stdout.read()
    assert queued.wait(timeout=300) == 0, queued.stdout.read()
    assert query(warehouse, "select count(*) from core.dim_accounts") == [(2,)]


# The warehouse's write-ahead log belongs to publishing.

def hold_open(warehouse: Path, *, read_only: bool, sql: tuple[str, ...] = ()) -> subprocess.Popen:
    """Another process (a duckdb shell, a BI tool) with the warehouse open, after running
    `sql`; it holds the connection until killed or sent a line."""
    code = (
        "import duckdb, sys\n"
        f"connection = duckdb.connect({str(warehouse)!r}, read_only={read_only})\n"
        f"for statement in {list(sql)!r}:\n"
        "    connection.execute(statement)\n"
        "print('open', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "open"
    return process


def snapshot(database: Path) -> dict[str, list]:
    """Every table and view of a database with its rows: what a reader sees."""
    with duckdb.connect(str(database), read_only=True) as connection:
        relations = connection.execute(
            "select table_schema, table_name from information_schema.tables order by all").fetchall()
        return {f"{schema}.{name}": sorted(map(repr, connection.execute(f'select * from "{schema}"."{name}"').fetchall()))
                for schema, name in relations}


def small_database(path: Path, accounts: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema core")
        connection.execute(f"create table core.dim_accounts as select range as account_id from range({accounts})")
    return path


@pytest.mark.slow
def test_a_killed_writers_log_is_not_replayed_onto_the_next_build(project, tiny_warehouse, tmp_path, monkeypatch):
    data = tiny_company_files(tmp_path)
    warehouse = published_copy(tiny_warehouse, tmp_path / "warehouse")  # the same company, built and published
    # someone opens the published warehouse read-write, writes, and is killed
    writer = hold_open(warehouse, read_only=False, sql=(
        "create table core.intruder as select 42 as answer",
        "insert into core.dim_accounts by name select * from core.dim_accounts",
    ))
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert wal_path(warehouse).exists()  # the stale log: its writes are not in the file
    assert "core.intruder" in snapshot(warehouse)  # ...and any open replays them
    # the next build, of new data: a reader must see exactly what it tested
    with (data / "accounts.csv").open("a") as accounts:
        accounts.write("A3,Gamma,2024-03-01T00:00:00Z,smb,NA\n")
    tested = {}
    real_publish = revops.build.publish

    def publish_what_was_tested(fresh: Path, target: Path) -> None:
        tested.update(snapshot(fresh))
        real_publish(fresh, target)

    monkeypatch.setattr(revops.build, "publish", publish_what_was_tested)
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=data))
    seen = snapshot(warehouse)
    assert "core.intruder" not in seen
    assert len(seen["core.dim_accounts"]) == 3
    assert seen == tested
    assert not wal_path(warehouse).exists()


def test_a_build_is_refused_while_a_process_holds_the_warehouse_read_write(project, tmp_path, monkeypatch):
    warehouse = small_database(tmp_path / "revops.duckdb", accounts=2)
    before = warehouse.read_bytes()

    def no_dbt(*args, **kwargs):
        raise AssertionError("the build ran although the warehouse is held read-write")

    monkeypatch.setattr(revops.build, "invoke_dbt", no_dbt)
    writer = hold_open(warehouse, read_only=False)
    try:
        with pytest.raises(WarehouseBusy, match=f"is open read-write by process {writer.pid} "):
            build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tmp_path))
        result = CliRunner().invoke(main, ["build", "--warehouse", str(warehouse), "--data", str(tmp_path)])
        assert result.exit_code == ExitCode.BUSY, result.output
        assert "close it, then build again" in result.output
        # reading commands say the same, with the same code
        result = CliRunner().invoke(main, ["export", "--list", "--warehouse", str(warehouse)])
        assert result.exit_code == ExitCode.BUSY, result.output
        assert "is open read-write in another process" in result.output
    finally:
        writer.kill()
        writer.wait()
    assert warehouse.read_bytes() == before


def test_publish_keeps_writers_out_and_lets_readers_be(tmp_path):
    warehouse = small_database(tmp_path / "revops.duckdb", accounts=2)
    fresh = small_database(tmp_path / ".revops.building" / "revops.duckdb", accounts=3)
    writer = hold_open(warehouse, read_only=False, sql=("insert into core.dim_accounts values (99)",))
    try:
        with pytest.raises(WarehouseBusy, match=f"by process {writer.pid} "):
            publish(fresh, warehouse)
        assert fresh.exists()
    finally:
        writer.kill()
        writer.wait()
    assert wal_path(warehouse).exists()
    # a reader (read-only) holds the old file: no obstacle; the killed writer's log goes
    reader = hold_open(warehouse, read_only=True)
    try:
        publish(fresh, warehouse)
    finally:
        reader.stdin.write("\n")
        reader.stdin.flush()
        reader.wait(timeout=30)
    assert reader.returncode == 0
    assert not fresh.exists() and not wal_path(warehouse).exists()
    assert snapshot(warehouse) == {"core.dim_accounts": ["(0,)", "(1,)", "(2,)"]}


@pytest.mark.slow
def test_ctrl_c_during_a_build_says_interrupted_exits_130_and_publishes_nothing(tiny_company, tmp_path):
    warehouse = tmp_path / "revops.duckdb"
    building = tmp_path / ".revops.building" / "revops.duckdb"
    # A shell starting this suite in the background (`.ci/run &`) leaves SIGINT ignored,
    # and Python then keeps it ignored: give the build the default a terminal would.
    process = revops_process("build", "--data", str(tiny_company), "--warehouse", str(warehouse),
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Into the dbt build proper: wait for its first node line, not for a fixed time (on a
    # loaded machine one second after the file appears can still be dbt's parse).
    seen = []
    for line in process.stdout:
        seen.append(line)
        if re.search(r"\[\s*\d+/\d+\]", line):
            break
    assert building.exists() and process.poll() is None, "".join(seen)
    process.send_signal(signal.SIGINT)
    output = "".join(seen) + process.communicate(timeout=120)[0]
    assert process.returncode == ExitCode.INTERRUPTED == 130, output
    assert "interrupted" in output.splitlines()[-1]
    assert "Traceback" not in output and "internal error" not in output
    assert not warehouse.exists()
