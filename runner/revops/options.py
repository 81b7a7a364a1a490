"""Every option and dbt variable that reaches SQL, checked before any SQL exists.

Currency codes are ISO 4217 codes (seeds/reference/currencies.csv), dates are dates,
schema and key names are plain identifiers, numbers are finite numbers in range, and a
value from a finite set is one of it (with a did-you-mean). A bad value raises
`Invalid`, which the command line turns into a usage error (exit 2). Free text (paths,
lost reasons, pipeline ids) is allowed: the dbt project only pastes it through its
`sql_literal()` macro.

The kinds below mirror `variable_kinds()` in macros/conventions/variables.sql, which
checks the same variables when dbt is run without the runner; a test keeps the two
and dbt_project.yml's `vars:` the same.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from .project import Project

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_INTEGER_TEXT = re.compile(r"-?[0-9]+")


class Invalid(ValueError):
    """A value that may not reach SQL; the message says what it must be."""


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """' (did you mean X?)' for the closest choice, or ''."""
    choices = list(choices)
    by_lower = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(str(value).lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean {by_lower[close[0]]}?)" if close else ""


def check_choice(value: object, choices: Iterable[str]) -> str:
    choices = list(choices)
    if value not in choices:
        raise Invalid(f"{value!r} is not one of {', '.join(choices)}{did_you_mean(value, choices)}")
    return value  # type: ignore[return-value]


def check_identifier(value: object) -> str:
    if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
        raise Invalid(f"{value!r} is not a plain name: letters, digits and underscores, not starting with a digit")
    return value


MEMORY_LIMIT = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def check_memory_limit(value: object) -> str:
    """A size DuckDB takes as its memory_limit, such as 12GB or 512MiB."""
    if not isinstance(value, str) or not MEMORY_LIMIT.fullmatch(value.strip()):
        raise Invalid(f"{value!r} is not a size: a number and a unit, such as 12GB or 512MiB")
    return value.strip()


@lru_cache(maxsize=None)
def currency_codes(project_root: Path) -> frozenset[str]:
    """The ISO 4217 codes the project knows (the reference seed)."""
    with (project_root / "seeds" / "reference" / "currencies.csv").open(newline="") as handle:
        return frozenset(row["currency"] for row in csv.DictReader(handle))


def check_currency(value: object, project: Project) -> str:
    """An ISO 4217 code, in capitals (`eur` is EUR)."""
    codes = currency_codes(project.root)
    code = value.strip().upper() if isinstance(value, str) else value
    if code not in codes:
        raise Invalid(f"{value!r} is not an ISO 4217 currency code{did_you_mean(code, sorted(codes))}")
    return code  # type: ignore[return-value]


def check_date(value: object) -> str:
    """A date as YYYY-MM-DD (YAML reads an unquoted 2025-06-30 as a date already)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise Invalid(f"{value!r} is not a date (YYYY-MM-DD)")


def check_number(value: object, *, integer: bool = False, minimum: float | None = None,
                 maximum: float | None = None) -> int | float:
    what = "a whole number" if integer else "a number"
    if minimum is not None and maximum is not None:
        what += f" from {minimum:g} to {maximum:g}"
    elif minimum is not None:
        what += f" of at least {minimum:g}"
    number: int | float | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int) or (isinstance(value, float) and not integer):
        number = value
    elif isinstance(value, str) and (_INTEGER_TEXT if integer else _NUMBER_TEXT).fullmatch(value.strip()):
        number = int(value) if integer else float(value)
    if (number is None or not math.isfinite(number) or (minimum is not None and number < minimum)
            or (maximum is not None and number > maximum)):
        raise Invalid(f"{value!r} is not {what}")
    return number


def check_text(value: object) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{value!r} is not text")
    return value


def check_text_list(value: object) -> object:
    items = [value] if isinstance(value, (str, int, float)) and not isinstance(value, bool) else value
    if not isinstance(items, list) or any(isinstance(item, bool) or not isinstance(item, (str, int, float))
                                          for item in items):
        raise Invalid(f"{value!r} is not a text or a list of texts")
    return value


def check_boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{value!r} is not true or false")
    return value


def check_share_by_table(value: object, project: Project) -> dict:
    from .contract import load_contract

    if not isinstance(value, dict):
        raise Invalid(f"{value!r} is not a mapping of contract table to share, such as {{opportunities: 0.05}}")
    tables = sorted(load_contract(project.contract_sources))
    for table, share in value.items():
        if table not in tables:
            raise Invalid(f"{table!r} is not a contract table{did_you_mean(table, tables)}")
        try:
            check_number(share, minimum=0, maximum=1)
        except Invalid as error:
            raise Invalid(f"{table}: {error}") from None
    return value


# The contract columns each system's field map may read from another source column,
# with the source object (macros/source_systems/custom_fields.sql field_map_defaults()).
FIELD_MAP_COLUMNS: dict[str, dict[str, str]] = {
    "salesforce": {"segment": "account", "region": "account", "industry": "account", "country": "account",
                   "amount": "opportunity", "lost_reason": "opportunity", "source": "opportunity"},
    "hubspot": {"segment": "company", "region": "company", "industry": "company", "country": "company",
                "amount": "deal", "lost_reason": "deal", "source": "deal"},
    "stripe": {"segment": "customer", "region": "customer", "industry": "customer", "country": "customer"},
}
# The passthrough variables: (system, object) -> the contract table it feeds.
PASSTHROUGH_OBJECTS: dict[tuple[str, str], str] = {
    ("salesforce", "opportunity"): "opportunities", ("salesforce", "account"): "accounts",
    ("hubspot", "deal"): "opportunities", ("hubspot", "company"): "accounts",
    ("stripe", "customer"): "accounts", ("stripe", "subscription"): "subscriptions",
    ("stripe", "invoice"): "invoices",
}
# The casts a passthrough may ask for: contract types, never free SQL.
PASSTHROUGH_TRANSFORMS = ("text", "integer", "number", "boolean", "date", "timestamp")
_SCHEMA_ENTRY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")


def check_schema_list(value: object) -> list[str]:
    """Several connections: schemas (or database.schema), each once."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise Invalid(f"{value!r} is not a list of schemas, such as [sf_us, sf_eu]")
    for item in items:
        if not isinstance(item, str) or not _SCHEMA_ENTRY.fullmatch(item):
            raise Invalid(f"{item!r} is not a schema or database.schema (letters, digits and underscores)")
        if items.count(item) > 1:
            raise Invalid(f"{item!r} is listed twice")
    return items


def _field_map(system: str) -> Checker:
    def check(value: object, project: Project) -> dict:
        supported = list(FIELD_MAP_COLUMNS[system])
        if not isinstance(value, dict):
            raise Invalid(f"{value!r} is not a mapping of contract column to source column, "
                          "such as {segment: customer_tier__c}")
        for contract_column, column in value.items():
            if contract_column not in supported:
                raise Invalid(f"{contract_column!r} is not a column the {system} field map supports "
                              f"({', '.join(supported)}){did_you_mean(contract_column, supported)}")
            if column is not None and (not isinstance(column, str) or not IDENTIFIER.fullmatch(column)):
                raise Invalid(f"{contract_column}: {column!r} is not a column name "
                              "(letters, digits and underscores, not starting with a digit)")
        return value
    return check


def _passthrough(system: str, object_name: str) -> Checker:
    """A list of names or {name, alias, transform}; no name twice, none shadowing a
    contract column of the table it reaches, none called source_relation."""
    def check(value: object, project: Project) -> list:
        from .contract import load_contract

        items = [value] if isinstance(value, (str, dict)) else value
        if not isinstance(items, list):
            raise Invalid(f"{value!r} is not a list of column names or of {{name, alias, transform}}")
        table = PASSTHROUGH_OBJECTS[(system, object_name)]
        taken = {column.name for column in load_contract(project.contract_sources)[table].columns}
        names: list[str] = []
        for item in items:
            entry = item if isinstance(item, dict) else {"name": item}
            unknown = sorted(set(entry) - {"name", "alias", "transform"})
            if unknown:
                raise Invalid(f"{item!r}: {', '.join(map(str, unknown))} is not one of name, alias, transform"
                              f"{did_you_mean(unknown[0], ['name', 'alias', 'transform'])}")
            for key in ("name", "alias"):
                given = entry.get(key)
                if (key == "name" or given is not None) and (
                        not isinstance(given, str) or not IDENTIFIER.fullmatch(given)):
                    raise Invalid(f"{item!r}: the {key} {given!r} is not a plain column name "
                                  "(letters, digits and underscores, not starting with a digit)")
            transform = entry.get("transform") or "text"
            if transform not in PASSTHROUGH_TRANSFORMS:
                raise Invalid(f"{item!r}: transform {transform!r} is not one of {', '.join(PASSTHROUGH_TRANSFORMS)}"
                              f"{did_you_mean(transform, PASSTHROUGH_TRANSFORMS)} (no SQL: only these casts)")
            name = (entry.get("alias") or entry["name"]).lower()
            if name in taken:
                raise Invalid(f"{name!r} is already a column of contract table {table}: "
                              f"give it an alias, such as {{name: {entry['name']}, alias: {system}_{name}}}")
            if name in names or name == "source_relation":
                raise Invalid(f"{name!r} is named twice (or is source_relation, which every row has): give it an alias")
            names.append(name)
        return value
    return check


Checker = Callable[[Any, Project], Any]


def _nullable(check: Checker) -> Checker:
    return lambda value, project: None if value is None else check(value, project)


def _plain(check: Callable[[Any], Any]) -> Checker:
    return lambda value, project: check(value)


def _choice(*choices: str) -> Checker:
    return lambda value, project: check_choice(value, choices)


def _number(**limits) -> Checker:
    return lambda value, project: check_number(value, **limits)


# Every variable of dbt_project.yml, with what it must be (see variable_kinds()).
VARIABLE_KINDS: dict[str, Checker] = {
    "raw_source": _choice("demo", "files", "schema"),
    "data_dir": _nullable(_plain(check_text)),
    "raw_schema": _plain(check_identifier),
    "raw_database": _nullable(_plain(check_text)),
    "crm_source": _choice("contract", "salesforce", "hubspot"),
    "billing_source": _choice("contract", "stripe"),
    "salesforce_schema": _plain(check_identifier),
    "salesforce_history_schema": _plain(check_identifier),
    "hubspot_schema": _plain(check_identifier),
    "hubspot_deal_pipelines": _nullable(_plain(check_text_list)),
    "stripe_schema": _plain(check_identifier),
    "salesforce_schemas": _nullable(_plain(check_schema_list)),
    "hubspot_schemas": _nullable(_plain(check_schema_list)),
    "stripe_schemas": _nullable(_plain(check_schema_list)),
    "salesforce_field_map": _nullable(_field_map("salesforce")),
    "hubspot_field_map": _nullable(_field_map("hubspot")),
    "stripe_field_map": _nullable(_field_map("stripe")),
    **{f"{system}_{object_name}_passthrough_columns": _nullable(_passthrough(system, object_name))
       for system, object_name in PASSTHROUGH_OBJECTS},
    "qualified_stage_min_probability": _number(minimum=0, maximum=100),
    "billing_account_id_metadata_key": _nullable(_plain(check_identifier)),
    "billing_match_on_email_domain": _plain(check_boolean),
    "reporting_currency": check_currency,
    "fiscal_year_start_month": _number(integer=True, minimum=1, maximum=12),
    "as_of_date": _nullable(_plain(check_date)),
    "as_of_min_events_after_previous_month_end": _number(integer=True, minimum=0),
    "calendar_start": _nullable(_plain(check_date)),
    "calendar_end": _nullable(_plain(check_date)),
    "excluded_lost_reasons": _nullable(_plain(check_text_list)),
    "dq_max_quarantined_share": _number(minimum=0, maximum=1),
    "dq_max_quarantined_share_by_table": _nullable(check_share_by_table),
    "pipeline_no_activity_days": _number(integer=True, minimum=1),
    "pipeline_velocity_window_days": _number(integer=True, minimum=1),
    "forecast_period_type": _choice("month", "quarter", "year"),
    "forecast_checkpoint_days": _number(integer=True),
    "gross_margin": _number(minimum=0, maximum=1),
    "engagement_activity_types": _nullable(_plain(check_text_list)),
    "kpi_frames_materialized": _choice("table", "view"),
    "incremental_facts": _plain(check_boolean),
    "incremental_lookback_days": _number(integer=True, minimum=0),
}


def project_variables(project: Project) -> list[str]:
    """The variables dbt_project.yml declares (its `vars:`)."""
    document = yaml.safe_load((project.root / "dbt_project.yml").read_text())
    return list((document.get("vars") or {}).keys())


def parse_var_pairs(pairs: Iterable[str], project: Project) -> dict:
    """--var NAME=VALUE pairs, VALUE read as YAML, each checked by its kind (check_variables)."""
    variables = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise Invalid(f"{pair!r} is not NAME=VALUE")
        try:
            variables[name.strip()] = yaml.safe_load(value)
        except yaml.YAMLError as error:
            raise Invalid(f"{pair!r}: the value is not YAML ({error})") from None
        except ValueError:  # YAML-shaped but impossible, such as the date 2024-02-30: checked as text
            variables[name.strip()] = value
    return check_variables(variables, project)


def check_variables(variables: dict, project: Project) -> dict:
    """Each --var checked by its kind, normalised (dates as text, currencies in
    capitals); a name dbt_project.yml does not declare is refused with a did-you-mean."""
    known = project_variables(project)
    checked = {}
    for name, value in variables.items():
        if name not in known:
            raise Invalid(f"{name!r} is not a variable of dbt_project.yml{did_you_mean(name, known)}")
        check = VARIABLE_KINDS.get(name)
        try:
            checked[name] = check(value, project) if check else value
        except Invalid as error:
            raise Invalid(f"{name}: {error}") from None
    return checked
