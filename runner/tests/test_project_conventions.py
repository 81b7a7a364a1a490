"""Conventions of the dbt project that no dbt command checks on DuckDB."""

from __future__ import annotations

import re

import yaml

POSTGRES_MAX_IDENTIFIER = 63


def test_unit_test_names_fit_a_postgres_identifier(project):
    # dbt names a unit test's temporary relation after the test; Postgres refuses names
    # over 63 characters, so a longer name only fails once the project moves there
    too_long = []
    for path in sorted((project.root / "models").rglob("*.yml")):
        for unit_test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests") or []:
            if len(unit_test["name"]) > POSTGRES_MAX_IDENTIFIER:
                too_long.append(f"{path.relative_to(project.root)}: {unit_test['name']}")
    assert not too_long, "unit test names over 63 characters:\n" + "\n".join(too_long)


def test_every_contract_staging_model_tests_the_contract_key(project):
    # a key the contract declares (primary_key) is what duplicates are judged by, so
    # staging must prove it: unique on a one-column key, a combination test otherwise
    sources = yaml.safe_load((project.root / "models/staging/contract/_contract__sources.yml").read_text())
    keys = {table["name"]: table["config"]["meta"]["primary_key"] for table in sources["sources"][0]["tables"]}
    models = yaml.safe_load((project.root / "models/staging/contract/_contract__models.yml").read_text())["models"]
    tested = {}
    for model in models:
        table = model["name"].removeprefix("stg_contract__")
        for column in model.get("columns") or []:
            if "unique" in (column.get("data_tests") or []):
                tested.setdefault(table, []).append([column["name"]])
        for test in model.get("data_tests") or []:
            if isinstance(test, dict) and "unique_combination_of_columns" in test:
                tested.setdefault(table, []).append(
                    test["unique_combination_of_columns"]["arguments"]["combination_of_columns"])
    untested = [table for table, key in keys.items() if key not in tested.get(table, [])]
    assert not untested, f"contract tables whose staging model does not test the key: {untested}"


# CONTRIBUTING.md: where a model goes decides its name's prefix (first match wins)
LAYER_PREFIXES = [
    ("models/staging/contract/", r"(base|stg)_contract__"),
    ("models/staging/salesforce/", r"base_salesforce__"),
    ("models/staging/hubspot/", r"base_hubspot__"),
    ("models/staging/stripe/", r"base_stripe__"),
    ("models/intermediate/kpi_frames/", r"int_kpi_"),
    ("models/intermediate/", r"int_"),
    ("models/marts/core/", r"(dim|fct)_"),
    ("models/kpis/", r"kpi_"),
]

# models whose description is still to be written (models/audit/ is being reworked
# elsewhere); the list may only shrink
UNDESCRIBED_FOR_NOW = {"dq_defaults", "dq_nulled_references"}


def _models(project):
    return {path.stem: path.relative_to(project.root) for path in sorted((project.root / "models").rglob("*.sql"))}


def test_model_names_carry_their_layer_prefix(project):
    misnamed = []
    for name, path in _models(project).items():
        for folder, prefix in LAYER_PREFIXES:
            if path.as_posix().startswith(folder):
                if not re.match(prefix, name):
                    misnamed.append(f"{path}: expected a name starting {prefix}")
                break
    assert not misnamed, "\n".join(misnamed)


def test_kpis_read_only_marts_and_the_kpi_frames(project):
    # DECISIONLOG: KPIs read marts/core and the KPI frames (and the scorecard the KPIs)
    models = _models(project)
    readable = {name for name, path in models.items()
                if path.as_posix().startswith(("models/marts/core/", "models/intermediate/kpi_frames/", "models/kpis/"))}
    wrong = []
    for name, path in models.items():
        if path.as_posix().startswith("models/kpis/"):
            for parent in re.findall(r"ref\(\s*'([A-Za-z0-9_]+)'\s*\)", (project.root / path).read_text()):
                if parent not in readable:
                    wrong.append(f"{path} reads {parent}")
    assert not wrong, "\n".join(wrong)


def test_every_model_is_described_in_yaml_beside_it(project):
    described = {}
    for path in sorted((project.root / "models").rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            described[model["name"]] = (path.parent, bool(model.get("description")))
    problems = []
    for name, path in _models(project).items():
        folder, has_description = described.get(name, (None, False))
        if folder is not None and folder != (project.root / path).parent:
            problems.append(f"{path}: described in {folder.relative_to(project.root)}, not beside it")
        if not has_description and name not in UNDESCRIBED_FOR_NOW:
            problems.append(f"{path}: no description (its grain first)")
    assert not problems, "\n".join(problems)
    assert UNDESCRIBED_FOR_NOW <= set(_models(project)), "an exempted model is gone: drop it from the list"


# CONTRIBUTING.md, engine-specific SQL: an engine's variant of a dispatched macro lives in
# macros/<engine>/ and nowhere else (default__ variants stay beside their dispatcher)
ENGINES = {"duckdb", "postgres", "snowflake", "bigquery", "spark", "databricks", "redshift", "trino", "fabric"}


def test_engine_macros_live_in_their_engine_folder(project):
    misplaced = []
    for path in sorted((project.root / "macros").rglob("*.sql")):
        folder = path.relative_to(project.root / "macros").parts[0]
        for name in re.findall(r"\{%-?\s*macro\s+(\w+)\s*\(", path.read_text()):
            engine = name.split("__", 1)[0] if "__" in name else None
            if engine in ENGINES and folder != engine:
                misplaced.append(f"{path.relative_to(project.root)}: {name} belongs in macros/{engine}/")
            elif engine is None and folder in ENGINES and name.startswith(tuple(e + "__" for e in ENGINES)):
                misplaced.append(f"{path.relative_to(project.root)}: {name}")
    assert not misplaced, "\n".join(misplaced)


def _has_primary_key_test(model: dict) -> bool:
    for test in model.get("data_tests") or []:
        if isinstance(test, dict) and "unique_combination_of_columns" in test:
            return True
    for column in model.get("columns") or []:
        names = [test if isinstance(test, str) else next(iter(test)) for test in column.get("data_tests") or []]
        if "unique" in names and "not_null" in names:
            return True
    return False


# Models whose grain has no key, by design, each with the test that proves its grain
# instead. The list may only shrink.
KEYLESS = {
    # every raw row, exact duplicates included (a raw schema has no line numbers):
    # tests/data_quality/every_raw_row_is_conformed_or_quarantined.sql proves each raw
    # row is in staging or the quarantine exactly once
    **{f"base_contract__{table}": "raw rows" for table in (
        "accounts", "activities", "expenses", "forecasts", "fx_rates", "invoices", "lead_sources", "leads",
        "opportunities", "opportunity_history", "opportunity_stages", "payments", "product_usage", "quotas",
        "subscriptions", "users")},
    "dq_quarantine": "raw rows (the same conservation test)",
    # one row per event occurrence: a deal changed twice on one day is two events of the
    # same (table, key, column, day), and the as-of date's event count counts both
    "int_dated_events": "event occurrences (its unit tests)",
    "as_of_date_few_events": "event occurrences of int_dated_events (its unit tests)",
}


def test_every_model_has_a_primary_key_test(project):
    # CONTRIBUTING.md: a primary-key test on every model (unique + not_null on the key, or
    # unique_combination_of_columns): the grain the description states, proven
    keyed = set()
    for path in sorted((project.root / "models").rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            if _has_primary_key_test(model):
                keyed.add(model["name"])
    models = _models(project)
    missing = [str(path) for name, path in models.items() if name not in keyed | set(KEYLESS)]
    assert not missing, "models without a primary-key test:\n" + "\n".join(missing)
    assert set(KEYLESS) <= set(models), "a keyless model is gone: drop it from KEYLESS"
    assert not set(KEYLESS) & keyed, "a KEYLESS model has a key test now: drop it from KEYLESS"


def _column_descriptions(project):
    """(place, description) of every column of every model and source table in models/."""
    for path in sorted((project.root / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        nodes = [(model["name"], model) for model in document.get("models") or []]
        nodes += [(f"{source['name']}.{table['name']}", table)
                  for source in document.get("sources") or [] for table in source.get("tables") or []]
        for node_name, node in nodes:
            for column in node.get("columns") or []:
                if column.get("description"):
                    yield f"{path.relative_to(project.root)}: {node_name}.{column['name']}", column["description"]


def test_no_column_sentence_is_written_three_times(project):
    # CONTRIBUTING.md, shared column docs: a sentence that describes the same column in
    # several places is a {% docs %} block used as "{{ doc('name') }}", not repeated
    places = {}
    for place, description in _column_descriptions(project):
        text = re.sub(r"\{\{\s*doc\([^)]*\)\s*\}\}", " ", description)  # what a doc block adds is written once
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
            if len(sentence) > 12:  # not a fragment such as "-> email."
                places.setdefault(sentence, []).append(place)
    repeated = {sentence: where for sentence, where in places.items() if len(where) >= 3}
    assert not repeated, "\n".join(f"{sentence!r} in {len(where)} places: {where[:3]}..."
                                   for sentence, where in repeated.items())


def test_the_report_exposure_names_every_model_the_report_reads(project):
    """`dbt docs` shows the report's lineage only if its exposure lists what it reads."""
    exposures = yaml.safe_load((project.root / "models" / "exposures.yml").read_text())["exposures"]
    report = next(exposure for exposure in exposures if exposure["name"] == "revops_report")
    listed = {re.fullmatch(r"ref\('(\w+)'\)", entry).group(1) for entry in report["depends_on"]}
    code = "\n".join(path.read_text() for path in (project.root / "runner" / "revops" / "report").glob("*.py"))
    code += (project.root / "runner" / "revops" / "scorecard.py").read_text()  # the report's scorecard reader
    read = set(re.findall(r"\b((?:kpi|int_kpi|dim|fct)_[a-z_]+)\b", code)) - {"kpi_scorecard_filter"}
    models = {path.stem for path in (project.root / "models").rglob("*.sql")}
    assert read & models and not (read & models) - listed, sorted((read & models) - listed)
