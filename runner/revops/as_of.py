"""Whether "today" (the as-of date taken from the data) rests on a few stray events.

One activity mistyped as next year moves the as-of date, and every KPI, a year. The
build lists the events the as-of date rests on in `audit.as_of_date_few_events` when
they are fewer than var as_of_min_events_after_previous_month_end (the model decides;
this module only words it).
"""

from __future__ import annotations

from pathlib import Path

from .warehouse import read_only_connection


def few_events_warning(warehouse: Path, limit: int = 5) -> str | None:
    """The warning to print when "today" rests on few events, else None."""
    import duckdb

    with read_only_connection(warehouse) as connection:
        try:
            rows = connection.execute(
                "select table_name, event_key, event_column, event_date, as_of_date, previous_month_end,"
                " events_after_previous_month_end"
                " from audit.as_of_date_few_events"
                " order by event_date desc, table_name, event_key, event_column"
            ).fetchall()
        except duckdb.CatalogException:  # a warehouse built before the audit existed
            return None
    if not rows:
        return None
    _, _, _, _, as_of, previous_month_end, count = rows[0]
    events = [f"{table} {key} on {day.isoformat()} ({column})" for table, key, column, day, *_ in rows[:limit]]
    if len(rows) > limit:
        events.append(f"and {len(rows) - limit} more (audit.as_of_date_few_events)")
    return (
        f"'today' is {as_of.isoformat()}, set by {count} event{'' if count == 1 else 's'} after "
        f"{previous_month_end.isoformat()}: {', '.join(events)}; pass --as-of to choose 'today' yourself"
    )
