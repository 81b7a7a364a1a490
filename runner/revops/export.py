"""Export the marts and KPI models from a built warehouse, one file per model."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import BadInput, BadUsage
from .warehouse import read_only_connection

# What `export` writes: the conformed marts, the KPI models, and the audit tables
# (audit.dq_quarantine, audit.billing_customer_matches).
EXPORTED_SCHEMAS = ("core", "kpis", "audit")
FORMATS = ("parquet", "csv")


@dataclass(frozen=True)
class ExportedFile:
    model: str
    path: Path
    rows: int


def exportable_models(warehouse: Path) -> list[str]:
    """The models `export` can write: every table in the exported schemas."""
    with read_only_connection(warehouse) as connection:
        rows = connection.execute(
            "select table_schema, table_name from information_schema.tables"
            f" where table_schema in ({', '.join('?' for _ in EXPORTED_SCHEMAS)}) order by table_schema, table_name",
            list(EXPORTED_SCHEMAS),
        ).fetchall()
    return [name for _, name in rows]


def export_models(
    warehouse: Path,
    out_dir: Path,
    *,
    models: list[str] | None = None,
    formats: tuple[str, ...] = FORMATS,
    on_file=None,
) -> list[ExportedFile]:
    """Write each model to `out_dir/<model>.<format>`, rows in a stable order.

    Each file is written beside its final name and renamed into place, so a reader
    never sees half a file and a failed export leaves the previous file intact.
    """
    unknown_formats = sorted(set(formats) - set(FORMATS))
    if unknown_formats:
        raise BadInput(f"unknown export format(s): {', '.join(unknown_formats)}; choose from {', '.join(FORMATS)}")
    available = exportable_models(warehouse)
    selected = list(models) if models else available
    unknown = [name for name in selected if name not in available]
    if unknown:
        raise BadInput(
            f"no such model to export: {', '.join(unknown)}",
            details=[f"exportable models: {', '.join(available)}"],
        )
    prepare_out_dir(out_dir)
    schema_of = _schemas(warehouse)
    written: list[ExportedFile] = []
    with read_only_connection(warehouse) as connection:
        for model in selected:
            relation = f'"{schema_of[model]}"."{model}"'
            rows = connection.execute(f"select count(*) from {relation}").fetchall()[0][0]
            for file_format in formats:
                target = out_dir / f"{model}.{file_format}"
                partial = out_dir / f".{model}.{file_format}.partial"
                options = "format parquet" if file_format == "parquet" else "format csv, header true"
                # identifiers come from the warehouse's own catalogue, never from the
                # command line as typed; the path is a bound string literal
                connection.execute(
                    f"copy (select * from {relation} order by all) to '{_sql_string(partial)}' ({options})"
                )
                os.replace(partial, target)
                exported = ExportedFile(model=model, path=target, rows=rows)
                written.append(exported)
                if on_file is not None:
                    on_file(exported)
    return written


def prepare_out_dir(out_dir: Path) -> None:
    """Create `out_dir` if needed and prove a file can be written in it: a folder that
    cannot be written is a usage error (exit 2), said before any model is exported."""
    if out_dir.exists() and not out_dir.is_dir():
        raise BadUsage(f"--out {out_dir} is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".revops-write-test-"):
            pass
    except OSError as error:
        raise BadUsage(f"--out {out_dir}: cannot write there ({error.strerror or error})",
                       details=["choose a folder you can write to"]) from None


def _schemas(warehouse: Path) -> dict[str, str]:
    with read_only_connection(warehouse) as connection:
        rows = connection.execute(
            "select table_name, table_schema from information_schema.tables"
            f" where table_schema in ({', '.join('?' for _ in EXPORTED_SCHEMAS)})",
            list(EXPORTED_SCHEMAS),
        ).fetchall()
    return dict(rows)


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")
