"""Read the KPI scorecard (kpis.kpi_scorecard) for the terminal and for scripts.

Filters are checked against the values the scorecard holds and passed to DuckDB as
bound parameters: no user string is ever pasted into SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from .errors import BadInput, BadUsage, NoWarehouse
from .options import did_you_mean
from .warehouse import read_only_connection

SCORECARD = "kpis.kpi_scorecard"
DIMENSIONS = ("owner_user_id", "team", "segment", "region")
PERIOD_TYPES = ("month", "quarter", "year")
DEFAULT_PERIOD_TYPE = "quarter"

# The scorecard's period labels, and the type each spells (dim_dates' labels).
PERIOD_LABELS = (
    ("month", re.compile(r"\d{4}-\d{2}"), "2025-03"),
    ("quarter", re.compile(r"(FY)?\d{4}-Q[1-4]", re.IGNORECASE), "FY2025-Q1"),
    ("year", re.compile(r"FY\d{4}", re.IGNORECASE), "FY2025"),
)


@dataclass(frozen=True)
class ScorecardFilter:
    period_type: str = DEFAULT_PERIOD_TYPE
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


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Context:
    """core.dim_reporting_context: "today" and the currency every amount is in."""
    as_of: date | None
    reporting_currency: str | None
    latest_event: date | None


@dataclass
class Scorecard:
    """The scorecard for one cut over consecutive periods (the chosen one last), and
    optionally the period before the chosen one, for --compare previous."""
    context: Context
    period_type: str
    periods: list[Period]
    previous: Period | None
    dimensions: dict[str, str]  # every dimension, as the scorecard spells it ('all' = not cut)
    metric_names: list[str]
    rows: dict[tuple[str, str], ScorecardRow]  # (metric, period label) -> row
    calendar_end: date | None = None  # the last period's end the scorecard holds for this type
    warnings: list[str] = field(default_factory=list)

    @property
    def period(self) -> Period:
        return self.periods[-1]

    def row(self, metric: str, period: Period | None = None) -> ScorecardRow | None:
        period = period or self.period
        return self.rows.get((metric, period.label))


def period_type_of(label: str) -> str | None:
    """The period type a label spells (2025-03: month, FY2025-Q1: quarter, FY2025: year)."""
    for period_type, pattern, _ in PERIOD_LABELS:
        if pattern.fullmatch(label.strip()):
            return period_type
    return None


def resolve_period_type(given: str | None, period: str | None) -> str:
    """The period type: the one given, else the one the label spells, else quarter.
    A label of another type than the one given is a usage error."""
    inferred = period_type_of(period) if period else None
    given = given.lower() if given else None
    if given and inferred and given != inferred:
        example = next(example for name, _, example in PERIOD_LABELS if name == given)
        raise BadUsage(f"--period {period} is a {inferred} label, but --period-type is {given}",
                       details=[f"drop --period-type (the label says its type), or give a {given} label "
                                f"such as {example}"])
    return given or inferred or DEFAULT_PERIOD_TYPE


def read_scorecard(warehouse: Path, wanted: ScorecardFilter) -> tuple[str, list[ScorecardRow]]:
    """The scorecard rows for one period (the latest reporting period by default)."""
    scorecard = read_scorecard_periods(warehouse, wanted)
    return scorecard.period.label, [row for name in scorecard.metric_names
                                    if (row := scorecard.row(name)) is not None]


def read_scorecard_periods(warehouse: Path, wanted: ScorecardFilter, *, periods: int = 1,
                           previous: bool = False) -> Scorecard:
    """The scorecard for the chosen period (the latest by default) and the periods - 1
    before it, plus the period before the chosen one when `previous`."""
    with read_only_connection(warehouse) as connection:
        if not _has_scorecard(connection):
            raise NoWarehouse(f"{warehouse} has no {SCORECARD}; rebuild it with `revops build`")
        period_type = check_choice("period type", wanted.period_type, distinct_values(connection, "period_type"))
        if wanted.metrics:
            known_metrics = distinct_values(connection, "metric_name")
            wanted = replace(wanted, metrics=tuple(check_choice("metric", metric, known_metrics)
                                                   for metric in wanted.metrics))
        dimensions = {name: "all" for name in DIMENSIONS}
        for name, value in (wanted.dimensions or {}).items():
            if name not in DIMENSIONS:
                raise BadInput(f"unknown dimension {name!r}; choose from {', '.join(DIMENSIONS)}")
            dimensions[name] = check_choice(name, value, distinct_values(connection, name))
        calendar = _periods(connection, period_type)
        if not calendar:
            raise BadInput(f"the scorecard has no {period_type} periods")
        label = wanted.period or calendar[-1].label
        label = check_choice("period", label, [period.label for period in calendar])
        index = [period.label for period in calendar].index(label)
        shown = calendar[max(0, index - periods + 1):index + 1]
        before = calendar[index - 1] if previous and index > 0 else None
        labels = sorted({period.label for period in ([before] if before else []) + shown})
        conditions = ["period_type = ?", "period_label in (" + ", ".join("?" for _ in labels) + ")"]
        conditions += [f"{name} = ?" for name in DIMENSIONS]
        parameters: list = [period_type, *labels] + [dimensions[name] for name in DIMENSIONS]
        if wanted.metrics:
            conditions.append("metric_name in (" + ", ".join("?" for _ in wanted.metrics) + ")")
            parameters.extend(wanted.metrics)
        result = connection.execute(
            f"select metric_name, unit, period_label, {', '.join(DIMENSIONS)}, value, numerator, denominator"
            f" from {SCORECARD} where {' and '.join(conditions)} order by metric_name",
            parameters,
        ).fetchall()
        context = _context(connection)
    rows = {
        (row[0], row[2]): ScorecardRow(
            metric_name=row[0], unit=row[1], period_label=row[2],
            dimensions=dict(zip(DIMENSIONS, row[3:7])),
            value=_number(row[7]), numerator=_number(row[8]), denominator=_number(row[9]),
        )
        for row in result
    }
    shown_labels = {period.label for period in shown}
    names = sorted({metric for metric, period_label in rows if period_label in shown_labels})
    scorecard = Scorecard(context, period_type, shown, before, dimensions, names, rows,
                          calendar_end=calendar[-1].end)
    scorecard.warnings = as_of_warnings(scorecard)
    return scorecard


def as_of_warnings(scorecard: Scorecard) -> list[str]:
    """What a person should know before trusting an empty or thin scorecard: "today"
    (the as-of date) beyond the calendar the scorecard covers, or periods shown that
    start after the data's latest event (their KPIs have nothing to count)."""
    context, warnings = scorecard.context, []
    if context.as_of and scorecard.calendar_end and context.as_of > scorecard.calendar_end:
        warnings.append(
            f"the as-of date {context.as_of.isoformat()} is beyond the calendar: the scorecard's last "
            f"{scorecard.period_type} ends {scorecard.calendar_end.isoformat()}, so no period holds 'today'; "
            "rebuild with an --as-of inside the data, or widen the calendar (--var calendar_end)")
    if context.latest_event:
        empty = [period.label for period in scorecard.periods if period.start > context.latest_event]
        if empty:
            warnings.append(
                f"{', '.join(empty)} start{'s' if len(empty) == 1 else ''} after the data's latest event "
                f"({context.latest_event.isoformat()}): nothing in the data happened then, so the KPIs "
                "are empty or balances (MRR, ARR, receivables) carried forward"
                + (f"; the as-of date is {context.as_of.isoformat()}: rebuild with an earlier --as-of, "
                   "or choose an earlier --period" if context.as_of else ""))
    return warnings


def change_kind(unit: str) -> str:
    """How a metric's period-over-period change is told: a rate in percentage points
    (its relative change misleads), anything else in per cent of the previous value."""
    return "points" if unit == "ratio" else "percent"


def change(now: float | None, before: float | None, unit: str) -> float | None:
    """The change from `before` to `now` in change_kind(unit): None when either value
    is missing, or when a relative change starts from 0. A negative previous value is
    measured against its size."""
    if now is None or before is None:
        return None
    if change_kind(unit) == "points":
        return (now - before) * 100
    if before == 0:
        return None
    return (now - before) / abs(before) * 100


def format_change(amount: float | None, unit: str) -> str:
    if amount is None:
        return "-"
    return f"{amount:+,.1f} pts" if change_kind(unit) == "points" else f"{amount:+,.1f}%"


def format_value(value: float | None, unit: str, currency: str | None = None) -> str:
    """The value with its unit: 38.5%, 2.10x, 45.2 d, 1,234 (or 1,234 USD given the currency)."""
    if value is None:
        return "-"
    if unit == "ratio":
        return f"{value * 100:,.1f}%"
    if unit == "multiple":
        return f"{value:,.2f}x"
    if unit in ("currency", "currency_per_day"):
        code = f" {currency}" if currency else ""
        return f"{value:,.0f}{code}" + ("/day" if unit == "currency_per_day" else "")
    if unit == "days":
        return f"{value:,.1f} d"
    if unit == "count":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{value:,.2f}"


def format_table(rows: list[ScorecardRow]) -> str:
    header = ("metric", "value", "numerator", "denominator")
    lines = [
        (row.metric_name, format_value(row.value, row.unit),
         plain_number(row.numerator), plain_number(row.denominator))
        for row in rows
    ]
    return aligned_table(header, lines)


def aligned_table(header: tuple[str, ...], lines: list[tuple[str, ...]]) -> str:
    """Text columns, the first left-aligned and the others right-aligned, under a rule."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines)]
    rendered = ["  ".join(str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                          for i, (cell, width) in enumerate(zip(line, widths))).rstrip()
                for line in [header, *lines]]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def plain_number(number: float | None) -> str:
    return "-" if number is None else f"{number:,.2f}".rstrip("0").rstrip(".")


def _number(value) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, (Decimal, int, float)) else value


def _has_scorecard(connection) -> bool:
    return bool(connection.execute(
        "select count(*) from information_schema.tables where table_schema = 'kpis' and table_name = 'kpi_scorecard'"
    ).fetchall()[0][0])


def _periods(connection, period_type: str) -> list[Period]:
    # a period's end can differ by KPI (counted to the as-of date or not): the latest one
    rows = connection.execute(
        f"select period_label, min(period_start), max(period_end) from {SCORECARD}"
        " where period_type = ? group by period_label order by 2",
        [period_type],
    ).fetchall()
    return [Period(label, start, end) for label, start, end in rows]


def _context(connection) -> Context:
    import duckdb

    try:
        row = connection.execute(
            "select as_of_date, reporting_currency, latest_event_date from core.dim_reporting_context"
        ).fetchone()
    except duckdb.CatalogException:  # a warehouse without the context: say nothing rather than fail
        return Context(None, None, None)
    return Context(*row) if row else Context(None, None, None)


def distinct_values(connection, column: str, where: str = "true", parameters: list | None = None) -> list[str]:
    # `column` is one of this module's constants, never user input
    rows = connection.execute(
        f"select distinct {column} from {SCORECARD} where {where} order by 1", parameters or []
    ).fetchall()
    return [str(row[0]) for row in rows]


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
