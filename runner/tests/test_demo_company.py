"""The demo company generator: determinism, the contract's shape, internal consistency
and the edge cases the models must handle."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from revops.demo import AS_OF, CONTRACT_COLUMNS, DEMO_TABLES, generate_demo_company

TODAY = "2025-12-15"

PRIMARY_KEYS = {
    "accounts": ("account_id",),
    "users": ("user_id",),
    "leads": ("lead_id",),
    "opportunities": ("opportunity_id",),
    "opportunity_history": ("opportunity_id", "changed_at"),
    "opportunity_stages": ("stage_name",),
    "forecasts": ("user_id", "period_start", "submitted_at", "forecast_category"),
    "quotas": ("user_id", "period_start"),
    "activities": ("activity_id",),
    "subscriptions": ("subscription_id", "period_start"),
    "invoices": ("invoice_id",),
    "payments": ("payment_id",),
    "expenses": ("spent_on", "expense_type", "channel", "campaign", "currency"),
    "lead_sources": ("source",),
    "fx_rates": ("currency", "rate_date"),
    "product_usage": ("account_id", "usage_date"),
}

# (table, column) -> (referenced table, column)
FOREIGN_KEYS = {
    ("accounts", "parent_account_id"): ("accounts", "account_id"),
    ("accounts", "owner_user_id"): ("users", "user_id"),
    ("users", "manager_user_id"): ("users", "user_id"),
    ("leads", "source"): ("lead_sources", "source"),
    ("leads", "converted_account_id"): ("accounts", "account_id"),
    ("leads", "converted_opportunity_id"): ("opportunities", "opportunity_id"),
    ("opportunities", "account_id"): ("accounts", "account_id"),
    ("opportunities", "stage_name"): ("opportunity_stages", "stage_name"),
    ("opportunities", "owner_user_id"): ("users", "user_id"),
    ("opportunities", "source"): ("lead_sources", "source"),
    ("opportunity_history", "opportunity_id"): ("opportunities", "opportunity_id"),
    ("opportunity_history", "stage_name"): ("opportunity_stages", "stage_name"),
    ("forecasts", "user_id"): ("users", "user_id"),
    ("quotas", "user_id"): ("users", "user_id"),
    ("activities", "account_id"): ("accounts", "account_id"),
    ("activities", "user_id"): ("users", "user_id"),
    ("subscriptions", "account_id"): ("accounts", "account_id"),
    ("invoices", "account_id"): ("accounts", "account_id"),
    ("invoices", "subscription_id"): ("subscriptions", "subscription_id"),
    ("payments", "invoice_id"): ("invoices", "invoice_id"),
    ("product_usage", "account_id"): ("accounts", "account_id"),
}

# Columns holding events: none may lie after today (the latest must be today).
EVENT_COLUMNS = {
    "accounts": ("created_at",),
    "leads": ("created_at", "converted_at"),
    "opportunities": ("created_at",),
    "opportunity_history": ("changed_at",),
    "forecasts": ("submitted_at",),
    "activities": ("occurred_at",),
    "subscriptions": ("period_start",),
    "invoices": ("issued_at", "paid_at", "voided_at"),
    "payments": ("attempted_at",),
    "expenses": ("spent_on",),
    "fx_rates": ("rate_date",),
    "product_usage": ("usage_date",),
}


def _read(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _utc(value: str) -> datetime:
    """An ISO 8601 timestamp or date; no offset = UTC."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _day(value: str) -> str:
    return _utc(value).date().isoformat()


def _quarter(day: str) -> tuple[int, int]:
    return int(day[:4]), (int(day[5:7]) - 1) // 3


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict[str, int], list[tuple[str, int]]]:
    folder = tmp_path_factory.mktemp("demo")
    calls: list[tuple[str, int]] = []
    counts = generate_demo_company(folder, progress=lambda table, rows: calls.append((table, rows)))
    return folder, counts, calls


@pytest.fixture(scope="module")
def tables(demo) -> dict[str, list[dict[str, str]]]:
    folder, _, _ = demo
    return {table: _read(folder, table) for table in DEMO_TABLES}


# --------------------------------------------------------------------------- shape


def test_writes_every_table_and_reports_counts(demo, tables):
    folder, counts, calls = demo
    assert len(DEMO_TABLES) == 16
    assert sorted(p.name for p in folder.glob("*.csv")) == sorted(f"{t}.csv" for t in DEMO_TABLES)
    assert list(counts) == list(DEMO_TABLES)
    assert sorted(calls) == sorted(counts.items())
    for table in DEMO_TABLES:
        assert counts[table] == len(tables[table]) > 0, table
    assert sum(counts.values()) < 80_000


def test_headers_follow_the_contract(demo):
    folder, _, _ = demo
    assert set(CONTRACT_COLUMNS) == set(DEMO_TABLES)
    for table in DEMO_TABLES:
        with (folder / f"{table}.csv").open(newline="") as handle:
            assert tuple(next(csv.reader(handle))) == CONTRACT_COLUMNS[table], table
    # hard-coded copies, so a change to CONTRACT_COLUMNS cannot slip through unnoticed
    assert CONTRACT_COLUMNS["opportunities"] == (
        "opportunity_id", "account_id", "created_at", "stage_name", "is_closed", "is_won", "amount", "currency",
        "close_date", "owner_user_id", "opportunity_name", "opportunity_type", "source", "forecast_category",
        "probability", "lost_reason")
    assert CONTRACT_COLUMNS["subscriptions"] == (
        "subscription_id", "account_id", "period_start", "amount", "billing_interval", "currency", "period_end",
        "product", "quantity", "cancel_reason")
    assert CONTRACT_COLUMNS["invoices"] == (
        "invoice_id", "account_id", "issued_at", "total", "currency", "status", "subscription_id", "due_at", "tax",
        "paid_at", "voided_at")


def test_files_use_unix_line_endings_and_two_decimal_money(demo, tables):
    folder, _, _ = demo
    assert b"\r" not in (folder / "opportunities.csv").read_bytes()
    money = {"opportunities": ("amount",), "subscriptions": ("amount",), "invoices": ("total", "tax"),
             "payments": ("amount",), "forecasts": ("amount",), "quotas": ("amount",), "expenses": ("amount",)}
    for table, columns in money.items():
        for row in tables[table]:
            for column in columns:
                value = row[column]
                if value:
                    whole, _, cents = value.lstrip("-").partition(".")
                    assert whole.isdigit() and len(cents) == 2, (table, column, value)


def test_generation_is_deterministic(tmp_path):
    first = generate_demo_company(tmp_path / "a", seed=7, scale=0.3)
    second = generate_demo_company(tmp_path / "b", seed=7, scale=0.3)
    assert first == second
    for table in DEMO_TABLES:
        name = f"{table}.csv"
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), table
    other = generate_demo_company(tmp_path / "c", seed=8, scale=0.3)
    assert (tmp_path / "a" / "opportunities.csv").read_bytes() != (tmp_path / "c" / "opportunities.csv").read_bytes()
    assert other["opportunity_stages"] == 7


def test_scale_multiplies_the_accounts(tmp_path, demo):
    _, counts, _ = demo
    doubled = generate_demo_company(tmp_path / "x2", scale=2.0)
    assert doubled["accounts"] == 2 * counts["accounts"]
    for table in ("opportunities", "subscriptions", "invoices", "leads", "activities"):
        assert 1.6 < doubled[table] / counts[table] < 2.4, table
    assert doubled["opportunity_stages"] == counts["opportunity_stages"]
    assert doubled["fx_rates"] == counts["fx_rates"]


# --------------------------------------------------------------------------- keys


def test_primary_keys_are_unique_and_present(tables):
    for table, key in PRIMARY_KEYS.items():
        values = [tuple(row[c] for c in key) for row in tables[table]]
        duplicates = [k for k, n in Counter(values).items() if n > 1]
        assert not duplicates, (table, duplicates[:3])
        for row in tables[table]:
            for column in key:
                if not (table == "expenses" and column == "campaign"):
                    assert row[column] != "", (table, column)


def test_ids_have_prefixes(tables):
    prefixes = {("accounts", "account_id"): ("ACC-", 5), ("users", "user_id"): ("USR-", 3),
                ("leads", "lead_id"): ("LEAD-", 6), ("opportunities", "opportunity_id"): ("OPP-", 6),
                ("subscriptions", "subscription_id"): ("SUB-", 5), ("invoices", "invoice_id"): ("INV-", 6),
                ("payments", "payment_id"): ("PAY-", 6), ("activities", "activity_id"): ("ACT-", 6)}
    for (table, column), (prefix, width) in prefixes.items():
        for row in tables[table]:
            value = row[column]
            assert value.startswith(prefix) and len(value) == len(prefix) + width, (table, value)


def test_foreign_keys_resolve(tables):
    for (table, column), (target, target_column) in FOREIGN_KEYS.items():
        known = {row[target_column] for row in tables[target]}
        missing = {row[column] for row in tables[table] if row[column] and row[column] not in known}
        assert not missing, (table, column, sorted(missing)[:5])


def test_every_non_usd_currency_has_rates_from_the_start(tables):
    rated = defaultdict(list)
    for row in tables["fx_rates"]:
        rated[row["currency"]].append(row["rate_date"])
    assert "USD" not in rated
    assert sorted(rated) == ["AUD", "EUR", "GBP"]
    for currency, days in rated.items():
        assert min(days) == "2022-01-01" and max(days) == "2025-12-01" and len(days) == 48
    bounds = {"EUR": (1.05, 1.12), "GBP": (1.2, 1.3), "AUD": (0.63, 0.70)}
    for row in tables["fx_rates"]:
        lo, hi = bounds[row["currency"]]
        assert lo <= float(row["rate_to_reporting"]) <= hi
        assert len(row["rate_to_reporting"].split(".")[1]) == 6
    for table in ("opportunities", "subscriptions", "invoices", "payments", "expenses", "forecasts", "quotas"):
        for row in tables[table]:
            assert row["currency"] == "USD" or row["currency"] in rated, (table, row["currency"])


def test_an_accounts_money_is_in_its_currency(tables):
    region_currency = {"NA": {"USD"}, "EMEA": {"EUR", "GBP"}, "APAC": {"AUD", "USD"}}
    account_currency: dict[str, str] = {}
    for table in ("opportunities", "subscriptions", "invoices"):
        for row in tables[table]:
            assert account_currency.setdefault(row["account_id"], row["currency"]) == row["currency"], table
    regions = {row["account_id"]: row["region"] for row in tables["accounts"]}
    for account, currency in account_currency.items():
        assert currency in region_currency[regions[account]]
    invoice_currency = {row["invoice_id"]: row["currency"] for row in tables["invoices"]}
    for row in tables["payments"]:
        assert row["currency"] == invoice_currency[row["invoice_id"]]


# --------------------------------------------------------------------------- time


def test_the_latest_event_is_today(tables):
    latest = []
    for table, columns in EVENT_COLUMNS.items():
        for column in columns:
            days = [_day(row[column]) for row in tables[table] if row[column]]
            assert max(days) <= TODAY, (table, column, max(days))
            latest.append(max(days))
    assert max(latest) == TODAY == AS_OF.isoformat()
    # several kinds of events fall on today itself
    assert any(row["usage_date"] == TODAY for row in tables["product_usage"])
    assert any(_day(row["occurred_at"]) == TODAY for row in tables["activities"])


def test_only_the_allowed_columns_lie_after_today(tables):
    open_deals = [row for row in tables["opportunities"] if row["is_closed"] == "false"]
    closed = [row for row in tables["opportunities"] if row["is_closed"] == "true"]
    assert all(row["close_date"] and row["close_date"] <= TODAY for row in closed)
    future = [row for row in open_deals if row["close_date"] > TODAY]
    assert len(future) > 0.4 * len(open_deals)
    assert max(row["close_date"] for row in open_deals) <= "2026-07-31"  # up to mid-2026
    assert sum(1 for row in future if row["close_date"] < "2026-04-01") >= 30  # next quarter's pipeline
    assert any(row["close_date"] < TODAY for row in open_deals)  # some slipped past their date
    assert max(row["period_start"] for row in tables["quotas"]) == "2026-01-01"
    assert max(row["period_start"] for row in tables["forecasts"]) == "2026-01-01"
    later_ends = [row for row in tables["subscriptions"] if row["period_end"] > TODAY]
    assert later_ends and all(row["billing_interval"] == "year" for row in later_ends)


def test_history_starts_in_2023_except_legacy_customers(tables):
    for table, column in (("leads", "created_at"), ("opportunities", "created_at"),
                          ("activities", "occurred_at")):
        assert min(_day(row[column]) for row in tables[table]) >= "2023-01-01", table
    early = [row for row in tables["accounts"] if _day(row["created_at"]) < "2023-01-01"]
    assert len(early) == 3


def test_timestamps_come_in_several_spellings(tables):
    for table, column in (("accounts", "created_at"), ("opportunities", "created_at"),
                          ("activities", "occurred_at")):
        values = [row[column] for row in tables[table]]
        zulu = sum(v.endswith("Z") for v in values)
        naive = sum(" " in v for v in values)
        offset = sum(("+" in v or v[19:20] == "-") for v in values)
        assert zulu + naive + offset == len(values)
        assert naive > 0 and offset > 0 and zulu > 0.8 * len(values), table


def test_each_boolean_spelling_is_used(tables):
    assert {row["is_closed"] for row in tables["opportunities"]} == {"true", "false"}
    assert {row["is_won"] for row in tables["opportunities"]} == {"true", "false"}
    assert {row["is_active"] for row in tables["users"]} == {"1", "0"}
    assert {row["is_won"] for row in tables["opportunity_stages"]} == {"1", "0"}
    assert {row["is_target_account"] for row in tables["accounts"]} == {"yes", "no"}
    assert {row["is_marketing"] for row in tables["lead_sources"]} == {"yes", "no"}


# --------------------------------------------------------------------------- deals


def test_stages_and_deal_flags_agree(tables):
    stages = {row["stage_name"]: row for row in tables["opportunity_stages"]}
    assert [row["stage_name"] for row in tables["opportunity_stages"]] == [
        "Prospecting", "Qualification", "Solution", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]
    for row in tables["opportunities"]:
        stage = stages[row["stage_name"]]
        assert (row["is_closed"] == "true") == (stage["is_closed"] == "1")
        assert (row["is_won"] == "true") == (stage["is_won"] == "1")
        assert 0 <= float(row["probability"]) <= 100
        assert (row["lost_reason"] != "") == (row["stage_name"] == "Closed Lost")
        assert row["opportunity_type"] in ("new_business", "expansion", "renewal")


def test_deal_mix_is_plausible(tables):
    deals = tables["opportunities"]
    closed = [row for row in deals if row["is_closed"] == "true"]
    won = [row for row in closed if row["is_won"] == "true"]
    assert 1000 <= len(deals) <= 2000
    assert 0.25 <= len(won) / len(closed) <= 0.35
    assert 100 <= len(deals) - len(closed) <= 200
    reasons = Counter(row["lost_reason"] for row in closed if row["is_won"] == "false")
    assert reasons["duplicate"] >= 8 and reasons["merged"] >= 2
    assert {"price", "competitor", "no_decision", "timing"} <= set(reasons)
    assert sum(1 for row in closed if float(row["amount"]) < 0) == 2
    assert sum(1 for row in closed if float(row["amount"]) == 0) == 3
    owners = {row["user_id"]: row for row in tables["users"]}
    assert all("Account Executive" in owners[row["owner_user_id"]]["title"] for row in deals)
    departed = {u for u, row in owners.items() if row["is_active"] == "0"}
    assert len(departed) == 1 and any(row["owner_user_id"] in departed for row in deals)


def test_history_replays_to_the_deal(tables):
    """Forward-filling each history column by changed_at gives the deal's current values."""
    deals = {row["opportunity_id"]: row for row in tables["opportunities"]}
    by_deal = defaultdict(list)
    for row in tables["opportunity_history"]:
        by_deal[row["opportunity_id"]].append(row)
    assert set(by_deal) == set(deals)
    sparse = 0
    for deal_id, rows in by_deal.items():
        rows.sort(key=lambda r: _utc(r["changed_at"]))
        deal = deals[deal_id]
        first = rows[0]
        assert _utc(first["changed_at"]) == _utc(deal["created_at"])
        assert all(first[c] for c in ("stage_name", "amount", "close_date", "forecast_category"))
        state = {}
        for row in rows:
            sparse += any(row[c] == "" for c in ("stage_name", "amount", "close_date", "forecast_category"))
            state.update({c: v for c, v in row.items() if v})
        assert state["stage_name"] == deal["stage_name"], deal_id
        assert state["amount"] == deal["amount"], deal_id
        assert state["close_date"] == deal["close_date"], deal_id
        assert state["forecast_category"] == deal["forecast_category"], deal_id
    assert sparse > 1000


def test_close_dates_are_pushed_and_pulled(tables):
    pushed = pulled = pushed_across = amount_changed = 0
    by_deal = defaultdict(list)
    for row in tables["opportunity_history"]:
        by_deal[row["opportunity_id"]].append(row)
    for rows in by_deal.values():
        rows.sort(key=lambda r: _utc(r["changed_at"]))
        closes = [row["close_date"] for row in rows if row["close_date"]]
        moves = list(zip(closes, closes[1:]))
        pushed += any(b > a for a, b in moves)
        pushed_across += any(b > a and _quarter(b) != _quarter(a) for a, b in moves)
        pulled += any(b < a and _quarter(b) < _quarter(a) for a, b in moves)
        amounts = [row["amount"] for row in rows if row["amount"]]
        amount_changed += len(set(amounts)) > 1
    n = len(by_deal)
    assert pushed >= 0.15 * n and pushed_across >= 0.05 * n
    assert pulled >= 0.04 * n
    assert amount_changed >= 0.05 * n


def test_converted_leads_point_at_new_business(tables):
    deals = {row["opportunity_id"]: row for row in tables["opportunities"]}
    leads = tables["leads"]
    converted = [row for row in leads if row["status"] == "converted"]
    assert 0.10 <= len(converted) / len(leads) <= 0.22
    for lead in leads:
        assert (lead["status"] == "converted") == bool(lead["converted_opportunity_id"])
    for lead in converted:
        deal = deals[lead["converted_opportunity_id"]]
        assert deal["account_id"] == lead["converted_account_id"]
        assert deal["opportunity_type"] == "new_business"
        assert deal["source"] == lead["source"]
        assert _utc(lead["created_at"]) <= _utc(lead["converted_at"]) == _utc(deal["created_at"])
    assert {row["status"] for row in leads} == {"new", "working", "qualified", "disqualified", "converted"}


# --------------------------------------------------------------------------- customers and billing


def _subscriptions(tables) -> dict[str, list[dict[str, str]]]:
    subs = defaultdict(list)
    for row in tables["subscriptions"]:
        subs[row["subscription_id"]].append(row)
    for rows in subs.values():
        rows.sort(key=lambda r: r["period_start"])
    return subs


def test_subscription_rows_chain_without_gaps(tables):
    for sub_id, rows in _subscriptions(tables).items():
        assert len({r["account_id"] for r in rows}) == 1 and len({r["billing_interval"] for r in rows}) == 1
        for previous, row in zip(rows, rows[1:]):
            assert previous["period_end"] == row["period_start"], sub_id
            assert previous["cancel_reason"] == ""
        for row in rows:
            assert row["period_end"] == "" or row["period_end"] > row["period_start"]
            if row["billing_interval"] == "year":
                assert row["period_end"], sub_id
        last = rows[-1]
        if last["cancel_reason"]:
            assert last["period_end"]
        elif last["billing_interval"] != "year":
            assert last["period_end"] == "", sub_id  # a churn always says why


def test_customer_edge_cases(tables):
    subs = _subscriptions(tables)
    by_account = defaultdict(list)
    for sub_id, rows in subs.items():
        by_account[rows[0]["account_id"]].append(rows)
    # reactivation: churned, then a new subscription_id months later
    reactivated = 0
    for account_subs in by_account.values():
        account_subs.sort(key=lambda rows: rows[0]["period_start"])
        for earlier, later in zip(account_subs, account_subs[1:]):
            assert earlier[-1]["period_end"] and earlier[-1]["cancel_reason"]
            gap = date.fromisoformat(later[0]["period_start"]) - date.fromisoformat(earlier[-1]["period_end"])
            reactivated += gap.days >= 30
    assert reactivated >= 5
    assert sum(1 for rows in subs.values() if rows[0]["period_start"] < "2023-01-01") == 3
    same_month = [rows for rows in subs.values()
                  if rows[-1]["period_end"] and rows[0]["period_start"][:7] == rows[-1]["period_end"][:7]]
    assert len(same_month) >= 2
    assert {row["cancel_reason"] for row in tables["subscriptions"]} == {"", "voluntary", "involuntary"}
    intervals = Counter(rows[0]["billing_interval"] for rows in subs.values())
    assert intervals["month"] > intervals["year"] > intervals["quarter"] > 0
    assert any(len({r["quantity"] for r in rows}) > 1 for rows in subs.values())  # seat changes
    assert any(len({r["product"] for r in rows}) > 1 for rows in subs.values())  # plan changes
    customers = len(by_account)
    active = {rows[0]["account_id"] for rows in subs.values()
              if rows[-1]["period_end"] == "" or (rows[-1]["period_end"] > TODAY and not rows[-1]["cancel_reason"])}
    assert 200 <= customers <= 300 and 150 <= len(active) <= 230


def test_invoice_statuses_and_payments(tables):
    invoices = {row["invoice_id"]: row for row in tables["invoices"]}
    statuses = Counter(row["status"] for row in invoices.values())
    assert set(statuses) == {"draft", "open", "paid", "void", "uncollectible"}
    assert statuses["paid"] / len(invoices) > 0.85
    payments = defaultdict(list)
    for row in tables["payments"]:
        payments[row["invoice_id"]].append(row)
    refunds = 0
    for invoice_id, invoice in invoices.items():
        assert _utc(invoice["due_at"]) > _utc(invoice["issued_at"])
        total, tax = float(invoice["total"]), float(invoice["tax"])
        assert tax >= 0 and total > tax
        attempts = sorted(payments.get(invoice_id, []), key=lambda p: _utc(p["attempted_at"]))
        succeeded = [p for p in attempts if p["status"] == "succeeded"]
        if invoice["status"] == "paid":
            assert len(succeeded) == 1 and succeeded[0]["amount"] == invoice["total"]
            assert _utc(succeeded[0]["attempted_at"]) == _utc(invoice["paid_at"])
        else:
            assert not succeeded and invoice["paid_at"] == ""
        assert (invoice["status"] == "void") == bool(invoice["voided_at"])
        if invoice["status"] == "uncollectible":
            assert attempts and all(p["status"] == "failed" for p in attempts)
        for p in attempts:
            assert (p["status"] == "failed") == bool(p["failure_reason"])
            if p["status"] == "refunded":
                refunds += 1
                assert succeeded and _utc(p["attempted_at"]) > _utc(succeeded[0]["attempted_at"])
                assert 0 < float(p["amount"]) <= total
    assert 10 <= refunds <= 25
    paid = [row for row in invoices.values() if row["status"] == "paid"]
    late = sum(1 for row in paid if _utc(row["paid_at"]) > _utc(row["due_at"]))
    assert 0.04 < late / len(paid) < 0.15
    recovered = sum(1 for i, ps in payments.items()
                    if invoices[i]["status"] == "paid" and any(p["status"] == "failed" for p in ps))
    assert recovered >= 10
    buckets = Counter()
    for row in invoices.values():
        if row["status"] == "open":
            overdue = (AS_OF - _utc(row["due_at"]).date()).days
            if overdue > 0:
                buckets[0 if overdue <= 30 else 1 if overdue <= 60 else 2 if overdue <= 90 else 3] += 1
    assert sorted(buckets) == [0, 1, 2, 3]
    drafts = [row for row in invoices.values() if row["status"] == "draft"]
    assert all(row["issued_at"] >= "2025-12-01" for row in drafts)


def test_tax_follows_the_currency(tables):
    rates = {"USD": 0.0, "EUR": 0.2, "GBP": 0.2, "AUD": 0.1}
    for row in tables["invoices"]:
        total, tax = float(row["total"]), float(row["tax"])
        net = total - tax
        assert abs(tax - net * rates[row["currency"]]) <= 0.01, row["invoice_id"]


def test_invoices_follow_the_subscription_rows(tables):
    subs = _subscriptions(tables)
    invoices = defaultdict(list)
    for row in tables["invoices"]:
        if row["status"] != "void":
            invoices[row["subscription_id"]].append(row)
    months = {"month": 1, "quarter": 3, "year": 12}
    for sub_id, rows in subs.items():
        expected = 0
        for row in rows:
            start = date.fromisoformat(row["period_start"])
            end = date.fromisoformat(row["period_end"]) if row["period_end"] else date.max
            step, k = months[row["billing_interval"]], 0
            while True:
                y, m = divmod(start.month - 1 + k * step, 12)
                issue = date(start.year + y, m + 1, start.day)  # subscriptions start on day 1-28
                if issue > AS_OF or issue >= end:
                    break
                expected += 1
                k += 1
        assert len(invoices[sub_id]) == expected, sub_id


# --------------------------------------------------------------------------- the rest


def test_sales_team(tables):
    users = tables["users"]
    titles = Counter(row["title"] for row in users)
    assert titles["Chief Revenue Officer"] == 1
    managers = [row for row in users if row["manager_user_id"] and "Executive" not in row["title"]]
    assert sorted(row["team"] for row in managers) == ["emea", "enterprise", "mid_market", "smb"]
    aes = [row for row in users if "Account Executive" in row["title"]]
    assert 16 <= len(aes) <= 20
    manager_of = {row["team"]: row["user_id"] for row in managers}
    for ae in aes:
        assert ae["manager_user_id"] == manager_of[ae["team"]]
    assert all(row["email"].endswith("@northwind.example") for row in users)
    assert len({row["email"] for row in users}) == len(users)


def test_quotas_and_forecasts_cover_every_quarter(tables):
    quarters = {row["period_start"] for row in tables["quotas"]}
    assert len(quarters) == 13 and min(quarters) == "2023-01-01"
    for row in tables["quotas"]:
        start = date.fromisoformat(row["period_start"])
        assert row["period_end"] == date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1).isoformat()
        assert row["currency"] == "USD"
    assert {row["period_start"] for row in tables["forecasts"]} == quarters
    assert {row["forecast_category"] for row in tables["forecasts"]} == {"commit", "best_case"}
    for row in tables["forecasts"]:
        start = date.fromisoformat(row["period_start"])
        submitted = _utc(row["submitted_at"]).date()
        assert (start - submitted).days <= 28 and submitted <= AS_OF
        assert submitted < date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)


def test_quota_attainment_is_plausible(tables):
    rates = {(row["currency"], row["rate_date"][:7]): float(row["rate_to_reporting"]) for row in tables["fx_rates"]}
    booked = defaultdict(float)
    for row in tables["opportunities"]:
        if row["is_won"] == "true":
            rate = 1.0 if row["currency"] == "USD" else rates[(row["currency"], row["close_date"][:7])]
            quarter = f"{row['close_date'][:4]}-{(int(row['close_date'][5:7]) - 1) // 3 * 3 + 1:02d}-01"
            booked[(row["owner_user_id"], quarter)] += float(row["amount"]) * rate
    aes = {row["user_id"] for row in tables["users"] if "Account Executive" in row["title"]}
    ratios = [booked[(row["user_id"], row["period_start"])] / float(row["amount"]) for row in tables["quotas"]
              if row["user_id"] in aes and row["period_start"] < "2025-10-01"]
    within = sum(1 for x in ratios if 0.4 <= x <= 1.5)
    assert within / len(ratios) > 0.75


def test_expenses_and_usage(tables):
    expenses = tables["expenses"]
    assert {row["expense_type"] for row in expenses} == {"marketing", "sales"}
    assert {row["channel"] for row in expenses if row["expense_type"] == "marketing"} == {
        "paid_search", "paid_social", "events", "content"}
    assert {row["currency"] for row in expenses} == {"USD", "EUR"}
    for row in expenses:
        day = date.fromisoformat(row["spent_on"])
        if row["expense_type"] == "marketing":
            assert day.weekday() == 0
        else:
            assert day.day == 1
    usage = tables["product_usage"]
    assert len(usage) <= 20_000
    assert all(date.fromisoformat(row["usage_date"]).weekday() == 0 for row in usage)
    assert all(int(row["active_users"]) >= 0 and int(row["events"]) >= 0 for row in usage)


def test_activities_and_accounts(tables):
    accounts = tables["accounts"]
    n = len(accounts)
    assert Counter(row["segment"] for row in accounts)["smb"] > 0.35 * n
    assert 0.05 * n < sum(1 for row in accounts if row["parent_account_id"]) < 0.15 * n
    assert 0.10 * n < sum(1 for row in accounts if row["is_target_account"] == "yes") < 0.20 * n
    assert 7_000 <= len(tables["activities"]) <= 14_000
    assert {row["activity_type"] for row in tables["activities"]} == {"email", "call", "meeting"}
    created = {row["account_id"]: _utc(row["created_at"]) for row in accounts}
    for row in tables["activities"]:
        assert _utc(row["occurred_at"]) >= created[row["account_id"]]
    users = {row["user_id"]: row for row in tables["users"]}
    for row in tables["opportunities"]:
        hired = _utc(users[row["owner_user_id"]]["hired_at"])
        assert _utc(row["created_at"]) >= hired
