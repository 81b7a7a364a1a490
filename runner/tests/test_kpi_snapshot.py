"""scripts/lib/kpi_snapshot.py, the proof that a change moved no number: it must see a
changed value in each schema it is asked to compare, and only there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "lib" / "kpi_snapshot.py"


def warehouse(path: Path, staged_amount: int) -> Path:
    with duckdb.connect(str(path)) as connection:
        for schema in ("kpis", "core", "staging", "intermediate", "audit"):
            connection.execute(f"create schema {schema}")
        connection.execute("create table kpis.kpi_scorecard as select 'win_rate' as metric_name, 0.5 as value")
        connection.execute("create table core.dim_accounts as select 'A1' as account_id")
        connection.execute(f"create table staging.stg_contract__invoices as select 'I1' as invoice_id, {staged_amount} as total")
        connection.execute("create view intermediate.int_invoices as select * from staging.stg_contract__invoices")
    return path


def snapshot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True)


def test_all_compares_staging_and_views_that_core_leaves_out(tmp_path):
    before = warehouse(tmp_path / "before.duckdb", 100)
    after = warehouse(tmp_path / "after.duckdb", 101)  # a staged value moved, no KPI did
    for flags in (["--core"], ["--all"]):
        assert snapshot("save", str(before), str(tmp_path / f"snap{flags[0]}"), *flags).returncode == 0
    same = snapshot("compare", str(tmp_path / "snap--core"), str(after), "--core")
    assert same.returncode == 0 and "every table is byte-equal" in same.stdout
    moved = snapshot("compare", str(tmp_path / "snap--all"), str(after), "--all")
    assert moved.returncode == 1
    assert moved.stdout.splitlines()[:2] == ["different: intermediate.int_invoices.csv",
                                             "different: staging.stg_contract__invoices.csv"]
    assert snapshot("compare", str(tmp_path / "snap--all"), str(before), "--all").returncode == 0
