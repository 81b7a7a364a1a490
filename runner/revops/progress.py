"""How a build's progress is shown, chosen by where the output goes:

- a terminal: one line redrawn in place, a bar with the nodes done of all, models and
  tests done of theirs, the elapsed time and the node that just finished; a failure,
  error or warning is printed above it and stays;
- piped, redirected or in CI (`CI` set, as every CI service sets it): one plain line
  per finished node, `[ 12/674] pass    test      name  0.05s`, for logs;
- `-q`: a heartbeat line once a minute (counts and elapsed time), so a long build is
  seen to be alive, and nothing else but the summary.

Each renderer is a callable taking dbt_invocation.NodeProgress and a context manager
(the bar and the heartbeat keep a clock ticking in a thread while it is entered).
"""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from typing import Callable, TextIO

import click

from .dbt_invocation import NodeProgress
from .words import duration

_STATUS_COLOURS = {"success": "green", "pass": "green", "ok": "green", "no-op": "green", "warn": "yellow",
                   "skipped": "yellow", "skip": "yellow"}
_NOTEWORTHY = {"warn", "fail", "error", "runtime error", "skipped"}  # kept on screen above the bar
_KIND_LABELS = {"model": "models", "test": "tests", "seed": "seeds", "snapshot": "snapshots"}


def counts_text(progress: NodeProgress) -> str:
    """"models 40/83  tests 200/591": the kinds a person waits for, done of total."""
    return "  ".join(f"{label} {progress.done.get(kind, 0)}/{progress.totals[kind]}"
                     for kind, label in _KIND_LABELS.items() if progress.totals.get(kind))


def _counter(progress: NodeProgress) -> str:
    width = len(str(progress.total))
    return f"[{progress.index:>{width}}/{progress.total}]"


class _Renderer:
    """The clock, the lock and the ticker thread the renderers share."""

    tick_seconds: float = 0.0  # 0: nothing to do between nodes

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.started = clock()
        self.last: NodeProgress | None = None
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def elapsed(self) -> str:
        return duration(self.clock() - self.started)

    def __enter__(self):
        if self.tick_seconds:
            self._ticker = threading.Thread(target=self._tick_loop, name="revops-progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc_info) -> bool:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        self.close()
        return False

    def _tick_loop(self) -> None:
        while not self._stop.wait(self.tick_seconds):
            with self.lock:
                self.tick()

    def tick(self) -> None:
        """Called every tick_seconds, under the lock."""

    def close(self) -> None:
        """Called once when the build is over."""

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


class PlainLines(_Renderer):
    """One line per finished node, for logs: `[ 12/674] pass    test      name  0.05s`."""

    def __call__(self, progress: NodeProgress) -> None:
        colour = self.stream.isatty() if hasattr(self.stream, "isatty") else False
        status = click.style(f"{progress.status:<7}", fg=_STATUS_COLOURS.get(progress.status, "red")) \
            if colour else f"{progress.status:<7}"
        with self.lock:
            self._write(f"{_counter(progress)} {status} {progress.resource_type:<9} {progress.name}"
                        f"  {progress.seconds:.2f}s\n")


class TerminalBar(_Renderer):
    """One line redrawn in place: `[#####.....]  240/674  models 40/83  tests 200/591  1m 23s  name`."""

    tick_seconds = 1.0  # the elapsed time moves on while a long model runs
    bar_width = 24

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                 columns: int | None = None):
        super().__init__(stream, clock)
        self.columns = columns or _terminal_columns(self.stream)
        self.drawn = False

    def __call__(self, progress: NodeProgress) -> None:
        with self.lock:
            self.last = progress
            if progress.status in _NOTEWORTHY:
                self._clear()
                colour = _STATUS_COLOURS.get(progress.status, "red")
                self._write(click.style(f"{progress.status:<7}", fg=colour)
                            + f" {progress.resource_type} {progress.name}\n")
            self._draw()

    def line(self) -> str:
        """The progress line as it is drawn, without colour."""
        if self.last is None:
            return f"starting dbt  {self.elapsed()}"
        progress = self.last
        filled = round(self.bar_width * progress.index / progress.total) if progress.total else 0
        bar = "#" * filled + "." * (self.bar_width - filled)
        parts = [f"[{bar}]", f"{progress.index}/{progress.total}", counts_text(progress), self.elapsed(),
                 progress.name]
        return "  ".join(part for part in parts if part)[: self.columns - 1]

    def tick(self) -> None:
        self._draw()

    def close(self) -> None:
        with self.lock:
            if self.drawn:
                self._draw()
                self._write("\n")
                self.drawn = False

    def _draw(self) -> None:
        self._write("\r\x1b[K" + self.line())
        self.drawn = True

    def _clear(self) -> None:
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = False


class Heartbeat(_Renderer):
    """For -q: a line once a minute, `still building: 240/674 nodes (models 40/83 ...), 4m 00s`."""

    tick_seconds = 60.0

    def __call__(self, progress: NodeProgress) -> None:
        with self.lock:
            self.last = progress

    def tick(self) -> None:
        self._write(self.line() + "\n")

    def line(self) -> str:
        if self.last is None:
            return f"still building: dbt is starting, {self.elapsed()}"
        counts = counts_text(self.last)
        return (f"still building: {self.last.index}/{self.last.total} nodes"
                f"{f' ({counts})' if counts else ''}, {self.elapsed()}")


def _terminal_columns(stream: TextIO, environ: dict | None = None) -> int:
    """The width the bar must stay within (a longer line wraps, and `\r` would then
    redraw only its last row): $COLUMNS, else the terminal's, else 80. A terminal that
    says 0 (a pseudo-terminal nobody sized) counts as unknown."""
    environ = os.environ if environ is None else environ
    if environ.get("COLUMNS", "").isdigit() and int(environ["COLUMNS"]) > 0:
        return int(environ["COLUMNS"])
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return 80
    return columns if columns > 0 else 80


def is_interactive(stream: TextIO, environ: dict | None = None) -> bool:
    """A person watching a terminal: a TTY, not a CI runner, not a dumb terminal."""
    environ = os.environ if environ is None else environ
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not environ.get("CI") and environ.get("TERM") != "dumb"


def progress_for(stream: TextIO | None = None, *, quiet: bool = False, environ: dict | None = None) -> _Renderer:
    """The renderer for this output: Heartbeat with -q, TerminalBar on a terminal, else PlainLines."""
    stream = stream if stream is not None else sys.stderr
    if quiet:
        return Heartbeat(stream)
    return TerminalBar(stream) if is_interactive(stream, environ) else PlainLines(stream)
