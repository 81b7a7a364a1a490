"""Opening a built warehouse for reading, and telling a warehouse from any other file.

Every command that reads the warehouse (export, kpis, report, metrics, the build's
notes) opens it here, so each says the same thing about the same file: no file, or an
empty one, is "no warehouse yet" (exit 4); a file that is not a DuckDB database, or a
damaged one (a CSV named revops.duckdb, a half-copied or overwritten file), is bad
input (exit 3), whether DuckDB notices at connect time or only when a query reaches
the damaged block; a warehouse held read-write elsewhere is busy (exit 5).
"""

from __future__ import annotations

from pathlib import Path

from .errors import BadInput, NoWarehouse, WarehouseBusy

# A DuckDB database file: an 8-byte checksum, then this magic (DuckDB's storage format).
_DUCKDB_MAGIC = b"DUCK"
_MAGIC_OFFSET = 8
# What DuckDB says when a block of the file is damaged or missing.
_DAMAGE_SIGNS = ("Corrupt database file", "Could not read enough bytes from file", "does not match stored checksum")


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


def check_warehouse_file(warehouse: Path) -> None:
    """Before DuckDB opens it: a missing or empty file is no warehouse yet (exit 4), a
    file without DuckDB's header is not a warehouse (exit 3)."""
    if not warehouse.is_file():
        raise NoWarehouse(f"no warehouse at {warehouse}; run `revops build` first")
    if warehouse.stat().st_size == 0:
        raise NoWarehouse(f"{warehouse} is an empty file, not a built warehouse; run `revops build` first")
    if not looks_like_duckdb(warehouse):
        raise not_a_warehouse(warehouse, "it has no DuckDB header")


def _open_failed(warehouse: Path, error: Exception):
    """The RevopsError for a DuckDB error met while opening (or attaching) the file."""
    message = str(error)
    if "Could not set lock" in message or "Conflicting lock" in message:
        return WarehouseBusy(
            f"{warehouse} is open read-write in another process; close that connection "
            "(or open it read-only: duckdb -readonly) and retry",
            details=[message.splitlines()[0]],
        )
    return not_a_warehouse(warehouse, message.splitlines()[0] if message else type(error).__name__)


def is_damage(error: BaseException | None) -> bool:
    """Whether a DuckDB error says the database file itself is damaged."""
    import duckdb

    return isinstance(error, duckdb.Error) and any(sign in str(error) for sign in _DAMAGE_SIGNS)


class read_only_connection:
    """A read-only DuckDB connection to the warehouse, closed on exit.

    A missing or empty file is NoWarehouse (exit 4); a file that is not a DuckDB
    database or is damaged (a CSV, a half-copied warehouse), at connect time or in a
    query inside the block, is BadInput (exit 3); a warehouse another process holds
    read-write is WarehouseBusy (exit 5)."""

    def __init__(self, warehouse: Path):
        self.warehouse = warehouse

    def __enter__(self):
        import duckdb

        check_warehouse_file(self.warehouse)
        try:
            self.connection = duckdb.connect(str(self.warehouse), read_only=True)
        except duckdb.Error as error:
            raise _open_failed(self.warehouse, error) from None
        return self.connection

    def __exit__(self, exc_type, exc, traceback):
        self.connection.close()
        if is_damage(exc):
            raise not_a_warehouse(self.warehouse, str(exc).splitlines()[0]) from None
        return False


class attached_read_only(read_only_connection):
    """An in-memory DuckDB connection with the warehouse attached read-only under
    `catalog` (and in use), for SQL that names its catalog (MetricFlow's); the same
    checks and errors as read_only_connection."""

    def __init__(self, warehouse: Path, catalog: str):
        super().__init__(warehouse)
        self.catalog = catalog

    def __enter__(self):
        import duckdb

        check_warehouse_file(self.warehouse)
        self.connection = duckdb.connect()
        quoted_path = "'" + str(self.warehouse).replace("'", "''") + "'"
        quoted_catalog = '"' + self.catalog.replace('"', '""') + '"'
        try:
            self.connection.execute(f"attach {quoted_path} as {quoted_catalog} (read_only)")
            self.connection.execute(f"use {quoted_catalog}")
        except duckdb.Error as error:
            self.connection.close()
            raise _open_failed(self.warehouse, error) from None
        return self.connection
