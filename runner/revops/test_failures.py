"""A failed dbt data test, said in the user's words: which table, how many rows, the
first few of them, and what to do. dbt's generated test name is only shown with
--debug, because `not_null_fct_opportunities_account_id` means little to someone whose
export broke.

Each generic test the project uses has a sentence here; a singular test (tests/*.sql)
or an unknown generic test falls back to its description in the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FailedTest:
    """What the runner keeps of a failed data test (from dbt's run results)."""

    name: str  # dbt's generated name, for --debug
    path: str
    failing_rows: int
    test_name: str | None = None  # the generic test: not_null, relationships, ...
    model: str | None = None  # the model the test is attached to
    column: str | None = None
    kwargs: dict = field(default_factory=dict)
    compiled_sql: str | None = None


# what to do, by kind of test: the data tests below staging check invariants the
# contract checks should already guarantee, so a failure there is worth reporting
_INVARIANT_HINT = ("the contract checks should have caught this row: please report it with the rows above "
                   "(rerun with --debug for dbt's test name)")


def explain(test: FailedTest, connection=None, examples: int = 3) -> list[str]:
    """Lines that say what failed; `connection` (the unpublished build's database, read
    only) is used to show the first failing rows of the model."""
    rows = f"{test.failing_rows} row{'' if test.failing_rows == 1 else 's'}"
    model, column, kwargs = test.model or "?", test.column, test.kwargs
    kind = test.test_name
    if kind == "not_null":
        headline = f"{model}: {rows} with no {column}"
        condition = f"{_quote(column)} is null"
    elif kind == "not_null_columns":  # several not_null tests in one: say each column's
        columns = list(kwargs.get("column_names") or [])
        counts = _null_counts(connection, model, columns) if connection is not None else {}
        if counts:
            headline = f"{model}: " + ", ".join(
                f"{n} row{'' if n == 1 else 's'} with no {name}" for name, n in counts.items())
        else:
            values = f"{test.failing_rows} missing value{'' if test.failing_rows == 1 else 's'}"
            headline = f"{model}: {values} in {', '.join(columns) or 'its required columns'}"
        condition = " or ".join(f"{_quote(name)} is null" for name in (counts or columns)) or None
    elif kind == "unique":
        headline = f"{model}: {rows} with a {column} that is not unique"
        condition = f"{_quote(column)} in (select {_quote(column)} from {{relation}} group by 1 having count(*) > 1)"
    elif kind in ("relationships", "relationships_where_present"):
        target = _ref_name(kwargs.get("to")) or "the referenced table"
        headline = f"{model}: {rows} whose {column} matches no row of {target}"
        condition = None
    elif kind == "accepted_values":
        values = ", ".join(str(v) for v in kwargs.get("values", []))
        headline = f"{model}: {rows} whose {column} is not one of {values}"
        condition = None
    elif kind == "expression_is_true":
        verb = "breaks" if test.failing_rows == 1 else "break"
        headline = f"{model}: {rows} {verb} the rule `{kwargs.get('expression')}`"
        condition = f"not ({kwargs.get('expression')})" if kwargs.get("expression") else None
    elif kind == "unique_combination_of_columns":
        columns = ", ".join(kwargs.get("combination_of_columns", []))
        headline = f"{model}: {rows} {'repeats' if test.failing_rows == 1 else 'repeat'} a combination of ({columns}) that should be unique"
        condition = None
    elif kind == "converted_to_reporting_currency":
        headline = (f"{model}: amounts in {rows.replace('row', 'currency').replace('currencys', 'currencies')}"
                    f" have no exchange rate in force")
        condition = None
    elif test.name == "quarantine_within_tolerance":
        headline = "too many rows broke the input contract"
        condition = None
    else:
        headline = f"{test.path or test.name}: {rows} returned"
        condition = None
    lines = [headline]
    if connection is not None and test.model and condition:
        lines += [f"    {row}" for row in _first_rows(connection, test.model, condition, examples)]
    elif connection is not None and test.compiled_sql and not test.test_name:
        lines += [f"    {row}" for row in _query_rows(connection, test.compiled_sql, examples)]
    lines.append(f"    what to do: {_hint(test)}")
    return lines


def _hint(test: FailedTest) -> str:
    if test.test_name == "converted_to_reporting_currency":
        return "add a rate for each currency to fx_rates, from the earliest date it is used"
    if test.name == "quarantine_within_tolerance":
        return ("fix the rows listed below at the source (`revops validate --data DIR` lists each with its "
                "line), or accept them with --max-quarantined-share")
    if (test.model or "").startswith("stg_") or (test.model or "").startswith(("dim_", "fct_", "kpi_")):
        return _INVARIANT_HINT
    return "see the test's description in the project (dbt docs), or rerun with --debug"


def _first_rows(connection, model: str, condition: str, limit: int) -> list[str]:
    """The first failing rows of a model, as `column=value` pairs of its first columns."""
    relation = _relation(connection, model)
    if relation is None:
        return []
    try:
        cursor = connection.execute(
            f"select * from {relation} where {condition.format(relation=relation)} limit {int(limit)}")
    except Exception:  # an expression the model no longer supports: the headline says enough
        return []
    names = [d[0] for d in cursor.description][:4]
    return ["first: " + ", ".join(f"{n}={v!r}" for n, v in zip(names, row)) for row in cursor.fetchall()]


def _null_counts(connection, model: str, columns: list[str]) -> dict[str, int]:
    """The columns of a model that hold NULLs, with how many rows; {} when it cannot tell."""
    relation = _relation(connection, model)
    if relation is None or not columns:
        return {}
    counts = ", ".join(f"count(*) filter (where {_quote(name)} is null)" for name in columns)
    try:
        found = connection.execute(f"select {counts} from {relation}").fetchone()
    except Exception:  # a column the model no longer has: the headline says enough
        return {}
    return {name: int(n) for name, n in zip(columns, found) if n}


def _query_rows(connection, sql: str, limit: int) -> list[str]:
    """The first rows a singular test returned, as `column=value` pairs."""
    try:
        cursor = connection.execute(f"select * from ({sql}) as failing limit {int(limit)}")
    except Exception:  # the test reads relations a failed build never made
        return []
    names = [d[0] for d in cursor.description]
    return [", ".join(f"{n}={v}" for n, v in zip(names, row)) for row in cursor.fetchall()]


def _relation(connection, model: str) -> str | None:
    """The model's table, schema-qualified and quoted, or None when the build made none."""
    found = connection.execute(
        "select table_schema from information_schema.tables where table_name = ? order by 1 limit 1", [model]
    ).fetchall()
    return f"{_quote(found[0][0])}.{_quote(model)}" if found else None


def _quote(identifier: str | None) -> str:
    return '"' + str(identifier).replace('"', '""') + '"'


def _ref_name(to: str | None) -> str | None:
    """'ref('stg_contract__accounts')' -> 'stg_contract__accounts'."""
    if not to:
        return None
    inner = to.split("(", 1)[-1].rstrip(")").strip()
    return inner.strip("'\"") or None
