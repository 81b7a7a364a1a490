"""dbt's parse is reused across builds: a build of another folder, into another
warehouse, parses nothing again (dbt's own partial parsing, kept in target/)."""

from __future__ import annotations

import json

import pytest

from revops.dbt_invocation import invoke_dbt


def _parsed_files(warehouse) -> int:
    perf_info = json.loads((warehouse.parent / ".dbt" / "target" / "perf_info.json").read_text())
    return perf_info["parsed_path_count"]


@pytest.mark.slow
def test_a_second_folder_and_warehouse_parse_nothing_again(project, tmp_path):
    warehouses = [tmp_path / name / "revops.duckdb" for name in ("first", "second")]
    for warehouse, folder in zip(warehouses, ("one folder", "another folder")):
        warehouse.parent.mkdir()
        outcome = invoke_dbt(project, ["parse"], warehouse=warehouse,
                             dbt_vars={"raw_source": "files", "data_dir": str(tmp_path / folder)})
        assert outcome.success, outcome.error
    # the first may have parsed (a fresh checkout); the second found every file unchanged
    assert _parsed_files(warehouses[1]) == 0
