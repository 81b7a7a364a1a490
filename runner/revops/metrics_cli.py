"""`revops metrics`: the semantic layer's metrics by name, without learning `mf`.

Parsing and printing only; the work is in metrics.py."""

from __future__ import annotations

import click

from .cli import EXIT_CODES_HELP, _Choice, _project, _warehouse_option, handle_errors


def _names(values: tuple[str, ...]) -> list[str]:
    """--metrics a,b --metrics c -> [a, b, c]"""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


@click.group(epilog=EXIT_CODES_HELP)
def metrics() -> None:
    """The semantic layer's metrics (MetricFlow), by name, at any grain.

    \b
    Examples:
      revops metrics list
      revops metrics query --metrics win_rate --group-by metric_time__quarter
      revops metrics query --metrics win_rate,bookings --group-by metric_time__fiscal_year --group-by opportunity__segment
      revops metrics query --saved-query quarterly_scorecard
      revops metrics query --metrics slip_rate --group-by metric_time__fiscal_quarter,scorecard_row__segment
    """


@metrics.command("list", epilog=EXIT_CODES_HELP)
@_warehouse_option
@click.option("--dimensions", "show_dimensions", is_flag=True, help="Also list what each metric can be grouped by.")
@click.option("--all", "show_helpers", is_flag=True,
              help="Also list the helper metrics (numerators, denominators and other inputs of the KPIs).")
@handle_errors
def list_command(warehouse, show_dimensions: bool, show_helpers: bool) -> None:
    """List every KPI metric with its type and label.

    A metric marked "per period type" is one scorecard row per period: query it at
    metric_time__month, metric_time__fiscal_quarter or metric_time__fiscal_year (or give
    --period-type).
    """
    from .metrics import list_metrics, saved_query_names

    project = _project()
    found = [info for info in list_metrics(project, warehouse or project.default_warehouse, show_dimensions)
             if show_helpers or not info.helper]
    width = max(len(info.name) for info in found)
    for info in found:
        notes = [note for note, flag in (("helper", info.helper), ("per period type", info.per_scorecard_row)) if flag]
        click.echo(f"{info.name.ljust(width)}  {info.type:<10}  {info.label}"
                   + (f"  ({', '.join(notes)})" if notes else ""))
        if show_dimensions:
            click.echo(f"{'':{width}}  group by: {', '.join(info.dimensions)}")
    click.echo("saved queries: " + ", ".join(saved_query_names(project, warehouse or project.default_warehouse)))


@metrics.command("query", epilog=EXIT_CODES_HELP)
@_warehouse_option
@click.option("--saved-query", envvar="REVOPS_SAVED_QUERY", show_envvar=True,
              help="Run a saved query instead (quarterly_scorecard, monthly_mrr_bridge, pipeline_by_stage, ar_aging).")
@click.option("--metrics", "metric_names", multiple=True, envvar="REVOPS_METRICS_QUERY",
              show_envvar=True, help="Metrics to query, comma-separated or repeated (see `revops metrics list`).")
@click.option("--group-by", "group_by", multiple=True, envvar="REVOPS_GROUP_BY", show_envvar=True,
              help="Group by these, comma-separated or repeated: metric_time__month, metric_time__quarter, "
                   "metric_time__year, metric_time__fiscal_quarter, metric_time__fiscal_year, "
                   "opportunity__segment... [default: the metric's total]")
@click.option("--period-type", type=_Choice(["month", "quarter", "year"]), envvar="REVOPS_PERIOD_TYPE",
              show_envvar=True,
              help="For the per-period-type metrics (slip_rate, net_revenue_retention...): the scorecard rows to "
                   "read. [default: the one of the --group-by grain]")
@click.option("--explain", is_flag=True, help="Print the SQL MetricFlow writes instead of running it.")
@handle_errors
def query_command(warehouse, saved_query, metric_names, group_by, period_type, explain) -> None:
    """Query metrics by name, read-only, from the published warehouse.

    Periods after the as-of date can appear with empty values: MetricFlow groups every
    deal on its close date, and a deal closing later is not counted yet.
    """
    from .metrics import explain as explain_query, format_rows, query_metrics

    if bool(saved_query) == bool(metric_names):
        raise click.UsageError("give --metrics or --saved-query")
    project = _project()
    warehouse = warehouse or project.default_warehouse
    if explain:
        click.echo(explain_query(project, warehouse, _names(metric_names), _names(group_by), saved_query,
                                 period_type))
        return
    result = query_metrics(project, warehouse, _names(metric_names), _names(group_by), saved_query, period_type)
    click.echo(format_rows(result))
