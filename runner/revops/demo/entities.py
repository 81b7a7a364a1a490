"""The demo company's entities as the generator holds them while writing an account:
users, accounts, deals, subscriptions and their priced rows, leads; and the CSV sink a
table is streamed into."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from .reference import WON


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
