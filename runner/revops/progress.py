"""Progress lines for a dbt build on the terminal."""

from __future__ import annotations

import click

from .dbt_invocation import NodeProgress

_STATUS_COLOURS = {"success": "green", "pass": "green", "ok": "green", "warn": "yellow",
                   "skipped": "yellow", "skip": "yellow"}


class ProgressPrinter:
    """Prints one line per finished node to stderr: `[ 12/140] pass  test  name  0.05s`."""

    def __call__(self, progress: NodeProgress) -> None:
        width = len(str(progress.total)) if progress.total else 1
        counter = f"[{progress.index:>{width}}/{progress.total}]" if progress.total else "[?]"
        status = click.style(f"{progress.status:<7}", fg=_STATUS_COLOURS.get(progress.status, "red"))
        click.echo(
            f"{counter} {status} {progress.resource_type:<9} {progress.name}  {progress.seconds:.2f}s",
            err=True,
        )
