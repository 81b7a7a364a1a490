"""The demo company's billing: subscriptions (annual and recurring, changes, renewals,
churn), the extra deals they make, their rows, and invoices with their payments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from .reference import (
    _add_months, AS_OF, AS_OF_END, _d, _days_in_month, _dt, FAILURE_REASONS, INTERVAL_NAME,
    LIST_PRICE_USD, _m, _money, PRICE_FACTOR, PRODUCTS, TAX_RATE, _ts, WINDOW_START,
)
from .entities import _Account, _Deal, _Sub, _SubRow


class BillingMixin:
    """Subscriptions, their rows, invoices and payments (a part of the generator, see generator.py)."""

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
