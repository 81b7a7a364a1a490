"""A dbt-duckdb plugin (profiles.yml `plugins: [{module: revops.dbt_plugin}]`) that gives
the dbt hook land_contract_files() the runner's folder scan, so plain `dbt build --vars
'{raw_source: files, data_dir: ...}'` lands files exactly as `revops build` and
`revops validate` do: one implementation (landing.py), in Python, where a folder can
be listed.

The SQL function `revops_landing_plan(data_dir, raw_schema, contract_json)` returns
JSON: {errors, warnings, statements}. The hook stops on an error and otherwise runs the
statements, which quote every path as a literal and escape DuckDB's glob characters.
"""

from __future__ import annotations

import json

from dbt.adapters.duckdb.plugins import BasePlugin


def landing_plan(data_dir: str, raw_schema: str, contract_json: str) -> str:
    from .contract import contract_from_columns
    from .landing import plan

    try:
        result = plan(data_dir, raw_schema, contract_from_columns(json.loads(contract_json)))
    except Exception as error:  # noqa: BLE001 - reported by the hook, with the folder
        result = {"errors": [f"{data_dir}: cannot be scanned: {type(error).__name__}: {error}"],
                  "warnings": [], "statements": []}
    return json.dumps(result)


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        from duckdb import sqltype

        conn.create_function(
            "revops_landing_plan", landing_plan,
            [sqltype("VARCHAR"), sqltype("VARCHAR"), sqltype("VARCHAR")], sqltype("VARCHAR"),
            side_effects=True,
        )
