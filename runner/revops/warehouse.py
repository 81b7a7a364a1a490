"""Opening a built warehouse for reading, and telling a warehouse from any other file."""

from __future__ import annotations

from pathlib import Path

from .errors import BadInput, NoWarehouse, WarehouseBusy

# A DuckDB database file: an 8-byte checksum, then this magic (DuckDB's storage format).
_DUCKDB_MAGIC = b"DUCK"
_MAGIC_OFFSET = 8


def looks_like_duckdb(path: Path) -> bool:
    """Whether the file starts like a DuckDB database (its header may still be damaged)."""
    with open(path, "rb") as handle:
        header = handle.read(_MAGIC_OFFSET + len(_DUCKDB_MAGIC))
    return header[_MAGIC_OFFSET:] == _DUCKDB_MAGIC


def not_a_warehouse(path: Path, reason: str) -> BadInput:
    return BadInput(
        f"{path} is not a DuckDB warehouse, or it is damaged or half-copied ({reason})",
        details=["give the file `revops build` wrote (default warehouse/revops.duckdb), or rebuild it"],
    )


class read_only_connection:
    """A read-only DuckDB connection to the warehouse, closed on exit.

    A missing file is NoWarehouse (exit 4); a file that is not a DuckDB database (a CSV,
    a half-copied warehouse) is BadInput (exit 3); a warehouse another process holds
    read-write is WarehouseBusy (exit 5)."""

    def __init__(self, warehouse: Path):
        self.warehouse = warehouse

    def __enter__(self):
        import duckdb

        if not self.warehouse.is_file():
            raise NoWarehouse(f"no warehouse at {self.warehouse}; run `revops build` first")
        if not looks_like_duckdb(self.warehouse):
            raise not_a_warehouse(self.warehouse, "it has no DuckDB header")
        try:
            self.connection = duckdb.connect(str(self.warehouse), read_only=True)
        except duckdb.Error as error:
            message = str(error)
            if "Could not set lock" in message or "Conflicting lock" in message:
                raise WarehouseBusy(
                    f"{self.warehouse} is open read-write in another process; close that connection "
                    "(or open it read-only: duckdb -readonly) and retry",
                    details=[message.splitlines()[0]],
                ) from None
            raise not_a_warehouse(self.warehouse, message.splitlines()[0] if message else type(error).__name__) from None
        return self.connection

    def __exit__(self, *exc_info):
        self.connection.close()
        return False
