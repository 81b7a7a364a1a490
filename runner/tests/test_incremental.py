"""Incremental facts (var incremental_facts): after one more day of data, an
incremental run gives the same facts and KPI tables as a full rebuild, row for row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import tiny_company_files, write_csv
from revops.build import BuildOptions, build_warehouse

INCREMENTAL_FACTS = ["fct_activities", "fct_invoices", "fct_mrr_monthly", "fct_opportunity_history", "fct_payments"]


def _day_one(folder: Path) -> None:
    """The tiny company plus a second, open deal with history, activities, an open
    invoice and a failed payment on it (older than the lookback window: only its
    invoice's new payment brings it back): up to 2024-03-01."""
    write_csv(folder, "opportunity_stages", [
        {"stage_name": "Prospecting", "stage_order": "1", "is_qualified": "0", "is_closed": "0", "is_won": "0"},
        {"stage_name": "Closed Won", "stage_order": "6", "is_qualified": "1", "is_closed": "1", "is_won": "1"},
    ])
    _opportunities(folder, o2_stage="Prospecting", o2_closed="no", o2_won="0")
    write_csv(folder, "opportunity_history", [
        {"opportunity_id": "O2", "changed_at": "2024-02-15T10:00:00Z", "stage_name": "Prospecting", "amount": "500.00", "close_date": "2024-03-31", "forecast_category": "pipeline"},
        {"opportunity_id": "O2", "changed_at": "2024-02-25T10:00:00Z", "stage_name": "", "amount": "800.00", "close_date": "", "forecast_category": ""},
    ])
    write_csv(folder, "activities", [
        {"activity_id": "X1", "account_id": "A1", "occurred_at": "2024-02-20T10:00:00Z", "user_id": "", "activity_type": "email"},
        {"activity_id": "X2", "account_id": "A2", "occurred_at": "2024-03-01T10:00:00Z", "user_id": "", "activity_type": "call"},
    ])
    _invoices(folder, i2_status="open", i2_paid_at="")
    write_csv(folder, "payments", [
        {"payment_id": "P1", "invoice_id": "I1", "attempted_at": "2024-03-01T00:00:00Z", "amount": "1200.00", "currency": "EUR", "status": "succeeded"},
        {"payment_id": "P2", "invoice_id": "I2", "attempted_at": "2024-02-20T12:00:00Z", "amount": "100.00", "currency": "EUR", "status": "failed"},
    ])


def _append_day_two(folder: Path) -> None:
    """2024-03-02: the deal is won (a history row, and its current state), an activity,
    the failed invoice is paid (which recovers the failed attempt), a new invoice."""
    _opportunities(folder, o2_stage="Closed Won", o2_closed="yes", o2_won="1")
    _append(folder, "opportunity_history", {"opportunity_id": "O2", "changed_at": "2024-03-02T09:00:00Z", "stage_name": "Closed Won", "amount": "", "close_date": "2024-03-02", "forecast_category": "closed"})
    _append(folder, "activities", {"activity_id": "X3", "account_id": "A1", "occurred_at": "2024-03-02T08:00:00Z", "user_id": "", "activity_type": "meeting"})
    _invoices(folder, i2_status="paid", i2_paid_at="2024-03-02T10:00:00Z", with_i3=True)
    _append(folder, "payments", {"payment_id": "P3", "invoice_id": "I2", "attempted_at": "2024-03-02T10:00:00Z", "amount": "100.00", "currency": "EUR", "status": "succeeded"})


def _opportunities(folder: Path, *, o2_stage: str, o2_closed: str, o2_won: str) -> None:
    write_csv(folder, "opportunities", [
        {"opportunity_id": "O1", "account_id": "A1", "created_at": "2024-01-10T09:00:00+01:00",
         "stage_name": "Closed Won", "is_closed": "yes", "is_won": "1", "amount": "1200.00",
         "currency": "EUR", "close_date": "2024-01-31", "probability": "100", "opportunity_type": "new_business"},
        {"opportunity_id": "O2", "account_id": "A2", "created_at": "2024-02-15T10:00:00Z",
         "stage_name": o2_stage, "is_closed": o2_closed, "is_won": o2_won, "amount": "800.00",
         "currency": "USD", "close_date": "2024-03-31", "probability": "", "opportunity_type": "new_business"},
    ])


def _invoices(folder: Path, *, i2_status: str, i2_paid_at: str, with_i3: bool = False) -> None:
    rows = [
        {"invoice_id": "I1", "account_id": "A1", "issued_at": "2024-02-01T00:00:00Z", "total": "1200.00",
         "currency": "EUR", "status": "paid", "due_at": "2024-03-02T00:00:00Z", "paid_at": "2024-03-01T00:00:00Z"},
        {"invoice_id": "I2", "account_id": "A1", "issued_at": "2024-02-10T00:00:00Z", "total": "100.00",
         "currency": "EUR", "status": i2_status, "due_at": "2024-02-20T00:00:00Z", "paid_at": i2_paid_at},
    ]
    if with_i3:
        rows.append({"invoice_id": "I3", "account_id": "A2", "issued_at": "2024-03-02T00:00:00Z", "total": "50.00",
                     "currency": "USD", "status": "open", "due_at": "2024-04-01T00:00:00Z", "paid_at": ""})
    write_csv(folder, "invoices", rows)


def _append(folder: Path, table: str, row: dict) -> None:
    with (folder / f"{table}.csv").open("a", newline="") as handle:
        handle.write(",".join(row.values()) + "\n")


def _tables(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table of schemas core and kpis, its rows in `order by all` order."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        names = connection.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in ('core', 'kpis') and table_type = 'BASE TABLE' order by all"
        ).fetchall()
        return {f"{schema}.{table}": connection.execute(f'select * from "{schema}"."{table}" order by all').fetchall()
                for schema, table in names}


@pytest.mark.slow
def test_an_incremental_run_after_one_more_day_equals_a_full_rebuild(project, tmp_path):
    folder = tiny_company_files(tmp_path)
    _day_one(folder)
    incremental = tmp_path / "incremental" / "revops.duckdb"
    on = {"incremental_facts": True}
    build_warehouse(project, BuildOptions(warehouse=incremental, data_dir=folder, as_of=date(2024, 3, 1), extra_vars=on))

    # a mark on a row older than the window: an incremental run keeps it, a rebuild would not
    with duckdb.connect(str(incremental)) as connection:
        connection.execute("update core.fct_activities set activity_type = 'kept' where activity_id = 'X1'")

    _append_day_two(folder)
    build_warehouse(project, BuildOptions(warehouse=incremental, data_dir=folder, as_of=date(2024, 3, 2), extra_vars=on))
    with duckdb.connect(str(incremental)) as connection:
        assert connection.execute("select activity_type from core.fct_activities where activity_id = 'X1'").fetchall() == [("kept",)]
        connection.execute("update core.fct_activities set activity_type = 'email' where activity_id = 'X1'")

    full = tmp_path / "full" / "revops.duckdb"
    build_warehouse(project, BuildOptions(warehouse=full, data_dir=folder, as_of=date(2024, 3, 2)))

    got, expected = _tables(incremental), _tables(full)
    assert sorted(got) == sorted(expected)
    assert {f"core.{name}" for name in INCREMENTAL_FACTS} <= set(got)
    different = [name for name in expected if got[name] != expected[name]]
    assert different == [], {name: (got[name], expected[name]) for name in different}
    # the day's changes are in: the won deal's last state, the recovered failure, the new rows
    with duckdb.connect(str(incremental), read_only=True) as connection:
        assert connection.execute(
            "select payment_id, is_recovered from core.fct_payments where status = 'failed'").fetchall() == [("P2", True)]
        assert connection.execute(
            "select stage_name, valid_to from core.fct_opportunity_history where opportunity_id = 'O2'"
            " order by valid_from desc limit 1").fetchall() == [("Closed Won", None)]
        assert connection.execute("select count(*) from core.fct_activities").fetchall() == [(3,)]
        assert connection.execute("select count(*) from core.fct_invoices").fetchall() == [(3,)]
