"""The demo company's generator: its state, the plumbing (ids, sinks, edge-case draws,
timestamps, currency), the order the tables are written in, the reference tables, the
sales team and the accounts, each written with everything hanging off it."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Callable

from .billing import BillingMixin
from .planning import PlanningMixin
from .sales import SalesMixin
from .writing import WritingMixin
from .reference import (
    _add_months, _AES, CONTRACT_COLUMNS, COUNTRIES, _CRO, DEMO_TABLES, _dt, _EXTRA_FIRST, _EXTRA_LAST,
    FX_BOUNDS, INDUSTRIES, LEAD_SOURCES, _MANAGERS, _month_start, _NAME_A, _NAME_B, REGION_WEIGHTS,
    REGIONS, REPORTING_CURRENCY, SEGMENT_WEIGHTS, SEGMENTS, STAGES, _TARGETS, _ts, WINDOW_START,
)
from .entities import _Account, _Deal, _Lead, _Sink, _Sub, _User


class _Generator(SalesMixin, BillingMixin, WritingMixin, PlanningMixin):
    """One random.Random(seed) drives every draw, in the order run() calls the steps."""

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
