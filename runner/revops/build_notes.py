"""What a successful build tells its user beyond "it passed", gathered in one place: the
files it did not read, too few events before the as-of date, billing customers that
matched no CRM account, the defaults it used, the references it set to NULL and the
rows it quarantined below the threshold, each with where to look for the rest."""

from __future__ import annotations

from pathlib import Path

from .warehouse import read_only_connection
from .words import plural

YELLOW = "yellow"


def after_build(result, billing_source: str = "contract") -> list[tuple[str, str | None]]:
    """Every line `revops build` prints after "Built ...", with its colour (None: plain),
    in order. `result` is build.build_warehouse's BuildResult."""
    from .as_of import few_events_warning
    from .build import unmatched_billing_customers

    lines: list[tuple[str, str | None]] = [(f"  {warning}", YELLOW) for warning in result.file_warnings]
    if warning := few_events_warning(result.warehouse):
        lines.append((f"Warning: {warning}", YELLOW))
    if billing_source != "contract":
        unmatched, examples = unmatched_billing_customers(result.warehouse)
        if unmatched:
            accounts = "is an account" if unmatched == 1 else "are accounts"
            lines.append((f"{plural(unmatched, f'{billing_source} customer')} matched no CRM account and {accounts} "
                          "of their own (see audit.billing_customer_matches):", YELLOW))
            lines.extend((f"  {line}", None) for line in examples)
    lines.extend((line, YELLOW) for line in build_notes(result.warehouse))
    return lines


def build_notes(warehouse: Path, examples: int = 3, *, quarantine: bool = True) -> list[str]:
    """Plain lines for the end of `revops build` (and `revops validate`, which lists the
    quarantined rows itself: quarantine=False); empty when the input needed none."""
    with read_only_connection(warehouse) as connection:
        tables = {row[0] for row in connection.execute(
            "select table_schema || '.' || table_name from information_schema.tables").fetchall()}
        lines = []
        if "audit.dq_defaults" in tables:
            for (default_used,) in connection.execute(
                    "select default_used from audit.dq_defaults order by subject").fetchall():
                lines.append(f"default: {default_used}")
        if "audit.dq_nulled_references" in tables:
            rows = connection.execute(
                "select table_name, column_name, count(*),"
                " string_agg(coalesce(missing_value, ''), ', ' order by source_line, row_key)"
                " from audit.dq_nulled_references group by all order by 3 desc, 1, 2").fetchall()
            for table, column, count, values in rows:
                lines.append(f"set to NULL: {plural(count, f'{table} row')} whose {column} matches no row"
                             f" ({_first(values, examples)})")
        if quarantine and "audit.dq_quarantine" in tables:
            rows = connection.execute(
                "select table_name, count(*),"
                " string_agg(coalesce(column_name, '') || ': ' || reason"
                "   || coalesce(' (line ' || cast(source_line as varchar) || ')', ''), '; '"
                "   order by source_line, row_key)"
                " from audit.dq_quarantine group by all order by 2 desc, 1").fetchall()
            for table, count, reasons in rows:
                lines.append(f"quarantined: {plural(count, f'{table} row')} ({_first(reasons, examples, '; ')})")
        if any(line.startswith(("quarantined", "set to NULL")) for line in lines):
            lines.append("the rest: revops export -m dq_quarantine -m dq_nulled_references, or query the audit schema")
    return lines


def _first(joined: str, limit: int, separator: str = ", ") -> str:
    items = joined.split(separator)
    shown = separator.join(items[:limit])
    return shown + (f"{separator}and {len(items) - limit} more" if len(items) > limit else "")
