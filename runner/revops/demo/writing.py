"""Writing each account's rows: its deals and their history, its leads, its activities
and its weekly product usage."""

from __future__ import annotations

from datetime import datetime, timedelta

from .reference import (
    AS_OF, _d, _dt, _LEAD_SOURCE_NAMES, _LEAD_SOURCE_WEIGHTS, _m, _next_monday, _STAGE_NAME, _ts,
    USAGE_START, WINDOW_START,
)
from .entities import _Account, _Deal, _Lead, _Sub


class WritingMixin:
    """Writing an account's deals, leads, activities and usage (a part of the generator, see generator.py)."""

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
