"""Landing a folder (landing.py): which file is which table, every file not read, paths
that are never SQL nor globs, and CSV lines that are file lines. Fast: the landing SQL
runs on an in-memory DuckDB, without dbt."""

from __future__ import annotations

import gzip
import time
from dataclasses import replace

import duckdb
import pytest
from click.testing import CliRunner

from revops.build import BuildOptions, build_warehouse
from revops.cli import main
from revops.contract import load_contract
from revops.errors import BadInput, ExitCode
from revops.landing import landing_statements, run_landing, scan_folder

ACCOUNTS_HEADER = "account_id,account_name,created_at\n"


@pytest.fixture(scope="module")
def contract(project):
    return load_contract(project.contract_sources)


def land(folder, contract):
    """Land `folder` into raw.* of a fresh in-memory DuckDB, as the dbt hook does."""
    scan = scan_folder(folder, contract)
    assert not scan.errors, scan.errors
    connection = duckdb.connect()
    run_landing(connection, landing_statements(scan, contract, "raw"))
    return connection


def rows(connection, table, columns="account_id, _source_line, _source_error"):
    return connection.execute(f'select {columns} from raw."{table}" order by _source_line').fetchall()


def problems(folder, contract):
    return sorted((problem.severity, str(problem)) for problem in scan_folder(folder, contract).problems)


@pytest.mark.parametrize("name, decoy", [
    ("x'||'y", "xy"),
    ("O'Brien exports", None),
    ("exp [1]", "exp 1"),
    ("a*b", "ab"),
    ("q?x", "qzx"),
    ("dept=sales", None),  # not read as a hive partition column
])
def test_a_path_is_read_as_named_never_as_sql_or_a_glob(contract, tmp_path, name, decoy):
    (tmp_path / name).mkdir()
    (tmp_path / name / "accounts.csv").write_text(ACCOUNTS_HEADER + "RIGHT,Right,2024-01-01\n")
    if decoy:
        (tmp_path / decoy).mkdir()
        (tmp_path / decoy / "accounts.csv").write_text(ACCOUNTS_HEADER + "WRONG,Wrong,2024-01-01\n")
    connection = land(tmp_path / name, contract)
    assert connection.execute("select * exclude (_source_text) from raw.accounts").fetchall() == [
        ("RIGHT", "Right", "2024-01-01", 2, "accounts.csv", None)]


def test_table_names_match_case_insensitively_and_gzip_and_part_folders_are_read(contract, tmp_path):
    (tmp_path / "Accounts.CSV").write_text(ACCOUNTS_HEADER + "A1,Acme,2024-01-01\n")
    with gzip.open(tmp_path / "users.csv.gz", "wt") as handle:
        handle.write("user_id,user_name\nU1,Ann\n")
    (tmp_path / "forecasts.csv").mkdir()
    header = "user_id,period_start,submitted_at,amount,currency\n"
    (tmp_path / "forecasts.csv" / "part-00000-abc.csv").write_text(header + "F1,2024-01-01,2024-01-01,1,USD\n")
    (tmp_path / "forecasts.csv" / "part-00001-abc.csv").write_text(
        header + "F2,2024-01-01,2024-01-01,1,USD\nF3,2024-01-01,2024-01-01,1,USD\n")
    (tmp_path / "forecasts.csv" / "_SUCCESS").write_text("")
    (tmp_path / "forecasts.csv" / ".part-00000-abc.csv.crc").write_text("")
    (tmp_path / "leads.parquet").mkdir()
    connection = duckdb.connect()
    for part in range(2):
        path = tmp_path / "leads.parquet" / f"part-0000{part}.snappy.parquet"
        connection.execute(f"copy (select 'L{part}' as lead_id, '2024-01-01' as created_at) to '{path}' (format parquet)")
    scan = scan_folder(tmp_path, contract)
    assert sorted(scan.tables) == ["accounts", "forecasts", "leads", "users"]
    assert scan.problems == []
    connection = land(tmp_path, contract)
    assert rows(connection, "accounts") == [("A1", 2, None)]
    assert rows(connection, "users", "user_id, _source_line, _source_file") == [("U1", 2, "users.csv.gz")]
    assert sorted(rows(connection, "forecasts", "user_id, _source_line, _source_file")) == [
        ("F1", 2, "forecasts.csv/part-00000-abc.csv"),
        ("F2", 2, "forecasts.csv/part-00001-abc.csv"),
        ("F3", 3, "forecasts.csv/part-00001-abc.csv"),
    ]
    assert sorted(rows(connection, "leads", "lead_id, _source_line, _source_file")) == [
        ("L0", 1, "leads.parquet/part-00000.snappy.parquet"),
        ("L1", 1, "leads.parquet/part-00001.snappy.parquet"),
    ]


def test_every_file_not_read_is_listed_with_a_did_you_mean(contract, tmp_path):
    (tmp_path / "accounts.csv").write_text(ACCOUNTS_HEADER + "A1,Acme,2024-01-01\n")
    (tmp_path / "account.csv").write_text(ACCOUNTS_HEADER)
    (tmp_path / "opportunities.txt").write_text("")
    (tmp_path / "notes.md").write_text("")
    (tmp_path / "users.csv").write_text("user_id,user_nmae\nU1,Ann\n")
    assert problems(tmp_path, contract) == [
        ("error", "users.csv, column user_name: required column is missing"),
        ("warning", "account.csv: not read: no contract table is named 'account' (did you mean accounts?)"),
        ("warning", "notes.md: not read: no contract table is named 'notes'"),
        ("warning", "opportunities.txt: not read: a file for table opportunities must end in .csv, .csv.gz "
                    "or .parquet (did you mean opportunities.csv?)"),
        ("warning", "users.csv, column user_nmae: not read: not a column of users (did you mean user_name?)"),
    ]


def test_ambiguous_or_broken_files_are_errors(contract, tmp_path):
    (tmp_path / "accounts.csv").write_text(ACCOUNTS_HEADER + "A1,Acme,2024-01-01\n")
    duckdb.connect().execute(f"copy (select 'A1' as account_id) to '{tmp_path / 'accounts.parquet'}' (format parquet)")
    (tmp_path / "users.csv").symlink_to(tmp_path / "gone.csv")
    (tmp_path / "leads.csv").write_text("lead_id,created_at,Lead_ID\nL1,2024-01-01,L1\n")
    (tmp_path / "invoices.parquet").write_bytes(b"this is not parquet")
    found = problems(tmp_path, contract)
    assert found[:3] == [
        ("error", "accounts.csv and accounts.parquet: 2 files hold table accounts; keep one"),
        ("error", f"invoices.parquet: cannot be read: {found[1][1].split('cannot be read: ', 1)[1]}"),
        ("error", "leads.csv, column lead_id: the header names this column twice (columns 1, 3)"),
    ]
    assert "invoices.parquet" in found[1][1] and "parquet" in found[1][1].split("cannot be read: ", 1)[1].lower()
    assert found[3] == ("error", f"users.csv: a broken symbolic link (to {tmp_path / 'gone.csv'})")


def test_an_empty_folder_is_flagged(contract, tmp_path):
    assert problems(tmp_path, contract) == [("error", f"{tmp_path}: no contract file in this folder (expected files "
                                                      "such as accounts.csv, opportunities.csv or invoices.parquet)")]


def test_bad_lines_are_rows_with_their_reason_and_every_line_number_is_the_file_line(contract, tmp_path):
    (tmp_path / "accounts.csv").write_text(
        "Accounts export\n"              # 1  a title block above the header
        "\n"                             # 2
        + ACCOUNTS_HEADER +              # 3  the header
        'A1,"Acme\nHoldings",2024-01-01\n'  # 4-5 a quoted line break
        "\n"                             # 6  a blank line
        "A2,Smith, John,2024-01-02\n"    # 7  an unquoted comma
        "   \n"                          # 8  a line of spaces
        'A3,"5"" screen",2024-01-03\n'   # 9
        "A4,Delta,2024-01-04\n"          # 10
        "Total: 4 rows\n"                # 11 a report footer
        'A5,"unterminated,2024-01-05\n'  # 12 an unterminated quote: the rest of the file is its value
        "A6,Zeta,2024-01-06\n"           # 13
    )
    connection = land(tmp_path, contract)
    assert rows(connection, "accounts", "account_id, account_name, _source_line, _source_error, _source_text") == [
        ("A1", "Acme\nHoldings", 4, None, None),
        (None, None, 7, "malformed line: too many columns: Expected Number of Columns: 3 Found: 4",
         "A2,Smith, John,2024-01-02"),
        (None, None, 8, "malformed line: missing columns: Expected Number of Columns: 3 Found: 1", "   "),
        ("A3", '5" screen', 9, None, None),
        ("A4", "Delta", 10, None, None),
        (None, None, 11, "malformed line: missing columns: Expected Number of Columns: 3 Found: 1", "Total: 4 rows"),
        (None, None, 12, "malformed line: unquoted value: Value with unterminated quote found.",
         'A5,"unterminated,2024-01-05\nA6,Zeta,2024-01-06'),
    ]


# files whose lines the scan can count; the records of the first four fill every line,
# so they are numbered as read; the last four must fall back to mapping records to lines
COUNTED_FILES = {
    "clean": ACCOUNTS_HEADER + "A1,Acme,2024-01-01\nA2,Beta,2024-01-02\n",
    "bad lines first, between and last": (
        ACCOUNTS_HEADER + "A0,too,many,2024-01-01\nshort\nA1,Acme,2024-01-01\n   \nA2,Beta,2024-01-02\n"
        "A3,Gamma,2024-01-03\nTotal: 3 rows\nFooter,with,four,fields"),
    "CRLF, a title block and every field quoted": (
        'Accounts export\r\n"account_id","account_name","created_at"\r\n"A1","Acme, Inc","2024-01-01"\r\n'
        '"A2","5"" screen","2024-01-02"\r\nA3;bad\r\n"A4","Delta","2024-01-04"\r\n'),
    "no line end at the end": ACCOUNTS_HEADER + "A1,Acme,2024-01-01\nA2,Beta,2024-01-02",
    "a quoted line break": ACCOUNTS_HEADER + 'A1,"Acme\nHoldings",2024-01-01\nA2,bad\nA3,Gamma,2024-01-03\n',
    "a blank line": ACCOUNTS_HEADER + "A1,Acme,2024-01-01\n\nA2,bad\nA3,Gamma,2024-01-03\n",
    "a blank line at the end": ACCOUNTS_HEADER + "A1,Acme,2024-01-01\nA2,Beta,2024-01-02\n\n",
    "an unterminated quote": ACCOUNTS_HEADER + 'A1,Acme,2024-01-01\nA2,"Beta,2024-01-02\nA3,Gamma,2024-01-03\n',
}
MAPPED_ANYWAY = {"a quoted line break", "a blank line", "a blank line at the end", "an unterminated quote"}


class RecordingConnection:
    """A DuckDB connection that keeps every statement it runs."""

    def __init__(self):
        self.connection, self.statements = duckdb.connect(), []

    def execute(self, statement):
        self.statements.append(statement)
        return self.connection.execute(statement)


@pytest.mark.parametrize("case", sorted(COUNTED_FILES))
def test_counted_lines_number_records_as_mapping_them_to_lines_does(contract, tmp_path, case):
    (tmp_path / "accounts.csv").write_bytes(COUNTED_FILES[case].encode())
    scan = scan_folder(tmp_path, contract)
    assert scan.tables["accounts"].files[0].line_count == COUNTED_FILES[case].count("\n") + (
        not COUNTED_FILES[case].endswith("\n"))
    counted = RecordingConnection()
    run_landing(counted, landing_statements(scan, contract, "raw"))
    mapped = duckdb.connect()
    scan.tables["accounts"] = replace(scan.tables["accounts"],
                                      files=(replace(scan.tables["accounts"].files[0], line_count=None),))
    run_landing(mapped, landing_statements(scan, contract, "raw"))
    everything = "select * from raw.accounts order by _source_line"
    assert counted.connection.execute(everything).fetchall() == mapped.execute(everything).fetchall()
    read_lines_again = any("delim = chr(31)" in statement for statement in counted.statements)
    assert read_lines_again == (case in MAPPED_ANYWAY)


def test_counted_lines_are_the_file_lines(contract, tmp_path):
    (tmp_path / "accounts.csv").write_text(COUNTED_FILES["bad lines first, between and last"])
    connection = land(tmp_path, contract)
    assert rows(connection, "accounts", "account_id, _source_line, _source_error is not null, _source_text") == [
        (None, 2, True, "A0,too,many,2024-01-01"),
        (None, 3, True, "short"),
        ("A1", 4, False, None),
        (None, 5, True, "   "),
        ("A2", 6, False, None),
        ("A3", 7, False, None),
        (None, 8, True, "Total: 3 rows"),
        (None, 9, True, "Footer,with,four,fields"),
    ]


def test_a_lone_carriage_return_is_not_counted(contract, tmp_path):
    (tmp_path / "accounts.csv").write_bytes((ACCOUNTS_HEADER + "A1,Acme,2024-01-01\rA2,Beta,2024-01-02\n").encode())
    scan = scan_folder(tmp_path, contract)
    assert scan.tables["accounts"].files[0].line_count is None


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters_are_taken_from_the_header(contract, tmp_path, delimiter):
    (tmp_path / "accounts.csv").write_text(
        delimiter.join(["account_id", "account_name", "created_at"]) + "\n"
        + delimiter.join(["A1", '"Acme, Inc"', "2024-01-01"]) + "\n")
    connection = land(tmp_path, contract)
    assert rows(connection, "accounts", "account_id, account_name, _source_line") == [("A1", "Acme, Inc", 2)]


def test_a_missing_required_column_stops_the_build_in_seconds_naming_file_and_column(project, tiny_company, tmp_path):
    (tiny_company / "opportunities.csv").write_text("opportunity_id,account_id\nO1,A1\n")
    started = time.monotonic()
    with pytest.raises(BadInput) as failure:
        build_warehouse(project, BuildOptions(warehouse=tmp_path / "revops.duckdb", data_dir=tiny_company))
    assert time.monotonic() - started < 10
    assert "opportunities.csv, column created_at: required column is missing" in failure.value.details
    assert not (tmp_path / "revops.duckdb").exists()


def test_an_unreadable_file_exits_3_with_the_whole_reason(tiny_company, tmp_path):
    (tiny_company / "invoices.csv").unlink()
    (tiny_company / "invoices.parquet").write_bytes(b"PAR1 but not really")
    result = CliRunner().invoke(main, ["build", "--data", str(tiny_company), "--warehouse", str(tmp_path / "w.duckdb")])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "invoices.parquet: cannot be read:" in result.output
    assert "Traceback" not in result.output
