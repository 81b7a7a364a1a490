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
    # an input that exists only to build other metrics (meta helper, or a measure's own
    # metric from `create_metric: true`): `revops metrics list` shows it with --all
    helper: bool = False
    # a metric over kpi_scorecard's rows: one value per period type (see period_type_where)
    per_scorecard_row: bool = False


@dataclass(frozen=True)
class MetricsResult:
    columns: list[str]
    rows: list[tuple]
    sql: str


class _ExplainOnlyClient:
    """What MetricFlow needs of a SQL client to write SQL for an engine (DuckDB, or
    Postgres for scripts/test-postgres); it never runs any."""

    def __init__(self, dialect: str = "duckdb"):
        self.dialect = dialect

    @property
    def sql_engine_type(self):
        from metricflow.protocols.sql_client import SqlEngine

        return SqlEngine.POSTGRES if self.dialect == "postgres" else SqlEngine.DUCKDB

    @property
    def sql_plan_renderer(self):
        if self.dialect == "postgres":
            from metricflow.sql.render.postgres import PostgresSQLSqlPlanRenderer

            return PostgresSQLSqlPlanRenderer()
        from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer

        return DuckDbSqlPlanRenderer()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}" if self.dialect == "duckdb" else f"%({bind_parameter_key})s"

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


_ENGINES: dict = {}  # (manifest path, its mtime, dialect) -> (manifest, engine): one takes a second


def _engine(project: Project, warehouse: Path):
    # parses the project again first if a YAML file changed
    return _engine_for(semantic_manifest_path(project, warehouse))


def _engine_for(path: Path, dialect: str = "duckdb"):
    """The manifest at path and a MetricFlow engine writing the dialect's SQL for it."""
    try:
        from metricflow.engine.metricflow_engine import MetricFlowEngine
        from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
        from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup
    except ImportError:
        raise BadInput("the semantic layer needs MetricFlow: pip install -c constraints.txt -e '.[semantic]'") from None
    key = (str(path), path.stat().st_mtime_ns, dialect)
    if key not in _ENGINES:
        manifest = parse_manifest_from_dbt_generated_manifest(manifest_json_string=path.read_text())
        _ENGINES.clear()
        _ENGINES[key] = manifest, MetricFlowEngine(SemanticManifestLookup(manifest),
                                                   sql_client=_ExplainOnlyClient(dialect))
    return _ENGINES[key]


def _load_manifest(project: Project, warehouse: Path):
    return _engine(project, warehouse)[0]


SCORECARD_ROWS_MODEL = "scorecard_rows"
SCORECARD_ROW_ENTITY = "scorecard_row"
PERIOD_TYPES = ("month", "quarter", "year")
# The grain that matches each period type of the scorecard: its periods are fiscal.
GRAIN_OF_PERIOD_TYPE = {"month": "metric_time__month", "quarter": "metric_time__fiscal_quarter",
                        "year": "metric_time__fiscal_year"}


def list_metrics(project: Project, warehouse: Path, dimensions: bool = True) -> list[MetricInfo]:
    """Every metric of the semantic layer, sorted by name, with the dimensions it can be
    grouped by (finding those takes MetricFlow half a minute)."""
    return _metric_infos(*_engine(project, warehouse), dimensions)


def metrics_in_manifest(path: Path, dimensions: bool = True) -> list[MetricInfo]:
    """list_metrics, of the semantic manifest of any target (target/postgres/...)."""
    return _metric_infos(*_engine_for(path), dimensions)


def sql_for(path: Path, metrics: list[str], group_by: list[str], period_type: str | None = None,
            dialect: str = "duckdb") -> str:
    """The SQL MetricFlow writes for the query, in the dialect of the target whose
    semantic manifest is at path (scripts/test-postgres runs it on Postgres)."""
    manifest, engine = _engine_for(path, dialect)
    return _explain(engine, metrics, group_by, None, _where(manifest, metrics, group_by, period_type))


def _metric_infos(manifest, engine, include_dimensions: bool = True) -> list[MetricInfo]:
    helpers, per_row = _helpers_and_scorecard_row_metrics(manifest)
    found = []
    for metric in engine.list_metrics(include_dimensions=include_dimensions):
        dimensions = tuple(sorted({dimension.dunder_name for dimension in metric.dimensions or ()}))
        found.append(MetricInfo(metric.name, str(metric.type.value), metric.label or metric.name,
                                " ".join((metric.description or "").split()), dimensions,
                                metric.name in helpers, metric.name in per_row))
    return sorted(found, key=lambda info: info.name)


def _helpers_and_scorecard_row_metrics(manifest) -> tuple[set[str], set[str]]:
    """The helper metrics (meta helper, or a measure's own metric from `create_metric:
    true`), and the metrics built only on the scorecard_rows semantic model's measures;
    from the manifest alone (MetricFlow's list_metrics takes seconds)."""
    model_of_measure = {measure.name: model.name for model in manifest.semantic_models for measure in model.measures}
    metrics = {metric.name: metric for metric in manifest.metrics}

    def models(name: str) -> set[str]:
        params = metrics[name].type_params
        if params.measure is not None:
            return {model_of_measure[params.measure.name]}
        inputs = [*(params.metrics or ()), params.numerator, params.denominator]
        return set().union(*(models(metric.name) for metric in inputs if metric is not None))

    helpers = {name for name, metric in metrics.items()
               if name in model_of_measure or ((metric.config.meta if metric.config else None) or {}).get("helper")}
    per_row = {name for name in metrics if name not in helpers and models(name) == {SCORECARD_ROWS_MODEL}}
    return helpers, per_row


def period_type_where(metrics: list[MetricInfo], group_by: list[str], period_type: str | None) -> list[str]:
    """The filter a query of scorecard-row metrics needs: one period type, the one of
    the query's grain (metric_time__month -> month, metric_time__fiscal_quarter ->
    quarter, metric_time__fiscal_year -> year) unless given, and the grain must match
    it, so a quarter's value never shows under a month. Other metrics need none."""
    per_row = [info.name for info in metrics if info.per_scorecard_row]
    if not per_row:
        if period_type:
            raise BadInput("--period-type is for the metrics over the scorecard's rows "
                           "(`revops metrics list` marks them), not for these")
        return []
    others = [info.name for info in metrics if not info.per_scorecard_row]
    if others:
        raise BadInput(f"{', '.join(per_row)} take one period type and {', '.join(others)} sum months: "
                       "query them separately")
    grains = [name for name in group_by if name.startswith("metric_time")]
    if period_type is None:
        matching = [kind for kind, grain in GRAIN_OF_PERIOD_TYPE.items() if grain in grains]
        if len(matching) != 1:
            raise BadInput(f"{', '.join(per_row)} need a period type: give --period-type, or group by one of "
                           + ", ".join(GRAIN_OF_PERIOD_TYPE.values()))
        period_type = matching[0]
    if period_type not in PERIOD_TYPES:
        raise BadInput(f"--period-type {period_type!r} is not one of {', '.join(PERIOD_TYPES)}")
    wrong = [grain for grain in grains if grain != GRAIN_OF_PERIOD_TYPE[period_type]]
    if wrong:
        raise BadInput(f"{period_type} values are per {GRAIN_OF_PERIOD_TYPE[period_type]}, not {', '.join(wrong)}",
                       details=["or group by scorecard_row__period_label"])
    # period_type is one of three fixed words here, never the user's text
    return [f"{{{{ Dimension('{SCORECARD_ROW_ENTITY}__period_type') }}}} = '{period_type}'"]


def explain(project: Project, warehouse: Path, metrics: list[str], group_by: list[str],
            saved_query: str | None = None, period_type: str | None = None) -> str:
    """The DuckDB SQL MetricFlow writes for the query (or the saved query), ordered by
    the group-by columns."""
    manifest, engine = _engine(project, warehouse)
    return _explain(engine, metrics, group_by, saved_query, _where(manifest, metrics, group_by, period_type))


def _where(manifest, metrics: list[str], group_by: list[str], period_type: str | None) -> list[str]:
    _, per_row = _helpers_and_scorecard_row_metrics(manifest)
    known = {metric.name for metric in manifest.metrics}
    # unknown names are MetricFlow's to report, with its suggestions
    infos = [MetricInfo(name, "", name, "", (), per_scorecard_row=name in per_row) for name in metrics if name in known]
    return period_type_where(infos, group_by, period_type)


def _explain(engine, metrics: list[str], group_by: list[str], saved_query: str | None = None,
             where: list[str] | None = None) -> str:
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    try:
        if saved_query:
            request = MetricFlowQueryRequest.create(saved_query_name=saved_query)
        else:
            request = MetricFlowQueryRequest.create(metric_names=metrics, group_by_names=group_by or None,
                                                    order_by_names=group_by or None,
                                                    where_constraints=where or None)
        result = engine.explain(request)
    except Exception as error:  # MetricFlow's own errors say what is wrong with the query
        message = str(error).strip().splitlines()
        raise BadInput(f"MetricFlow cannot answer this query: {message[0] if message else type(error).__name__}",
                       details=message[1:12]) from None
    return result.sql_statement.sql


def query_metrics(project: Project, warehouse: Path, metrics: list[str], group_by: list[str],
                  saved_query: str | None = None, period_type: str | None = None) -> MetricsResult:
    """The metrics grouped by the given dimensions (metric_time__quarter, deal__segment...),
    read from the published warehouse. The scorecard-row metrics take one period type
    (period_type_where)."""
    manifest, engine = _engine(project, warehouse)
    where = [] if saved_query else _where(manifest, metrics, group_by, period_type)
    sql = _explain(engine, metrics, group_by, saved_query, where)
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
