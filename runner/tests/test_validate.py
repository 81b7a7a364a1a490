"""`revops validate`: every kind of contract problem is found, with file, line and reason."""

from __future__ import annotations

from click.testing import CliRunner

from conftest import write_csv
from revops.cli import main
from revops.errors import ExitCode
from revops.validate import validate_folder


def problems_by_table(project, folder):
    return {report.table: [str(problem) for problem in report.problems]
            for report in validate_folder(project, folder) if report.file}


def test_a_clean_folder_passes(project, tiny_company):
    assert all(not problems for problems in problems_by_table(project, tiny_company).values())
    result = CliRunner().invoke(main, ["validate", "--data", str(tiny_company)])
    assert result.exit_code == 0, result.output
    assert "follows the input contract" in result.output


def test_each_kind_of_problem_is_reported_with_its_line(project, tmp_path):
    write_csv(tmp_path, "accounts", [
        {"account_id": "A1", "account_name": "Acme", "created_at": "2024-01-05", "is_target_account": "yes"},
        {"account_id": "A1", "account_name": "Again", "created_at": "2024-01-06", "is_target_account": "no"},
        {"account_id": "A2", "account_name": "", "created_at": "yesterday", "is_target_account": "maybe"},
    ])
    write_csv(tmp_path, "opportunities", [
        {"opportunity_id": "O1", "account_id": "A1", "created_at": "2024-01-05", "stage_name": "Won",
         "is_closed": "true", "is_won": "true", "amount": "12x", "currency": "USD", "opportunity_type": "upsell"},
        {"opportunity_id": "O2", "account_id": "A9", "created_at": "2024-01-05", "stage_name": "Won",
         "is_closed": "true", "is_won": "true", "amount": "10", "currency": "XYZ", "opportunity_type": "renewal"},
        {"opportunity_id": "O3", "account_id": "A2", "created_at": "2024-01-05", "stage_name": "Won",
         "is_closed": "true", "is_won": "true", "amount": "10", "currency": "EUR", "opportunity_type": "expansion"},
    ])
    write_csv(tmp_path, "invoices", [{"invoice_id": "I1", "account_id": "A1"}])
    found = problems_by_table(project, tmp_path)
    assert found["accounts"] == [
        "line 3, column account_id: 'A1' - duplicate key (first on line 2)",
        "line 4, column account_name - required value is empty",
        "line 4, column created_at: 'yesterday' - not an ISO 8601 timestamp",
        "line 4, column is_target_account: 'maybe' - not a boolean (true/false, 1/0, yes/no)",
    ]
    assert found["opportunities"] == [
        "line 2, column amount: '12x' - not a number",
        "line 2, column opportunity_type: 'upsell' - not one of new_business, expansion, renewal",
        "line 3, column account_id: 'A9' - no accounts row with account_id = 'A9'",
        "line 3, column currency: 'XYZ' - no exchange rate in fx_rates for this currency (first use shown)",
        "line 3, column currency: 'XYZ' - not an ISO 4217 currency code",
        "line 4, column currency: 'EUR' - no exchange rate in fx_rates for this currency (first use shown)",
    ]
    assert "file, column issued_at - required column is missing" in found["invoices"]

    result = CliRunner().invoke(main, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "accounts.csv: 3 rows, 4 problem(s)" in result.output
    assert "users: no file" in result.output


def test_an_unreadable_file_is_reported_not_raised(project, tmp_path):
    (tmp_path / "accounts.parquet").write_bytes(b"this is not parquet")
    found = problems_by_table(project, tmp_path)
    assert len(found["accounts"]) == 1
    assert found["accounts"][0].startswith("file - cannot be read:")
