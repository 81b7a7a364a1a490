"""The report as one self-contained HTML page: the headline scorecard, then each chart
with its definition and doc link, the chart library's JavaScript embedded once.

No URL is loaded: vega-embed's bundle (Vega, Vega-Lite, vega-embed) comes from the
vl-convert-python package, so the file opens offline by double-click.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import altair as alt
import jinja2

from ..kpi_catalog import label, metric_catalog
from ..scorecard import ScorecardRow, change, change_kind, format_value
from .charts import DOCS, Chart
from .data import ReportData

NO_DATA = "no data for this period"

_PAGE = jinja2.Template("""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RevOps KPI report, {{ data.period_label }}</title>
<style>
  body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 0 0 2px; }
  .context { color: #555; margin-bottom: 16px; }
  .scorecard { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px; margin-bottom: 24px; }
  .kpi { border: 1px solid #ddd; border-radius: 6px; padding: 8px 10px; }
  .kpi .name { color: #555; font-size: 12px; } .kpi .value { font-size: 20px; font-weight: 600; }
  .kpi .change { font-size: 12px; color: #555; }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
  section.chart-card { border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
  .definition { color: #444; margin: 0 0 8px; font-size: 13px; }
  .empty { color: #777; font-style: italic; padding: 40px 0; text-align: center; }
  details { font-size: 12px; color: #444; } table { border-collapse: collapse; } td, th { padding: 1px 6px; text-align: right; }
</style>
<script>
// vega-embed bundle with Vega-Lite {{ vegalite_version }}, from vl-convert-python
{{ bundle|safe }}
</script>
</head>
<body>
<header>
  <h1>RevOps KPI report: {{ data.period_label }}</h1>
  <p class="context">{{ data.cut.period_type }} {{ data.period_start }} to {{ data.period_end }};
  {{ data.cut.describe() }}; as of {{ data.as_of or "unknown" }}; amounts in {{ data.currency or "the reporting currency" }}{% if data.previous_label %};
  change against {{ data.previous_label }}{% endif %}.</p>
</header>
<main>
<h2 id="scorecard">Headline scorecard</h2>
{% if data.headline %}
<div class="scorecard">
{% for kpi in headline %}
  <div class="kpi" data-metric="{{ kpi.metric }}" title="{{ kpi.definition }}">
    <div class="name">{{ kpi.name }}</div>
    <div class="value">{{ kpi.value }}</div>
    <div class="change">{{ kpi.change }}</div>
  </div>
{% endfor %}
</div>
{% else %}
<p class="empty">{{ no_data }}</p>
{% endif %}
<div class="charts">
{% for chart in charts %}
<section class="chart-card" id="{{ chart.name }}" aria-labelledby="{{ chart.name }}-title">
  <h2 id="{{ chart.name }}-title">{{ chart.title }}</h2>
  <p class="definition">{{ chart.definition }} <a href="{{ chart.doc }}">Definition: {{ chart.model }}</a></p>
  {% if chart.spec %}
  <div class="chart" data-chart="{{ chart.name }}"></div>
  <details><summary>The numbers</summary>{{ chart.table|safe }}</details>
  {% else %}
  <p class="empty" data-empty="{{ chart.name }}">{{ no_data }}</p>
  {% endif %}
</section>
{% endfor %}
</div>
</main>
<script>
  const specs = {{ specs|safe }};
  for (const [name, spec] of Object.entries(specs)) {
    vegaEmbed(`[data-chart="${name}"]`, spec, {renderer: "svg", actions: false}).catch(console.error);
  }
</script>
</body>
</html>
""", autoescape=True)


def render_page(data: ReportData, charts: list[Chart], out: Path, project_root: Path) -> str:
    import vl_convert

    vegalite_version = alt.SCHEMA_VERSION.lstrip("v")
    bundle = vl_convert.javascript_bundle(vl_version=".".join(vegalite_version.split(".")[:2]))
    specs = {chart.name: chart.spec for chart in charts if chart.spec}
    definitions = {name: info.definition for name, info in metric_catalog(project_root).items()}
    return _PAGE.render(
        data=data,
        headline=[_headline(now, before, definitions) for now, before in data.headline],
        charts=[{
            "name": chart.name, "title": chart.title, "definition": chart.definition, "model": chart.model,
            "doc": _doc_link(chart.model, out, project_root), "spec": chart.spec,
            "table": _table(chart.rows),
        } for chart in charts],
        no_data=NO_DATA,
        bundle=bundle.replace("</script", "<\\/script"),
        vegalite_version=vegalite_version,
        specs=_script_json(specs),
    )


def _headline(now: ScorecardRow, before: ScorecardRow | None, definitions: dict[str, str]) -> dict:
    return {
        "metric": now.metric_name,
        "definition": definitions.get(now.metric_name, ""),
        "name": label(now.metric_name),
        "value": format_value(now.value, now.unit),
        "change": _change(now, before),
    }


def _change(now: ScorecardRow, before: ScorecardRow | None) -> str:
    """The change on the previous period, as `revops kpis --compare previous` counts it
    (scorecard.change: points for ratios, per cent of the previous value otherwise)."""
    if before is None or now.value is None or before.value is None:
        return "no previous value"
    amount = change(now.value, before.value, now.unit)
    if amount is None:
        return f"from 0 in {before.period_label}"
    if change_kind(now.unit) == "points":
        return f"{amount:+.1f} pts vs {before.period_label}"
    return f"{amount:+.1f}% vs {before.period_label}"


def _doc_link(model: str, out: Path, project_root: Path) -> str:
    """The KPI's doc file, relative to the report, so the link works offline where the
    report was written (exports/ in the project by default)."""
    target = project_root / DOCS[model]
    relative = os.path.relpath(target, out.resolve().parent)
    return Path(relative).as_posix()


def _table(rows: list[dict]) -> str:
    if not rows:
        return ""
    columns = [column for column in rows[0] if column not in ("order", "period_start", "from", "to", "kind")]
    head = "".join(f"<th>{html.escape(column)}</th>" for column in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(row[column]))}</td>" for column in columns) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.0f}"
    return str(value)


def _script_json(value) -> str:
    # inside <script>, "</" would end the element
    return json.dumps(value, sort_keys=True).replace("</", "<\\/")
