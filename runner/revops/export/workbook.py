"""Excel workbooks of the exported models, written with XlsxWriter.

Rows stream from DuckDB in batches into XlsxWriter's constant-memory mode (each row goes
to disk as it is written), so memory does not grow with the table. Cells are typed from
the warehouse's column types: dates and timestamps are Excel dates, decimals (money in
this project, and the averages of money) carry a number format, text is always text (never a formula). The
workbook is deterministic: its created/modified time is the as-of date, and XlsxWriter
dates every zip entry 1980-01-31, so the same build gives the same bytes.

A model with more rows than a sheet holds (Excel: 1,048,576 with the header) goes on
over continuation sheets, `name (2)`, `name (3)`, ...: no row is left out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from .readme import ReportingContext, summary_lines

EXCEL_MAX_ROWS = 1_048_576  # per sheet, the header row included
SHEET_NAME_LIMIT = 31
README_SHEET = "README"
BATCH_ROWS = 10_000  # rows fetched from DuckDB at a time
_FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
TIMESTAMP_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Money is DECIMAL(_, 6) in this project (amounts, MRR, ARR, receivables), except these
# fractions; and these averages and ratios of money, which are DOUBLE.
_DECIMALS_NOT_MONEY = frozenset({"gross_margin"})
_MONEY_DOUBLES = frozenset({
    "arpa", "average_selling_price", "average_won_deal_size", "customer_acquisition_cost",
    "paid_customer_acquisition_cost", "customer_lifetime_value", "expected_won_pipeline",
    "pipeline_velocity", "previous_pipeline_velocity", "pipeline_velocity_change",
})


@dataclass(frozen=True)
class SheetPlan:
    model: str
    schema: str
    rows: int
    sheets: list[str]  # one name, or more when the rows need continuation sheets


def rows_per_sheet() -> int:
    return EXCEL_MAX_ROWS - 1


def plan_sheets(models: list[tuple[str, str, int]]) -> list[SheetPlan]:
    """Sheet names for (model, schema, rows), in order: the model's name cut to Excel's
    31 characters, unique without regard to case (as Excel compares them), never
    README; a clash or a continuation sheet gets ` (n)`. Deterministic: the same models
    give the same names."""
    taken = {README_SHEET.casefold()}
    plans = []
    for model, schema, rows in models:
        needed = max(1, math.ceil(rows / rows_per_sheet()))
        base = _FORBIDDEN_IN_SHEET_NAMES.sub("_", model).strip("'") or "model"
        names = []
        for part in range(1, needed + 1):
            number = part
            while True:
                name = _with_suffix(base, number)
                if name.casefold() not in taken:
                    break
                number += 1
            taken.add(name.casefold())
            names.append(name)
        plans.append(SheetPlan(model, schema, rows, names))
    return plans


def _with_suffix(base: str, number: int) -> str:
    suffix = "" if number == 1 else f" ({number})"
    return base[: SHEET_NAME_LIMIT - len(suffix)] + suffix


def write_workbook(connection, path: Path, plans: list[SheetPlan], context: ReportingContext,
                   warehouse_name: str, definitions: dict[str, str]) -> None:
    """Write the README sheet, then each model's sheets, to `path`."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        created = datetime.combine(context.as_of or date(2000, 1, 1), time())
        workbook.set_properties({"title": "RevOps metrics export", "created": created})
        formats = _Formats(workbook)
        _write_readme_sheet(workbook, formats, plans, context, warehouse_name, definitions)
        for plan in plans:
            _write_model(connection, workbook, formats, plan)
    finally:
        workbook.close()


class _Formats:
    def __init__(self, workbook):
        self.header = workbook.add_format({"bold": True, "bottom": 1})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.timestamp = workbook.add_format({"num_format": TIMESTAMP_FORMAT})
        self.money = workbook.add_format({"num_format": MONEY_FORMAT})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.top = workbook.add_format({"valign": "top"})


def _write_readme_sheet(workbook, formats, plans, context, warehouse_name, definitions) -> None:
    sheet = workbook.add_worksheet(README_SHEET)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 3, 12)
    sheet.set_column(4, 4, 100)
    row = 0
    sheet.write_string(row, 0, "RevOps metrics export", formats.header)
    row += 1
    for label, value in summary_lines(context, warehouse_name):
        sheet.write_string(row, 0, label)
        sheet.write_string(row, 1, value)
        row += 1
    row += 1
    for column, title in enumerate(("sheet", "model", "schema", "rows", "definition")):
        sheet.write_string(row, column, title, formats.header)
    row += 1
    for plan in plans:
        sheet.write_string(row, 0, ", ".join(plan.sheets), formats.top)
        sheet.write_string(row, 1, plan.model, formats.top)
        sheet.write_string(row, 2, plan.schema, formats.top)
        sheet.write_number(row, 3, plan.rows, formats.top)
        sheet.write_string(row, 4, definitions.get(plan.model) or "(no description)", formats.wrap)
        row += 1


def _write_model(connection, workbook, formats, plan: SheetPlan) -> None:
    columns = connection.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [plan.schema, plan.model]).fetchall()
    writers = [_cell_writer(name, data_type, formats) for name, data_type in columns]
    relation = f"{_quoted(plan.schema)}.{_quoted(plan.model)}"
    # identifiers come from the warehouse's own catalogue, quoted
    cursor = connection.execute(f"select * from {relation} order by all")
    limit = rows_per_sheet()
    sheets = iter(plan.sheets)
    sheet, row = None, limit  # opens the first sheet on the first row (or at the end, if none)
    while batch := cursor.fetchmany(BATCH_ROWS):
        for record in batch:
            if row >= limit:
                sheet, row = _open_sheet(workbook, formats, next(sheets), columns), 0
            row += 1
            for column, (value, write) in enumerate(zip(record, writers)):
                if value is not None:
                    write(sheet, row, column, value)
    if sheet is None:  # an empty model still gets its sheet with the header
        _open_sheet(workbook, formats, next(sheets), columns)


def _open_sheet(workbook, formats, name: str, columns):
    sheet = workbook.add_worksheet(name)
    for index, (column_name, data_type) in enumerate(columns):
        width = max(len(column_name) + 2, 12 if data_type in ("DATE", "TIMESTAMP") else 10)
        sheet.set_column(index, index, min(width, 60))
    for index, (column_name, _) in enumerate(columns):
        sheet.write_string(0, index, column_name, formats.header)
    sheet.freeze_panes(1, 0)
    return sheet


def is_money(column_name: str, data_type: str) -> bool:
    kind = data_type.upper().replace(" ", "")
    if kind.startswith("DECIMAL"):
        return kind.endswith(",6)") and column_name not in _DECIMALS_NOT_MONEY
    return kind == "DOUBLE" and column_name in _MONEY_DOUBLES


def _cell_writer(column_name: str, data_type: str, formats):
    """How a value of this column becomes a cell."""
    kind = data_type.upper()
    if is_money(column_name, data_type):
        return lambda sheet, row, column, value: _write_number(sheet, row, column, float(value), formats.money)
    if kind == "DATE":
        return lambda sheet, row, column, value: sheet.write_datetime(row, column, value, formats.date)
    if kind.startswith("TIMESTAMP"):
        return lambda sheet, row, column, value: sheet.write_datetime(
            row, column, value.replace(tzinfo=None), formats.timestamp)
    if kind.startswith("DECIMAL"):
        return lambda sheet, row, column, value: sheet.write_number(row, column, float(value))
    if kind in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                "UBIGINT", "FLOAT", "DOUBLE", "REAL"):
        return _write_number
    if kind == "BOOLEAN":
        return lambda sheet, row, column, value: sheet.write_boolean(row, column, value)
    return lambda sheet, row, column, value: sheet.write_string(row, column, str(value))


def _write_number(sheet, row, column, value, cell_format=None) -> None:
    if isinstance(value, float) and not math.isfinite(value):  # Excel has no NaN or infinity
        sheet.write_string(row, column, str(value))
    else:
        sheet.write_number(row, column, value, cell_format)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'

