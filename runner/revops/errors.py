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
