"""Read the KPI scorecard (kpis.kpi_scorecard) for the terminal.

Filters are checked against the values the scorecard holds and passed to DuckDB as
bound parameters: no user string is ever pasted into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from .errors import BadInput, BadUsage, NoWarehouse
from .options import did_you_mean
from .warehouse import read_only_connection

SCORECARD = "kpis.kpi_scorecard"
DIMENSIONS = ("owner_user_id", "team", "segment", "region")


@dataclass(frozen=True)
class ScorecardFilter:
    period_type: str = "quarter"
    period: str | None = None  # a period label (2025-03, FY2025-Q1, FY2025) or None = latest
    metrics: tuple[str, ...] = ()
    dimensions: dict[str, str] | None = None  # {"segment": "smb"}; unnamed dimensions = 'all'


@dataclass(frozen=True)
class ScorecardRow:
    metric_name: str
    unit: str
    period_label: str
    dimensions: dict[str, str]
    value: float | None
    numerator: float | None
    denominator: float | None


def read_scorecard(warehouse: Path, wanted: ScorecardFilter) -> tuple[str, list[ScorecardRow]]:
    """The scorecard rows for one period (the latest reporting period by default)."""
    with read_only_connection(warehouse) as connection:
        if not _has_scorecard(connection):
            raise NoWarehouse(f"{warehouse} has no {SCORECARD}; rebuild it with `revops build`")
        check_choice("period type", wanted.period_type, distinct_values(connection, "period_type"))
        if wanted.metrics:
            known_metrics = distinct_values(connection, "metric_name")
            wanted = replace(wanted, metrics=tuple(check_choice("metric", metric, known_metrics)
                                                   for metric in wanted.metrics))
        dimensions = {name: "all" for name in DIMENSIONS}
        for name, value in (wanted.dimensions or {}).items():
            if name not in DIMENSIONS:
                raise BadInput(f"unknown dimension {name!r}; choose from {', '.join(DIMENSIONS)}")
            dimensions[name] = check_choice(name, value, distinct_values(connection, name))
        period_label = wanted.period or _latest_period(connection, wanted.period_type)
        period_label = check_choice(
            "period", period_label,
            distinct_values(connection, "period_label", "period_type = ?", [wanted.period_type]),
        )
        conditions = ["period_type = ?", "period_label = ?"] + [f"{name} = ?" for name in DIMENSIONS]
        parameters: list = [wanted.period_type, period_label] + [dimensions[name] for name in DIMENSIONS]
        if wanted.metrics:
            conditions.append("metric_name in (" + ", ".join("?" for _ in wanted.metrics) + ")")
            parameters.extend(wanted.metrics)
        rows = connection.execute(
            f"select metric_name, unit, period_label, {', '.join(DIMENSIONS)}, value, numerator, denominator"
            f" from {SCORECARD} where {' and '.join(conditions)} order by metric_name",
            parameters,
        ).fetchall()
    return period_label, [
        ScorecardRow(
            metric_name=row[0], unit=row[1], period_label=row[2],
            dimensions=dict(zip(DIMENSIONS, row[3:7])),
            value=_number(row[7]), numerator=_number(row[8]), denominator=_number(row[9]),
        )
        for row in rows
    ]


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ratio":
        return f"{value * 100:,.1f}%"
    if unit == "multiple":
        return f"{value:,.2f}x"
    if unit in ("currency", "currency_per_day"):
        return f"{value:,.0f}" + ("/day" if unit == "currency_per_day" else "")
    if unit == "days":
        return f"{value:,.1f} d"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def format_table(rows: list[ScorecardRow]) -> str:
    header = ("metric", "value", "numerator", "denominator")
    lines = [
        (row.metric_name, format_value(row.value, row.unit),
         _plain(row.numerator), _plain(row.denominator))
        for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines)]
    rendered = ["  ".join(str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                          for i, (cell, width) in enumerate(zip(line, widths)))
                for line in [header, *lines]]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def _plain(number: float | None) -> str:
    return "-" if number is None else f"{number:,.2f}".rstrip("0").rstrip(".")


def _number(value) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, (Decimal, int, float)) else value


def _has_scorecard(connection) -> bool:
    return bool(connection.execute(
        "select count(*) from information_schema.tables where table_schema = 'kpis' and table_name = 'kpi_scorecard'"
    ).fetchall()[0][0])


def distinct_values(connection, column: str, where: str = "true", parameters: list | None = None) -> list[str]:
    # `column` is one of this module's constants, never user input
    rows = connection.execute(
        f"select distinct {column} from {SCORECARD} where {where} order by 1", parameters or []
    ).fetchall()
    return [str(row[0]) for row in rows]


def _latest_period(connection, period_type: str) -> str:
    rows = connection.execute(
        f"select period_label from {SCORECARD} where period_type = ? order by period_start desc limit 1",
        [period_type],
    ).fetchall()
    if not rows:
        raise BadInput(f"the scorecard has no {period_type} periods")
    return rows[0][0]


def check_choice(what: str, value: str, choices: list[str]) -> str:
    """The scorecard's own spelling of `value`, matched case-insensitively (`SMB` is
    smb); a value it does not hold is a usage error (exit 2) with a did-you-mean."""
    if value in choices:
        return value
    by_lower = {choice.lower(): choice for choice in choices}
    if str(value).lower() in by_lower:
        return by_lower[str(value).lower()]
    shown = ", ".join(choices[:12]) + (" ..." if len(choices) > 12 else "")
    raise BadUsage(f"unknown {what} {value!r}{did_you_mean(value, choices)}", details=[f"choose from: {shown}"])
