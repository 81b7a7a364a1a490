"""No option and no variable becomes SQL: each is a usage error (exit 2) or reaches SQL
only as a harmless value (a bound parameter or a quoted literal). Fast: every case
stops before a build starts, or compiles one inline query."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import duckdb
import pytest
from click.testing import CliRunner

import revops.build
from revops.cli import main
from revops.errors import ExitCode
from revops.options import VARIABLE_KINDS, Invalid, check_variables, project_variables

INJECTION = "x' || (select 1) || '"

# (arguments, exit code, words of the message). A usage error for every option whose
# value reaches SQL; for the few that are data, a bad-input error showing the value was
# compared as data (or a path looked up as a path), never run.
CASES = [
    (["build", "--reporting-currency", "USD'||'"], ExitCode.USAGE, "not an ISO 4217 currency code"),
    (["build", "--reporting-currency", "usdd"], ExitCode.USAGE, "(did you mean USD?)"),
    (["build", "--as-of", "2024-01-01' or '1"], ExitCode.USAGE, "Invalid value for '--as-of'"),
    (["build", "--fiscal-year-start-month", "1); drop table x; --"], ExitCode.USAGE, "--fiscal-year-start-month"),
    (["build", "--max-quarantined-share", "0.01) or (1=1"], ExitCode.USAGE, "--max-quarantined-share"),
    (["validate", "--data", ".", "--max-quarantined-share", "0.01) or (1=1"], ExitCode.USAGE, "--max-quarantined-share"),
    (["build", "--threads", "2; drop"], ExitCode.USAGE, "--threads"),
    (["build", "--memory-limit", "12GB'; drop schema core; --"], ExitCode.USAGE, "is not a size"),
    (["build", "--memory-limit", "lots"], ExitCode.USAGE, "such as 12GB"),
    (["build", "--raw-schema", 'raw"; drop schema core; --'], ExitCode.USAGE, "not a plain name"),
    (["build", "--crm-source", "salesforce' --"], ExitCode.USAGE, "is not one of"),
    (["build", "--crm-source", "salesfroce"], ExitCode.USAGE, "(did you mean salesforce?)"),
    (["build", "--billing-source", "strpe"], ExitCode.USAGE, "(did you mean stripe?)"),
    (["build", "--var", "reporting_currency=USD'||'"], ExitCode.USAGE, "reporting_currency:"),
    (["build", "--var", "as_of_date=2024-01-01' or '1"], ExitCode.USAGE, "not a date"),
    (["build", "--var", "as_of_date=2024-02-30"], ExitCode.USAGE, "not a date"),
    (["build", "--var", "calendar_start=2015-01-01')"], ExitCode.USAGE, "not a date"),
    (["build", "--var", 'salesforce_schema=sf"; drop'], ExitCode.USAGE, "not a plain name"),
    (["build", "--var", "raw_schema=raw.x"], ExitCode.USAGE, "not a plain name"),
    (["build", "--var", "gross_margin=0.8) or (1=1"], ExitCode.USAGE, "not a number from 0 to 1"),
    (["build", "--var", "gross_margin=.nan"], ExitCode.USAGE, "not a number from 0 to 1"),
    (["build", "--var", "qualified_stage_min_probability=20 or true"], ExitCode.USAGE, "not a number"),
    (["build", "--var", "pipeline_no_activity_days=30 days"], ExitCode.USAGE, "not a whole number"),
    (["build", "--var", "billing_account_id_metadata_key=x') or ('1"], ExitCode.USAGE, "not a plain name"),
    (["build", "--var", "billing_match_on_email_domain=sometimes"], ExitCode.USAGE, "not true or false"),
    (["build", "--var", "forecast_period_type=quarter' or '1"], ExitCode.USAGE, "is not one of"),
    (["build", "--var", "raw_source=flies"], ExitCode.USAGE, "(did you mean files?)"),
    (["build", "--var", "dq_max_quarantined_share_by_table={opportunities: '1) or (1'}"], ExitCode.USAGE,
     "opportunities:"),
    (["build", "--var", "dq_max_quarantined_share_by_table={opportunites: 0.1}"], ExitCode.USAGE,
     "(did you mean opportunities?)"),
    (["build", "--var", "gross_margn=0.7"], ExitCode.USAGE, "(did you mean gross_margin?)"),
    (["build", "--var", "engagement_activity_types={a: 1}"], ExitCode.USAGE, "not a text or a list of texts"),
    (["validate", "--data", ".", "--reporting-currency", "EUR' or 1=1 --"], ExitCode.USAGE,
     "not an ISO 4217 currency code"),
    (["validate", "--data", INJECTION], ExitCode.BAD_INPUT, "no such folder"),  # as build says it
    (["validate", "--data", ".", "--max-problems", "1; drop"], ExitCode.USAGE, "--max-problems"),
    # paths are looked up as paths (the folder's own quoting is the file landing's)
    (["build", "--data", INJECTION], ExitCode.BAD_INPUT, "no such folder"),
    (["build", "--raw-database", INJECTION, "--raw-schema", "raw"], ExitCode.BAD_INPUT, "no such file"),
    (["kpis", "--period-type", "quarter' or '1"], ExitCode.USAGE, "is not one of"),
    # kpis filters are bound parameters, compared with what the scorecard holds
    (["kpis", "--segment", "x' or '1'='1"], ExitCode.USAGE, "unknown segment"),
    (["kpis", "--region", INJECTION], ExitCode.USAGE, "unknown region"),
    (["kpis", "--team", INJECTION], ExitCode.USAGE, "unknown team"),
    (["kpis", "--owner", INJECTION], ExitCode.USAGE, "unknown owner_user_id"),
    (["kpis", "--metric", INJECTION], ExitCode.USAGE, "unknown metric"),
    (["kpis", "--period", INJECTION], ExitCode.USAGE, "unknown period"),
    (["kpis", "--format", INJECTION], ExitCode.USAGE, "is not one of"),
    (["kpis", "--compare", INJECTION], ExitCode.USAGE, "is not 'previous'"),
    (["kpis", "--trend", INJECTION], ExitCode.USAGE, "is not a valid integer"),
    # export models are looked up in the warehouse's catalogue
    (["export", "-m", "dim_accounts; drop table core.dim_accounts"], ExitCode.BAD_INPUT, "no such model"),
    (["export", "--format", "csv) to '/tmp/x"], ExitCode.USAGE, "is not one of"),
    # report cuts are bound parameters, compared with what the scorecard holds
    (["report", "--segment", "x' or '1'='1"], ExitCode.USAGE, "unknown segment"),
    (["report", "--region", INJECTION], ExitCode.USAGE, "unknown region"),
    (["report", "--period", INJECTION], ExitCode.USAGE, "unknown quarter period"),
    (["report", "--period-type", "quarter' or '1"], ExitCode.USAGE, "is not one of"),
    (["demo", "--seed", "1; drop"], ExitCode.USAGE, "--seed"),
    (["demo", "--scale", "1) or (1"], ExitCode.USAGE, "--scale"),
]

# Options whose value never reaches SQL, and why.
NOT_SQL = {
    ("build", "--warehouse"): "a file path, opened and renamed by Python",
    ("build", "--wait"): "a flag",
    ("build", "--quiet"): "a flag",
    ("build", "--unit-tests"): "a flag",
    ("export", "--warehouse"): "a file path, opened by Python",
    ("export", "--out"): "a folder; file paths reach COPY only as escaped literals of names we make",
    ("export", "--list"): "a flag",
    ("export", "--split"): "a flag",
    ("kpis", "--warehouse"): "a file path, opened by Python",
    ("kpis", "--list"): "a flag",
    ("report", "--warehouse"): "a file path, opened by Python",
    ("report", "--out"): "a file path Python writes the page to",
    ("demo", "--out"): "a folder Python writes CSV files into",
    ("demo", "--elt-landing"): "a file path, opened by Python",
}


@pytest.fixture
def small_warehouse(tmp_path: Path) -> Path:
    """A DuckDB file with one exportable model and a one-row scorecard: enough for
    export and kpis to check their options, in milliseconds."""
    warehouse = tmp_path / "revops.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema core; create schema kpis")
        connection.execute("create table core.dim_accounts as select 'A1' as account_id")
        connection.execute("""
            create table kpis.kpi_scorecard as select
                'win_rate' as metric_name, 'ratio' as unit, 'quarter' as period_type,
                'FY2025-Q1' as period_label, date '2025-01-01' as period_start, date '2025-03-31' as period_end,
                'all' as owner_user_id, 'all' as team, 'all' as segment, 'all' as region,
                0.5 as value, 1 as numerator, 2 as denominator
        """)
    return warehouse


@pytest.fixture
def no_build(monkeypatch):
    """Fail the test if dbt is run."""
    def refuse(*args, **kwargs):
        raise AssertionError("a build started; the option should have been refused before")

    monkeypatch.setattr(revops.build, "invoke_dbt", refuse)


@pytest.mark.parametrize("args, exit_code, message", CASES, ids=[" ".join(case[0])[:60] for case in CASES])
def test_sql_in_an_option_is_refused_or_stays_a_value(args, exit_code, message, small_warehouse, tmp_path,
                                                     no_build):
    command = args[0]
    extra = []
    if command in ("export", "kpis", "report"):
        extra = ["--warehouse", str(small_warehouse)]
    if command == "report":
        extra += ["--out", str(tmp_path / "report.html")]
    if command == "export":
        extra += ["--out", str(tmp_path / "out")]
    if command == "build":
        extra = ["--warehouse", str(tmp_path / "w.duckdb")]
    if command == "demo":
        extra = ["--out", str(tmp_path / "demo")]
    result = CliRunner().invoke(main, [*args, *extra])
    assert result.exit_code == exit_code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    if command == "export":  # nothing was written, nothing was dropped
        assert not any((tmp_path / "out").glob("*.csv"))
        with duckdb.connect(str(small_warehouse), read_only=True) as connection:
            assert connection.execute("select count(*) from core.dim_accounts").fetchall() == [(1,)]


def test_every_option_is_tried_or_never_reaches_sql():
    tried = {(args[0], arg) for args, _, _ in CASES for arg in args[1:] if arg.startswith("-")}
    for name, command in sorted(main.commands.items()):
        for parameter in command.params:
            if not isinstance(parameter, click.Option) or parameter.name == "help":
                continue
            opts = set(parameter.opts) | set(parameter.secondary_opts)
            covered = any((name, opt) in tried or (name, opt) in NOT_SQL for opt in opts)
            assert covered, f"revops {name} {parameter.opts[0]}: add an injection case, or say why it is not SQL"


def test_good_values_pass_and_are_normalised(project):
    assert check_variables({"reporting_currency": "eur", "as_of_date": __import__("datetime").date(2025, 6, 30),
                            "gross_margin": "0.75", "hubspot_deal_pipelines": ["default", 123],
                            "excluded_lost_reasons": ["O'Brien's duplicate"], "raw_schema": "crm_2024",
                            "dq_max_quarantined_share_by_table": {"opportunities": 0.05}}, project) == {
        "reporting_currency": "EUR", "as_of_date": "2025-06-30", "gross_margin": 0.75,
        "hubspot_deal_pipelines": ["default", 123], "excluded_lost_reasons": ["O'Brien's duplicate"],
        "raw_schema": "crm_2024", "dq_max_quarantined_share_by_table": {"opportunities": 0.05},
    }
    with pytest.raises(Invalid, match="fiscal_year_start_month: True is not a whole number from 1 to 12"):
        check_variables({"fiscal_year_start_month": True}, project)


def test_both_checkers_know_exactly_the_variables_of_dbt_project_yml(project):
    declared = project_variables(project)
    macro = (project.root / "macros" / "conventions" / "variables.sql").read_text()
    in_macro = re.findall(r"^\s+'(\w+)': \{'kind'", macro, flags=re.MULTILINE)
    assert sorted(VARIABLE_KINDS) == sorted(declared), "runner/revops/options.py VARIABLE_KINDS"
    assert sorted(in_macro) == sorted(declared), "macros/conventions/variables.sql variable_kinds()"


def test_the_default_variables_pass_the_runners_checks(project):
    import yaml

    defaults = yaml.safe_load((project.root / "dbt_project.yml").read_text())["vars"]
    assert check_variables(defaults, project).keys() == defaults.keys()


# Plain dbt (no runner): a bad variable stops the parse with the variable's name, and
# free text is pasted only as a quoted literal.

def compile_inline(project, tmp_path: Path, sql: str, dbt_vars: dict):
    from dbt.cli.main import dbtRunner

    from revops.dbt_invocation import _environment, release_duckdb_file

    work = tmp_path / "dbt"
    with _environment({"REVOPS_WAREHOUSE": str(tmp_path / "compile.duckdb")}):
        try:
            result = dbtRunner().invoke([
                "compile", "--inline", sql, "--project-dir", str(project.root), "--profiles-dir",
                str(project.root), "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
                "--log-level", "none", "--vars", json.dumps(dbt_vars),
            ])
        finally:
            release_duckdb_file()
    if not result.success:
        return None, str(result.exception)
    return result.result.results[0].node.compiled_code, None


@pytest.mark.slow  # dbt compiles
@pytest.mark.parametrize("dbt_vars, message", [
    ({"reporting_currency": "USD'||'"}, "var reporting_currency is 'USD'||'', but it must be an ISO 4217 currency code"),
    ({"as_of_date": "2024-01-01' or '1"}, "var as_of_date is '2024-01-01' or '1', but it must be a date, YYYY-MM-DD"),
    ({"stripe_schema": 'stripe"; drop'}, "var stripe_schema is 'stripe\"; drop', but it must be a name of letters"),
    ({"gross_margin": "0.8) or (1=1"}, "var gross_margin is '0.8) or (1=1', but it must be a number from 0 to 1"),
])
def test_plain_dbt_refuses_a_bad_variable_before_any_sql(project, tmp_path, dbt_vars, message):
    compiled, error = compile_inline(project, tmp_path, "select 1 as x", dbt_vars)
    assert compiled is None
    assert message in error


@pytest.mark.slow  # dbt compiles
def test_free_text_variables_become_quoted_literals(project, tmp_path):
    path = "/data/O'Brien exports/x' || (select 1) || '.duckdb"
    sql = ("select {{ sql_literal(var('raw_database')) }} as raw_database, "
           "{{ sql_literal(var('reporting_currency')) }} as currency, {{ excluded_lost_reasons_list() }} as reason")
    compiled, error = compile_inline(project, tmp_path, sql, {"raw_database": path,
                                                             "excluded_lost_reasons": ["it's a duplicate"]})
    assert error is None
    with duckdb.connect() as connection:
        assert connection.execute(compiled).fetchall() == [(path, "USD", "it's a duplicate")]
