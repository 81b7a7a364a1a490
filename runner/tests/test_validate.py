"""`revops validate` runs the build's own checks: it agrees with the build on every
fault kind of test_bad_input.py and on the file-level faults, and says so at the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_csv
from revops.build import BuildOptions, build_warehouse
from revops.cli import main
from revops.errors import BadInput, BuildFailed, ExitCode
from revops.validate import validate_folder
from test_bad_input import EXPECTED_QUARANTINE, write_faulty_folder
from test_build_and_export import query

# file-level faults added to the faulty folder: (table, file, line, value, reason)
MALFORMED_LINES = [
    ("accounts", "accounts.csv", 8, "A9,Smith, John,2024-01-01T00:00:00Z,smb,EMEA,A1",
     "malformed line: too many columns: Expected Number of Columns: 6 Found: 7"),
    ("invoices", "invoices.csv", 6, "   ", "malformed line: missing columns: Expected Number of Columns: 8 Found: 1"),
]


@pytest.fixture(scope="module")
def faulty(project, tmp_path_factory):
    """The faulty folder, in a folder whose name is SQL and a glob, built once and
    validated once, both allowing any share of bad rows to see every row."""
    parent = tmp_path_factory.mktemp("agree") / "O'Brien [1]"
    folder = write_faulty_folder(parent)
    (parent.parent / "O'Brien 1").mkdir()  # what the unescaped glob would read
    with (folder / "accounts.csv").open("a") as handle:
        handle.write(MALFORMED_LINES[0][3] + "\n")
    with (folder / "invoices.csv").open("a") as handle:
        handle.write("   \n")
    (folder / "account.csv").write_text("account_id\n")  # not read: listed
    warehouse = parent / "revops.duckdb"
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=folder, max_quarantined_share=1.0))
    report = validate_folder(project, folder, max_quarantined_share=1.0)
    return folder, warehouse, report


@pytest.mark.slow
def test_validate_quarantines_exactly_the_rows_the_build_quarantines(faulty):
    _, warehouse, report = faulty
    built = query(warehouse, """
        select table_name, source_file, source_line, coalesce(value, ''), reason from audit.dq_quarantine
    """)
    validated = [(file_report.table, problem.file, problem.line, problem.value or "", problem.reason)
                 for file_report in report.files for problem in file_report.problems]
    assert sorted(validated) == sorted(built)
    # and every fault kind is there: the row-level kinds of test_bad_input, the malformed lines
    kinds = {(table, reason) for table, _, _, _, reason in validated}
    assert {(table, reason) for table, _, _, reason in EXPECTED_QUARANTINE} <= kinds
    assert {(table, file, line, value, reason) for table, file, line, value, reason in MALFORMED_LINES} <= set(validated)
    assert report.build_would_pass


@pytest.mark.slow
def test_validate_reports_the_references_the_build_nulls(faulty):
    _, warehouse, report = faulty
    from revops.build_notes import build_notes

    nulled = [line for line in build_notes(warehouse) if line.startswith("set to NULL")]
    assert "set to NULL: 1 opportunities row whose account_id matches no row (A404)" in nulled
    assert [line for line in report.notes if line.startswith("set to NULL")] == nulled


@pytest.mark.slow
def test_validate_lists_the_files_it_does_not_read(faulty):
    _, _, report = faulty
    assert [str(problem) for problem in report.file_problems] == [
        "account.csv: not read: no contract table is named 'account' (did you mean accounts?)"]


@pytest.mark.slow
def test_validate_and_build_fail_together_over_the_tolerance(project, faulty, tmp_path):
    folder, _, _ = faulty
    report = validate_folder(project, folder)
    assert not report.build_would_pass
    assert "accounts: 5 of 7 rows quarantined, more than the 1% allowed" in str(report.over_tolerance[0])
    with pytest.raises(BuildFailed):
        build_warehouse(project, BuildOptions(warehouse=tmp_path / "revops.duckdb", data_dir=folder))


@pytest.mark.parametrize("fault", ["missing required column", "csv beside parquet", "broken symlink",
                                   "duplicated header column", "empty folder"])
def test_file_faults_stop_validate_and_build_alike(project, tiny_company, tmp_path, fault):
    import duckdb

    folder = tiny_company
    if fault == "missing required column":
        (folder / "invoices.csv").write_text("invoice_id,account_id\nI1,A1\n")
    elif fault == "csv beside parquet":
        duckdb.connect().execute(f"copy (select 'A1' as account_id) to '{folder / 'accounts.parquet'}' (format parquet)")
    elif fault == "broken symlink":
        (folder / "users.csv").symlink_to(folder / "gone.csv")
    elif fault == "duplicated header column":
        (folder / "fx_rates.csv").write_text("rate_date,currency,rate_to_reporting,currency\n2024-01-01,EUR,1.1,EUR\n")
    else:
        folder = tmp_path / "empty"
        folder.mkdir()
    report = validate_folder(project, folder)
    assert report.scan.errors and not report.build_would_pass
    with pytest.raises(BadInput) as failure:
        build_warehouse(project, BuildOptions(warehouse=tmp_path / "revops.duckdb", data_dir=folder))
    assert [str(error) for error in report.scan.errors] == [
        line for line in failure.value.details if line in {str(error) for error in report.scan.errors}]
    result = CliRunner().invoke(main, ["validate", "--data", str(folder)])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert str(report.scan.errors[0]) in result.output


@pytest.mark.slow
def test_a_clean_folder_passes(tiny_company):
    result = CliRunner().invoke(main, ["validate", "--data", str(tiny_company)])
    assert result.exit_code == 0, result.output
    assert "accounts.csv: 2 rows, OK" in result.output
    assert "users: no file" in result.output
    assert "follows the input contract" in result.output


@pytest.mark.slow
def test_quarantined_rows_are_shown_with_file_line_and_reason(tmp_path):
    write_csv(tmp_path, "accounts", [
        {"account_id": "A1", "account_name": "Acme", "created_at": "2024-01-05"},
        {"account_id": "A1", "account_name": "Again", "created_at": "2024-01-06"},
    ])
    write_csv(tmp_path, "subscriptions", [
        {"subscription_id": "S1", "account_id": "A1", "period_start": "2024-01-01", "amount": "-100",
         "billing_interval": "month", "currency": "USD"},
    ])
    result = CliRunner().invoke(main, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "accounts.csv: 2 rows, 1 quarantined" in result.output
    assert "line 3, column account_id: 'A1' - duplicate key" in result.output
    # the contract's non-negative rule, which the old validator ignored
    assert "line 2, column amount: '-100' - negative amount" in result.output
    assert "accounts: 1 of 2 rows quarantined, more than the 1% allowed" in result.output
