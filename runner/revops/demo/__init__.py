"""The demo company: "Northwind Analytics", a B2B SaaS seller, as raw contract tables.

`generate_demo_company(out_dir)` writes one CSV per contract table (the 16 names in
DEMO_TABLES, columns exactly as CONTRACT_COLUMNS) and returns {table: row_count}.

Deterministic: one `random.Random(seed)` drives everything, nothing reads the clock,
and files are written with "\\n" line endings, so the same seed and scale give
byte-identical files. `scale` multiplies the number of accounts (and with them
deals, leads, activities, subscriptions, invoices, payments and usage; above 1 the
sales team grows with round(scale) too). Rows are streamed to the files account by
account, so large scales (e.g. 200) do not hold whole tables in memory.

Conventions a SQL modeller needs:
- "Today" is 2025-12-15 (AS_OF), the latest event of any kind. Only expected close
  dates of open deals, subscription `period_end` (annual terms), 2026-Q1 quotas,
  forecasts for 2026-01-01 (submitted by 2025-12-15) and invoice `due_at` lie after it.
- opportunities.amount is the deal's annual value (ARR) in the account currency: new
  business = the new subscription's monthly charge x 12, expansion = the ARR added,
  renewal = the ARR of the new term (the current ARR when lost). Two closed-won
  "Service Credit" expansion deals carry a negative amount; three lost deals carry 0.
- subscriptions.amount is the charge per billing interval (month / quarter / year) in
  the account currency, before tax; MRR = amount / 1, 3 or 12. A change of price,
  seats or plan, and each annual renewal, is a new row of the same subscription_id
  starting at the previous row's period_end. Monthly and quarterly rows still running
  have an empty period_end; annual rows always carry their term end (possibly after
  today; the renewal appears as a new row once the term has started). A churn is a
  subscription's last row with a period_end and a cancel_reason (scheduled, when
  that period_end lies after today). A returning customer gets a new subscription_id.
- opportunity_history: the first row of a deal (changed_at = the deal's created_at)
  carries all four values; later rows carry the values that changed (some carry a
  full snapshot); an empty cell means "unchanged since the previous row", so
  forward-fill each column by changed_at. The last non-empty value of each column
  equals the opportunities row. (opportunity_id, changed_at) is unique.
- Payments: one row per attempt. A refund is a separate row with status `refunded`
  and a positive amount (the money returned) on an invoice that also has its
  original `succeeded` payment; the invoice stays `paid`. paid_at = the succeeded
  attempt's attempted_at.
- invoices.total includes tax (0% USD, 20% VAT EUR/GBP, 10% GST AUD); one invoice per
  billing period, issued on the period's first day. A voided invoice is re-issued as
  a new invoice for the same period.
- Quotas and forecasts are in USD and measure closed-won deals of every type by
  owner and close-date quarter (amounts converted at the month's rate).

The package, by subject: reference.py (reference data and value helpers),
entities.py, generator.py (state, order, users, accounts), sales.py, billing.py,
planning.py, writing.py, and elt_landing.py (the same company as Salesforce and Stripe
land it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .generator import _Generator
from .reference import AS_OF, CONTRACT_COLUMNS, DEMO_TABLES

__all__ = ["AS_OF", "CONTRACT_COLUMNS", "DEMO_TABLES", "generate_demo_company"]


def generate_demo_company(out_dir: Path, *, seed: int = 42, scale: float = 1.0,
                          progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write one CSV per contract table into out_dir; return {table: row_count}.

    Same seed and scale give byte-identical files. `progress(table, rows)` is called
    as each file is completed.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    generator = _Generator(seed, scale)
    try:
        return generator.run(out_dir, progress)
    finally:
        for sink in generator.sinks.values():
            sink.handle.close()
