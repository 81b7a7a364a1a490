"""The raw input contract, read from its one machine-readable copy: the dbt source
definition in models/staging/contract/_contract__sources.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class ContractColumn:
    name: str
    contract_type: str
    required: bool
    accepted_values: tuple[str, ...] | None
    references: tuple[str, str] | None  # (table, column)
    project_addition: bool = False  # an optional column the project added to the spec's contract


@dataclass(frozen=True)
class ContractTable:
    name: str
    columns: tuple[ContractColumn, ...]
    primary_key: tuple[str, ...]

    def column(self, name: str) -> ContractColumn:
        return next(column for column in self.columns if column.name == name)


def load_contract(sources_yml: Path) -> dict[str, ContractTable]:
    document = yaml.safe_load(sources_yml.read_text())
    source = next(s for s in document["sources"] if s["name"] == "contract")
    tables = {}
    for table in source["tables"]:
        columns = []
        for column in table["columns"]:
            meta = (column.get("config") or {}).get("meta") or {}
            reference = meta.get("references")
            columns.append(
                ContractColumn(
                    name=column["name"],
                    contract_type=meta.get("contract_type", "text"),
                    required=bool(meta.get("required", False)),
                    accepted_values=tuple(meta["accepted_values"]) if meta.get("accepted_values") else None,
                    references=tuple(reference.split(".", 1)) if reference else None,
                    project_addition=bool(meta.get("project_addition", False)),
                )
            )
        table_meta = (table.get("config") or {}).get("meta") or {}
        tables[table["name"]] = ContractTable(
            name=table["name"], columns=tuple(columns), primary_key=tuple(table_meta.get("primary_key", ()))
        )
    return tables


def contract_from_columns(tables: dict) -> dict[str, ContractTable]:
    """The contract as dbt's macros see it (contract_columns_of, as JSON): the same
    source YAML, handed over by the dbt hook."""
    return {
        name: ContractTable(
            name=name,
            columns=tuple(
                ContractColumn(
                    name=column["name"],
                    contract_type=column.get("contract_type") or "text",
                    required=bool(column.get("required")),
                    accepted_values=tuple(column["accepted_values"]) if column.get("accepted_values") else None,
                    references=tuple(column["references"].split(".", 1)) if column.get("references") else None,
                )
                for column in table["columns"]
            ),
            primary_key=tuple(table.get("primary_key") or ()),
        )
        for name, table in tables.items()
    }
