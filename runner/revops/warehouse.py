"""Opening a built warehouse for reading."""

from __future__ import annotations

from pathlib import Path

from .errors import NoWarehouse


class read_only_connection:
    """A read-only DuckDB connection to the warehouse, closed on exit."""

    def __init__(self, warehouse: Path):
        self.warehouse = warehouse

    def __enter__(self):
        import duckdb

        if not self.warehouse.is_file():
            raise NoWarehouse(f"no warehouse at {self.warehouse}; run `revops build` first")
        self.connection = duckdb.connect(str(self.warehouse), read_only=True)
        return self.connection

    def __exit__(self, *exc_info):
        self.connection.close()
        return False
