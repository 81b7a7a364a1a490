"""The command line as a user meets it: help, options, errors and exit codes."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from revops.cli import main
from revops.errors import ExitCode


def _commands():
    return sorted(main.commands.items())


def test_every_command_has_help_with_examples_and_exit_codes():
    runner = CliRunner()
    for name, command in _commands():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Examples:" in result.output, f"revops {name} --help shows no examples"
        if name != "demo":
            assert "Exit codes:" in result.output, f"revops {name} --help lists no exit codes"


def test_every_option_has_help_text_and_an_environment_variable():
    for name, command in _commands():
        for parameter in command.params:
            if not isinstance(parameter, click.Option) or parameter.name in ("help", "list_only"):
                continue
            assert parameter.help, f"revops {name} {parameter.opts[0]} has no help text"
            assert parameter.envvar and str(parameter.envvar).startswith("REVOPS_"), (
                f"revops {name} {parameter.opts[0]} has no REVOPS_ environment variable"
            )


def test_build_rejects_a_missing_data_folder(tmp_path):
    result = CliRunner().invoke(main, ["build", "--data", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "no such folder" in result.output
    assert "Traceback" not in result.output


def test_build_rejects_data_and_raw_schema_together(tmp_path):
    result = CliRunner().invoke(main, ["build", "--data", str(tmp_path), "--raw-schema", "raw"])
    assert result.exit_code == ExitCode.USAGE


def test_build_rejects_a_fiscal_month_out_of_range():
    result = CliRunner().invoke(main, ["build", "--fiscal-year-start-month", "13"])
    assert result.exit_code == ExitCode.USAGE


def test_export_without_a_warehouse_says_build_first(tmp_path):
    result = CliRunner().invoke(main, ["export", "--warehouse", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path)])
    assert result.exit_code == ExitCode.NO_WAREHOUSE
    assert "revops build" in result.output


def test_environment_variables_set_options(tmp_path):
    result = CliRunner().invoke(main, ["export"], env={"REVOPS_WAREHOUSE": str(tmp_path / "env.duckdb")})
    assert result.exit_code == ExitCode.NO_WAREHOUSE
    assert "env.duckdb" in result.output


@pytest.mark.parametrize("debug", [False, True])
def test_internal_errors_show_a_traceback_only_with_debug(monkeypatch, tmp_path, debug):
    import revops.export

    def explode(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(revops.export, "exportable_models", explode)
    args = (["--debug"] if debug else []) + ["export", "--list", "--warehouse", str(tmp_path / "w.duckdb")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == ExitCode.INTERNAL
    assert "internal error: ZeroDivisionError: boom" in result.output
    assert ("Traceback" in result.output) is debug


def test_build_rejects_a_var_that_is_not_name_equals_value():
    result = CliRunner().invoke(main, ["build", "--var", "salesforce_schema"])
    assert result.exit_code == ExitCode.USAGE
    assert "NAME=VALUE" in result.output


def test_source_systems_read_the_other_tables_from_a_schema_never_the_demo(tmp_path):
    from revops.build import BuildOptions

    raw = tmp_path / "fivetran.duckdb"
    options = BuildOptions(warehouse=tmp_path / "w.duckdb", raw_database=raw, crm_source="salesforce",
                           billing_source="stripe", extra_vars={"salesforce_schema": "sfdc", "gross_margin": 0.7})
    assert options.dbt_vars() == {
        "raw_source": "schema", "raw_schema": "raw", "raw_database": str(raw.resolve()),
        "crm_source": "salesforce", "billing_source": "stripe", "salesforce_schema": "sfdc", "gross_margin": 0.7,
    }
    # without source systems nothing changes: the demo company
    assert BuildOptions(warehouse=tmp_path / "w.duckdb").dbt_vars() == {}
