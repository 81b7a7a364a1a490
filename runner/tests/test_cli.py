"""The command line as a user meets it: help, options, errors and exit codes."""

from __future__ import annotations

from pathlib import Path

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
        assert "Exit codes:" in result.output, f"revops {name} --help lists no exit codes"
        assert "130 interrupted" in result.output, f"revops {name} --help does not say what Ctrl-C exits with"


def test_every_option_has_help_text_and_an_environment_variable():
    for name, command in _commands():
        for parameter in command.params:
            if not isinstance(parameter, click.Option) or parameter.name in ("help", "list_only"):
                continue
            assert parameter.help, f"revops {name} {parameter.opts[0]} has no help text"
            assert parameter.envvar and str(parameter.envvar).startswith("REVOPS_"), (
                f"revops {name} {parameter.opts[0]} has no REVOPS_ environment variable"
            )


def test_demo_without_out_is_a_usage_error_and_leaves_the_committed_demo_alone(monkeypatch):
    from revops.project import Project

    committed = Project.locate().demo_data
    before = {path.name: path.stat().st_mtime_ns for path in committed.iterdir()}
    monkeypatch.delenv("REVOPS_DEMO_DIR", raising=False)
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "--out" in result.output
    assert {path.name: path.stat().st_mtime_ns for path in committed.iterdir()} == before


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


# User mistakes are usage or bad-input errors, never internal errors.

def _unwritable_folder(tmp_path):
    """A folder nobody may create files in, even root (sysfs refuses new entries)."""
    import os

    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        return locked
    if not os.path.isdir("/sys/kernel"):
        pytest.skip("running as root without sysfs: no folder root cannot write")
    return Path("/sys/kernel/revops-exports")


def _small_warehouse(tmp_path):
    import duckdb

    warehouse = tmp_path / "revops.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema core; create table core.dim_accounts as select 'A1' as account_id")
    return warehouse


@pytest.mark.parametrize("where", ["unwritable", "under a file"])
def test_export_to_an_unwritable_folder_is_a_usage_error(tmp_path, where):
    warehouse = _small_warehouse(tmp_path)
    if where == "unwritable":
        out = _unwritable_folder(tmp_path)
    else:
        (tmp_path / "a_file").write_text("x")
        out = tmp_path / "a_file" / "exports"
    result = CliRunner().invoke(main, ["export", "--warehouse", str(warehouse), "--out", str(out)])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert f"error: --out {out}: cannot write there (" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def _not_a_warehouse(tmp_path, kind):
    path = tmp_path / "revops.duckdb"
    if kind == "csv":
        path.write_text("account_id,account_name\nA1,Acme\n")
    else:  # a warehouse copied only partly: its header is there, its blocks are not
        (tmp_path / "whole").mkdir()
        path.write_bytes(_small_warehouse(tmp_path / "whole").read_bytes()[: 4096 * 3])
    return path


@pytest.mark.parametrize("kind", ["csv", "half-copied"])
@pytest.mark.parametrize("command", [["export"], ["export", "--list"], ["kpis"]])
def test_a_file_that_is_not_a_warehouse_is_bad_input(tmp_path, kind, command):
    path = _not_a_warehouse(tmp_path, kind)
    result = CliRunner().invoke(main, [*command, "--warehouse", str(path), *(
        ["--out", str(tmp_path / "out")] if command == ["export"] else [])])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert f"error: {path} is not a DuckDB warehouse, or it is damaged or half-copied" in result.output
    assert "Traceback" not in result.output


def test_build_refuses_to_replace_a_file_that_is_not_a_warehouse(tmp_path):
    path = _not_a_warehouse(tmp_path, "csv")
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["build", "--warehouse", str(path), "--data", str(tmp_path)])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "is not a DuckDB warehouse; the build would replace it" in result.output
    assert path.read_bytes() == before


@pytest.mark.parametrize("command, target", [
    (["build", "--data", ".", "--warehouse", "{tmp}/w.duckdb"], "revops.build.build_warehouse"),
    (["export", "--warehouse", "{tmp}/w.duckdb"], "revops.export.export_models"),
    (["kpis", "--warehouse", "{tmp}/w.duckdb"], "revops.scorecard.read_scorecard_periods"),
    (["validate", "--data", "."], "revops.validate.validate_folder"),
    (["demo", "--out", "{tmp}/demo"], "revops.demo.generate_demo_company"),
])
def test_ctrl_c_says_interrupted_and_exits_130(monkeypatch, tmp_path, command, target):
    import importlib

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    module, name = target.rsplit(".", 1)
    monkeypatch.setattr(importlib.import_module(module), name, interrupted)
    result = CliRunner().invoke(main, [arg.format(tmp=tmp_path) for arg in command])
    assert result.exit_code == ExitCode.INTERRUPTED == 130, result.output
    assert "interrupted" in result.output
    assert "Aborted" not in result.output and "Traceback" not in result.output
