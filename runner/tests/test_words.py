"""The runner's words: counts with the right plural, times, the build's summary."""

from __future__ import annotations

import pytest

from revops.dbt_invocation import summary_words
from revops.words import duration, plural


@pytest.mark.parametrize("count, word, expected", [
    (0, "row", "0 rows"), (1, "row", "1 row"), (2, "row", "2 rows"), (1, "file", "1 file"),
    (21, "file", "21 files"), (1, "accounts row", "1 accounts row"), (3, "accounts row", "3 accounts rows"),
    (2, "match", "2 matches"), (2, "status", "2 statuses"), (2, "entry", "2 entries"), (2, "day", "2 days"),
    (2, "person", "2 people"),
])
def test_plural(count, word, expected):
    assert plural(count, word, "people" if word == "person" else None) == expected


@pytest.mark.parametrize("seconds, expected", [
    (0, "0.0s"), (4.24, "4.2s"), (59.94, "59.9s"), (60, "1m 00s"), (65.9, "1m 05s"), (3599, "59m 59s"),
    (3720, "1h 02m"),
])
def test_duration(seconds, expected):
    assert duration(seconds) == expected


def test_the_summary_of_a_passing_build_in_plain_words():
    # the tiny company's build, as its run results count it (by resource type and status)
    tally = {("operation", "success"): 2, ("model", "success"): 91, ("seed", "success"): 2,
             ("test", "pass"): 551, ("unit_test", "pass"): 81, ("test", "warn"): 1,
             ("saved_query", "no-op"): 4, ("exposure", "no-op"): 3}
    assert summary_words(tally) == "632 checks passed, 91 models built, 2 seeds loaded, 1 check warned"


def test_the_summary_of_a_failing_build_names_failures_and_skips_with_right_plurals():
    tally = {("model", "success"): 1, ("model", "error"): 1, ("model", "skipped"): 3, ("test", "fail"): 1,
             ("unit_test", "fail"): 1, ("test", "error"): 1, ("test", "skipped"): 1, ("test", "pass"): 1,
             ("snapshot", "success"): 2}
    assert summary_words(tally) == ("1 check passed, 1 model built, 2 snapshots taken, 2 checks failed, "
                                    "1 check errored, 1 model failed, 1 check skipped, 3 models skipped")


def test_a_status_the_summary_does_not_know_is_told_as_dbt_names_it():
    assert summary_words({("model", "partial success"): 2}) == "2 models partial success"
    assert summary_words({("operation", "success"): 2}) == "nothing to run"
