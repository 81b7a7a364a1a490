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
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Callable

from .contract import load_contract
from .project import Project

__all__ = ["AS_OF", "CONTRACT_COLUMNS", "DEMO_TABLES", "generate_demo_company"]

AS_OF = date(2025, 12, 15)
AS_OF_END = datetime(2025, 12, 15, 23, 59, 59)
WINDOW_START = date(2023, 1, 1)
REPORTING_CURRENCY = "USD"
OPEN_HORIZON = AS_OF + timedelta(days=170)  # latest first expected close date of a deal
USAGE_START = date(2024, 1, 1)  # weekly product usage is recorded from here (keeps the demo small)

# The tables and columns come from the contract's one machine-readable copy, in its
# order; the demo writes the spec's columns, so the project's own additions are left out.
_CONTRACT = load_contract(Project.locate().contract_sources)
DEMO_TABLES: tuple[str, ...] = tuple(_CONTRACT)
CONTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    table.name: tuple(column.name for column in table.columns if not column.project_addition)
    for table in _CONTRACT.values()
}

# --------------------------------------------------------------------------- reference data

# (name, order, is_qualified, is_closed, is_won, default_probability)
STAGES: tuple[tuple[str, int, int, int, int, int], ...] = (
    ("Prospecting", 1, 0, 0, 0, 10),
    ("Qualification", 2, 1, 0, 0, 20),
    ("Solution", 3, 1, 0, 0, 40),
    ("Proposal", 4, 1, 0, 0, 60),
    ("Negotiation", 5, 1, 0, 0, 80),
    ("Closed Won", 6, 1, 1, 1, 100),
    ("Closed Lost", 7, 0, 1, 0, 0),
)
_STAGE_NAME = {s[1]: s[0] for s in STAGES}
_STAGE_PROB = {s[1]: s[5] for s in STAGES}
WON, LOST = 6, 7

# (source, is_marketing, channel)
LEAD_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("website", "yes", "organic"),
    ("paid_search", "yes", "paid_search"),
    ("paid_social", "yes", "paid_social"),
    ("webinar", "yes", "events"),
    ("event", "yes", "events"),
    ("referral", "no", "referral"),
    ("outbound", "no", "outbound"),
    ("partner", "no", "partner"),
)
_LEAD_SOURCE_NAMES = tuple(s[0] for s in LEAD_SOURCES)
_LEAD_SOURCE_WEIGHTS = (25, 20, 12, 10, 8, 8, 12, 5)
_CAMPAIGN_LABEL = {"paid_search": "Paid Search", "paid_social": "Paid Social", "events": "Events",
                   "content": "Content"}

FX_BOUNDS = {"EUR": (1.05, 1.12, 1.09), "GBP": (1.20, 1.30, 1.25), "AUD": (0.63, 0.70, 0.67)}
TAX_RATE = {"USD": Decimal("0"), "EUR": Decimal("0.20"), "GBP": Decimal("0.20"), "AUD": Decimal("0.10")}
PRICE_FACTOR = {"USD": 1.0, "EUR": 0.92, "GBP": 0.80, "AUD": 1.50}
LIST_PRICE_USD = {"starter": 25, "growth": 60, "enterprise": 110}  # per seat and month
PRODUCTS = ("starter", "growth", "enterprise")
INTERVAL_NAME = {1: "month", 3: "quarter", 12: "year"}

SEGMENTS = ("enterprise", "mid_market", "smb")
SEGMENT_WEIGHTS = (15, 35, 50)
REGIONS = ("NA", "EMEA", "APAC")
REGION_WEIGHTS = (55, 30, 15)
# (country, currency, weight)
COUNTRIES = {
    "NA": (("US", "USD", 85), ("CA", "USD", 15)),
    "EMEA": (("GB", "GBP", 35), ("DE", "EUR", 25), ("FR", "EUR", 15), ("NL", "EUR", 10), ("IE", "EUR", 8),
             ("ES", "EUR", 7)),
    "APAC": (("AU", "AUD", 55), ("SG", "USD", 20), ("JP", "USD", 15), ("IN", "USD", 10)),
}
INDUSTRIES = (
    ("Software", ("Software", "Labs", "Systems")),
    ("Financial Services", ("Capital", "Financial", "Insurance")),
    ("Healthcare", ("Health", "Medical", "Care")),
    ("Retail", ("Retail", "Stores", "Brands")),
    ("Manufacturing", ("Manufacturing", "Industries", "Works")),
    ("Logistics", ("Logistics", "Freight", "Shipping")),
    ("Media", ("Media", "Studios", "Publishing")),
    ("Education", ("Learning", "Academy", "Education")),
    ("Professional Services", ("Partners", "Consulting", "Group")),
    ("Energy", ("Energy", "Power", "Utilities")),
)
_NAME_A = ("Blue", "Silver", "Iron", "North", "Bright", "Summit", "Cedar", "Harbor", "Granite", "Red", "Golden",
           "Swift", "Clear", "Ever", "Maple", "Oak", "Pine", "River", "Stone", "Sky", "Atlas", "Crescent", "Delta",
           "Echo", "Falcon", "Lumen", "Nova", "Orbit", "Pioneer", "Quantum", "Vertex", "Zenith", "Apex", "Beacon",
           "Coral", "Ember", "Frontier", "Horizon", "Juniper", "Keystone")
_NAME_B = ("peak", "field", "gate", "point", "line", "bridge", "wave", "works", "stone", "leaf", "path", "forge",
           "light", "crest", "ridge", "port", "vale", "brook", "mark", "wind")

# The sales team at scale 1: (first, last, team, title, region, hired_at, left_on)
_CRO = ("Margaret", "Holloway", "leadership", "Chief Revenue Officer", "NA", date(2020, 9, 1))
_MANAGERS = (
    ("Daniel", "Okafor", "enterprise", "Sales Director, Enterprise", "NA", date(2021, 1, 11)),
    ("Priya", "Raman", "mid_market", "Sales Director, Mid-Market", "NA", date(2021, 3, 1)),
    ("Tom", "Becker", "smb", "Sales Manager, SMB", "NA", date(2021, 6, 7)),
    ("Sophie", "Laurent", "emea", "Sales Director, EMEA", "EMEA", date(2021, 4, 12)),
)
_AES = (
    ("James", "Whitfield", "enterprise", "Enterprise Account Executive", "NA", date(2021, 2, 1), None),
    ("Elena", "Vasquez", "enterprise", "Enterprise Account Executive", "NA", date(2021, 9, 13), None),
    ("Marcus", "Chen", "enterprise", "Senior Account Executive", "NA", date(2022, 5, 2), None),
    ("Rachel", "Kim", "enterprise", "Enterprise Account Executive", "NA", date(2024, 3, 4), None),
    ("Olivia", "Grant", "mid_market", "Senior Account Executive", "NA", date(2021, 5, 17), None),
    ("Nathan", "Brooks", "mid_market", "Account Executive", "NA", date(2022, 3, 14), date(2025, 6, 30)),
    ("Aisha", "Patel", "mid_market", "Account Executive", "NA", date(2022, 1, 10), None),
    ("Liam", "Doyle", "mid_market", "Account Executive", "APAC", date(2022, 8, 22), None),
    ("Grace", "Turner", "mid_market", "Account Executive", "NA", date(2025, 2, 3), None),
    ("Ethan", "Walsh", "smb", "Account Executive", "NA", date(2021, 7, 6), None),
    ("Chloe", "Martin", "smb", "Account Executive", "NA", date(2022, 2, 7), None),
    ("Ryan", "Foster", "smb", "Account Executive", "NA", date(2022, 6, 13), None),
    ("Mia", "Nguyen", "smb", "Account Executive", "APAC", date(2022, 4, 4), None),
    ("Noah", "Reed", "smb", "Account Executive", "NA", date(2023, 7, 10), None),
    ("Lukas", "Schneider", "emea", "Senior Account Executive", "EMEA", date(2021, 6, 1), None),
    ("Camille", "Dubois", "emea", "Account Executive", "EMEA", date(2022, 1, 17), None),
    ("Oliver", "Bennett", "emea", "Account Executive", "EMEA", date(2022, 9, 5), None),
    ("Isabel", "Moreno", "emea", "Account Executive", "EMEA", date(2022, 11, 14), None),
    ("Henrik", "Larsen", "emea", "Account Executive", "EMEA", date(2024, 9, 2), None),
)
_EXTRA_FIRST = ("Ava", "Ben", "Cara", "Dev", "Ella", "Finn", "Gia", "Hugo", "Ivy", "Jon", "Kai", "Lena", "Max",
                "Nina", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vik", "Wes", "Xena", "Yara", "Zane")
_EXTRA_LAST = ("Abbott", "Barnes", "Cole", "Dunn", "Ellis", "Frost", "Gill", "Hart", "Irwin", "Jensen", "Kerr",
               "Lowe", "Mills", "Nash", "Owens", "Price", "Quade", "Rhodes", "Shaw", "Tate", "Underwood", "Vance",
               "Webb", "Young", "Zimmer")

LOST_REASONS = ("price", "competitor", "no_decision", "timing")
LOST_REASON_WEIGHTS = (30, 30, 25, 15)
FAILURE_REASONS = ("card_declined", "insufficient_funds", "expired_card")

# Edge-case targets at scale 1 (scaled, never below these minimums).
_TARGETS = {
    "reactivations": 5, "same_month": 2, "duplicates": 10, "merged": 2, "credits": 2, "zero_amount": 3,
    "refunds": 15, "drafts": 4, "open_bucket": 2,
}

# --------------------------------------------------------------------------- small helpers

_CENT = Decimal("0.01")


def _money(x: float | Decimal | int) -> Decimal:
    if not isinstance(x, Decimal):
        x = Decimal(repr(float(x)))
    return x.quantize(_CENT, rounding=ROUND_HALF_UP)


def _m(x: Decimal) -> str:
    return f"{x:.2f}"


def _d(x: date | None) -> str:
    return "" if x is None else x.isoformat()


def _ts(x: datetime | None) -> str:
    return "" if x is None else x.isoformat() + "Z"


def _days_in_month(y: int, m: int) -> int:
    return ((date(y + m // 12, m % 12 + 1, 1)) - date(y, m, 1)).days


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, _days_in_month(y, m)))


def _month_start(d: date) -> date:
    return date(d.year, d.month, 1)


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _next_quarter_start(d: date) -> date:
    return _add_months(_quarter_start(d), 3)


def _next_monday(d: date) -> date:
    """d itself when it is a Monday."""
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _dt(d: date, seconds: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day) + timedelta(seconds=seconds)


# --------------------------------------------------------------------------- entities


@dataclass
class _User:
    user_id: str
    first: str
    last: str
    team: str
    title: str
    region: str
    hired: date
    left: date | None
    role: str  # cro, manager, ae
    manager_id: str = ""
    email: str = ""

    def employed(self, d: date) -> bool:
        return self.hired <= d and (self.left is None or d <= self.left)


@dataclass
class _Account:
    account_id: str
    name: str
    created: datetime
    segment: str
    region: str
    country: str
    currency: str
    industry: str
    parent_id: str
    is_target: bool
    team: str
    owner: _User
    successor: _User | None  # takes over when `owner` leaves
    listed_owner: _User  # owner_user_id as the CRM shows it today
    legacy: bool
    card: bool
    net_days: int

    def owner_at(self, d: date) -> _User:
        if self.successor is not None and self.owner.left is not None and d > self.owner.left:
            return self.successor
        return self.owner


@dataclass
class _Deal:
    kind: str
    created: datetime
    name: str
    owner: _User
    source: str
    amount: Decimal
    close_date: date
    stage: int
    closed_on: date | None  # None = still open
    end: datetime  # closing time, or AS_OF_END when open
    forecast_category: str
    probability: int
    lost_reason: str
    history: list[tuple[datetime, str, str, str, str]]  # changed_at, stage, amount, close_date, category
    last_touch: datetime | None = None  # stalled open deals: nobody has worked them since
    opportunity_id: str = ""

    @property
    def won(self) -> bool:
        return self.stage == WON


@dataclass
class _SubRow:
    start: date
    end: date | None
    amount: Decimal
    product: str
    seats: int
    cancel_reason: str = ""


@dataclass
class _Sub:
    subscription_id: str
    interval: int
    rows: list[_SubRow] = field(default_factory=list)
    churned_on: date | None = None  # the day it stopped (<= AS_OF), if it did
    involuntary: bool = False
    same_month: bool = False
    refund_fraction: Decimal | None = None  # share of the first invoice refunded (same-month cancellations)


@dataclass
class _Lead:
    created: datetime
    source: str
    status: str
    campaign: str
    deal: _Deal | None = None


class _Sink:
    __slots__ = ("handle", "writer", "rows")

    def __init__(self, path: Path, header: tuple[str, ...]):
        self.handle = path.open("w", newline="", encoding="utf-8")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(header)
        self.rows = 0

    def write(self, row: list | tuple) -> None:
        self.writer.writerow(row)
        self.rows += 1


# --------------------------------------------------------------------------- the generator


class _Generator:
    def __init__(self, seed: int, scale: float):
        self.rng = random.Random(seed)
        self.scale = scale
        self.targets = {k: max(v, round(v * scale)) for k, v in _TARGETS.items()}
        self.done = {k: 0 for k in _TARGETS}
        self.open_buckets = [0, 0, 0, 0]
        self.seq = {"lead": 0, "opp": 0, "sub": 0, "inv": 0, "pay": 0, "act": 0}
        self.sinks: dict[str, _Sink] = {}
        self.counts: dict[str, int] = {}
        self.progress: Callable[[str, int], None] | None = None
        self.fx: dict[str, dict[date, float]] = {}
        self.users: list[_User] = []
        self.aes_by_team: dict[str, list[_User]] = {}
        # (user_id, quarter_start) -> USD; for quotas and forecasts
        self.won_usd: dict[tuple[str, date], float] = {}
        self.open_usd: dict[tuple[str, date, str], float] = {}
        self.won_count: dict[tuple[str, date], int] = {}
        self.used_names: set[str] = set()  # membership only, never iterated
        self.name_suffix: dict[str, int] = {}

    # ---- plumbing

    def _next(self, kind: str) -> int:
        self.seq[kind] += 1
        return self.seq[kind]

    def _open(self, out_dir: Path, table: str) -> _Sink:
        sink = _Sink(out_dir / f"{table}.csv", CONTRACT_COLUMNS[table])
        self.sinks[table] = sink
        return sink

    def _close(self, table: str) -> None:
        sink = self.sinks.pop(table)
        sink.handle.close()
        self.counts[table] = sink.rows
        if self.progress is not None:
            self.progress(table, sink.rows)

    def _want(self, key: str, p: float) -> bool:
        """Draw an edge case with probability p until its target count is reached."""
        if self.done[key] >= self.targets[key]:
            return False
        return self.rng.random() < p

    def _at(self, d: date, h0: int = 8, h1: int = 18) -> datetime:
        """A time of day between h0:00 and h1:00 on day d."""
        return datetime(d.year, d.month, d.day) + timedelta(seconds=self.rng.randrange(h0 * 3600, h1 * 3600))

    def _ts_mixed(self, x: datetime) -> str:
        """~5% with a UTC offset (same instant), ~5% without an offset (= UTC)."""
        r = self.rng.random()
        if r < 0.05 and date(2023, 1, 2) <= x.date() <= date(2025, 12, 1):
            offset = self.rng.choice((60, 120, -300, -480, 600, 330, -240))
            local = x + timedelta(minutes=offset)
            sign = "+" if offset >= 0 else "-"
            return f"{local.isoformat()}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
        if r < 0.10:
            return x.isoformat(sep=" ")
        return x.isoformat() + "Z"

    def _usd(self, amount: Decimal, currency: str, d: date) -> float:
        if currency == REPORTING_CURRENCY:
            return float(amount)
        return float(amount) * self.fx[currency][_month_start(d)]

    # ---- entry point

    def run(self, out_dir: Path, progress: Callable[[str, int], None] | None) -> dict[str, int]:
        self.progress = progress
        self._static(out_dir)
        self._fx_rates(out_dir)
        self._users(out_dir)
        self._accounts(out_dir)
        self._forecasts_and_quotas(out_dir)
        self._expenses(out_dir)
        return {table: self.counts[table] for table in DEMO_TABLES}

    # ---- reference tables

    def _static(self, out_dir: Path) -> None:
        sink = self._open(out_dir, "opportunity_stages")
        for name, order, qualified, closed, won, probability in STAGES:
            sink.write([name, order, qualified, closed, won, probability])
        self._close("opportunity_stages")
        sink = self._open(out_dir, "lead_sources")
        for row in LEAD_SOURCES:
            sink.write(row)
        self._close("lead_sources")

    def _fx_rates(self, out_dir: Path) -> None:
        sink = self._open(out_dir, "fx_rates")
        months = []
        d = date(2022, 1, 1)
        while d <= date(2025, 12, 1):
            months.append(d)
            d = _add_months(d, 1)
        for currency, (lo, hi, start) in FX_BOUNDS.items():
            self.fx[currency] = {}
            rate = start
            for month in months:
                step = self.rng.gauss(0.0, (hi - lo) * 0.08) + (start - rate) * 0.08
                rate += step
                if rate < lo:
                    rate = lo + (lo - rate)
                if rate > hi:
                    rate = hi - (rate - hi)
                rate = min(max(rate, lo), hi)
                rounded = round(rate, 6)
                self.fx[currency][month] = rounded
        for month in months:
            for currency in FX_BOUNDS:
                sink.write([month.isoformat(), currency, f"{self.fx[currency][month]:.6f}"])
        self._close("fx_rates")

    def _users(self, out_dir: Path) -> None:
        copies = max(1, round(self.scale)) if self.scale > 1 else 1
        number = 0

        def new_id() -> str:
            nonlocal number
            number += 1
            return f"USR-{number:03d}"

        first, last, team, title, region, hired = _CRO
        cro = _User(new_id(), first, last, team, title, region, hired, None, "cro")
        self.users.append(cro)
        managers = {}
        for first, last, team, title, region, hired in _MANAGERS:
            manager = _User(new_id(), first, last, team, title, region, hired, None, "manager", cro.user_id)
            managers[team] = manager
            self.users.append(manager)
        extra = 0
        for copy in range(copies):
            for first, last, team, title, region, hired, left in _AES:
                if copy:
                    first = _EXTRA_FIRST[extra % len(_EXTRA_FIRST)]
                    last = _EXTRA_LAST[(extra // len(_EXTRA_FIRST) + extra * 7) % len(_EXTRA_LAST)]
                    hired = hired + timedelta(days=(copy * 37) % 180)
                    left = left + timedelta(days=(copy * 11) % 60) if left else None
                    extra += 1
                ae = _User(new_id(), first, last, team, title, region, hired, left, "ae", managers[team].user_id)
                self.users.append(ae)
                self.aes_by_team.setdefault(team, []).append(ae)
        emails: set[str] = set()
        for user in self.users:
            base = f"{user.first}.{user.last}".lower()
            email, n = base, 1
            while email in emails:
                n += 1
                email = f"{base}{n}"
            emails.add(email)
            user.email = f"{email}@northwind.example"
        sink = self._open(out_dir, "users")
        for user in self.users:
            hired_at = _dt(user.hired, 9 * 3600)
            sink.write([user.user_id, f"{user.first} {user.last}", user.email, user.title, user.team,
                        user.manager_id, user.region, _ts(hired_at), 1 if user.left is None else 0])
        self._close("users")

    def _pick_owner(self, team: str, d: date) -> _User:
        members = self.aes_by_team[team]
        if len(members) > 12:  # large (scaled-up) teams: sample instead of scanning
            for _ in range(8):
                user = self.rng.choice(members)
                if user.employed(d):
                    return user
        candidates = [u for u in members if u.employed(d)]
        if not candidates:
            candidates = [u for u in self.aes_by_team[team] if u.employed(max(d, WINDOW_START))]
        if not candidates:
            candidates = self.aes_by_team[team]
        return self.rng.choice(candidates)

    # ---- accounts and everything hanging off them

    def _account_name(self, industry_suffixes: tuple[str, ...], country: str) -> str:
        r = self.rng
        for _ in range(4):
            name = f"{r.choice(_NAME_A)}{r.choice(_NAME_B)} {r.choice(industry_suffixes)}"
            if name not in self.used_names:
                break
        else:
            base = f"{name} {country}"
            n = self.name_suffix.get(base, 0) + 1
            name = base if n == 1 else f"{base} {n}"
            while name in self.used_names:
                n += 1
                name = f"{base} {n}"
            self.name_suffix[base] = n
        self.used_names.add(name)
        return name

    def _accounts(self, out_dir: Path) -> None:
        r = self.rng
        n_accounts = max(4, round(400 * self.scale))
        n_legacy = min(n_accounts - 1, max(3, round(3 * self.scale)))
        legacy_days = sorted(r.randint(0, 330) for _ in range(n_legacy))
        span = (date(2025, 11, 30) - WINDOW_START).days
        n_imported = round(0.08 * n_accounts)  # loaded when the CRM went live, deals already under way
        days = sorted([r.randint(0, 9) for _ in range(n_imported)]
                      + [int(span * r.random() ** 1.2) for _ in range(n_accounts - n_legacy - n_imported)])
        created = [_dt(date(2021, 3, 1) + timedelta(days=x)) for x in legacy_days]
        created += [_dt(WINDOW_START + timedelta(days=x)) for x in days]
        for table in ("accounts", "leads", "opportunities", "opportunity_history", "activities", "subscriptions",
                      "invoices", "payments", "product_usage"):
            self._open(out_dir, table)
        for index, day in enumerate(created):
            self._account(index, day, legacy=index < n_legacy)
        for table in ("accounts", "leads", "opportunities", "opportunity_history", "activities", "subscriptions",
                      "invoices", "payments", "product_usage"):
            self._close(table)

    def _account(self, index: int, day: datetime, *, legacy: bool) -> None:
        r = self.rng
        segment = r.choices(SEGMENTS, SEGMENT_WEIGHTS)[0]
        region = r.choices(REGIONS, REGION_WEIGHTS)[0]
        country, currency, _ = r.choices(COUNTRIES[region], [c[2] for c in COUNTRIES[region]])[0]
        industry, suffixes = r.choice(INDUSTRIES)
        created = self._at(day.date(), 7, 19)
        parent_id = f"ACC-{r.randrange(index) + 1:05d}" if index >= 5 and r.random() < 0.10 else ""
        is_target = r.random() < {"enterprise": 0.35, "mid_market": 0.18, "smb": 0.07}[segment]
        team = "emea" if region == "EMEA" else segment
        owner = self._pick_owner(team, created.date())
        successor = None
        listed = owner
        if owner.left is not None:
            successor = self._pick_owner(team, owner.left + timedelta(days=1))
            while successor is owner:
                successor = self._pick_owner(team, owner.left + timedelta(days=1))
            if r.random() < 0.85:
                listed = successor
        acc = _Account(
            account_id=f"ACC-{index + 1:05d}", name=self._account_name(suffixes, country), created=created,
            segment=segment, region=region, country=country, currency=currency, industry=industry,
            parent_id=parent_id, is_target=is_target, team=team, owner=owner, successor=successor,
            listed_owner=listed, legacy=legacy,
            card=segment == "smb" or (segment == "mid_market" and r.random() < 0.5),
            net_days=60 if segment == "enterprise" else 30,
        )
        self.sinks["accounts"].write([
            acc.account_id, acc.name, self._ts_mixed(created), parent_id, industry, segment, region, country,
            listed.user_id, "yes" if is_target else "no",
        ])
        deals: list[_Deal] = []
        subs: list[_Sub] = []
        leads: list[_Lead] = []
        if legacy:
            self._legacy_customer(acc, deals, subs)
        else:
            self._sales_cycle(acc, deals, subs, leads)
        self._extra_deals(acc, deals, subs)
        self._other_leads(acc, leads)
        self._write_deals(acc, deals)
        self._write_leads(acc, leads)
        self._write_subscriptions(acc, subs)
        self._write_activities(acc, deals, subs)
        self._write_usage(acc, subs)

    # ---- pricing

    def _plan(self, acc: _Account) -> tuple[str, int, Decimal, int]:
        """(product, seats, unit price per seat and month, billing interval in months)."""
        r = self.rng
        seg = acc.segment
        if seg == "smb":
            product = r.choices(PRODUCTS, (70, 30, 0))[0]
            seats = r.randint(3, 25)
            discount = 0.0
            interval = r.choices((1, 3, 12), (85, 5, 10))[0]
        elif seg == "mid_market":
            product = r.choices(PRODUCTS, (15, 70, 15))[0]
            seats = r.randint(20, 120)
            discount = r.choice((0.0, 0.05, 0.10, 0.15))
            interval = r.choices((1, 3, 12), (50, 15, 35))[0]
        else:
            product = r.choices(PRODUCTS, (0, 25, 75))[0]
            seats = r.randint(80, 450)
            discount = r.choice((0.10, 0.15, 0.20, 0.25, 0.30))
            interval = r.choices((1, 3, 12), (15, 10, 75))[0]
        return product, seats, self._unit_price(acc, product, discount), interval

    def _unit_price(self, acc: _Account, product: str, discount: float) -> Decimal:
        listed = round(LIST_PRICE_USD[product] * PRICE_FACTOR[acc.currency])
        return _money(listed * (1 - discount))

    # ---- deals

    def _fc(self, stage: int) -> str:
        r = self.rng.random()
        if stage == WON:
            return "closed"
        if stage == LOST:
            return "omitted"
        if stage <= 2:
            return "omitted" if r < 0.03 else "pipeline"
        if stage == 3:
            return "best_case" if r < 0.15 else "pipeline"
        if stage == 4:
            return "commit" if r < 0.10 else "pipeline" if r < 0.20 else "best_case"
        return "best_case" if r < 0.15 else "commit"

    def _deal(self, acc: _Account, kind: str, created: datetime, plan_days: int, won: bool, amount: Decimal, *,
              name: str, source: str = "", mode: str | None = None, close_on: date | None = None,
              lost_stage: int | None = None, lost_reason: str | None = None, start_stage: int | None = None,
              owner: _User | None = None) -> _Deal:
        """One deal and its history. It closes on a date derived from its (possibly moved)
        expected close date; when that lies after AS_OF, it is still open today."""
        r = self.rng
        C = created
        Cd = C.date()
        owner_given = owner is not None
        owner = owner or acc.owner_at(Cd)
        plan_days = max(plan_days, 2)
        expected = min(Cd + timedelta(days=plan_days), OPEN_HORIZON)  # open deals close by mid-2026
        if mode is None:
            x = r.random()
            mode = "pull" if x < 0.10 else "slip" if x < 0.33 else "normal"
            if mode == "pull" and _next_quarter_start(expected) > date(2026, 4, 1):
                mode = "normal"
        events: list[tuple[datetime, int, str, object]] = []  # (at, order, kind, value)
        first_close = expected
        last_at = C
        if mode == "pull":
            # first expected in a later quarter, then pulled into the earlier one
            first_close = _next_quarter_start(expected) + timedelta(days=r.randint(5, 50))
            at = C + timedelta(days=max(1, int(plan_days * r.uniform(0.2, 0.6))), minutes=r.randint(0, 600))
            events.append((at, len(events), "close_date", expected))
            last_at = at
        current = expected
        if mode == "slip":
            for _ in range(1 if r.random() < 0.7 else 2):
                at = self._at(current + timedelta(days=r.randint(-20, 12)))
                if at <= last_at:
                    at = last_at + timedelta(days=1, minutes=r.randint(0, 300))
                current = max(current + timedelta(days=r.randint(15, 80)), at.date() + timedelta(days=7))
                events.append((at, len(events), "close_date", current))
                last_at = at
        first_amount = amount
        if amount > 0 and r.random() < 0.10:
            first_amount = _money(float(amount) * r.choice((0.6, 0.75, 0.8, 1.2, 1.25, 1.5)))
            at = C + timedelta(seconds=int((plan_days * 86400) * r.uniform(0.1, 0.7)) + 60)
            events.append((at, len(events), "amount", amount))
        # the day it closes
        if close_on is not None:
            closing = close_on
        else:
            lo = max(_quarter_start(current), Cd + timedelta(days=3))
            closing = current if lo >= current else lo + timedelta(days=r.randint(0, (current - lo).days))
        latest_event = max([e[0] for e in events] + [C])
        if closing <= latest_event.date():
            closing = latest_event.date() + timedelta(days=1)
        is_open = closing > AS_OF
        last_touch = None
        if (not won and not is_open and close_on is None and lost_stage is None
                and closing > AS_OF - timedelta(days=210) and r.random() < 0.2):
            # never closed out: still open today, its expected close date long past
            is_open, last_touch = True, _dt(closing, 12 * 3600)
        if is_open and mode == "normal" and close_on is None and r.random() < 0.08 \
                and Cd + timedelta(days=10) < AS_OF - timedelta(days=2):
            # the expected close date passed and nobody updated it
            lo = max(Cd + timedelta(days=10), AS_OF - timedelta(days=75))
            first_close = lo + timedelta(days=r.randint(0, (AS_OF - timedelta(days=2) - lo).days))
        end = self._at(closing, 9, 19) if not is_open else AS_OF_END
        if not is_open and end <= latest_event:
            end = latest_event + timedelta(minutes=30)
        # stage path
        first_stage = start_stage or (2 if r.random() < 0.3 else 1)
        if won:
            top = 5
        elif lost_stage is not None:
            top = max(first_stage, lost_stage)
        else:
            top = max(first_stage, r.choices((1, 2, 3, 4, 5), (25, 25, 22, 16, 12))[0])
        span = max((end - C).total_seconds() if not is_open else ((closing - Cd).days * 86400.0), 3600.0)
        times = sorted(int(span * r.uniform(0.05, 0.95)) for _ in range(top - first_stage))
        for stage, offset in zip(range(first_stage + 1, top + 1), times):
            events.append((C + timedelta(seconds=offset), len(events), "stage", stage))
        if not is_open:
            events.append((end, len(events), "close", WON if won else LOST))
        events.sort(key=lambda e: (e[0], e[1]))
        # replay into history rows
        stage, amt, close, category = first_stage, first_amount, first_close, self._fc(first_stage)
        history = [(C, _STAGE_NAME[stage], _m(amt), _d(close), category)]
        previous = C
        for at, _, what, value in events:
            if at > AS_OF_END:
                break
            if at <= previous:
                at = previous + timedelta(seconds=1)
            previous = at
            full = r.random() < 0.35
            if what == "stage" or what == "close":
                stage = value  # type: ignore[assignment]
                new_category = self._fc(stage)
                changed_category = new_category != category
                category = new_category
                new_close = closing if what == "close" else close
                changed_close = new_close != close
                close = new_close
                history.append((at, _STAGE_NAME[stage], _m(amt) if full else "",
                                _d(close) if (full or changed_close) else "",
                                category if (full or changed_category) else ""))
            elif what == "close_date":
                close = value  # type: ignore[assignment]
                history.append((at, _STAGE_NAME[stage] if full else "", _m(amt) if full else "", _d(close),
                                category if full else ""))
            else:
                amt = value  # type: ignore[assignment]
                history.append((at, _STAGE_NAME[stage] if full else "", _m(amt), _d(close) if full else "",
                                category if full else ""))
        if stage == WON and not owner_given:
            owner = self._closer(acc, owner, Cd, closing)
        if is_open:
            probability = _STAGE_PROB[stage]
            if r.random() < 0.15:
                probability = min(95, max(5, probability + r.choice((-10, -5, 5, 10))))
        else:
            probability = _STAGE_PROB[stage]
        deal = _Deal(kind=kind, created=C, name=name, owner=owner, source=source, amount=amt, close_date=close,
                     stage=stage, closed_on=None if is_open else closing, end=end, forecast_category=category,
                     probability=probability,
                     lost_reason=(lost_reason or r.choices(LOST_REASONS, LOST_REASON_WEIGHTS)[0])
                     if stage == LOST else "",
                     history=history, last_touch=last_touch)
        if deal.won:
            key = (owner.user_id, _quarter_start(closing))
            self.won_usd[key] = self.won_usd.get(key, 0.0) + self._usd(amt, acc.currency, closing)
            self.won_count[key] = self.won_count.get(key, 0) + 1
        elif is_open:
            key3 = (owner.user_id, _quarter_start(close), category)
            self.open_usd[key3] = self.open_usd.get(key3, 0.0) + self._usd(amt, acc.currency, AS_OF)
        return deal

    def _closer(self, acc: _Account, owner: _User, opened: date, closing: date) -> _User:
        """Who closes a won deal: the account owner, unless a teammate has closed fewer
        deals this quarter (the team routes deals to keep everyone's number in reach)."""
        quarter = _quarter_start(closing)
        members = self.aes_by_team[acc.team]
        if len(members) > 12:  # large (scaled-up) teams: the owner and a few teammates
            members = [owner] + [self.rng.choice(members) for _ in range(5)]
        team = [u for u in members if u.employed(opened) and u.employed(closing)]
        if not team:
            return owner
        fewest = min(self.won_count.get((u.user_id, quarter), 0) for u in team)
        if owner in team and self.won_count.get((owner.user_id, quarter), 0) <= fewest:
            return owner
        return self.rng.choice([u for u in team if self.won_count.get((u.user_id, quarter), 0) == fewest])

    def _cycle_days(self, acc: _Account) -> int:
        lo, hi = {"smb": (21, 80), "mid_market": (45, 150), "enterprise": (90, 240)}[acc.segment]
        return self.rng.randint(lo, hi)

    def _nb_source(self) -> str:
        return self.rng.choices(("outbound", "referral", "partner", "website", "event"), (50, 20, 15, 10, 5))[0]

    def _campaign(self, source: str, d: date, region: str) -> str:
        q = f"{d.year}-Q{(d.month - 1) // 3 + 1}"
        if source == "paid_search":
            return f"{q} Paid Search EMEA" if region == "EMEA" else f"{q} Paid Search"
        if source == "paid_social":
            return f"{q} Paid Social EMEA" if region == "EMEA" else f"{q} Paid Social"
        if source in ("webinar", "event"):
            return f"{q} Events"
        if source == "website" and self.rng.random() < 0.5:
            return f"{q} Content"
        return ""

    def _sales_cycle(self, acc: _Account, deals: list[_Deal], subs: list[_Sub], leads: list[_Lead]) -> None:
        """New-business attempts until one is won (then the customer lifecycle), the
        prospect goes quiet, or today is reached; churned customers may come back."""
        r = self.rng
        p_win = {"enterprise": 0.22, "mid_market": 0.25, "smb": 0.29}[acc.segment]
        at = acc.created + timedelta(days=r.randint(0, 20), minutes=r.randint(0, 300))
        force_win = False
        reactivation = False
        imported = acc.created.date() < date(2023, 1, 12)
        while at <= AS_OF_END:
            cycle, first_stage = self._cycle_days(acc), None
            if imported:
                # already in progress when the CRM went live
                at = acc.created + timedelta(minutes=r.randint(5, 600))
                cycle, first_stage, imported = max(10, cycle // 3), r.randint(2, 4), False
            won = force_win or r.random() < p_win
            product, seats, unit, interval = self._plan(acc)
            mrr = _money(seats * unit)
            if r.random() < (0.5 if not reactivation else 0.2):
                source = r.choices(_LEAD_SOURCE_NAMES, _LEAD_SOURCE_WEIGHTS)[0]
                lead_at = max(at - timedelta(days=r.randint(0, 45), minutes=r.randint(0, 600)), _dt(WINDOW_START))
                lead = _Lead(lead_at, source, "converted", self._campaign(source, lead_at.date(), acc.region))
            else:
                source, lead = self._nb_source(), None
            zero = not won and self._want("zero_amount", 0.02)
            amount = Decimal("0.00") if zero else mrr * 12
            if zero:
                self.done["zero_amount"] += 1
            deal = self._deal(acc, "new_business", at, cycle, won, amount,
                              name=f"{acc.name} - {'Reactivation' if reactivation else 'New Business'}",
                              source=source, start_stage=first_stage)
            deals.append(deal)
            if lead is not None:
                lead.deal = deal
                leads.append(lead)
            self._maybe_duplicate(acc, deal, deals)
            if deal.closed_on is None and deal.last_touch is None:
                return
            if deal.won:
                close = deal.closed_on
                start = _add_months(_month_start(close), 1)
                if start > AS_OF or (close.day <= 28 and r.random() < 0.3):
                    start = close
                same_month = (not reactivation and interval == 1 and start.day <= 12
                              and start <= AS_OF - timedelta(days=30) and self._want("same_month", 0.05))
                sub = self._subscription(acc, deals, start, product, seats, unit, interval, same_month=same_month)
                subs.append(sub)
                if reactivation:
                    self.done["reactivations"] += 1
                if sub.churned_on is None or same_month:
                    return
                # a churned customer may come back months later, with a new subscription
                come_back = sub.churned_on + timedelta(days=r.randint(60, 240))
                if come_back > AS_OF - timedelta(days=75):
                    return
                p = 0.6 if self.done["reactivations"] < self.targets["reactivations"] else 0.08
                if r.random() >= p:
                    return
                at = self._at(come_back)
                force_win, reactivation = True, True
                continue
            if r.random() >= 0.95:
                return
            gone_quiet = deal.closed_on or deal.last_touch.date()  # type: ignore[union-attr]
            at = self._at(gone_quiet + timedelta(days=r.randint(15, 110)))

    def _maybe_duplicate(self, acc: _Account, original: _Deal, deals: list[_Deal]) -> None:
        r = self.rng
        for reason, key, p in (("duplicate", "duplicates", 0.02), ("merged", "merged", 0.008)):
            if not self._want(key, p):
                continue
            created = original.created + timedelta(days=r.randint(0, 2), minutes=r.randint(5, 600))
            closing = created.date() + timedelta(days=r.randint(1, 6))
            if closing > AS_OF:
                continue
            deal = self._deal(acc, original.kind, created, (closing - created.date()).days, False,
                              original.amount, name=original.name, source=original.source, mode="normal",
                              close_on=closing, lost_stage=1 if reason == "duplicate" else 2, start_stage=1,
                              lost_reason=reason, owner=original.owner)
            deals.append(deal)
            self.done[key] += 1

    def _legacy_customer(self, acc: _Account, deals: list[_Deal], subs: list[_Sub]) -> None:
        """Customer since 2022 (before the CRM history starts): a subscription, no new-business deal."""
        r = self.rng
        product, seats, unit, _ = self._plan(acc)
        interval = (1, 12, 3)[self.seq["sub"] % 3]
        start = max(date(2022, r.randint(3, 10), 1), _add_months(_month_start(acc.created.date()), 1))
        subs.append(self._subscription(acc, deals, start, product, seats, unit, interval, legacy=True))

    # ---- subscriptions

    def _subscription(self, acc: _Account, deals: list[_Deal], start: date, product: str, seats: int,
                      unit: Decimal, interval: int, *, legacy: bool = False, same_month: bool = False) -> _Sub:
        sub = _Sub(f"SUB-{self._next('sub'):05d}", interval)
        if same_month:
            # signed up and cancelled within the first weeks of one month; refunded pro rata
            end = start + timedelta(days=self.rng.randint(6, 14))
            sub.rows.append(_SubRow(start, end, _money(seats * unit), product, seats, "voluntary"))
            sub.churned_on, sub.same_month = end, True
            used = Decimal((end - start).days) / Decimal(_days_in_month(start.year, start.month))
            sub.refund_fraction = Decimal(1) - used
            self.done["same_month"] += 1
        elif interval == 12:
            self._annual(acc, deals, sub, start, product, seats, unit, legacy)
        else:
            self._recurring(acc, deals, sub, start, product, seats, unit, legacy)
        return sub

    def _annual(self, acc: _Account, deals: list[_Deal], sub: _Sub, start: date, product: str, seats: int,
                unit: Decimal, legacy: bool) -> None:
        """One row per annual term; each renewal is a renewal deal, and a new row when won."""
        r = self.rng
        term_start = start
        while True:
            term_end = _add_months(term_start, 12)
            row = _SubRow(term_start, term_end, _money(seats * unit) * 12, product, seats)
            sub.rows.append(row)
            opened = term_end - timedelta(days=r.randint(60, 100))
            if opened > AS_OF:
                return
            opened = max(opened, date(2023, 1, 2))
            won = r.random() < (0.88 if acc.segment == "enterprise" else 0.82) or (legacy and len(sub.rows) == 1)
            new_seats, new_unit = seats, unit
            x = r.random()
            if x < 0.15:
                new_seats = seats + max(1, int(seats * r.uniform(0.1, 0.5)))
            elif x < 0.25:
                new_seats = max(1, int(seats * r.uniform(0.7, 0.9)))
            if r.random() < 0.5:
                new_unit = _money(float(unit) * r.uniform(1.03, 1.07))
            new_arr = _money(new_seats * new_unit) * 12
            target = max(term_end - timedelta(days=r.randint(0, 25)), opened + timedelta(days=5))
            deal = self._deal(acc, "renewal", self._at(opened), (target - opened).days, won,
                              new_arr if won else row.amount, name=f"{acc.name} - Renewal {term_end.year}",
                              mode="normal" if term_end <= AS_OF + timedelta(days=45) else None, start_stage=2)
            deals.append(deal)
            if deal.closed_on is None:
                return
            if not deal.won:
                row.cancel_reason = "voluntary"
                if term_end <= AS_OF:
                    sub.churned_on = term_end
                return
            if term_end > AS_OF:
                return  # renewed; the new term starts after today
            term_start, seats, unit = term_end, new_seats, new_unit

    def _recurring(self, acc: _Account, deals: list[_Deal], sub: _Sub, start: date, product: str, seats: int,
                   unit: Decimal, legacy: bool) -> None:
        """Monthly or quarterly billing: changes and churn happen on billing boundaries."""
        r = self.rng
        m = sub.interval
        hazard = {"smb": 0.025, "mid_market": 0.013, "enterprise": 0.007}[acc.segment]
        p_churn = 1 - (1 - hazard) ** m
        p_expand = {"smb": 0.08, "mid_market": 0.16, "enterprise": 0.18}[acc.segment] * m
        earliest_churn = date(2023, 7, 1) if legacy else start
        k, churn = 1, None
        while True:
            b = _add_months(start, k * m)
            if b > AS_OF:
                break
            if b > earliest_churn and r.random() < p_churn:
                churn = b
                break
            k += 1
        row = _SubRow(start, None, _money(seats * unit) * m, product, seats)
        sub.rows.append(row)
        pending: tuple[date, str, int, Decimal] | None = None
        blocked_until = start
        previous, k = start, 1
        while True:
            b = _add_months(start, k * m)
            # an expansion deal may be opened during [previous, b)
            if pending is None and previous >= blocked_until and r.random() < p_expand:
                opened = previous + timedelta(days=r.randint(0, 27 * m))
                limit = churn or AS_OF
                if WINDOW_START < opened <= min(AS_OF, limit - timedelta(days=30)):
                    if row.product != "enterprise" and r.random() < 0.35:
                        new_product, new_seats = PRODUCTS[PRODUCTS.index(row.product) + 1], row.seats
                        ratio = float(unit) / LIST_PRICE_USD[row.product]
                        new_unit = _money(LIST_PRICE_USD[new_product] * ratio)
                    else:
                        new_product, new_unit = row.product, unit
                        new_seats = row.seats + max(1, int(row.seats * r.uniform(0.15, 0.6)))
                    delta = (_money(new_seats * new_unit) - _money(row.seats * unit)) * 12
                    deal = self._deal(acc, "expansion", self._at(opened), r.randint(20, 70), r.random() < 0.33,
                                      delta, name=f"{acc.name} - Expansion")
                    deals.append(deal)
                    if deal.closed_on is None:
                        blocked_until = date.max
                    elif deal.won:
                        j = 1
                        while _add_months(start, j * m) <= deal.closed_on:
                            j += 1
                        effective = _add_months(start, j * m)
                        if effective <= AS_OF:
                            pending = (effective, new_product, new_seats, new_unit)
                            if churn is not None and effective >= churn:
                                churn = _add_months(effective, m * r.randint(1, 6))
                                if churn > AS_OF:
                                    churn = None
                        blocked_until = effective
                    else:
                        blocked_until = deal.closed_on
            if b > AS_OF:
                return
            if churn is not None and b >= churn:
                row.end = b
                sub.involuntary = r.random() < 0.15
                row.cancel_reason = "involuntary" if sub.involuntary else "voluntary"
                sub.churned_on = b
                return
            if pending is not None and pending[0] == b:
                row.end = b
                _, product, seats, unit = pending
                row = _SubRow(b, None, _money(seats * unit) * m, product, seats)
                sub.rows.append(row)
                pending = None
            elif pending is None and row.seats > 2 and r.random() < 0.006 * m:
                row.end = b
                seats = max(1, int(row.seats * r.uniform(0.6, 0.9)))
                row = _SubRow(b, None, _money(seats * unit) * m, row.product, seats)
                sub.rows.append(row)
            previous, k = b, k + 1

    def _extra_deals(self, acc: _Account, deals: list[_Deal], subs: list[_Sub]) -> None:
        """Service credits: closed-won deals with a negative amount, for customers."""
        r = self.rng
        if not subs or subs[0].same_month or not self._want("credits", 0.03):
            return
        first = subs[0].rows[0].start
        last = min(subs[0].churned_on or AS_OF, AS_OF - timedelta(days=30))
        if (last - first).days < 120 or first < WINDOW_START:
            return
        opened = first + timedelta(days=r.randint(30, (last - first).days - 60))
        amount = -_money(r.choice((500, 1200, 2500, 4000)) * PRICE_FACTOR[acc.currency])
        deals.append(self._deal(acc, "expansion", self._at(opened), r.randint(5, 20), True, amount,
                                name=f"{acc.name} - Service Credit", mode="normal", start_stage=4))
        self.done["credits"] += 1

    # ---- writing the account's rows

    def _write_deals(self, acc: _Account, deals: list[_Deal]) -> None:
        deals.sort(key=lambda d: d.created)
        opps, history = self.sinks["opportunities"], self.sinks["opportunity_history"]
        for deal in deals:
            deal.opportunity_id = f"OPP-{self._next('opp'):06d}"
            closed = deal.closed_on is not None
            opps.write([
                deal.opportunity_id, acc.account_id, self._ts_mixed(deal.created), _STAGE_NAME[deal.stage],
                "true" if closed else "false", "true" if deal.won else "false", _m(deal.amount), acc.currency,
                _d(deal.close_date), deal.owner.user_id, deal.name, deal.kind, deal.source,
                deal.forecast_category, deal.probability, deal.lost_reason,
            ])
            for at, stage, amount, close, category in deal.history:
                history.write([deal.opportunity_id, _ts(at), stage, amount, close, category])

    def _other_leads(self, acc: _Account, leads: list[_Lead]) -> None:
        """Leads that did not (or not yet) convert, around the time the account appeared."""
        r = self.rng
        base = acc.created.date() if not acc.legacy else WINDOW_START
        for _ in range(r.randint(3, 10)):
            d = base + timedelta(days=r.randint(-120, 120))
            d = min(max(d, WINDOW_START), AS_OF)
            created = self._at(d, 0, 24)
            age = (AS_OF - d).days
            x = r.random()
            if age <= 14:
                status = "new" if x < 0.6 else "working"
            elif age <= 60:
                status = "working" if x < 0.45 else "qualified" if x < 0.65 else "disqualified"
            elif age <= 180:
                status = "disqualified" if x < 0.7 else "qualified" if x < 0.8 else "working"
            else:
                status = "disqualified" if x < 0.92 else "qualified"
            source = r.choices(_LEAD_SOURCE_NAMES, _LEAD_SOURCE_WEIGHTS)[0]
            leads.append(_Lead(created, source, status, self._campaign(source, d, acc.region)))

    def _write_leads(self, acc: _Account, leads: list[_Lead]) -> None:
        leads.sort(key=lambda lead: lead.created)
        sink = self.sinks["leads"]
        for lead in leads:
            deal = lead.deal
            sink.write([
                f"LEAD-{self._next('lead'):06d}", _ts(lead.created), lead.source, lead.status,
                _ts(deal.created) if deal else "", acc.account_id if deal else "",
                deal.opportunity_id if deal else "", lead.campaign,
            ])

    def _write_subscriptions(self, acc: _Account, subs: list[_Sub]) -> None:
        sink = self.sinks["subscriptions"]
        for sub in subs:
            for row in sub.rows:
                sink.write([sub.subscription_id, acc.account_id, _d(row.start), _m(row.amount),
                            INTERVAL_NAME[sub.interval], acc.currency, _d(row.end), row.product, row.seats,
                            row.cancel_reason])
            # one invoice per billing period of each row, issued when the period starts
            periods: list[tuple[date, Decimal]] = []
            for row in sub.rows:
                k = 0
                while True:
                    issue = _add_months(row.start, k * sub.interval)
                    if issue > AS_OF or (row.end is not None and issue >= row.end):
                        break
                    periods.append((issue, row.amount))
                    k += 1
            for i, (issue, amount) in enumerate(periods):
                last = i == len(periods) - 1
                self._invoice(acc, sub, issue, amount, involuntary=last and sub.involuntary,
                              refund_fraction=sub.refund_fraction if last else None)

    def _invoice(self, acc: _Account, sub: _Sub, issue: date, amount: Decimal, *, involuntary: bool = False,
                 refund_fraction: Decimal | None = None, issued: datetime | None = None,
                 may_void: bool = True) -> None:
        r = self.rng
        tax = _money(amount * TAX_RATE[acc.currency])
        total = amount + tax
        issued = issued or _dt(issue, r.randint(0, 5 * 3600))
        due = issued + timedelta(days=acc.net_days)
        invoice_id = f"INV-{self._next('inv'):06d}"
        attempts: list[tuple[datetime, Decimal, str, str]] = []
        status, paid_at, voided_at = "open", None, None
        days_past_due = (AS_OF - due.date()).days
        bucket = 0 if days_past_due <= 30 else 1 if days_past_due <= 60 else 2 if days_past_due <= 90 else 3
        special = refund_fraction is not None
        if involuntary:
            # the card kept failing; the customer was cut off at the end of the period
            for days in (0, 3, 7):
                at = issued + timedelta(days=days, minutes=r.randint(10, 300))
                if at <= AS_OF_END:
                    attempts.append((at, total, "failed", r.choice(FAILURE_REASONS)))
            status = "uncollectible" if issued + timedelta(days=14) <= AS_OF_END else "open"
        elif not special and issue >= date(2025, 12, 1) and self._want("drafts", 0.08):
            status = "draft"
            self.done["drafts"] += 1
        elif not special and may_void and r.random() < 0.01 and issued + timedelta(days=5) <= AS_OF_END:
            status = "void"
            voided_at = issued + timedelta(days=r.randint(1, 4), minutes=r.randint(0, 600))
        elif not special and r.random() < 0.007:
            for days in (0, 4, 9):
                at = issued + timedelta(days=days, minutes=r.randint(10, 300))
                if at <= AS_OF_END:
                    attempts.append((at, total, "failed", r.choice(FAILURE_REASONS)))
            status = "uncollectible" if issued + timedelta(days=21) <= AS_OF_END else "open"
        elif (not special and 1 <= days_past_due <= 150
              and self.open_buckets[bucket] < self.targets["open_bucket"] and r.random() < 0.05):
            # past due and still open today
            self.open_buckets[bucket] += 1
            if acc.card:
                attempts.append((issued + timedelta(minutes=r.randint(10, 300)), total, "failed",
                                 r.choice(FAILURE_REASONS)))
        else:
            # paid: on time, late, or after a failed attempt (open when that lies after today)
            late = not special and r.random() < 0.08
            if late:
                pay = due + timedelta(days=r.randint(1, 45), minutes=r.randint(0, 600))
            elif acc.card or special:
                pay = issued + timedelta(minutes=r.randint(5, 600))
            else:
                pay = issued + timedelta(days=r.randint(3, acc.net_days - 3), minutes=r.randint(0, 600))
            if not special and r.random() < 0.03:
                failed_at = pay - timedelta(days=r.randint(2, 5))
                if acc.card or failed_at < issued:
                    failed_at = issued + timedelta(minutes=r.randint(5, 120))
                    if not late:
                        pay = failed_at + timedelta(days=r.randint(2, 6))
                if failed_at <= AS_OF_END:
                    attempts.append((failed_at, total, "failed", r.choice(FAILURE_REASONS)))
            if pay <= AS_OF_END:
                attempts.append((pay, total, "succeeded", ""))
                status, paid_at = "paid", pay
                back: tuple[datetime, Decimal] | None = None
                if special and sub.churned_on is not None:
                    back = (_dt(sub.churned_on, r.randint(9, 17) * 3600), _money(total * refund_fraction))
                elif self._want("refunds", 0.01):
                    share = 1.0 if r.random() < 0.4 else r.uniform(0.1, 0.6)
                    back = (pay + timedelta(days=r.randint(3, 40), minutes=r.randint(0, 600)),
                            _money(float(total) * share))
                if back is not None and pay < back[0] <= AS_OF_END and back[1] > 0:
                    attempts.append((back[0], back[1], "refunded", ""))
                    self.done["refunds"] += 1
        self.sinks["invoices"].write([
            invoice_id, acc.account_id, _ts(issued), _m(total), acc.currency, status, sub.subscription_id,
            _ts(due), _m(tax), _ts(paid_at), _ts(voided_at),
        ])
        payments = self.sinks["payments"]
        for at, paid, state, reason in sorted(attempts, key=lambda a: a[0]):
            payments.write([f"PAY-{self._next('pay'):06d}", invoice_id, _ts(at), _m(paid), acc.currency, state,
                            reason])
        if status == "void" and voided_at is not None:
            # re-issued with a new number
            self._invoice(acc, sub, issue, amount, issued=voided_at, may_void=False)

    def _write_activities(self, acc: _Account, deals: list[_Deal], subs: list[_Sub]) -> None:
        """Emails, calls and meetings: while deals are open, and a few a month for customers."""
        r = self.rng
        rate = {"enterprise": 1.1, "mid_market": 0.65, "smb": 0.4}[acc.segment] * (1.7 if acc.is_target else 1.0)
        items: list[tuple[datetime, str, str]] = []

        def add(start: datetime, end: datetime, expected: float, kinds: tuple[int, int, int]) -> None:
            n = int(expected) + (1 if r.random() < expected - int(expected) else 0)
            seconds = max(int((end - start).total_seconds()), 1)
            for _ in range(n):
                at = self._at((start + timedelta(seconds=r.randrange(seconds))).date(), 8, 19)
                at = min(max(at, start + timedelta(minutes=1)), end)
                owner = acc.owner_at(at.date())
                if deal_owner is not None and deal_owner.employed(at.date()):
                    owner = deal_owner
                items.append((at, owner.user_id, r.choices(("email", "call", "meeting"), kinds)[0]))

        for deal in deals:
            if deal.lost_reason in ("duplicate", "merged"):
                continue
            deal_owner = deal.owner
            end = deal.last_touch or deal.end
            weeks = (end - deal.created).total_seconds() / 604800
            boost = 1.6 if deal.closed_on is None and deal.last_touch is None else 1.0
            add(deal.created, end, 1 + weeks * rate * boost, (50, 30, 20))
        deal_owner = None
        for sub in subs:
            first = max(sub.rows[0].start, WINDOW_START)
            last = sub.churned_on or (sub.rows[-1].end if sub.rows[-1].end and sub.rows[-1].end <= AS_OF
                                      else AS_OF)
            if last <= first:
                continue
            months = (last - first).days / 30.4
            add(_dt(first), _dt(last, 86399), months * rate * 0.45, (40, 30, 30))
        items.sort()
        sink = self.sinks["activities"]
        for at, user_id, kind in items:
            sink.write([f"ACT-{self._next('act'):06d}", acc.account_id, self._ts_mixed(at), user_id, kind])

    def _write_usage(self, acc: _Account, subs: list[_Sub]) -> None:
        """Weekly product usage (Mondays) while a subscription is active, from USAGE_START."""
        r = self.rng
        sink = self.sinks["product_usage"]
        engagement = r.uniform(0.45, 0.9)
        for sub in subs:
            churn_end = sub.rows[-1].end if sub.rows[-1].cancel_reason else None
            for row in sub.rows:
                end = min(row.end or AS_OF + timedelta(days=1), AS_OF + timedelta(days=1))
                d = _next_monday(max(row.start, USAGE_START))
                while d < end:
                    factor = engagement * r.uniform(0.85, 1.12)
                    if churn_end is not None:
                        weeks_left = (churn_end - d).days / 7
                        if weeks_left < 10:
                            factor *= max(0.1, weeks_left / 10)
                    active = max(1, round(row.seats * min(factor, 1.0)))
                    sink.write([acc.account_id, d.isoformat(), active, active * r.randint(12, 70)])
                    d += timedelta(days=7)

    # ---- the sales team's numbers

    def _forecasts_and_quotas(self, out_dir: Path) -> None:
        r = self.rng
        quarters = [_add_months(date(2023, 1, 1), 3 * i) for i in range(13)]  # 2023-Q1 .. 2026-Q1
        aes = [u for u in self.users if u.role == "ae"]
        managers = [u for u in self.users if u.role == "manager"]
        current_q = _quarter_start(AS_OF)

        # quotas: around the team's average bookings per AE, so attainment lands at 40-150%
        average: dict[str, float] = {}
        for team, members in self.aes_by_team.items():
            total, n = 0.0, 0
            for ae in members:
                for q in quarters:
                    if q < current_q and ae.employed(q) and ae.employed(_add_months(q, 3) - timedelta(days=1)):
                        total += self.won_usd.get((ae.user_id, q), 0.0)
                        n += 1
            average[team] = total / n if n else 50000.0
        sink = self._open(out_dir, "quotas")
        for q in quarters:
            q_end = _add_months(q, 3)
            team_quota: dict[str, Decimal] = {}
            for ae in aes:
                if ae.hired >= q_end or (ae.left is not None and ae.left < q):
                    continue
                covered = (min(q_end, ae.left or q_end) - max(q, ae.hired)).days / (q_end - q).days
                ramp = 0.5 if (q - ae.hired).days < 90 else 1.0
                base = average[ae.team] * r.uniform(0.9, 1.15) * ramp * covered
                won = self.won_usd.get((ae.user_id, q), 0.0)
                if q <= current_q and won > 0:
                    base = (base * won / r.uniform(0.55, 1.35)) ** 0.5
                    base = min(max(base, won / 1.45), won / 0.42)
                amount = _money(max(round(base, -2), 1000))
                team_quota[ae.team] = team_quota.get(ae.team, Decimal(0)) + amount
                sink.write([ae.user_id, q.isoformat(), q_end.isoformat(), _m(amount), REPORTING_CURRENCY])
            for manager in managers:
                if manager.team in team_quota:
                    sink.write([manager.user_id, q.isoformat(), q_end.isoformat(), _m(team_quota[manager.team]),
                                REPORTING_CURRENCY])
        self._close("quotas")

        # forecasts: weekly commit / best-case calls from four weeks before the quarter
        sink = self._open(out_dir, "forecasts")
        for q in quarters:
            q_end = _add_months(q, 3)
            first = _next_monday(q - timedelta(days=27))
            mondays = []
            d = first
            while d < q_end and d <= AS_OF:
                mondays.append(d)
                d += timedelta(days=7)
            team_calls: dict[tuple[str, date], list[float]] = {}
            for ae in aes:
                won = self.won_usd.get((ae.user_id, q), 0.0)
                if q_end <= AS_OF:
                    final_commit = won * r.uniform(0.9, 1.05)
                    final_best = won * r.uniform(1.1, 1.35)
                else:
                    commit_open = self.open_usd.get((ae.user_id, q, "commit"), 0.0)
                    best_open = self.open_usd.get((ae.user_id, q, "best_case"), 0.0)
                    final_commit = won + 0.8 * commit_open
                    pipeline_open = self.open_usd.get((ae.user_id, q, "pipeline"), 0.0)
                    final_best = won + commit_open + 0.6 * best_open + 0.25 * pipeline_open
                for d in mondays:
                    if not ae.employed(d):
                        continue
                    f = (d - first).days / max((q_end - first).days, 1)
                    commit = max(final_commit * (0.7 + 0.3 * f) * r.uniform(0.92, 1.08), 0.0)
                    best = max(commit * 1.05, final_best * (1.3 - 0.25 * f) * r.uniform(0.95, 1.05))
                    at = _dt(d, 15 * 3600 + r.randint(0, 3 * 3600))
                    commit_m, best_m = _money(round(commit, -2)), _money(round(best, -2))
                    sink.write([ae.user_id, q.isoformat(), _ts(at), _m(commit_m), REPORTING_CURRENCY, "commit"])
                    sink.write([ae.user_id, q.isoformat(), _ts(at), _m(best_m), REPORTING_CURRENCY, "best_case"])
                    calls = team_calls.setdefault((ae.team, d), [0.0, 0.0])
                    calls[0] += float(commit_m)
                    calls[1] += float(best_m)
            for manager in managers:
                for d in mondays:
                    calls = team_calls.get((manager.team, d))
                    if calls is None:
                        continue
                    at = _dt(d, 19 * 3600 + r.randint(0, 3 * 3600))
                    commit = _money(round(calls[0] * r.uniform(0.88, 1.0), -2))
                    best = _money(round(max(float(commit), calls[1] * r.uniform(0.95, 1.05)), -2))
                    sink.write([manager.user_id, q.isoformat(), _ts(at), _m(commit), REPORTING_CURRENCY, "commit"])
                    sink.write([manager.user_id, q.isoformat(), _ts(at), _m(best), REPORTING_CURRENCY, "best_case"])
        self._close("forecasts")

    def _expenses(self, out_dir: Path) -> None:
        """Weekly marketing spend per channel (Mondays; USD, plus EUR for EMEA campaigns)
        and monthly sales costs (salaries, tools) on the first of the month."""
        r = self.rng
        rows: list[tuple[str, str, str, str, str, str]] = []
        d = _next_monday(WINDOW_START)
        weekly = (("paid_search", "USD", "", 5200.0), ("paid_social", "USD", "", 3000.0), ("events", "USD", "", 0.0),
                  ("content", "USD", "", 1400.0), ("paid_search", "EUR", " EMEA", 1300.0),
                  ("paid_social", "EUR", " EMEA", 800.0))
        while d <= AS_OF:
            growth = 1 + 0.3 * (d - WINDOW_START).days / 365
            q = f"{d.year}-Q{(d.month - 1) // 3 + 1}"
            for channel, currency, suffix, base in weekly:
                if channel == "events":
                    amount = r.uniform(15000, 45000) if r.random() < 0.1 else r.uniform(300, 900)
                else:
                    amount = base * growth * r.uniform(0.8, 1.2)
                rows.append((d.isoformat(), _m(_money(amount * self.scale)), currency, "marketing", channel,
                             f"{q} {_CAMPAIGN_LABEL[channel]}{suffix}"))
            d += timedelta(days=7)
        month = WINDOW_START
        while month <= AS_OF:
            staff = [u for u in self.users if u.employed(month)]
            salaries = sum({"ae": 9500.0, "manager": 14000.0, "cro": 25000.0}[u.role] for u in staff)
            rows.append((month.isoformat(), _m(_money(salaries * r.uniform(0.98, 1.04))), "USD", "sales",
                         "salaries", ""))
            rows.append((month.isoformat(), _m(_money((2500 + 160 * len(staff)) * r.uniform(0.95, 1.1))), "USD",
                         "sales", "tools", ""))
            month = _add_months(month, 1)
        rows.sort()
        sink = self._open(out_dir, "expenses")
        for row in rows:
            sink.write(row)
        self._close("expenses")



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
