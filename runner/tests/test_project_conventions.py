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
    ("models/staging/salesforce/", r"salesforce__"),
    ("models/staging/hubspot/", r"hubspot__"),
    ("models/staging/stripe/", r"stripe__"),
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
