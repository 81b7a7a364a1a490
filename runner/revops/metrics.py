"""The semantic layer's metrics (models/semantic/), queried by name through MetricFlow.

MetricFlow writes the SQL from the semantic manifest that `dbt parse` writes (beside
the warehouse, in .dbt/target/, where the runner keeps dbt's files; parsed again when a
YAML file of the project is newer); the SQL then runs on a read-only connection to the
published warehouse, like every other reader of it, so a query never takes the
build's lock. Metric and group-by names are checked against the manifest by
MetricFlow before any SQL exists; no user string is pasted into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from .errors import BadInput
from .project import Project
from .warehouse import attached_read_only



@dataclass(frozen=True)
class MetricInfo:
    name: str
    type: str
    label: str
    description: str
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class MetricsResult:
    columns: list[str]
    rows: list[tuple]
    sql: str


class _ExplainOnlyClient:
    """What MetricFlow needs of a SQL client to write DuckDB SQL; it never runs any."""

    @property
    def sql_engine_type(self):
        from metricflow.protocols.sql_client import SqlEngine

        return SqlEngine.DUCKDB

    @property
    def sql_plan_renderer(self):
        from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer

        return DuckDbSqlPlanRenderer()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"

    def __getattr__(self, name):
        raise NotImplementedError(f"the semantic layer only writes SQL here ({name})")


def semantic_manifest_path(project: Project, warehouse: Path) -> Path:
    """dbt's semantic manifest for the project, parsed if missing or older than a YAML file."""
    path = warehouse.parent / ".dbt" / "target" / "semantic_manifest.json"
    sources = [project.root / "dbt_project.yml", *(project.root / "models").rglob("*.yml")]
    newest = max(source.stat().st_mtime for source in sources)
    if not path.is_file() or path.stat().st_mtime < newest:
        from .dbt_invocation import invoke_dbt

        warehouse.parent.mkdir(parents=True, exist_ok=True)
        outcome = invoke_dbt(project, ["parse"], warehouse=warehouse)
        if not outcome.success or not path.is_file():
            raise BadInput("dbt could not parse the project's semantic layer",
                           details=(outcome.error or "").splitlines()[:12])
    return path


def _load_manifest(project: Project, warehouse: Path):
    try:
        from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
    except ImportError:
        raise BadInput("the semantic layer needs MetricFlow: pip install -c constraints.txt -e '.[semantic]'") from None
    path = semantic_manifest_path(project, warehouse)
    return parse_manifest_from_dbt_generated_manifest(manifest_json_string=path.read_text())


def _engine(project: Project, warehouse: Path):
    from metricflow.engine.metricflow_engine import MetricFlowEngine
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    manifest = _load_manifest(project, warehouse)
    return manifest, MetricFlowEngine(SemanticManifestLookup(manifest), sql_client=_ExplainOnlyClient())


def list_metrics(project: Project, warehouse: Path) -> list[MetricInfo]:
    """Every metric of the semantic layer, sorted by name, with the dimensions it can be
    grouped by."""
    _, engine = _engine(project, warehouse)
    found = []
    for metric in engine.list_metrics(include_dimensions=True):
        dimensions = tuple(sorted({dimension.dunder_name for dimension in metric.dimensions or ()}))
        found.append(MetricInfo(metric.name, str(metric.type.value), metric.label or metric.name,
                                " ".join((metric.description or "").split()), dimensions))
    return sorted(found, key=lambda info: info.name)


def explain(project: Project, warehouse: Path, metrics: list[str], group_by: list[str],
            saved_query: str | None = None) -> str:
    """The DuckDB SQL MetricFlow writes for the query (or the saved query), ordered by
    the group-by columns."""
    return _explain(_engine(project, warehouse)[1], metrics, group_by, saved_query)


def _explain(engine, metrics: list[str], group_by: list[str], saved_query: str | None = None) -> str:
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    try:
        if saved_query:
            request = MetricFlowQueryRequest.create(saved_query_name=saved_query)
        else:
            request = MetricFlowQueryRequest.create(metric_names=metrics, group_by_names=group_by or None,
                                                    order_by_names=group_by or None)
        result = engine.explain(request)
    except Exception as error:  # MetricFlow's own errors say what is wrong with the query
        message = str(error).strip().splitlines()
        raise BadInput(f"MetricFlow cannot answer this query: {message[0] if message else type(error).__name__}",
                       details=message[1:12]) from None
    return result.sql_statement.sql


def query_metrics(project: Project, warehouse: Path, metrics: list[str], group_by: list[str],
                  saved_query: str | None = None) -> MetricsResult:
    """The metrics grouped by the given dimensions (metric_time__quarter, deal__segment...),
    read from the published warehouse."""
    manifest, engine = _engine(project, warehouse)
    sql = _explain(engine, metrics, group_by, saved_query)
    # The SQL names the catalog the project was parsed with; attach the file under that
    # name, read-only, whatever the file is called.
    with attached_read_only(warehouse, _catalog_of(manifest)) as connection:
        cursor = connection.execute(sql)
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    if saved_query:  # a saved query has no order; the group-by columns come first
        rows.sort(key=lambda row: tuple((value is None, str(value)) for value in row))
    return MetricsResult(columns=columns, rows=rows, sql=sql)


def _catalog_of(manifest) -> str:
    for model in manifest.semantic_models:
        if model.node_relation.database:
            return model.node_relation.database
    return "revops"


def saved_query_names(project: Project, warehouse: Path) -> list[str]:
    return sorted(query.name for query in _load_manifest(project, warehouse).saved_queries)


def format_rows(result: MetricsResult) -> str:
    def cell(value) -> str:
        if value is None:
            return "-"
        if isinstance(value, datetime) and value == datetime.combine(value.date(), datetime.min.time()):
            return value.date().isoformat()  # metric_time at month grain and above
        if isinstance(value, Decimal):
            value = float(value)
        if isinstance(value, float):
            return f"{value:,.6g}" if abs(value) < 10 else f"{value:,.2f}"
        return str(value)

    lines = [result.columns] + [[cell(value) for value in row] for row in result.rows]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(result.columns))]
    rendered = ["  ".join(str(value).ljust(width) for value, width in zip(line, widths)).rstrip() for line in lines]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)
