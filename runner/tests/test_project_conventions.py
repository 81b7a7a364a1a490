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
