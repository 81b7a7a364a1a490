"""Builds publish atomically: killed or concurrent builds and readers during a rebuild
never see a half-built warehouse; the same input always gives the same files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import published_copy
from revops.build import BuildOptions, build_warehouse
from revops.errors import ExitCode
from revops.export import export_models
from test_build_and_export import query

pytestmark = pytest.mark.slow


def revops_process(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "revops", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **kwargs)


def test_two_builds_of_the_same_input_export_byte_identical_files(project, tiny_company, tmp_path):
    exports = []
    for attempt in ("first", "second"):
        warehouse = tmp_path / attempt / "revops.duckdb"
        build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tiny_company))
        files = export_models(warehouse, tmp_path / attempt / "exports")
        exports.append({file.path.name: file.path.read_bytes() for file in files})
    assert exports[0].keys() == exports[1].keys()
    different = [name for name in exports[0] if exports[0][name] != exports[1][name]]
    assert not different


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
