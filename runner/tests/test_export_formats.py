"""`revops export --format xlsx|json`: the workbook read back with openpyxl (sheets,
frozen header, real dates, money formats, values, byte-identical re-export, --split,
the row limit), JSON round trips, the README every export carries, and the exit codes
of an empty or damaged warehouse (for every command that opens one)."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from revops.cli import main
from revops.errors import BadInput, ExitCode
from revops.export import export_models, exportable_models
from revops.export import workbook as workbook_module
from revops.export.workbook import SheetPlan, is_money, plan_sheets
from revops.warehouse import attached_read_only, read_only_connection


def rows_of(warehouse: Path, relation: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        cursor = connection.execute(f"select * from {relation} order by all")
        return [column[0] for column in cursor.description], cursor.fetchall()


def as_cell(value):
    """A warehouse value as openpyxl reads its cell back."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, Decimal):
        return float(value)
    return value


def export_cli(*args: str):
    return CliRunner().invoke(main, ["export", *args])


@pytest.fixture(scope="module")
def tiny_workbook(tiny_warehouse, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xlsx")
    result = export_cli("--warehouse", str(tiny_warehouse), "--out", str(out), "--format", "xlsx")
    assert result.exit_code == 0, result.output
    return out / "revops.xlsx"


# --- the workbook -----------------------------------------------------------------------

@pytest.mark.slow
def test_the_workbook_has_a_readme_sheet_then_a_sheet_per_model(tiny_warehouse, tiny_workbook):
    book = openpyxl.load_workbook(tiny_workbook)
    models = exportable_models(tiny_warehouse)
    assert book.sheetnames == ["README", *models]
    assert "fct_mrr_monthly" in models and "kpi_scorecard" in models
    assert all(len(name) <= 31 for name in book.sheetnames)


@pytest.mark.slow
def test_headers_are_frozen_bold_column_names(tiny_warehouse, tiny_workbook):
    book = openpyxl.load_workbook(tiny_workbook)
    sheet = book["fct_mrr_monthly"]
    columns, _ = rows_of(tiny_warehouse, "core.fct_mrr_monthly")
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == columns
    assert all(cell.font.b for cell in sheet[1])


@pytest.mark.slow
def test_dates_are_excel_dates_and_money_has_a_number_format(tiny_workbook):
    book = openpyxl.load_workbook(tiny_workbook)
    sheet = book["fct_mrr_monthly"]
    header = [cell.value for cell in sheet[1]]
    first = {name: cell for name, cell in zip(header, sheet[2])}
    # the tiny company: 1,200 EUR a year from 2024-02-01 = 100 EUR a month = 110 USD at 1.10
    assert first["month_start"].is_date and first["month_start"].value == datetime(2024, 2, 1)
    assert first["month_start"].number_format == "yyyy-mm-dd"
    assert first["mrr"].value == 110 and first["mrr"].data_type == "n"
    assert first["mrr"].number_format == "#,##0.00"
    assert first["movement_type"].value == "new" and first["movement_type"].number_format == "General"
    deal = openpyxl.load_workbook(tiny_workbook)["fct_opportunities"]
    header = [cell.value for cell in deal[1]]
    cells = {name: cell for name, cell in zip(header, deal[2])}
    # created 2024-01-10T09:00:00+01:00 is 08:00 UTC
    assert cells["created_at"].value == datetime(2024, 1, 10, 8, 0)
    assert cells["created_at"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert cells["amount"].value == 1200 and cells["amount"].number_format == "#,##0.00"
    assert cells["is_won"].value is True
    assert cells["probability"].value == 1 and cells["probability"].number_format == "General"


def test_money_is_decimal_money_and_the_averages_of_money():
    assert is_money("mrr", "DECIMAL(38,6)") and is_money("amount", "DECIMAL(28,6)")
    assert not is_money("fx_rate_to_reporting", "DECIMAL(28,10)")  # a rate, not money
    assert not is_money("gross_margin", "DECIMAL(28,6)")  # a fraction
    assert is_money("average_selling_price", "DOUBLE") and not is_money("win_rate", "DOUBLE")
    assert not is_money("closed_deals", "BIGINT")


@pytest.mark.slow
@pytest.mark.parametrize("sheet_name, relation", [
    ("fct_mrr_monthly", "core.fct_mrr_monthly"),
    ("kpi_arr", "kpis.kpi_arr"),
    ("dim_accounts", "core.dim_accounts"),
])
def test_sheet_values_equal_the_warehouse_rows(tiny_warehouse, tiny_workbook, sheet_name, relation):
    _, expected = rows_of(tiny_warehouse, relation)
    sheet = openpyxl.load_workbook(tiny_workbook)[sheet_name]
    got = [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert got == [tuple(as_cell(value) for value in row) for row in expected]
    assert len(got) == len(expected) > 0


@pytest.mark.slow
def test_an_empty_model_gets_its_sheet_with_the_header(tiny_warehouse, tiny_workbook):
    columns, rows = rows_of(tiny_warehouse, "core.fct_payments")
    assert rows == []  # the tiny company has no payments
    sheet = openpyxl.load_workbook(tiny_workbook)["fct_payments"]
    assert [cell.value for cell in sheet[1]] == columns and sheet.max_row == 1


@pytest.mark.slow
def test_the_same_build_gives_a_byte_identical_workbook(tiny_warehouse, tiny_workbook, tmp_path):
    # the same build, copied elsewhere and exported again later
    copy = tmp_path / "elsewhere" / "revops.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(tiny_warehouse, copy)
    result = export_cli("--warehouse", str(copy), "--out", str(tmp_path / "again"), "--format", "xlsx")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again" / "revops.xlsx").read_bytes() == tiny_workbook.read_bytes()
    properties = openpyxl.load_workbook(tiny_workbook).properties
    assert properties.created == properties.modified == datetime(2024, 3, 1)  # the as-of date, not the clock


@pytest.mark.slow
def test_split_writes_one_workbook_per_model_and_a_readme_beside(tiny_warehouse, tmp_path):
    out = tmp_path / "split"
    result = export_cli("--warehouse", str(tiny_warehouse), "--out", str(out), "--format", "xlsx", "--split",
                        "-m", "kpi_arr", "-m", "fct_mrr_monthly")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == ["README.md", "fct_mrr_monthly.xlsx", "kpi_arr.xlsx"]
    book = openpyxl.load_workbook(out / "kpi_arr.xlsx")
    assert book.sheetnames == ["README", "kpi_arr"]
    _, expected = rows_of(tiny_warehouse, "kpis.kpi_arr")
    assert book["kpi_arr"].max_row == len(expected) + 1
    assert "Exported 3 files" in result.output


def test_split_without_xlsx_is_a_usage_error(tmp_path):
    warehouse = tmp_path / "revops.duckdb"
    duckdb.connect(str(warehouse)).close()
    result = export_cli("--warehouse", str(warehouse), "--out", str(tmp_path / "out"), "--split")
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "--split applies to --format xlsx" in result.output


@pytest.mark.slow
def test_a_model_longer_than_a_sheet_goes_on_over_continuation_sheets(tiny_warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_module, "EXCEL_MAX_ROWS", 3)  # a header and two rows a sheet
    monkeypatch.setattr(workbook_module, "BATCH_ROWS", 5)  # and batches that straddle sheets
    files = export_models(tiny_warehouse, tmp_path, models=["kpi_arr"], formats=("xlsx",))
    columns, expected = rows_of(tiny_warehouse, "kpis.kpi_arr")
    assert len(expected) == 17
    book = openpyxl.load_workbook(files[0].path)
    # 17 rows, 2 a sheet: 9 sheets, the last with one row
    assert book.sheetnames == ["README", "kpi_arr", *(f"kpi_arr ({n})" for n in range(2, 10))]
    got = []
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "A2" and [cell.value for cell in sheet[1]] == columns
        got += [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert book["kpi_arr (9)"].max_row == 2
    assert got == [tuple(as_cell(value) for value in row) for row in expected]  # no row lost, none twice


def test_sheet_names_fit_excel_and_are_unique_and_deterministic():
    long = "kpi_a_model_name_much_longer_than_excel_allows"
    plans = plan_sheets([
        (long, "kpis", 1),
        (long + "_too", "kpis", 1),  # the same first 31 characters
        ("Readme", "core", 0),  # Excel compares sheet names without case: README is taken
        ("fct:odd/name", "core", 0),
        ("big", "core", 2 * workbook_module.rows_per_sheet() + 1),  # three sheets
    ])
    assert [plan.sheets for plan in plans] == [
        ["kpi_a_model_name_much_longer_th"],
        ["kpi_a_model_name_much_longe (2)"],
        ["Readme (2)"],
        ["fct_odd_name"],
        ["big", "big (2)", "big (3)"],
    ]
    assert all(len(name) <= 31 for plan in plans for name in plan.sheets)
    assert plan_sheets([(long, "kpis", 1)]) == [SheetPlan(long, "kpis", 1, ["kpi_a_model_name_much_longer_th"])]


# --- JSON -------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("model, relation", [
    ("fct_mrr_monthly", "core.fct_mrr_monthly"),
    ("fct_opportunities", "core.fct_opportunities"),
    ("kpi_scorecard", "kpis.kpi_scorecard"),
])
def test_json_is_an_array_of_records_equal_to_the_table(tiny_warehouse, tmp_path, model, relation):
    result = export_cli("--warehouse", str(tiny_warehouse), "--out", str(tmp_path), "--format", "json", "-m", model)
    assert result.exit_code == 0, result.output
    records = json.loads((tmp_path / f"{model}.json").read_text(), parse_float=Decimal)
    columns, rows = rows_of(tiny_warehouse, relation)

    def as_json(value):
        if isinstance(value, datetime):
            return value.isoformat(sep=" ")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float):
            return Decimal(repr(value))
        return value

    assert records == [{name: as_json(value) for name, value in zip(columns, row)} for row in rows]
    assert len(records) == len(rows) > 0


@pytest.mark.slow
def test_json_keeps_decimals_exact_and_dates_iso(tiny_warehouse, tmp_path):
    export_models(tiny_warehouse, tmp_path, models=["fct_mrr_monthly"], formats=("json",))
    text = (tmp_path / "fct_mrr_monthly.json").read_text()
    first = json.loads(text, parse_float=Decimal)[0]
    assert first["mrr"] == Decimal("110.000000") and '"mrr":110.000000' in text  # every digit
    assert first["month_start"] == "2024-02-01" and first["movement_type"] == "new"


# --- the README -------------------------------------------------------------------------

@pytest.mark.slow
def test_every_file_export_has_a_readme_with_as_of_currency_source_and_definitions(tiny_warehouse, tmp_path):
    files = export_models(tiny_warehouse, tmp_path, models=["fct_opportunities", "kpi_win_rate"],
                          formats=("csv", "json"))
    assert [file.path.name for file in files][-1] == "README.md"
    readme = (tmp_path / "README.md").read_text()
    assert "- **As of**: 2024-03-01 (the latest event in the data)" in readme
    assert "- **Reporting currency**: USD" in readme
    assert ("- **Built from**: a folder of files in the input contract (accounts.csv, fx_rates.csv, invoices.csv,"
            " opportunities.csv, opportunity_stages.csv, subscriptions.csv)") in readme
    assert "| fct_opportunities | core | 1 | fct_opportunities.csv, fct_opportunities.json |" in readme
    # each model's dbt description, a doc block filled in
    assert "### core.fct_opportunities\n\nOne row per opportunity (deal), in its current state," in readme
    assert "### kpis.kpi_win_rate\n\nOne row per reporting period (fiscal month, quarter and year)" in readme
    assert "{{" not in readme


@pytest.mark.slow
def test_the_workbook_readme_sheet_says_the_same(tiny_workbook):
    sheet = openpyxl.load_workbook(tiny_workbook)["README"]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    labels = {row[0]: row[1] for row in rows if row[0] and row[1]}
    assert labels["As of"] == "2024-03-01 (the latest event in the data)"
    assert labels["Reporting currency"].startswith("USD")
    assert labels["Built from"].startswith("a folder of files in the input contract (accounts.csv")
    by_sheet = {row[0]: row for row in rows if row[1] == "fct_mrr_monthly"}
    assert by_sheet["fct_mrr_monthly"][2:4] == ("core", 2)
    assert by_sheet["fct_mrr_monthly"][4].startswith("One row per account and month")


# --- empty and damaged warehouses ---------------------------------------------------------

@pytest.mark.parametrize("kind", ["fresh duckdb file", "zero-byte file"])
@pytest.mark.parametrize("command", [["export"], ["export", "--list"], ["export", "--format", "xlsx"]])
def test_export_from_an_empty_warehouse_says_so_and_exits_4(tmp_path, kind, command):
    warehouse = tmp_path / "revops.duckdb"
    if kind == "fresh duckdb file":
        duckdb.connect(str(warehouse)).close()
    else:
        warehouse.touch()
    result = export_cli(*command[1:], "--warehouse", str(warehouse), "--out", str(tmp_path / "out"))
    assert result.exit_code == ExitCode.NO_WAREHOUSE == 4, result.output
    assert "run `revops build` first" in result.output
    assert ("is an empty warehouse: it holds no built models" if kind == "fresh duckdb file"
            else "is an empty file, not a built warehouse") in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def damaged_warehouse(folder: Path) -> Path:
    """A DuckDB file whose header and catalogue are intact but a data block in the middle
    is overwritten: DuckDB opens it and fails only when a query reads that block."""
    path = folder / "revops.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema core")
        connection.execute("create table core.dim_big as select range as x, md5(cast(range as varchar)) as y"
                           " from range(200000)")
        connection.execute("checkpoint")
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xaa" * 65536)
    return path


def test_a_block_damaged_past_the_header_is_bad_input_for_every_reader(tmp_path):
    path = damaged_warehouse(tmp_path)
    duckdb.connect(str(path), read_only=True).close()  # DuckDB itself opens it
    with pytest.raises(BadInput, match="is not a DuckDB warehouse, or it is damaged or half-copied "
                                       r"\(IO Error: Corrupt database file"):
        with read_only_connection(path) as connection:
            connection.execute("select max(y) from core.dim_big").fetchall()
    with pytest.raises(BadInput, match="Corrupt database file"):  # the metrics' way in
        with attached_read_only(path, "revops") as connection:
            connection.execute("select max(y) from core.dim_big").fetchall()


def test_export_of_a_damaged_warehouse_exits_3_and_leaves_no_partial_file(tmp_path):
    path = damaged_warehouse(tmp_path)
    out = tmp_path / "out"
    for formats in (["--format", "xlsx"], ["--format", "json"]):
        result = export_cli("--warehouse", str(path), "--out", str(out), *formats)
        assert result.exit_code == ExitCode.BAD_INPUT == 3, result.output
        assert f"error: {path} is not a DuckDB warehouse, or it is damaged or half-copied" in result.output
        assert "internal error" not in result.output and "Traceback" not in result.output
        assert sorted(p.name for p in out.iterdir()) == []


@pytest.mark.parametrize("kind", ["csv", "half-copied"])
def test_the_metrics_connection_refuses_what_is_not_a_warehouse(tmp_path, kind):
    path = tmp_path / "revops.duckdb"
    if kind == "csv":
        path.write_text("account_id,account_name\nA1,Acme\n")
    else:  # a header, then nothing
        with duckdb.connect(str(tmp_path / "whole.duckdb")) as connection:
            connection.execute("create table t as select range as x from range(100000)")
        path.write_bytes((tmp_path / "whole.duckdb").read_bytes()[: 4096 * 3])
    with pytest.raises(BadInput, match="is not a DuckDB warehouse, or it is damaged or half-copied"):
        with attached_read_only(path, "revops"):
            pass


@pytest.mark.parametrize("command", [["kpis"], ["report"]])
def test_kpis_and_report_of_a_damaged_or_foreign_file_exit_3(tmp_path, command):
    path = tmp_path / "revops.duckdb"
    path.write_text("this is a text file named revops.duckdb\n")
    extra = ["--out", str(tmp_path / "r.html")] if command == ["report"] else []
    result = CliRunner().invoke(main, [*command, "--warehouse", str(path), *extra])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "is not a DuckDB warehouse" in result.output and "internal error" not in result.output


def test_a_misspelled_format_gets_a_did_you_mean(tmp_path):
    result = export_cli("--warehouse", str(tmp_path / "revops.duckdb"), "--format", "xslx")
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "did you mean xlsx?" in result.output
