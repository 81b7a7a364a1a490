"""Counts in words: "1 file", "2 files", never "file(s)". One helper for every message."""

from __future__ import annotations


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """`plural(1, "row")` is "1 row", `plural(2, "row")` "2 rows", `plural(0, "row")`
    "0 rows". The last word is inflected by English's regular rules (match -> matches,
    entry -> entries); give `plural_word` for any other (`plural(2, "person", "people")`)."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {plural_word if plural_word is not None else _regular_plural(word)}"


def _regular_plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def duration(seconds: float) -> str:
    """Elapsed time as a person reads it: "4.2s", "1m 05s", "1h 02m"."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, whole_seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {whole_seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
