"""Where the dbt project, the warehouse and the exports live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The dbt project is the repository root: runner/revops/project.py -> ../../
_DEFAULT_PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Project:
    """The dbt project the runner drives, and its default locations."""

    root: Path

    @classmethod
    def locate(cls) -> "Project":
        root = Path(os.environ.get("REVOPS_PROJECT_DIR", _DEFAULT_PROJECT_DIR)).resolve()
        if not (root / "dbt_project.yml").is_file():
            raise FileNotFoundError(
                f"no dbt_project.yml in {root}; set REVOPS_PROJECT_DIR to the project's folder"
            )
        return cls(root)

    @property
    def default_warehouse(self) -> Path:
        return self.root / "warehouse" / "revops.duckdb"

    @property
    def default_exports(self) -> Path:
        return self.root / "exports"

    @property
    def demo_data(self) -> Path:
        return self.root / "seeds" / "demo"

    @property
    def contract_sources(self) -> Path:
        return self.root / "models" / "staging" / "contract" / "_contract__sources.yml"
