"""Progress a person can follow: a counter on every line of a piped build, ending at
the number of nodes; a bar redrawn in place on a terminal; a heartbeat with -q."""

from __future__ import annotations

import io
import re
import time

import pytest

from revops.dbt_invocation import NodeProgress
from revops.progress import Heartbeat, PlainLines, TerminalBar, is_interactive, progress_for

LINE = re.compile(r"^\[\s*(\d+)/(\d+)\] (\S+)\s+(\S+)\s+(\S+)  \d+\.\d\ds$")


@pytest.mark.slow
def test_every_progress_line_of_a_piped_build_has_a_real_counter_ending_at_the_total(tiny_build):
    lines = tiny_build.progress.splitlines()
    assert lines, "the build printed no progress"
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), [line for line, match in zip(lines, parsed) if not match][:5]
    indexes = [int(match[1]) for match in parsed]
    totals = {int(match[2]) for match in parsed}
    assert totals == {len(lines)}, totals  # one total, and it is the number of nodes that ran
    assert indexes == list(range(1, len(lines) + 1))
    assert "[?]" not in tiny_build.progress and "\x1b[" not in tiny_build.progress  # no colour in a log
    # every node of the run results had its line (hooks are not nodes)
    ran = sum(n for (resource_type, _), n in tiny_build.result.outcome.tally.items() if resource_type != "operation")
    assert len(lines) == ran
    kinds = {match[4] for match in parsed}
    assert {"model", "test", "unit_test", "seed"} <= kinds


def _node(index, total, kind, status="success", name=None, done=None, totals=None):
    return NodeProgress(index=index, total=total, resource_type=kind, name=name or f"{kind}_{index}", status=status,
                        seconds=0.25, done=done or {}, totals=totals or {})


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


TOTALS = {"model": 1, "test": 2}


def test_the_renderer_follows_the_output():
    assert isinstance(progress_for(FakeTTY(), environ={}), TerminalBar)
    assert isinstance(progress_for(FakeTTY(), environ={"CI": "true"}), PlainLines)  # CI logs are not a terminal
    assert isinstance(progress_for(FakeTTY(), environ={"TERM": "dumb"}), PlainLines)
    assert isinstance(progress_for(io.StringIO(), environ={}), PlainLines)  # piped
    assert isinstance(progress_for(FakeTTY(), quiet=True, environ={}), Heartbeat)
    assert is_interactive(FakeTTY(), {}) and not is_interactive(io.StringIO(), {})


def test_the_terminal_bar_redraws_one_line_with_counts_and_elapsed_time():
    stream, clock = FakeTTY(), FakeClock()
    bar = TerminalBar(stream, clock=clock, columns=200)
    assert bar.line() == "starting dbt  0.0s"
    clock.now += 5
    bar(_node(1, 3, "model", name="dim_accounts", done={"model": 1}, totals=TOTALS))
    assert bar.line() == "[" + "#" * 8 + "." * 16 + "]  1/3  models 1/1  tests 0/2  5.0s  dim_accounts"
    clock.now += 60
    bar(_node(2, 3, "test", status="fail", name="unique_dim_accounts_id", done={"model": 1, "test": 1},
              totals=TOTALS))
    bar(_node(3, 3, "unit_test", status="pass", name="test_win_rate", done={"model": 1, "test": 2}, totals=TOTALS))
    clock.now += 1
    bar.tick()  # the clock moves on between nodes
    bar.close()
    output = stream.getvalue()
    assert output.endswith("\r\x1b[K[" + "#" * 24 + "]  3/3  models 1/1  tests 2/2  1m 06s  test_win_rate\n")
    # the line is redrawn in place, never scrolled: one newline for the failure, one at the end
    assert output.count("\n") == 2
    kept = [line for line in output.split("\n") if line]
    assert "fail" in kept[0] and kept[0].endswith(" test unique_dim_accounts_id")
    assert output.count("\r\x1b[K") == 6  # 3 nodes, the failure's clearing, the tick, the close


def test_the_terminal_bar_fits_the_terminal():
    bar = TerminalBar(FakeTTY(), clock=FakeClock(), columns=30)
    bar(_node(1, 3, "model", name="a_model_with_a_very_long_name_indeed", done={"model": 1}, totals=TOTALS))
    assert len(bar.line()) == 29


def test_plain_lines_count_every_node_without_colour_in_a_log():
    stream = io.StringIO()
    lines = PlainLines(stream)
    lines(_node(1, 12, "model", name="dim_accounts"))
    lines(_node(12, 12, "test", status="fail", name="unique_x"))
    assert stream.getvalue() == ("[ 1/12] success model     dim_accounts  0.25s\n"
                                 "[12/12] fail    test      unique_x  0.25s\n")


def test_the_quiet_heartbeat_says_where_the_build_is():
    stream, clock = io.StringIO(), FakeClock()
    heartbeat = Heartbeat(stream, clock=clock)
    heartbeat.tick()
    heartbeat(_node(1, 3, "model", done={"model": 1}, totals=TOTALS))
    assert stream.getvalue() == "still building: dbt is starting, 0.0s\n"  # nothing per node
    clock.now += 120
    heartbeat.tick()
    assert stream.getvalue().splitlines()[-1] == "still building: 1/3 nodes (models 1/1  tests 0/2), 2m 00s"


def test_the_heartbeat_ticks_on_its_own_while_entered():
    stream = io.StringIO()
    heartbeat = Heartbeat(stream)
    heartbeat.tick_seconds = 0.01
    with heartbeat:
        time.sleep(0.2)
    ticks = stream.getvalue().count("still building")
    assert ticks >= 2
    time.sleep(0.05)
    assert stream.getvalue().count("still building") == ticks  # stopped on exit


@pytest.mark.slow
def test_the_summary_tells_what_the_progress_lines_showed(tiny_build):
    # two sources that must agree: dbt's run results (the summary) and the node events
    from revops.dbt_invocation import summary_words

    parsed = [LINE.match(line) for line in tiny_build.progress.splitlines()]
    checks = sum(1 for match in parsed if match[4] in ("test", "unit_test") and match[3] == "pass")
    models = sum(1 for match in parsed if match[4] == "model" and match[3] == "success")
    words = summary_words(tiny_build.result.outcome.tally)
    assert words.startswith(f"{checks} checks passed, {models} models built, "), words
    assert "PASS=" not in words and "success" not in words and "(s)" not in words


def test_the_nodes_a_build_runs_are_counted_from_the_manifest():
    from types import SimpleNamespace

    from revops.dbt_invocation import executed_nodes_by_kind

    def node(resource_type, enabled=True, **config):
        return SimpleNamespace(resource_type=resource_type, config=SimpleNamespace(enabled=enabled, **config))

    manifest = SimpleNamespace(
        nodes={"m1": node("model"), "m2": node("model", materialized="ephemeral"),  # compiled into others
               "m3": node("model", materialized="table"), "s1": node("seed"), "t1": node("test"),
               "t2": node("test", enabled=False), "a1": node("analysis"), "o1": node("operation")},
        unit_tests={"u1": node("unit_test"), "u2": node("unit_test")},
        saved_queries={"q1": node("saved_query")}, exposures={"e1": node("exposure")},
    )
    assert executed_nodes_by_kind(manifest) == {"model": 2, "seed": 1, "test": 3, "saved_query": 1, "exposure": 1}
    assert executed_nodes_by_kind(manifest, unit_tests=False) == {"model": 2, "seed": 1, "test": 1,
                                                                  "saved_query": 1, "exposure": 1}
    assert executed_nodes_by_kind(None) == {}


def test_a_selected_run_counts_to_dbts_total_and_never_past_it():
    from revops.dbt_invocation import _ProgressCounter

    seen = []
    counter = _ProgressCounter(seen.append, whole_project=False)
    counter.run_started(2)
    for name in ("a", "b", "c"):
        counter.node_finished(resource_type="unit_test", name=name, status="pass", seconds=0.1)
    assert [(progress.index, progress.total) for progress in seen] == [(1, 2), (2, 2), (3, 3)]
    assert seen[-1].done == {"test": 3} and seen[-1].totals == {}


def test_the_bar_stays_within_the_terminal_a_pseudo_terminal_of_no_size_included(monkeypatch):
    import os

    from revops.progress import _terminal_columns

    assert _terminal_columns(FakeTTY(), {"COLUMNS": "132"}) == 132
    assert _terminal_columns(FakeTTY(), {"COLUMNS": "0"}) == 80  # StringIO has no terminal: the default
    assert _terminal_columns(FakeTTY(), {}) == 80

    class SizedTTY(FakeTTY):
        def fileno(self) -> int:
            return 2

    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((100, 30)))
    assert _terminal_columns(SizedTTY(), {}) == 100
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((0, 0)))  # `script` with no size
    assert _terminal_columns(SizedTTY(), {}) == 80
