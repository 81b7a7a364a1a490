"""Conventions of the dbt project that no dbt command checks on DuckDB."""

from __future__ import annotations

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
