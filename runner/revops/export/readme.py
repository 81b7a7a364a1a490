"""What every export says about itself: the as-of date, the reporting currency, what the
warehouse was built from, and each exported model's definition.

Everything here is read from the warehouse (core.dim_reporting_context, the raw and
staging schemas) or from the project's model YAML: nothing reads the clock, so the
same build always gives the same README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

# Source systems, told apart by the staging models only their selection builds.
_SOURCE_SYSTEMS = (("base_salesforce__", "Salesforce"), ("base_hubspot__", "HubSpot"), ("base_stripe__", "Stripe"))
_DOC_REFERENCE = re.compile(r"""\{\{\s*doc\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)\s*\}\}""")
_DOC_BLOCK = re.compile(r"\{%\s*docs\s+([A-Za-z0-9_]+)\s*%\}(.*?)\{%\s*enddocs\s*%\}", re.DOTALL)


@dataclass(frozen=True)
class ReportingContext:
    as_of: date | None
    as_of_source: str | None  # 'variable' (--as-of) or 'latest event'
    currency: str | None
    fiscal_year_start_month: int | None
    first_event: date | None
    latest_event: date | None
    built_from: str


@dataclass(frozen=True)
class ExportedModel:
    name: str
    schema: str
    rows: int
    definition: str
    where: str  # the file(s) or sheet(s) holding it


def reporting_context(connection) -> ReportingContext:
    """The build's as-of date, currency and source, from the warehouse itself."""
    tables = {(schema, name) for schema, name in connection.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}
    row = None
    if ("core", "dim_reporting_context") in tables:
        row = connection.execute(
            "select as_of_date, as_of_date_source, reporting_currency, fiscal_year_start_month,"
            " first_event_date, latest_event_date from core.dim_reporting_context").fetchone()
    as_of, as_of_source, currency, fiscal_start, first, latest = row or (None,) * 6
    return ReportingContext(as_of, as_of_source, currency, fiscal_start, first, latest,
                            _built_from(connection, tables))


def _built_from(connection, tables: set[tuple[str, str]]) -> str:
    """The build's input in words: the files landed (their names are in the raw tables),
    the demo company's seeds, or tables read from elsewhere; and the source systems."""
    raw_tables = sorted(name for schema, name in tables if schema == "raw")
    landed = sorted({name for name, in connection.execute(
        "select distinct table_name from information_schema.columns"
        " where table_schema = 'raw' and column_name = '_source_file'").fetchall()})
    files: set[str] = set()
    for table in landed:  # names from the warehouse's own catalogue, quoted
        quoted = '"' + table.replace('"', '""') + '"'
        files.update(name for name, in connection.execute(
            f"select distinct _source_file from raw.{quoted} where _source_file is not null").fetchall())
    if files:
        parts = [f"a folder of files in the input contract ({', '.join(sorted(files))})"]
    elif raw_tables:
        parts = ["the demo company (seeds/demo)"]
    else:
        parts = ["contract tables read from a schema or another database (--raw-schema, --raw-database)"]
    systems = [label for prefix, label in _SOURCE_SYSTEMS
               if any(schema == "staging" and name.startswith(prefix) for schema, name in tables)]
    if systems:
        parts.append(f"{' and '.join(systems)} as an ELT tool lands them")
    return "; ".join(parts)


def model_definitions(project_root: Path) -> dict[str, str]:
    """Each model's description from the project's YAML, its doc blocks filled in, on
    one line per paragraph (what `dbt docs` shows)."""
    models_dir = project_root / "models"
    blocks = {}
    for path in sorted(models_dir.rglob("*.md")):
        for name, text in _DOC_BLOCK.findall(path.read_text(encoding="utf-8")):
            blocks[name] = text.strip()
    definitions = {}
    for path in sorted(models_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in document.get("models") or []:
            if isinstance(model, dict) and model.get("name"):
                text = _DOC_REFERENCE.sub(lambda match: blocks.get(match.group(1), ""), model.get("description") or "")
                definitions[model["name"]] = _paragraphs(text)
    return definitions


def _paragraphs(text: str) -> str:
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in re.split(r"\n\s*\n", text.strip()) if paragraph.strip())


def summary_lines(context: ReportingContext, warehouse_name: str) -> list[tuple[str, str]]:
    """(label, value) pairs for the README's head, in order."""
    as_of = context.as_of.isoformat() if context.as_of else "unknown (no core.dim_reporting_context)"
    if context.as_of_source == "variable":
        as_of += " (set with --as-of / the as_of_date variable)"
    elif context.as_of_source:
        as_of += f" (the {context.as_of_source} in the data)"
    span = (f"{context.first_event.isoformat()} to {context.latest_event.isoformat()}"
            if context.first_event and context.latest_event else "unknown")
    return [
        ("As of", as_of),
        ("Reporting currency", f"{context.currency or 'unknown'} (money columns are in it unless their name "
                               "says otherwise, e.g. amount in the deal's own currency)"),
        ("Fiscal year starts in month", str(context.fiscal_year_start_month or "unknown")),
        ("Data", f"events from {span}"),
        ("Built from", context.built_from),
        ("Warehouse", warehouse_name),
    ]


def readme_markdown(context: ReportingContext, warehouse_name: str, models: list[ExportedModel],
                    notes: list[str]) -> str:
    lines = ["# RevOps metrics export", ""]
    lines += [f"- **{label}**: {value}" for label, value in summary_lines(context, warehouse_name)]
    lines += ["", *notes, "", "## Models", "", "| model | schema | rows | in |", "| --- | --- | --- | --- |"]
    lines += [f"| {model.name} | {model.schema} | {model.rows} | {model.where} |" for model in models]
    lines += ["", "## Definitions", ""]
    for model in models:
        lines += [f"### {model.schema}.{model.name}", "", model.definition or "(no description)", ""]
    return "\n".join(lines)
