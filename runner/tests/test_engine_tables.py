"""The cross-engine comparison (scripts/lib/engine_tables.py, run by scripts/test-engines
on DuckDB, Postgres and Spark builds) must fail on a real difference: a cent, a row, a
ratio off by more than 1e-9; and only on those, not on how an engine spells a value."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts/lib/engine_tables.py"
_spec = importlib.util.spec_from_file_location("engine_tables", _SCRIPT)
engine_tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engine_tables)

HEADER = "metric_name,period_start,is_rollup,value\n"
REFERENCE = HEADER + "win_rate,2024-01-01,true,0.25\nbookings,2024-01-01,false,1234567.89\n"


def _dumps(tmp_path: Path, other: str) -> list[Path]:
    folders = [tmp_path / "duckdb", tmp_path / "spark"]
    for folder, text in zip(folders, (REFERENCE, other)):
        folder.mkdir()
        (folder / "kpis.kpi_scorecard.csv").write_text(text)
    return folders


@pytest.mark.parametrize("other", [
    # another row order, column order and spelling of the same values
    "value,metric_name,is_rollup,period_start\n"
    "1234567.890000,bookings,f,2024-01-01 00:00:00+00\n0.2500000000004,win_rate,t,2024-01-01T00:00:00\n",
])
def test_the_same_numbers_spelled_differently_agree(tmp_path, other, capsys):
    assert engine_tables.compare(_dumps(tmp_path, other)) == 0
    assert "every row and value agrees" in capsys.readouterr().out


@pytest.mark.parametrize("other, named", [
    (HEADER + "win_rate,2024-01-01,true,0.25\nbookings,2024-01-01,false,1234567.90\n", "1234567.89"),  # a cent
    (HEADER + "win_rate,2024-01-01,true,0.250001\nbookings,2024-01-01,false,1234567.89\n", "0.25"),  # a ratio
    (HEADER + "win_rate,2024-01-01,true,0.25\n", "2 rows against 1"),  # a lost row
    (HEADER + "win_rate,2024-01-01,true,\nbookings,2024-01-01,false,1234567.89\n", "None"),  # a NULL
    (HEADER + "win_rate,2024-02-01,true,0.25\nbookings,2024-01-01,false,1234567.89\n", "2024-02-01"),  # a period
])
def test_a_real_difference_fails_and_is_named(tmp_path, other, named, capsys):
    assert engine_tables.compare(_dumps(tmp_path, other)) == 1
    out = capsys.readouterr().out
    assert "kpis.kpi_scorecard" in out and named in out and "they differ" in out


def test_a_missing_table_fails(tmp_path, capsys):
    folders = _dumps(tmp_path, REFERENCE)
    (folders[0] / "core.fct_invoices.csv").write_text("invoice_id\nINV-1\n")
    assert engine_tables.compare(folders) == 1
    assert "core.fct_invoices.csv is missing" in capsys.readouterr().out


def test_only_the_csv_readers_own_words_may_differ(tmp_path, capsys):
    header = "table_name,source_line,source_file,row_key,column_name,value,reason\n"
    duckdb_rows = header + ("opportunities,12,opportunities.csv,,_source_text,\"006B06,x\",malformed line: missing columns\n"
                            "opportunities,8,opportunities.csv,006B02,amount,12x,not a valid money\n")
    spark_rows = duckdb_rows.replace("malformed line: missing columns", "it has more or fewer fields than the header")
    folders = [tmp_path / "duckdb", tmp_path / "spark"]
    for folder, text in zip(folders, (duckdb_rows, spark_rows)):
        folder.mkdir()
        (folder / "audit.dq_quarantine.csv").write_text(text)
    assert engine_tables.compare(folders) == 0
    (folders[1] / "audit.dq_quarantine.csv").write_text(spark_rows.replace("not a valid money", "bad money"))
    assert engine_tables.compare(folders) == 1
    assert "bad money" in capsys.readouterr().out
