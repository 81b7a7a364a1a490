"""The scorecard as `revops kpis` prints it: a table (the default), CSV, JSON or a
Markdown table, and the metric list (`--list`) in the same formats.

The JSON is a contract with scripts: its shape is runner/revops/schemas/kpis.schema.json
(shipped with the package, shown in the README, pinned by a test). Table and Markdown
are for people: values carry their unit. CSV and JSON carry raw numbers, the unit as
the scorecard names it, and the reporting currency in the JSON.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from importlib import resources

from .kpi_catalog import MetricInfo, describe_unit, label
from .scorecard import (Period, Scorecard, ScorecardRow, aligned_table, change, change_kind, format_change,
                        format_value, plain_number)

FORMATS = ("table", "csv", "json", "markdown")
SCHEMA_VERSION = 1


def kpis_schema() -> dict:
    """The JSON Schema of `revops kpis --format json`."""
    return json.loads(resources.files("revops").joinpath("schemas/kpis.schema.json").read_text(encoding="utf-8"))


def render(scorecard: Scorecard, catalog: dict[str, MetricInfo], fmt: str, *, compare: bool, trend: bool) -> str:
    if fmt == "json":
        return json.dumps(document(scorecard, catalog, compare=compare, trend=trend), indent=2) + "\n"
    if fmt == "csv":
        return _csv(scorecard, catalog, compare=compare)
    header, lines = _grid(scorecard, compare=compare, trend=trend)
    title = _title(scorecard)
    if fmt == "markdown":
        return "\n".join([f"**{title[0]}**", "", title[1], "", _markdown_table(header, lines) if lines
                          else "_no KPI has a row for this cut_"]) + "\n"
    return "\n".join([*title, aligned_table(header, lines) if lines else "  no KPI has a row for this cut"]) + "\n"


def document(scorecard: Scorecard, catalog: dict[str, MetricInfo], *, compare: bool, trend: bool) -> dict:
    """The JSON document: see schemas/kpis.schema.json for what each key means."""
    context = scorecard.context
    previous = scorecard.previous if compare else None
    metrics = []
    for name in scorecard.metric_names:
        now = scorecard.row(name)
        before = scorecard.row(name, previous) if previous else None
        unit = _unit(scorecard, name)
        metrics.append({
            "name": name,
            "label": catalog[name].label if name in catalog else label(name),
            "unit": unit,
            "value": now.value if now else None,
            "numerator": now.numerator if now else None,
            "denominator": now.denominator if now else None,
            "previous_value": before.value if before else None,
            "change": change(now.value if now else None, before.value if before else None, unit)
            if previous else None,
            "change_unit": change_kind(unit) if previous else None,
            "trend": [_trend_point(period, scorecard.row(name, period)) for period in scorecard.periods]
            if trend else None,
        })
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": _iso(context.as_of),
        "reporting_currency": context.reporting_currency,
        "period_type": scorecard.period_type,
        "period": _period(scorecard.period),
        "previous_period": _period(previous) if previous else None,
        "periods": [_period(period) for period in scorecard.periods],
        "filters": dict(scorecard.dimensions),
        "compare": "previous" if compare else None,
        "metrics": metrics,
        "warnings": list(scorecard.warnings),
    }


def render_list(catalog: list[MetricInfo], fmt: str) -> str:
    """Every metric with its unit and one-line definition."""
    if fmt == "json":
        return json.dumps([{"name": m.name, "label": m.label, "unit": m.unit, "model": m.model,
                            "definition": m.definition} for m in catalog], indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "label", "unit", "model", "definition"])
        writer.writerows([m.name, m.label, m.unit, m.model, m.definition] for m in catalog)
        return out.getvalue()
    header = ("metric", "unit", "definition")
    lines = [(m.name, describe_unit(m.unit), m.definition) for m in catalog]
    if fmt == "markdown":
        return _markdown_table(header, lines, numbers=False) + "\n"
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines)]
    widths[-1] = len(header[-1])  # the definitions run to the line's end: no padding, a short rule
    rendered = ["  ".join(cell.ljust(width) for cell, width in zip(line[:2], widths)) + "  " + line[2]
                for line in [header, *lines]]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered) + "\n"


def _title(scorecard: Scorecard) -> list[str]:
    cut = ", ".join(f"{name}={value}" for name, value in scorecard.dimensions.items() if value != "all") or "all"
    period, context = scorecard.period, scorecard.context
    span = (f"{scorecard.periods[0].label} to {period.label}" if len(scorecard.periods) > 1 else period.label)
    return [
        f"KPIs for {span} ({scorecard.period_type}; {cut})",
        f"as of {_iso(context.as_of) or 'unknown'}; amounts in {context.reporting_currency or 'the reporting currency'}; "
        f"{period.label} runs {period.start.isoformat()} to {period.end.isoformat()}"
        + (f"; change against {scorecard.previous.label}" if scorecard.previous else ""),
    ]


def _grid(scorecard: Scorecard, *, compare: bool, trend: bool) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The table's header and lines: metric, value(s) with units, then the comparison,
    then (for one period) the components."""
    currency = scorecard.context.reporting_currency
    previous = scorecard.previous if compare else None
    if trend:
        header = ("metric", *(period.label for period in scorecard.periods))
    else:
        header = ("metric", "value")
    if compare:  # a trend shows the previous value already, in its own column
        header += (("change",) if trend else (previous.label if previous else "previous", "change"))
    if not trend:
        header += ("numerator", "denominator")
    lines = []
    for name in scorecard.metric_names:
        unit = _unit(scorecard, name)
        now = scorecard.row(name)
        shown = scorecard.periods if trend else [scorecard.period]
        line = (name, *(format_value(_value(scorecard.row(name, period)), unit, currency) for period in shown))
        if compare:
            before = scorecard.row(name, previous) if previous else None
            shown_change = format_change(change(_value(now), _value(before), unit), unit)
            line += ((shown_change,) if trend else (format_value(_value(before), unit, currency), shown_change))
        if not trend:
            line += (plain_number(now.numerator if now else None), plain_number(now.denominator if now else None))
        lines.append(line)
    return header, lines


def _csv(scorecard: Scorecard, catalog: dict[str, MetricInfo], *, compare: bool) -> str:
    """One row per metric and period shown (one period, or the --trend periods)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    previous = scorecard.previous if compare else None
    header = ["metric", "label", "unit", "period_type", "period", "period_start", "period_end",
              "value", "numerator", "denominator"]
    if compare:
        header += ["previous_period", "previous_value", "change", "change_unit"]
    writer.writerow(header)
    for name in scorecard.metric_names:
        unit = _unit(scorecard, name)
        for period in scorecard.periods:
            row = scorecard.row(name, period)
            line = [name, catalog[name].label if name in catalog else label(name), unit, scorecard.period_type,
                    period.label, period.start.isoformat(), period.end.isoformat(),
                    _csv_number(_value(row)), _csv_number(row.numerator if row else None),
                    _csv_number(row.denominator if row else None)]
            if compare:
                # the change is the chosen period's, against the one before it
                is_chosen = period == scorecard.period
                before = scorecard.row(name, previous) if previous and is_chosen else None
                line += [previous.label if previous and is_chosen else "", _csv_number(_value(before)),
                         _csv_number(change(_value(row), _value(before), unit)) if is_chosen else "",
                         change_kind(unit) if is_chosen else ""]
            writer.writerow(line)
    return out.getvalue()


def _markdown_table(header: tuple[str, ...], lines: list[tuple[str, ...]], numbers: bool = True) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|")

    aligns = ["---"] + [("---:" if numbers else "---")] * (len(header) - 1)
    rows = [header, tuple(aligns), *lines]
    return "\n".join("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)


def _unit(scorecard: Scorecard, name: str) -> str:
    row = next((row for (metric, _), row in scorecard.rows.items() if metric == name), None)
    return row.unit if row else "count"


def _value(row: ScorecardRow | None) -> float | None:
    return row.value if row else None


def _trend_point(period: Period, row: ScorecardRow | None) -> dict:
    return {"period": period.label, "value": _value(row),
            "numerator": row.numerator if row else None, "denominator": row.denominator if row else None}


def _period(period: Period) -> dict:
    return {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _csv_number(number: float | None) -> str:
    return "" if number is None else repr(float(number))
