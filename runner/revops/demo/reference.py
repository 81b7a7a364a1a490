"""The demo company's reference data: the calendar it lives in, its stages, lead sources,
currencies, prices, segments, regions, names and sales team, the edge cases it must
hold, and the small value helpers (money, dates) every table uses."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ..contract import load_contract
from ..project import Project

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
