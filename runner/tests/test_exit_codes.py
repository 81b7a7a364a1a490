"""Each command's --help lists the exit codes it can return, from one table, and the
README's table says the same; a missing folder is bad input from validate and build."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.testing import CliRunner

from revops.cli import main
from revops.errors import COMMAND_EXIT_CODES, ExitCode

README = Path(__file__).parents[2] / "README.md"


def _every_command(group: click.Group = main, prefix: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _every_command(command, (*prefix, name))


def _listed_codes(help_text: str) -> set[int]:
    section = help_text.split("Exit codes:", 1)[1]
    return {int(code) for code in re.findall(r"^\s{2,4}(\d+)\s", section, flags=re.MULTILINE)}


def test_every_commands_help_lists_exactly_its_exit_codes():
    runner = CliRunner()
    seen = {""}
    for path in [(), *_every_command()]:
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        name = " ".join(path)
        seen.add(name)
        assert name in COMMAND_EXIT_CODES, f"revops {name}: not in errors.COMMAND_EXIT_CODES"
        assert _listed_codes(result.output) == {int(code) for code in COMMAND_EXIT_CODES[name]}, name
    assert seen == set(COMMAND_EXIT_CODES), "the table names a command the CLI does not have"


def test_the_table_says_what_each_command_can_return():
    # stated by hand: a build fails (1) but never lacks a warehouse (4); validate builds
    # nothing to fail or to be busy; the readers have a warehouse to miss, and no build
    codes = {name: {int(code) for code in codes} for name, codes in COMMAND_EXIT_CODES.items()}
    assert codes["build"] == {0, 1, 2, 3, 5, 70, 130}
    assert codes["validate"] == {0, 2, 3, 70, 130}
    assert codes["demo"] == {0, 2, 70, 130}
    for reader in ("export", "kpis", "report", "metrics list", "metrics query"):
        assert codes[reader] == {0, 2, 3, 4, 5, 70, 130}, reader
    assert codes[""] == {int(code) for code in ExitCode}
    assert "4   no warehouse yet" not in CliRunner().invoke(main, ["build", "--help"]).output


def test_the_readmes_table_of_exit_codes_by_command_is_the_table():
    text = README.read_text()
    rows = re.findall(r"^\| `revops ?([a-z ]*)` \| ([\d, ]+) \|$", text, flags=re.MULTILINE)
    in_readme = {name.strip(): {int(code) for code in codes.split(",")} for name, codes in rows}
    table = {name: {int(code) for code in codes} for name, codes in COMMAND_EXIT_CODES.items() if name != ""}
    assert in_readme == table


def test_a_missing_data_folder_is_bad_input_from_validate_and_build_alike(tmp_path):
    missing = str(tmp_path / "nope")
    validate = CliRunner().invoke(main, ["validate", "--data", missing])
    build = CliRunner().invoke(main, ["build", "--data", missing, "--warehouse", str(tmp_path / "w.duckdb")])
    for result in (validate, build):
        assert result.exit_code == ExitCode.BAD_INPUT, result.output
        assert f"error: --data {missing}: no such folder" in result.output
        assert "Traceback" not in result.output


def test_a_file_given_as_the_data_folder_is_the_same_usage_error_from_both(tmp_path):
    a_file = tmp_path / "accounts.csv"
    a_file.write_text("account_id\n")
    validate = CliRunner().invoke(main, ["validate", "--data", str(a_file)])
    build = CliRunner().invoke(main, ["build", "--data", str(a_file), "--warehouse", str(tmp_path / "w.duckdb")])
    assert validate.exit_code == build.exit_code == ExitCode.USAGE
    assert "is a file" in validate.output and "is a file" in build.output


def test_demo_into_a_folder_that_cannot_be_written_is_a_usage_error(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    result = CliRunner().invoke(main, ["demo", "--out", str(blocker / "demo")])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert f"--out {blocker / 'demo'}: cannot write there" in result.output
    assert "Traceback" not in result.output
