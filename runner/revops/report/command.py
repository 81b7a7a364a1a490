"""The `revops report` command: options in, write_report, one line out. Registered in
cli.py with one line, so the command's options live beside the work."""

from __future__ import annotations

from pathlib import Path

import click


def report_command(handle_errors, warehouse_option, project, epilog: str) -> click.Command:
    @click.command(name="report", epilog=epilog)
    @warehouse_option
    @click.option("--period-type", type=click.Choice(["month", "quarter", "year"], case_sensitive=False),
                  default="quarter", show_default=True, envvar="REVOPS_PERIOD_TYPE", show_envvar=True,
                  help="Fiscal month, quarter or year; the trends show the last 8 of them.")
    @click.option("--period", envvar="REVOPS_PERIOD", show_envvar=True,
                  help="Period label: 2025-03, FY2025-Q1 or FY2025. [default: the latest period]")
    @click.option("--segment", default="all", envvar="REVOPS_SEGMENT", show_envvar=True,
                  help="Only this segment. [default: all]")
    @click.option("--region", default="all", envvar="REVOPS_REGION", show_envvar=True,
                  help="Only this region. [default: all]")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), envvar="REVOPS_REPORT_OUT",
                  show_envvar=True, help="The HTML file to write. [default: exports/report.html in the project]")
    @handle_errors
    def report(warehouse, period_type, period, segment, region, out) -> None:
        """Write the KPI report for one period: one HTML file with charts that opens
        offline (no server, no CDN).

        A headline scorecard with the change on the previous period, the MRR bridge,
        ARR and retention trends, pipeline, win rate and sales cycle, forecast accuracy
        by team, receivables aging and revenue leakage. Each chart says its definition
        and links to the KPI's doc.

        \b
        Examples:
          revops report                                  # latest fiscal quarter -> exports/report.html
          revops report --period FY2025-Q2 --segment smb --out /tmp/smb.html
          revops report --period-type month --period 2025-11
        """
        from . import Cut, write_report

        located = project()
        written = write_report(
            warehouse or located.default_warehouse,
            Cut(period_type=period_type.lower(), period=period, segment=segment, region=region),
            out or located.default_exports / "report.html",
            located.root,
        )
        empty = f", {written.empty_charts} with no data" if written.empty_charts else ""
        click.secho(f"Wrote the {written.period_label} report to {written.path} "
                    f"({written.bytes / 1e6:.1f} MB, {written.charts} charts{empty})", fg="green")

    return report
