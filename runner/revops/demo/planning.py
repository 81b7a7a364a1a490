"""The demo company's plans: the sales team's quotas and forecasts (from the deals won
and open) and the monthly expenses."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from .reference import (
    _add_months, AS_OF, _CAMPAIGN_LABEL, _dt, _m, _money, _next_monday, _quarter_start,
    REPORTING_CURRENCY, _ts, WINDOW_START,
)


class PlanningMixin:
    """The sales team's quotas, forecasts and expenses (a part of the generator, see generator.py)."""

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
