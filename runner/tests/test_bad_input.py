"""Fault injection: bad input is quarantined with its exact reason, never lost, and
never half-publishes a warehouse."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from revops.build import BuildOptions, build_warehouse
from revops.errors import BuildFailed
from conftest import write_csv
from test_build_and_export import query

pytestmark = pytest.mark.slow  # every test here reads a dbt build


def append_rows(folder: Path, table: str, rows: list[dict]) -> None:
    path = folder / f"{table}.csv"
    with path.open() as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in header})


def deal(opportunity_id: str, **changes) -> dict:
    row = {"opportunity_id": opportunity_id, "account_id": "A1", "created_at": "2024-01-10T09:00:00Z",
           "stage_name": "Closed Won", "is_closed": "true", "is_won": "true", "amount": "100",
           "currency": "USD", "close_date": "2024-01-31"}
    return row | changes


def invoice(invoice_id: str, **changes) -> dict:
    row = {"invoice_id": invoice_id, "account_id": "A1", "issued_at": "2024-02-01T00:00:00Z",
           "total": "10", "currency": "EUR", "status": "paid"}
    return row | changes


# (table, row_key, column, reason): one line per kind of bad input
EXPECTED_QUARANTINE = [
    ("accounts", "A1", "account_id", "duplicate key"),
    ("accounts", "A3", "account_name", "required value is empty"),
    ("accounts", "A4", "created_at", "not a valid timestamp"),
    ("accounts", "", "account_id", "empty key"),
    ("opportunities", "O2", "is_closed", "not a valid boolean"),
    ("opportunities", "O3", "amount", "not a valid money"),
    ("opportunities", "O4", "currency", "unknown ISO 4217 currency"),
    ("opportunities", "O6", "opportunity_type", "not one of new_business, expansion, renewal"),
    ("opportunities", "O7", "close_date", "not a valid date"),
    ("opportunities", "O8", "probability", "not a valid number"),
    ("opportunities", "O11", "probability", "outside 0-100"),
    ("opportunities", "O12", "close_date", "required value is empty (is_closed is true)"),
    ("opportunities", "O13", "is_won", "true but is_closed is not"),
    ("opportunities", "O14", "amount", "not a valid money"),
    ("opportunities", "O15", "probability", "not a valid number"),
    ("opportunities", "O16", "created_at", "outside 1900-2100"),
    ("opportunities", "O17", "currency", "required value is empty (amount is given)"),
    ("opportunity_history", "O1, 2024-01-15 16:30:00+00:00", "opportunity_id, changed_at", "duplicate key"),
    ("opportunity_stages", "Proposal", "stage_order", "not a valid integer"),
    ("opportunity_stages", "Negotiation", "stage_order", "not a valid integer"),
    ("subscriptions", "S2, 2024-03-01", "billing_interval", "not one of month, quarter, year"),
    ("subscriptions", "S3, 2024-03-01", "amount", "negative amount"),
    ("invoices", "I2", "status", "not one of draft, open, paid, void, uncollectible"),
    ("invoices", "I3", "account_id", "no valid accounts row with this account_id (missing, or quarantined itself)"),
    ("payments", "P2", "invoice_id", "no valid invoices row with this invoice_id (missing, or quarantined itself)"),
    ("fx_rates", "EUR, 2024-01-01", "currency, rate_date", "duplicate key"),
    ("fx_rates", "eur, 2024-01-01", "currency, rate_date", "duplicate key"),
    ("fx_rates", "CHF, 2024-01-01", "rate_to_reporting", "not a positive number"),
    ("fx_rates", "SEK, 2024-01-01", "rate_to_reporting", "not a valid number"),
    ("invoices", "I4", "currency", "no exchange rate in force: add a rate for GBP on or before 2024-02-01"),
]

# (table, row_key, column, missing value): optional references to rows that do not exist
# (or were quarantined themselves) are set to NULL, and the row is kept
EXPECTED_NULLED = [
    ("accounts", "A2", "parent_account_id", "A4"),  # A4 is quarantined (bad created_at)
    ("opportunities", "O5", "account_id", "A404"),
    ("opportunities", "O10", "owner_user_id", "U404"),
]


@pytest.fixture(scope="module")
def faulty_warehouse(project, tmp_path_factory) -> Path:
    folder = write_faulty_folder(tmp_path_factory.mktemp("faulty"))
    warehouse = folder.parent / "revops.duckdb"
    # every table here is mostly bad: allow it, to see each row's reason
    build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=folder, max_quarantined_share=1.0))
    return warehouse


def write_faulty_folder(parent: Path) -> Path:
    """The tiny company with one row per kind of bad input (EXPECTED_QUARANTINE)."""
    from conftest import tiny_company_files

    folder = tiny_company_files(parent)
    # the tiny company's accounts, with a parent column: A2's parent is A4, quarantined below
    write_csv(folder, "accounts", [
        {"account_id": "A1", "account_name": "Acme", "created_at": "2024-01-05T10:00:00Z", "segment": "smb",
         "region": "EMEA", "parent_account_id": ""},
        {"account_id": "A2", "account_name": "Beta", "created_at": "2024-02-01 09:00:00", "segment": "",
         "region": "", "parent_account_id": "A4"},
    ])
    append_rows(folder, "accounts", [
        {"account_id": "A1", "account_name": "Acme again", "created_at": "2024-01-06"},
        {"account_id": "A3", "account_name": "", "created_at": "2024-01-06"},
        {"account_id": "A4", "account_name": "Delta", "created_at": "yesterday"},
        {"account_id": "", "account_name": "Nameless", "created_at": "2024-01-06"},
    ])
    # and its deal, with an owner column
    write_csv(folder, "opportunities", [
        {"opportunity_id": "O1", "account_id": "A1", "created_at": "2024-01-10T09:00:00+01:00",
         "stage_name": "Closed Won", "is_closed": "yes", "is_won": "1", "amount": "1200.00",
         "currency": "EUR", "close_date": "2024-01-31", "probability": "100", "opportunity_type": "new_business",
         "owner_user_id": "U1"},
    ])
    append_rows(folder, "opportunities", [
        deal("O2", is_closed="maybe"),
        deal("O3", amount="12x"),
        deal("O4", currency="XYZ"),
        deal("O5", account_id="A404"),
        deal("O6", opportunity_type="upsell"),
        deal("O7", close_date="2024-13-45"),
        deal("O8", probability="likely"),
        deal("O9", amount="", currency=""),  # not yet sized: kept, amount NULL
        deal("O10", owner_user_id="U404"),
        deal("O11", probability="150"),
        deal("O12", close_date=""),
        deal("O13", is_closed="false"),
        deal("O14", amount="NaN"),
        deal("O15", probability="inf"),
        deal("O16", created_at="1850-01-01T00:00:00Z"),
        deal("O17", currency=""),
        deal("O18", account_id=""),  # under no account: kept
    ])
    write_csv(folder, "users", [{"user_id": "U1", "user_name": "Una"}])
    write_csv(folder, "opportunity_history", [
        {"opportunity_id": "O1", "changed_at": "2024-01-15T16:30:00Z", "stage_name": "Closed Won"},
        # the same instant written another way: a duplicate, not a second change
        {"opportunity_id": "O1", "changed_at": "2024-01-15 16:30:00+00:00", "stage_name": "Closed Won"},
    ])
    append_rows(folder, "opportunity_stages", [
        {"stage_name": "Negotiation", "stage_order": "six"},
        {"stage_name": "Proposal", "stage_order": "2.6"},
    ])
    append_rows(folder, "subscriptions", [
        {"subscription_id": "S2", "account_id": "A1", "period_start": "2024-03-01", "amount": "10",
         "billing_interval": "weekly", "currency": "EUR"},
        {"subscription_id": "S3", "account_id": "A1", "period_start": "2024-03-01", "amount": "-10",
         "billing_interval": "month", "currency": "EUR"},
    ])
    append_rows(folder, "invoices", [invoice("I2", status="pending"), invoice("I3", account_id="A4"),
                                     invoice("I4", currency="GBP")])
    (folder / "payments.csv").write_text(
        "payment_id,invoice_id,attempted_at,amount,currency,status\n"
        "P1,I1,2024-03-01T00:00:00Z,1200.00,EUR,succeeded\n"
        "P2,I3,2024-03-01T00:00:00Z,10,EUR,succeeded\n"
    )
    append_rows(folder, "fx_rates", [
        {"rate_date": "2024-01-01", "currency": "EUR", "rate_to_reporting": "1.2"},
        {"rate_date": "2024-01-01", "currency": "eur", "rate_to_reporting": "1.3"},
        {"rate_date": "2024-01-01", "currency": "CHF", "rate_to_reporting": "0"},
        {"rate_date": "2024-01-01", "currency": "SEK", "rate_to_reporting": "NaN"},
    ])
    return folder


def test_each_kind_of_bad_input_is_quarantined_with_its_reason(faulty_warehouse):
    quarantined = query(faulty_warehouse, """
        select table_name, row_key, column_name, reason from audit.dq_quarantine
        order by table_name, row_key
    """)
    assert sorted(quarantined) == sorted(EXPECTED_QUARANTINE)


def test_optional_references_to_missing_rows_are_nulled_and_listed(faulty_warehouse):
    nulled = query(faulty_warehouse, """
        select table_name, row_key, column_name, missing_value from audit.dq_nulled_references
    """)
    assert sorted(nulled) == sorted(EXPECTED_NULLED)
    assert query(faulty_warehouse, """
        select opportunity_id, account_id, owner_user_id from core.fct_opportunities
        where opportunity_id in ('O1', 'O5', 'O10') order by 1
    """) == [("O1", "A1", "U1"), ("O10", "A1", None), ("O5", None, None)]
    assert query(faulty_warehouse, "select parent_account_id from core.dim_accounts where account_id = 'A2'") == [(None,)]


def test_deals_without_an_amount_or_an_account_are_kept(faulty_warehouse):
    assert query(faulty_warehouse, """
        select opportunity_id, account_id, amount, amount_reporting, region from core.fct_opportunities
        where opportunity_id in ('O9', 'O18') order by 1
    """) == [("O18", None, 100, 100, "unknown"), ("O9", "A1", None, None, "EMEA")]


def test_the_build_reports_what_it_nulled_and_quarantined(faulty_warehouse):
    from revops.build_notes import build_notes

    notes = build_notes(faulty_warehouse)
    assert "set to NULL: 2 opportunities rows whose account_id matches no row (A404)" not in notes
    assert "set to NULL: 1 opportunities row whose account_id matches no row (A404)" in notes
    assert any(line.startswith("quarantined: ") and "opportunities rows (" in line for line in notes)
    assert notes[-1].startswith("the rest: ")


def test_quarantine_records_the_line_in_the_file(faulty_warehouse):
    # accounts.csv: header, A1, A2, then the appended A1 duplicate on line 4
    assert query(faulty_warehouse, """
        select source_line, value from audit.dq_quarantine where table_name = 'accounts' and row_key = 'A1'
    """) == [(4, "A1")]


def test_no_good_row_is_lost_and_no_bad_row_is_conformed(faulty_warehouse):
    assert query(faulty_warehouse, "select account_id from core.dim_accounts order by 1") == [("A1",), ("A2",)]
    assert query(faulty_warehouse, "select opportunity_id from core.fct_opportunities order by 1") == [
        ("O1",), ("O10",), ("O18",), ("O5",), ("O9",)]
    assert query(faulty_warehouse, "select invoice_id from core.fct_invoices") == [("I1",)]
    # the first EUR rate is the one kept: 1,200 EUR a year = 110 USD a month
    assert query(faulty_warehouse, "select sum(mrr) from core.fct_mrr_monthly where month_start = '2024-02-01'")[0][0] == 110


def test_too_much_bad_input_fails_the_build_and_publishes_nothing(project, tiny_company, tmp_path):
    append_rows(tiny_company, "opportunities", [deal("O2", amount="12x")])  # 1 of 2 deals: 50%
    warehouse = tmp_path / "revops.duckdb"
    with pytest.raises(BuildFailed) as failure:
        build_warehouse(project, BuildOptions(warehouse=warehouse, data_dir=tiny_company))
    assert "quarantined: 1 opportunities row, amount: not a valid money (lines 3 of opportunities.csv)" in failure.value.details
    # said in the user's words, not as dbt's test name
    assert "too many rows broke the input contract" in failure.value.details
    assert "    table_name=opportunities, raw_rows=2, quarantined_rows=1, max_quarantined_share=0.01" in (
        failure.value.details)
    assert not warehouse.exists()


def test_a_malformed_file_fails_with_its_name(project, tiny_company, tmp_path):
    (tiny_company / "accounts.csv").write_text('account_id,account_name,created_at\n"A1,Acme,2024-01-05\nA2,"B"x",2024\n')
    with pytest.raises(BuildFailed) as failure:
        build_warehouse(project, BuildOptions(warehouse=tmp_path / "revops.duckdb", data_dir=tiny_company))
    assert "accounts.csv" in "\n".join(failure.value.details)
