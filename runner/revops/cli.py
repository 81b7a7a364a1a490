"""The `revops` command line: parse options, call the work below, print, exit.

The work lives in build.py, export.py and demo/; this module only turns
options into calls and results (or errors) into output and exit codes.
"""

from __future__ import annotations

import sys
import traceback
from functools import wraps
from pathlib import Path
from typing import Iterator

import click

from .errors import COMMAND_EXIT_CODES, ExitCode, RevopsError, exit_codes_help
from .options import Invalid, check_currency, check_identifier, check_memory_limit, did_you_mean, parse_var_pairs
from .project import Project
from .words import plural

# every command's epilog is replaced by its own list (exit_codes_help) at the end of
# this module; this one, all of them, stays for whatever is registered without a name
EXIT_CODES_HELP = exit_codes_help("")


def _project() -> Project:
    return Project.locate()


def handle_errors(command):
    """The one error boundary: a RevopsError becomes a message and its exit code;
    Ctrl-C says so and exits 130; anything else is a bug (traceback only with --debug)."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return command(*args, **kwargs)
        except RevopsError as error:
            click.secho(f"error: {error}", fg="red", err=True)
            for line in error.details:
                click.echo(f"  {line}", err=True)
            if debug:
                traceback.print_exc()
            sys.exit(int(error.exit_code))
        except KeyboardInterrupt:
            click.secho("interrupted", fg="red", err=True)
            sys.exit(int(ExitCode.INTERRUPTED))
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception as error:  # noqa: BLE001 - the boundary for bugs
            click.secho(f"internal error: {type(error).__name__}: {error}", fg="red", err=True)
            if debug:
                traceback.print_exc()
            else:
                click.echo("  rerun with --debug for the traceback", err=True)
            sys.exit(int(ExitCode.INTERNAL))

    return wrapper


class _Choice(click.Choice):
    """click.Choice, with a did-you-mean for a near miss (`salesfroce`)."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as error:
            hint = did_you_mean(value, [str(choice) for choice in self.choices])
            if not hint:
                raise
            self.fail(f"{error.message.rstrip('.')}{hint}", param, ctx)


def _checked(check, *, with_project: bool = False):
    """A Click callback running an options.check_* function on the value: a bad value
    is a usage error (exit 2) before anything runs."""

    def callback(ctx, param, value):
        if value is None:
            return None
        try:
            return check(value, _project()) if with_project else check(value)
        except Invalid as error:
            raise click.BadParameter(str(error), ctx=ctx, param=param) from None

    return callback


def _warehouse_option(function):
    return click.option(
        "--warehouse",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="REVOPS_WAREHOUSE",
        show_envvar=True,
        help="The DuckDB warehouse file. [default: warehouse/revops.duckdb in the project]",
    )(function)


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, envvar="REVOPS_DEBUG", show_envvar=True,
              help="Show Python tracebacks on errors.")
@click.version_option(package_name="revops-metrics", prog_name="revops")
def main(debug: bool) -> None:
    """RevOps metrics: one source of truth for CRM, billing and marketing data.

    \b
    Typical use:
      revops build              # demo data -> warehouse/revops.duckdb
      revops export             # marts and KPIs -> exports/*.parquet, *.csv
      revops build --data DIR   # your own CSV/Parquet files instead of the demo
    """
    if debug:  # the runner's own detail (dbt's test names, say) on stderr
        import logging

        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("debug: %(message)s"))
        logging.getLogger("revops").addHandler(handler)
        logging.getLogger("revops").setLevel(logging.DEBUG)


def _parse_vars(pairs: tuple[str, ...], project: Project) -> dict:
    try:
        return parse_var_pairs(pairs, project)
    except Invalid as error:
        raise click.BadParameter(str(error), param_hint="--var") from None


@main.command(epilog=EXIT_CODES_HELP)
@_warehouse_option
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="REVOPS_DATA", show_envvar=True,
              help="A folder of contract tables (<table>.csv or <table>.parquet). [default: the demo company]")
@click.option("--raw-schema", envvar="REVOPS_RAW_SCHEMA", show_envvar=True, callback=_checked(check_identifier),
              help="Read the contract tables from this schema instead (of --raw-database).")
@click.option("--raw-database", type=click.Path(dir_okay=False, path_type=Path),
              envvar="REVOPS_RAW_DATABASE", show_envvar=True,
              help="A DuckDB file holding --raw-schema and the source systems' schemas (for "
                   "example where Fivetran, Airbyte or dlt writes); attached read-only.")
@click.option("--crm-source", type=_Choice(["contract", "salesforce", "hubspot"]), default="contract",
              envvar="REVOPS_CRM_SOURCE", show_envvar=True, show_default=True,
              help="Read accounts, users, deals, stages, history and activities from this CRM "
                   "as an ELT tool lands it (schema: --var salesforce_schema=... / hubspot_schema=...).")
@click.option("--billing-source", type=_Choice(["contract", "stripe"]), default="contract",
              envvar="REVOPS_BILLING_SOURCE", show_envvar=True, show_default=True,
              help="Read subscriptions, invoices and payments from this billing system as an ELT "
                   "tool lands it (schema: --var stripe_schema=...).")
@click.option("--var", "extra_vars", multiple=True, metavar="NAME=VALUE", envvar="REVOPS_VARS", show_envvar=True,
              help="Set any dbt variable of dbt_project.yml (repeatable); VALUE is read as YAML.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), envvar="REVOPS_AS_OF", show_envvar=True,
              help="'Today' for every KPI (YYYY-MM-DD). [default: the latest event date in the data]")
@click.option("--reporting-currency", envvar="REVOPS_REPORTING_CURRENCY", show_envvar=True,
              callback=_checked(check_currency, with_project=True),
              help="ISO 4217 code every amount is converted to. [default: USD]")
@click.option("--fiscal-year-start-month", type=click.IntRange(1, 12),
              envvar="REVOPS_FISCAL_YEAR_START_MONTH", show_envvar=True,
              help="First month of the fiscal year, 1-12. [default: 1]")
@click.option("--max-quarantined-share", type=click.FloatRange(0, 1), envvar="REVOPS_MAX_QUARANTINED_SHARE",
              show_envvar=True,
              help="Fail the build when more than this share of a table's rows break the contract "
                   "(they are kept in audit.dq_quarantine either way). [default: 0.01]")
@click.option("--threads", type=click.IntRange(1, 64), envvar="REVOPS_THREADS", show_envvar=True,
              help="dbt threads. [default: 2]")
@click.option("--memory-limit", envvar="REVOPS_MEMORY_LIMIT", show_envvar=True, callback=_checked(check_memory_limit),
              help="DuckDB's memory limit for the build, such as 12GB; past it DuckDB spills to a folder "
                   "beside the build. [default: DuckDB's, 80% of RAM]")
@click.option("--wait/--no-wait", "wait_for_lock", default=False, envvar="REVOPS_WAIT", show_envvar=True,
              help="If another build of the same warehouse is running: wait for it, or exit with code 5. [default: no-wait]")
@click.option("--unit-tests/--no-unit-tests", default=False, envvar="REVOPS_UNIT_TESTS", show_envvar=True,
              help="Also run the project's dbt unit tests: they check its SQL on fixed inputs, not your "
                   "data, so a build leaves them out, as dbt advises for production. [default: no-unit-tests]")
@click.option("--quiet", "-q", is_flag=True, envvar="REVOPS_QUIET", show_envvar=True,
              help="No progress lines: a heartbeat line once a minute, then the summary.")
@handle_errors
def build(warehouse, data_dir, raw_schema, raw_database, crm_source, billing_source, extra_vars, as_of,
          reporting_currency, fiscal_year_start_month, max_quarantined_share, threads, memory_limit,
          wait_for_lock, unit_tests, quiet) -> None:
    """Build the warehouse: load the data, run every model and data test, publish.

    The build is written to a fresh file and replaces the published warehouse only
    when every model and test passed, so a failed build changes nothing (it is kept
    for inspection until the next build; the message says where). A warehouse that a
    process holds open read-write is not replaced (exit 5); readers do not block it.

    \b
    Examples:
      revops build
      revops build --data ~/exports/crm --as-of 2025-06-30
      revops build --warehouse /tmp/revops.duckdb --reporting-currency EUR
      revops build --raw-database loads.duckdb --raw-schema crm
      revops build --raw-database fivetran.duckdb --crm-source salesforce --billing-source stripe
      revops build --data ~/exports/crm --memory-limit 12GB
    """
    from .build import BuildOptions, build_warehouse
    from .dbt_invocation import summary_words
    from .progress import progress_for
    from .words import duration

    if data_dir is not None and raw_schema is not None:
        raise click.UsageError("--data and --raw-schema are alternatives; give one")
    uses_source_systems = crm_source != "contract" or billing_source != "contract"
    if raw_database is not None and raw_schema is None and not uses_source_systems:
        raise click.UsageError("--raw-database needs --raw-schema: the schema holding the contract tables")
    project = _project()
    options = BuildOptions(
        warehouse=warehouse or project.default_warehouse,
        data_dir=data_dir,
        raw_schema=raw_schema,
        raw_database=raw_database,
        as_of=as_of.date() if as_of else None,
        reporting_currency=reporting_currency,
        fiscal_year_start_month=fiscal_year_start_month,
        max_quarantined_share=max_quarantined_share,
        threads=threads,
        memory_limit=memory_limit,
        wait_for_lock=wait_for_lock,
        crm_source=crm_source,
        billing_source=billing_source,
        extra_vars=_parse_vars(extra_vars, project),
        unit_tests=unit_tests,
    )
    source = f"the files in {data_dir}" if data_dir else (f"schema {raw_schema}" if raw_schema else "the demo company")
    if uses_source_systems:
        systems = [name for name in (crm_source, billing_source) if name != "contract"]
        source = " and ".join(systems) + (f", with the other tables from {source}"
                                          if data_dir or raw_schema else "")
    click.echo(f"Building {options.warehouse} from {source}", err=True)
    with progress_for(sys.stderr, quiet=quiet) as progress:
        result = build_warehouse(project, options, on_progress=progress)
    click.secho(f"Built {result.warehouse} in {duration(result.seconds)}: {summary_words(result.outcome.tally)}",
                fg="green")
    from .build_notes import after_build

    for line, color in after_build(result, billing_source):
        click.secho(line, fg=color, err=True)


@main.command(epilog=EXIT_CODES_HELP)
@_warehouse_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="REVOPS_EXPORT_DIR", show_envvar=True,
              help="Folder to write the files to. [default: exports/ in the project]")
@click.option("--format", "formats", type=_Choice(["parquet", "csv", "json", "xlsx"]), multiple=True,
              envvar="REVOPS_EXPORT_FORMATS", show_envvar=True,
              help="File format: parquet, csv, json (an array of records per model) or xlsx (one "
                   "workbook, a sheet per model); repeat for several. [default: parquet and csv]")
@click.option("--split", is_flag=True, envvar="REVOPS_EXPORT_SPLIT", show_envvar=True,
              help="With --format xlsx: one workbook per model (<model>.xlsx) instead of one with a sheet each.")
@click.option("--model", "-m", "models", multiple=True, envvar="REVOPS_EXPORT_MODELS", show_envvar=True,
              help="Export only this model; repeat for several. [default: every mart, KPI and audit model]")
@click.option("--list", "list_only", is_flag=True, help="List the exportable models and exit.")
@handle_errors
def export(warehouse, out_dir, formats, split, models, list_only) -> None:
    """Write the marts, KPI and audit models to Parquet, CSV, JSON or Excel.

    Every export has a README (README.md beside the files, a README sheet in a
    workbook) naming the as-of date, the reporting currency, what the warehouse was
    built from and each model's definition. Rows are in a stable order, so the same
    warehouse always gives the same files, byte for byte.

    \b
    Examples:
      revops export
      revops export --out /tmp/revops --format parquet
      revops export --format xlsx                 # exports/revops.xlsx, a sheet per model
      revops export --format xlsx --split         # exports/<model>.xlsx
      revops export --format json -m kpi_scorecard
      revops export -m fct_opportunities -m dim_accounts
    """
    from .export import DEFAULT_FORMATS, export_models, exportable_models

    project = _project()
    warehouse = warehouse or project.default_warehouse
    if list_only:
        for name in exportable_models(warehouse):
            click.echo(name)
        return
    out_dir = out_dir or project.default_exports

    def on_file(exported) -> None:
        rows = "" if exported.rows is None else f"  ({exported.rows} {'row' if exported.rows == 1 else 'rows'})"
        click.echo(f"  {exported.path}{rows}", err=True)

    files = export_models(
        warehouse,
        out_dir,
        models=list(models) or None,
        formats=tuple(dict.fromkeys(formats)) or DEFAULT_FORMATS,
        split=split,
        project_root=project.root,
        on_file=on_file,
    )
    click.secho(f"Exported {len(files)} {'file' if len(files) == 1 else 'files'} to {out_dir}", fg="green")


@main.command(epilog=EXIT_CODES_HELP)
@_warehouse_option
@click.option("--period-type", type=click.Choice(["month", "quarter", "year"], case_sensitive=False),
              envvar="REVOPS_PERIOD_TYPE", show_envvar=True,
              help="Fiscal month, quarter or year. [default: the type --period spells, else quarter]")
@click.option("--period", envvar="REVOPS_PERIOD", show_envvar=True,
              help="Period label: 2025-03, FY2025-Q1 or FY2025 (its type is inferred). [default: the latest period]")
@click.option("--metric", "metrics", multiple=True, envvar="REVOPS_METRICS", show_envvar=True,
              help="Show only this metric; repeat for several. [default: all]")
@click.option("--segment", envvar="REVOPS_SEGMENT", show_envvar=True, help="Only this segment. [default: all]")
@click.option("--region", envvar="REVOPS_REGION", show_envvar=True, help="Only this region. [default: all]")
@click.option("--team", envvar="REVOPS_TEAM", show_envvar=True, help="Only this sales team. [default: all]")
@click.option("--owner", envvar="REVOPS_OWNER", show_envvar=True, help="Only this deal owner (user id). [default: all]")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"], case_sensitive=False),
              default="table", show_default=True, envvar="REVOPS_KPIS_FORMAT", show_envvar=True,
              help="table for a terminal, csv or json (schema in the README) for scripts, markdown for a doc.")
@click.option("--compare", type=click.Choice(["previous"], case_sensitive=False), envvar="REVOPS_KPIS_COMPARE",
              show_envvar=True, help="Add the previous period's value and the change: points for rates, "
                                     "per cent for everything else.")
@click.option("--trend", type=click.IntRange(min=1, max=60), envvar="REVOPS_KPIS_TREND", show_envvar=True,
              help="Show the last N periods, ending with --period, side by side.")
@click.option("--list", "list_only", is_flag=True,
              help="List every metric with its unit and one-line definition, and exit.")
@handle_errors
def kpis(warehouse, period_type, period, metrics, segment, region, team, owner, fmt, compare, trend,
         list_only) -> None:
    """Print the KPI scorecard for one period: as a table, CSV, JSON or Markdown.

    Each line is one metric with its value (in its unit) and the additive components
    behind it. A dimension you do not name is shown at its 'all' roll-up. The header
    says the as-of date and the reporting currency.

    \b
    Examples:
      revops kpis                                   # every KPI, latest fiscal quarter
      revops kpis --period 2025-11                  # a month (the label says so)
      revops kpis --metric win_rate --segment smb --compare previous
      revops kpis --trend 4 --format markdown
      revops kpis --format json | jq '.metrics[] | {name, value}'
      revops kpis --list
    """
    from .kpi_catalog import metric_catalog
    from .scorecard import ScorecardFilter, check_choice, read_scorecard_periods, resolve_period_type
    from .scorecard_formats import render, render_list

    project = _project()
    fmt = fmt.lower()
    catalog = metric_catalog(project.root)
    if list_only:
        names = [check_choice("metric", metric, list(catalog)) for metric in metrics] or list(catalog)
        click.echo(render_list([catalog[name] for name in names], fmt), nl=False)
        return
    dimensions = {name: value for name, value in
                  (("segment", segment), ("region", region), ("team", team), ("owner_user_id", owner))
                  if value is not None}
    scorecard = read_scorecard_periods(
        warehouse or project.default_warehouse,
        ScorecardFilter(period_type=resolve_period_type(period_type, period), period=period,
                        metrics=tuple(metrics), dimensions=dimensions),
        periods=trend or 1, previous=compare is not None,
    )
    for warning in scorecard.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    click.echo(render(scorecard, catalog, fmt, compare=compare is not None, trend=trend is not None), nl=False)


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, envvar="REVOPS_DATA", show_envvar=True,
              help="The folder of contract tables to check (<table>.csv, .csv.gz or .parquet).")
@click.option("--reporting-currency", envvar="REVOPS_REPORTING_CURRENCY", show_envvar=True,
              callback=_checked(check_currency, with_project=True),
              help="As for build: amounts in this currency need no exchange rate. [default: USD]")
@click.option("--max-quarantined-share", type=click.FloatRange(min=0, max=1), envvar="REVOPS_MAX_QUARANTINED_SHARE",
              show_envvar=True, help="As for build: the share of a table's rows that may be quarantined. [default: 0.01]")
@click.option("--max-problems", type=click.IntRange(min=1), default=20, show_default=True,
              envvar="REVOPS_MAX_PROBLEMS", show_envvar=True, help="Problems shown per file.")
@handle_errors
def validate(data_dir, reporting_currency, max_quarantined_share, max_problems) -> None:
    """Check a folder against the input contract without building.

    Runs the build's own landing and contract checks on a scratch database: every
    file it cannot read or does not read, and every row the build would quarantine
    (empty required value, unparseable value, unknown enumeration or currency,
    negative amount, reference to a missing row, duplicate key, malformed line),
    with its file, line and reason. Exits with code 3 when the build would fail.

    \b
    Examples:
      revops validate --data ~/exports/crm
      revops validate --data seeds/demo
    """
    from .errors import BadInput
    from .validate import report_lines, validate_folder

    report = validate_folder(_project(), data_dir, reporting_currency=reporting_currency,
                             max_quarantined_share=max_quarantined_share)
    for line, color in report_lines(report, max_problems):
        click.secho(line, fg=color)
    if not report.build_would_pass:
        errors = len(report.scan.errors) + len(report.over_tolerance) + len(report.build_failures)
        raise BadInput(f"{plural(errors, 'problem')} in {data_dir}: the build would fail; nothing was built")
    if report.quarantined:
        click.secho(f"{data_dir} builds, with {plural(report.quarantined, 'row')} quarantined (within the tolerance)",
                    fg="yellow")
    else:
        click.secho(f"{data_dir} follows the input contract", fg="green")


@main.command(epilog=EXIT_CODES_HELP)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="REVOPS_DEMO_DIR", show_envvar=True,
              help="Folder for the CSV files (required: `--out seeds/demo` regenerates the committed demo).")
@click.option("--seed", type=int, default=42, show_default=True, envvar="REVOPS_DEMO_SEED", show_envvar=True,
              help="Random seed; the same seed gives byte-identical files.")
@click.option("--scale", type=click.FloatRange(min=0.01), default=1.0, show_default=True,
              envvar="REVOPS_DEMO_SCALE", show_envvar=True,
              help="Size relative to the committed demo (2 = twice the accounts).")
@click.option("--elt-landing", type=click.Path(dir_okay=False, path_type=Path),
              envvar="REVOPS_DEMO_ELT_LANDING", show_envvar=True,
              help="Also write the company as Salesforce and Stripe tables, as Fivetran lands them, "
                   "into this DuckDB file (for --crm-source salesforce --billing-source stripe).")
@handle_errors
def demo(out_dir, seed, scale, elt_landing) -> None:
    """Generate the demo company's raw data (the input contract, as CSV).

    \b
    Examples:
      revops demo --out seeds/demo                  # regenerate the committed demo company
      revops demo --out /tmp/big --scale 100        # a larger company for benchmarks
      revops build --data /tmp/big                  # ...and build from it
      revops demo --out /tmp/d --elt-landing /tmp/fivetran.duckdb
      revops build --raw-database /tmp/fivetran.duckdb --crm-source salesforce --billing-source stripe
    """
    from .demo import generate_demo_company

    if out_dir is None:
        # no default: a bare `revops demo` would overwrite the committed demo company
        raise click.UsageError("give the folder to write with --out "
                               "(--out seeds/demo regenerates the committed demo company)")
    from .errors import BadUsage

    try:
        counts = generate_demo_company(
            out_dir, seed=seed, scale=scale,
            progress=lambda table, rows: click.echo(f"  {table}: {plural(rows, 'row')}", err=True),
        )
    except OSError as error:  # like export's --out: a folder that cannot be written is a usage error
        raise BadUsage(f"--out {out_dir}: cannot write there ({error.strerror or error})") from None
    click.secho(f"Wrote {plural(sum(counts.values()), 'row')} in {plural(len(counts), 'file')} to {out_dir}", fg="green")
    if elt_landing is not None:
        from .demo.elt_landing import land_demo_as_elt

        rows = land_demo_as_elt(out_dir, elt_landing)
        click.secho(f"Wrote {plural(rows, 'row')} as Salesforce and Stripe tables to {elt_landing}", fg="green")


from .report.command import report_command  # noqa: E402 - needs the helpers above

main.add_command(report_command(handle_errors, _warehouse_option, _project, EXIT_CODES_HELP))

from .metrics_cli import metrics as _metrics  # noqa: E402 - it uses this module's helpers

main.add_command(_metrics)



def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    """Every command under `group` with its name under `revops` ("metrics query")."""
    for name, command in group.commands.items():
        path = f"{prefix} {name}".strip()
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


def _set_exit_code_epilogs() -> None:
    """Each command's --help lists only the exit codes it can return, from the one table
    in errors.py; a command missing from it is a bug, found by the first import."""
    main.epilog = exit_codes_help("")
    for path, command in _commands(main):
        if path not in COMMAND_EXIT_CODES:
            raise RuntimeError(f"revops {path}: add its exit codes to errors.COMMAND_EXIT_CODES")
        command.epilog = exit_codes_help(path)


_set_exit_code_epilogs()

if __name__ == "__main__":  # pragma: no cover
    main()
