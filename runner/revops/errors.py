"""Exit codes and the one exception type the CLI turns into a readable message.

Every failure a user can cause is a `RevopsError` with an exit code from `ExitCode`;
anything else is a bug and exits with `ExitCode.INTERNAL` (the traceback only with
--debug).
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """The runner's documented exit codes (see README, "Exit codes")."""

    OK = 0
    BUILD_FAILED = 1  # a model failed to build or a data test failed
    USAGE = 2  # bad command line (Click's own code for usage errors)
    BAD_INPUT = 3  # input data or a file could not be read or breaks the contract
    NO_WAREHOUSE = 4  # nothing to export or query: build first
    BUSY = 5  # another build, or a read-write connection, holds the warehouse
    INTERNAL = 70  # a bug: please report it with the --debug output
    INTERRUPTED = 130  # Ctrl-C (SIGINT), as shells report 128 + signal 2


class RevopsError(Exception):
    """A failure with a message meant for the user and an exit code."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, exit_code: ExitCode | None = None, details: list[str] | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
        self.details = details or []


class BuildFailed(RevopsError):
    exit_code = ExitCode.BUILD_FAILED


class BadUsage(RevopsError):
    """An option that cannot work, found only when the work starts (an --out folder that
    cannot be written): the same exit code as Click's own usage errors."""

    exit_code = ExitCode.USAGE


class BadInput(RevopsError):
    exit_code = ExitCode.BAD_INPUT


class NoWarehouse(RevopsError):
    exit_code = ExitCode.NO_WAREHOUSE


class WarehouseBusy(RevopsError):
    exit_code = ExitCode.BUSY


# What each code means, as every command's --help says it (README, "Exit codes").
EXIT_CODE_MEANINGS = {
    ExitCode.OK: "success",
    ExitCode.BUILD_FAILED: "the build failed: a model errored or a data test failed",
    ExitCode.USAGE: "usage error: a bad option or argument",
    ExitCode.BAD_INPUT: "bad input: a file or folder is missing, unreadable or breaks the contract",
    ExitCode.NO_WAREHOUSE: "no warehouse yet: run `revops build` first",
    ExitCode.BUSY: "the warehouse is busy: another build of it is running, or a process holds it open read-write",
    ExitCode.INTERNAL: "internal error: a bug; rerun with --debug and report the traceback",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}

# Every command can end in success, a usage error (Click's own), a bug or Ctrl-C.
_ALWAYS = {ExitCode.OK, ExitCode.USAGE, ExitCode.INTERNAL, ExitCode.INTERRUPTED}
# A command that reads the published warehouse: missing (4), not a warehouse (3), held read-write (5).
_READS_WAREHOUSE = _ALWAYS | {ExitCode.BAD_INPUT, ExitCode.NO_WAREHOUSE, ExitCode.BUSY}

# The codes each command can return, by its name under `revops` ("metrics query"): the
# one table every --help epilog and the README's table are made from, and tested against.
COMMAND_EXIT_CODES: dict[str, frozenset[ExitCode]] = {
    "": frozenset(ExitCode),  # `revops --help`: all of them
    "build": frozenset(_ALWAYS | {ExitCode.BUILD_FAILED, ExitCode.BAD_INPUT, ExitCode.BUSY}),
    "validate": frozenset(_ALWAYS | {ExitCode.BAD_INPUT}),
    "demo": frozenset(_ALWAYS),
    "export": frozenset(_READS_WAREHOUSE),
    "kpis": frozenset(_READS_WAREHOUSE),
    "report": frozenset(_READS_WAREHOUSE),
    "metrics": frozenset(_READS_WAREHOUSE),
    "metrics list": frozenset(_READS_WAREHOUSE),
    "metrics query": frozenset(_READS_WAREHOUSE),
}


def exit_codes_help(command: str) -> str:
    """The `Exit codes:` epilog of one command's --help, from COMMAND_EXIT_CODES."""
    import textwrap

    lines = ["\b", "Exit codes:"]
    for code in sorted(COMMAND_EXIT_CODES[command]):
        wrapped = textwrap.wrap(EXIT_CODE_MEANINGS[code], width=70)
        lines.append(f"  {int(code):<3} {wrapped[0]}")
        lines.extend(f"      {line}" for line in wrapped[1:])
    return "\n" + "\n".join(lines) + "\n"
