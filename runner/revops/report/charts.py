"""The report's charts: Vega-Lite specifications built with altair from ReportData.

A chart is its title, a one-line definition, the KPI model and doc it comes from, and
a spec, or no spec when its data is empty (the page then says so). Vega-Lite draws
the charts in the browser; nothing here draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt

from .data import ReportData

WIDTH = 380
HEIGHT = 220

# The doc block of each KPI model, by file (models/kpis/<domain>/_<domain>__docs.md).
DOCS = {
    "kpi_mrr_movements": "models/kpis/customers/_customers__docs.md",
    "kpi_arr": "models/kpis/customers/_customers__docs.md",
    "kpi_revenue_retention": "models/kpis/customers/_customers__docs.md",
    "kpi_pipeline_created": "models/kpis/sales/_sales_pipeline__docs.md",
    "kpi_pipeline_coverage": "models/kpis/sales/_sales_performance__docs.md",
    "kpi_win_rate": "models/kpis/sales/_sales_pipeline__docs.md",
    "kpi_sales_cycle_time": "models/kpis/sales/_sales_pipeline__docs.md",
    "kpi_forecast_accuracy": "models/kpis/sales/_sales_performance__docs.md",
    "kpi_receivables_aging": "models/kpis/finance/_finance__docs.md",
    "kpi_revenue_leakage": "models/kpis/finance/_finance__docs.md",
}


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    definition: str
    model: str
    spec: dict | None  # None: no data for this period
    rows: list[dict]  # what the chart shows, also given as a table for screen readers


def bridge_steps(row: dict) -> list[dict]:
    """The MRR bridge as waterfall steps: each step's bar runs from the running total
    before it to the one after it; starting and ending are bars from zero."""
    moves = [("New", row["new_mrr"]), ("Expansion", row["expansion_mrr"]),
             ("Reactivation", row["reactivation_mrr"]), ("Contraction", -row["contraction_mrr"]),
             ("Churn", -row["churned_mrr"])]
    steps = [{"step": "Starting", "order": 0, "from": 0.0, "to": row["starting_mrr"],
              "amount": row["starting_mrr"], "kind": "total"}]
    running = row["starting_mrr"]
    for order, (name, amount) in enumerate(moves, start=1):
        steps.append({"step": name, "order": order, "from": running, "to": running + amount,
                      "amount": amount, "kind": "gain" if amount >= 0 else "loss"})
        running += amount
    steps.append({"step": "Ending", "order": len(moves) + 1, "from": 0.0, "to": row["ending_mrr"],
                  "amount": row["ending_mrr"], "kind": "total"})
    return steps


def build_charts(data: ReportData) -> list[Chart]:
    s = data.series
    money = f"{data.currency or 'reporting currency'}"
    period = data.cut.period_type
    bridge = bridge_steps(s["mrr_bridge"][0]) if _has(s["mrr_bridge"], "starting_mrr") else []
    return [
        _chart("mrr_bridge", f"MRR bridge, {data.period_label}",
               "Starting MRR + new + expansion + reactivation − contraction − churn = ending MRR "
               f"(month-end MRR, {money}).", "kpi_mrr_movements", bridge, _waterfall),
        _chart("arr_trend", f"ARR, last {len(s['arr_trend'])} {period}s",
               f"ARR = 12 × MRR at the period's end ({money}).", "kpi_arr", s["arr_trend"],
               lambda rows: _line(rows, {"arr": "ARR"}, money)),
        _chart("retention_trend", "Net and gross revenue retention",
               "Of customers with MRR at the start: MRR now ÷ MRR at start (NRR); the same, each "
               "customer capped at its start (GRR).", "kpi_revenue_retention", s["retention_trend"],
               lambda rows: _line(rows, {"net_revenue_retention": "NRR", "gross_revenue_retention": "GRR"},
                                  "ratio", percent=True)),
        _chart("pipeline_created_by_month", "Pipeline created, by month",
               "Amount of every deal created in the month, won, lost or open, at its amount on the "
               f"as-of date ({money}).", "kpi_pipeline_created", s["pipeline_created_by_month"],
               lambda rows: _bars(rows, "period_label", "pipeline_created_amount", "Pipeline created", money,
                                  sort=None)),
        _chart("pipeline_by_stage", f"Open pipeline by stage, end of {data.period_label}",
               "Open, non-excluded deals as they stood on the period's measured-on date, by stage "
               f"({money}).", "kpi_pipeline_created", s["pipeline_by_stage"],
               lambda rows: _bars(rows, "stage_name", "open_amount", "Open pipeline", money,
                                  sort=[r["stage_name"] for r in rows], horizontal=True)),
        _chart("coverage_trend", "Next-period pipeline coverage",
               "Open pipeline closing in the next period ÷ (its quota − already booked), at each period's end.",
               "kpi_pipeline_coverage", s["coverage_trend"],
               lambda rows: _line(rows, {"pipeline_coverage": "Coverage"}, "multiple (x)")),
        _chart("win_rate_trend", "Win rate",
               "Deals won ÷ deals won or lost, by count, of the deals closed in the period.",
               "kpi_win_rate", s["win_rate_trend"],
               lambda rows: _line(rows, {"win_rate": "Win rate"}, "ratio", percent=True)),
        _chart("sales_cycle_trend", "Sales cycle",
               "Days from creation to close of the deals won in the period: average and median.",
               "kpi_sales_cycle_time", s["sales_cycle_trend"],
               lambda rows: _line(rows, {"avg_sales_cycle_days": "Average", "median_sales_cycle_days": "Median"},
                                  "days")),
        _chart("forecast_by_team", f"Forecast accuracy by team, {data.period_label}",
               "1 − |commit call − actual bookings| ÷ actual bookings, per team (not floored at 0).",
               "kpi_forecast_accuracy", s["forecast_by_team"],
               lambda rows: _bars(rows, "team", "forecast_accuracy", "Forecast accuracy", "ratio", percent=True)),
        _chart("ar_aging", f"Receivables aging, end of {data.period_label}",
               f"Open invoice balance on the period's measured-on date, by days past due ({money}).",
               "kpi_receivables_aging", _unpivot(s["ar_aging"], {
                   "ar_current": "Current", "ar_1_30_days": "1-30", "ar_31_60_days": "31-60",
                   "ar_61_90_days": "61-90", "ar_over_90_days": "90+"}),
               lambda rows: _bars(rows, "bucket", "amount", "Open balance", money, sort=None)),
        _chart("leakage_by_kind", f"Revenue leakage by kind, invoices issued in {data.period_label}",
               "Billed but not collected, each leaking invoice in its first kind: voided, uncollectible, "
               f"over 90 days past due, unrecovered failed payment ({money}, net of tax).",
               "kpi_revenue_leakage", _unpivot(s["leakage_by_kind"], {
                   "voided_amount": "Voided", "uncollectible_amount": "Uncollectible",
                   "over_90_days_past_due_amount": "Over 90 days past due",
                   "unrecovered_failed_payment_amount": "Unrecovered failed payment"}),
               lambda rows: _bars(rows, "bucket", "amount", "Leakage", money, sort=None, horizontal=True)),
    ]


def _chart(name, title, definition, model, rows, make) -> Chart:
    shown = [row for row in rows if any(value is not None for key, value in row.items()
                                        if key not in ("period_label", "period_start", "team", "stage_name",
                                                       "bucket", "step", "order", "kind"))]
    spec = None
    if shown:
        chart = make(shown).properties(width=WIDTH, height=HEIGHT,
                                       description=f"{title}. {definition}")
        spec = chart.to_dict()
    return Chart(name, title, definition, model, spec, shown)


def _has(rows: list[dict], column: str) -> bool:
    return bool(rows) and rows[0].get(column) is not None


def _unpivot(rows: list[dict], labels: dict[str, str]) -> list[dict]:
    if not rows or all(rows[0][column] is None for column in labels):
        return []
    return [{"bucket": label, "amount": rows[0][column]} for column, label in labels.items()]


def _axis_format(percent: bool) -> str:
    return ".0%" if percent else ",.0f"


def _waterfall(rows: list[dict]) -> alt.Chart:
    order = [row["step"] for row in rows]
    colors = alt.Scale(domain=["total", "gain", "loss"], range=["#4c78a8", "#54a24b", "#e45756"])
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("from:Q", title="MRR", axis=alt.Axis(format=",.0f")),
        y2="to:Q",
        color=alt.Color("kind:N", scale=colors, legend=alt.Legend(title=None)),
        tooltip=[alt.Tooltip("step:N"), alt.Tooltip("amount:Q", format=",.0f")],
    )


def _line(rows: list[dict], measures: dict[str, str], unit: str, percent: bool = False) -> alt.Chart:
    long = [{"period": row["period_label"], "order": row["period_start"], "measure": label, "value": row[column]}
            for row in rows for column, label in measures.items()]
    fmt = _axis_format(percent) if unit != "multiple (x)" else ".2f"
    return alt.Chart(alt.Data(values=long)).mark_line(point=True).encode(
        x=alt.X("period:N", sort=[row["period_label"] for row in rows], title=None),
        y=alt.Y("value:Q", title=unit if not percent else None, axis=alt.Axis(format=fmt)),
        color=alt.Color("measure:N", legend=alt.Legend(title=None) if len(measures) > 1 else None),
        tooltip=[alt.Tooltip("period:N"), alt.Tooltip("measure:N"), alt.Tooltip("value:Q", format=fmt)],
    )


def _bars(rows: list[dict], category: str, measure: str, label: str, unit: str, *, sort=None,
          horizontal: bool = False, percent: bool = False) -> alt.Chart:
    fmt = _axis_format(percent)
    categories = sort if sort is not None else [row[category] for row in rows]
    along = alt.X if not horizontal else alt.Y
    across = alt.Y if not horizontal else alt.X
    return alt.Chart(alt.Data(values=rows)).mark_bar(color="#4c78a8").encode(
        along(f"{category}:N", sort=categories, title=None),
        across(f"{measure}:Q", title=label if percent else f"{label} ({unit})", axis=alt.Axis(format=fmt)),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{measure}:Q", title=label, format=fmt)],
    )
