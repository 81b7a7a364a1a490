"""The demo company's sales: pricing, deals (with their history and closers) and each
account's sales cycle, from lead to won or lost, duplicates and legacy customers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from .reference import (
    _add_months, AS_OF, AS_OF_END, _d, _dt, _LEAD_SOURCE_NAMES, _LEAD_SOURCE_WEIGHTS, LIST_PRICE_USD,
    LOST, LOST_REASON_WEIGHTS, LOST_REASONS, _m, _money, _month_start, _next_quarter_start, OPEN_HORIZON,
    PRICE_FACTOR, PRODUCTS, _quarter_start, _STAGE_NAME, _STAGE_PROB, WINDOW_START, WON,
)
from .entities import _Account, _Deal, _Lead, _Sub, _User


class SalesMixin:
    """Pricing, deals and each account's sales cycle (a part of the generator, see generator.py)."""

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
