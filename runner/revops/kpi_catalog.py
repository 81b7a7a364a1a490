"""The scorecard's metrics as a person reads them: name, label, unit and a one-line
definition, for `revops kpis --list`, the kpis JSON and the report's headline.

Nothing here is written twice. Which KPI model and column each metric comes from, and
its unit, is read from the scorecard's definition (macros/conventions/scorecard_metrics.sql,
the macro kpi_scorecard is built from); the definition is that column's description
in the KPI model's YAML (a `doc()` block resolved from the docs beside it). Only the
labels of acronyms are this module's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: --list in a blink
SCORECARD_METRICS = Path("macros/conventions/scorecard_metrics.sql")
KPI_MODELS = Path("models/kpis")

# Labels a name cannot spell by itself (acronyms); the rest are the name in words.
_LABELS = {
    "arr": "ARR", "net_new_arr": "Net new ARR", "expansion_arr": "Expansion ARR",
    "mrr": "MRR", "net_new_mrr": "Net new MRR", "upsell_mrr": "Upsell MRR", "arpa": "ARPA",
    "gross_mrr_churn_rate": "Gross MRR churn rate",
    "net_revenue_retention": "Net revenue retention (NRR)",
    "gross_revenue_retention": "Gross revenue retention (GRR)",
    "net_revenue_retention_t12m": "Net revenue retention, trailing 12 months",
    "gross_revenue_retention_t12m": "Gross revenue retention, trailing 12 months",
    "monthly_logo_churn_rate_t6m": "Monthly logo churn rate, trailing 6 months",
    "days_sales_outstanding": "Days sales outstanding (DSO)",
    "customer_acquisition_cost": "Customer acquisition cost (CAC)",
    "paid_customer_acquisition_cost": "Paid customer acquisition cost (paid CAC)",
    "customer_lifetime_value": "Customer lifetime value (LTV)",
    "receivables_1_30_days_past_due": "Receivables 1-30 days past due",
    "receivables_31_60_days_past_due": "Receivables 31-60 days past due",
    "receivables_61_90_days_past_due": "Receivables 61-90 days past due",
    "receivables_over_90_days_past_due": "Receivables over 90 days past due",
}

# The scorecard's units as a person reads them.
UNITS = {"ratio": "% (ratio)", "multiple": "x (multiple)", "days": "days", "count": "count",
         "currency": "currency", "currency_per_day": "currency/day"}

# {'metric': 'win_rate', 'model': 'kpi_win_rate', 'unit': 'ratio', 'value': 'win_rate', ...}
_ENTRY = re.compile(r"\{'metric':\s*'(\w+)',\s*'model':\s*'(\w+)',\s*'unit':\s*'(\w+)',\s*'value':\s*'(\w+)'")
_DOC_CALL = re.compile(r"""^\{\{\s*doc\(\s*["'](\w+)["']\s*\)\s*\}\}$""")
_DOC_BLOCK = re.compile(r"\{%-?\s*docs\s+(\w+)\s*-?%\}(.*?)\{%-?\s*enddocs\s*-?%\}", re.DOTALL)
# The scorecard's columns say what they are ("Value.", "Value, days."); a definition need not.
_ROLE_PREFIX = re.compile(r"^(Value( and component)?(, \w+)?\.\s+)")


@dataclass(frozen=True)
class MetricInfo:
    name: str
    label: str
    unit: str
    model: str
    definition: str


def label(name: str) -> str:
    return _LABELS.get(name) or name.replace("_", " ").capitalize()


def describe_unit(unit: str) -> str:
    return UNITS.get(unit, unit)


def metric_catalog(project_root: Path) -> dict[str, MetricInfo]:
    """Every scorecard metric, in the scorecard definition's order."""
    return dict(_catalog(Path(project_root).resolve()))


@lru_cache(maxsize=4)
def _catalog(root: Path) -> tuple[tuple[str, MetricInfo], ...]:
    entries = _ENTRY.findall((root / SCORECARD_METRICS).read_text(encoding="utf-8"))
    if not entries:
        raise ValueError(f"no metric found in {root / SCORECARD_METRICS}")
    descriptions, docs = _column_descriptions(root / KPI_MODELS)
    catalog = []
    for metric, model, unit, column in entries:
        text = descriptions.get((model, column)) or ""
        call = _DOC_CALL.match(text.strip())
        if call:
            text = docs.get(call.group(1), "")
        catalog.append((metric, MetricInfo(metric, label(metric), unit, model, one_line(text))))
    return tuple(catalog)


def _column_descriptions(folder: Path) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    descriptions: dict[tuple[str, str], str] = {}
    for path in sorted(folder.rglob("*.yml")):
        for model in (yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}).get("models", []):
            for column in model.get("columns", []):
                descriptions[(model["name"], column["name"])] = column.get("description") or ""
    docs = {name: body for path in sorted(folder.rglob("*.md"))
            for name, body in _DOC_BLOCK.findall(path.read_text(encoding="utf-8"))}
    return descriptions, docs


def one_line(description: str) -> str:
    """The description's first sentence on one line, without its column-role prefix."""
    text = _ROLE_PREFIX.sub("", " ".join(description.split()))
    first = re.split(r"(?<=[.])\s+(?=[A-Z])", text, maxsplit=1)[0]
    return first
