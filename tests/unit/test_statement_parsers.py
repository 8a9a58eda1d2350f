"""Bank statements read into StatementLines: real samples, returns, broken files, round trips.

The real samples under tests/data/statements/{bai2,mt940,camt}/ are the parsers' own
projects' test files (tests/data/README.md names source, commit and licence); the files
under handwritten/ are the edge cases those lack. Generated files (tests/support/
statement_files.py) must parse back to the lines they were built from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.cash.statements import (
    StatementLine,
    StatementParseError,
    detect_format,
    parse_statement,
)
from ledger.cash.statements.model import checked_amount
from tests.support import statement_files

DATA = Path(__file__).parent.parent / "data" / "statements"
Row = tuple[date, Decimal, str, str, str, str, str]

# file, format, statements, lines: counted by hand from each file
REAL_SAMPLES = [
    ("bai2/citi_example.bai2", "bai2", 1, 1),
    ("bai2/nwb_example.bai2", "bai2", 1, 5),
    ("bai2/svb_us_example.bai2", "bai2", 2, 2),
    ("bai2/account_trailer_amount_blank_example.bai2", "bai2", 2, 0),
    ("mt940/jejik-abnamro.sta", "mt940", 2, 10),
    ("mt940/jejik-ing.sta", "mt940", 1, 7),
    ("mt940/jejik-rabobank.sta", "mt940", 4, 5),
    ("mt940/jejik-triodos.sta", "mt940", 1, 2),
    ("mt940/betterplace-sepa_mt9401.sta", "mt940", 26, 97),
    ("mt940/mBank-mt940.sta", "mt940", 1, 3),
    ("camt/camt053-valid_example.xml", "camt053", 1, 5),
    ("camt/camt053-valid_example_v4.xml", "camt053", 1, 32),
    ("camt/camt053-valid_example_v8.xml", "camt053", 1, 3),
    ("camt/camt053-valid_example_with_batch.xml", "camt053", 1, 3),
    ("camt/camt054-valid_example.xml", "camt054", 1, 5),
]
HANDWRITTEN = [
    ("handwritten/bai2-return.bai2", "bai2"),
    ("handwritten/camt054-return.xml", "camt054"),
    ("handwritten/mt940-reversal.sta", "mt940"),
    ("handwritten/statement.csv", "csv"),
]


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def lines_of(name: str) -> list[StatementLine]:
    return [line for statement in parse_statement(read(name)) for line in statement.lines]


# -- real samples --------------------------------------------------------------------

@pytest.mark.parametrize(("name", "format", "statements", "count"), REAL_SAMPLES)
def test_every_real_sample_parses_with_decimal_amounts_in_minor_units(
        name: str, format: str, statements: int, count: int) -> None:
    parsed = parse_statement(read(name))
    assert [s.format for s in parsed] == [format] * statements
    lines = [line for s in parsed for line in s.lines]
    assert len(lines) == count
    for line in lines:
        assert type(line.amount) is Decimal and line.amount > 0
        # exactly the currency's minor units: 2 for EUR, CHF, GBP, USD, PLN
        assert line.amount.as_tuple().exponent == -2, (line.amount, line.currency)
        assert line.direction in ("credit", "debit")
        assert line.source_line >= 1
    assert [line.sequence for s in parsed for line in s.lines] == [
        n for s in parsed for n in range(1, len(s.lines) + 1)]


@pytest.mark.parametrize(("name", "format"),
                         [(name, fmt) for name, fmt, _, _ in REAL_SAMPLES] + HANDWRITTEN)
def test_format_is_detected_per_file(name: str, format: str) -> None:
    assert detect_format(read(name)) == format
    assert parse_statement(read(name)) == parse_statement(read(name), format)


def test_real_amounts_are_exact_as_the_bank_wrote_them() -> None:
    citi = lines_of("bai2/citi_example.bai2")[0]
    assert (citi.amount, citi.currency, citi.direction) == (Decimal("0.01"), "GBP", "credit")
    assert citi.bank_reference == "1234567890"
    assert citi.value_on == date(2015, 7, 15)  # the V (value-dated) funds type's date
    svb = lines_of("bai2/svb_us_example.bai2")
    assert [(x.amount, x.bank_reference) for x in svb] == [
        (Decimal("4901.96"), "172629"), (Decimal("9058.00"), "150675")]
    v8 = lines_of("camt/camt053-valid_example_v8.xml")
    assert (v8[0].amount, v8[0].currency, v8[0].end_to_end_id, v8[0].counterparty_name) == (
        Decimal("474.40"), "CHF", "80000004540000100095", "Jon Doe")
    assert v8[2].direction == "debit" and v8[2].currency == "EUR"
    ing = lines_of("mt940/jejik-ing.sta")
    assert [x.amount for x in ing][:2] == [Decimal("25.03"), Decimal("3.03")]


def test_a_batch_entry_whose_transactions_add_up_becomes_one_line_each() -> None:
    v4 = lines_of("camt/camt053-valid_example_v4.xml")
    returned = [x for x in v4 if x.return_reason.startswith("NARR RETOUR")]
    # one 110.00 CHF entry of three returned transfers: 20 + 40 + 50
    assert [x.amount for x in returned] == [Decimal("20.00"), Decimal("40.00"), Decimal("50.00")]
    assert len({x.bank_reference for x in returned}) == 3


def test_camt054_notification_and_camt053_entry_of_one_transaction_agree() -> None:
    """The bank's own pair: the camt.054 sample notifies five entries the v4 camt.053
    statement books too; each pair has the same references, so an import counts once."""
    statement = lines_of("camt/camt053-valid_example_v4.xml")
    notification = lines_of("camt/camt054-valid_example.xml")
    by_reference = {line.bank_reference: line for line in statement}
    for notified in notification:
        booked = by_reference[notified.bank_reference]
        assert (booked.end_to_end_id, booked.amount, booked.direction, booked.is_return,
                booked.returned_reference, booked.value_on) == (
            notified.end_to_end_id, notified.amount, notified.direction, notified.is_return,
            notified.returned_reference, notified.value_on)
    assert {x.end_to_end_id for x in notification} >= {
        "EndToEnd-CRDBRActSame-1B9C-CHDDBB2", "PMT-651727380907030005"}


# -- returns -----------------------------------------------------------------------

def test_camt054_return_is_flagged_with_the_banks_reason_and_names_the_payment() -> None:
    paid, returned = lines_of("handwritten/camt054-return.xml")
    assert not paid.is_return and paid.end_to_end_id == "E2E-ACME-INV-2026-0117"
    assert paid.creditor_reference == "RF18539007547034"
    assert returned.is_return and returned.direction == "debit"
    assert returned.return_reason == "AC04 Closed account number"
    assert returned.returned_reference == paid.end_to_end_id
    assert returned.end_to_end_id == ""  # never looks like the payment it undoes
    assert returned.counterparty_account == "DE44500105175407324931"
    assert returned.bank_reference == "BANKREF-20261203-0007" != paid.bank_reference


def test_real_camt_direct_debit_refund_names_the_customer_not_a_virtual_account() -> None:
    refunds = [x for x in lines_of("camt/camt054-valid_example.xml") if x.is_return]
    assert [(x.return_reason, x.returned_reference, x.counterparty_name) for x in refunds] == [
        ("MD06 Lastschrift-Widerspruch durch den Zahlungspflichtigen", "EndToEnd-2B6C-CHDDBB5",
         "Bernasconi Maria"),
        ("MD06 Lastschrift-Widerspruch durch den Zahlungspflichtigen", "E2E-1-1-16030913",
         "Rutschmann Pia")]
    assert all(x.virtual_account == "" for x in refunds)


def test_bai2_return_type_code_is_flagged_with_code_and_name() -> None:
    deposit, returned = lines_of("handwritten/bai2-return.bai2")
    assert not deposit.is_return and deposit.amount == Decimal("1250.00")
    assert returned.is_return and returned.direction == "debit"
    assert returned.amount == Decimal("480.50")
    assert returned.return_reason == "555 Deposited Item Returned"
    assert returned.returned_reference == "CHK10442"
    assert returned.remittance == "RETURNED ITEM NSF INV-2026-0098 GLOBEX LLC"


def test_mt940_reversals_rc_and_rd_are_flagged_with_the_banks_words() -> None:
    paid, reversed_credit, reversed_debit = lines_of("handwritten/mt940-reversal.sta")
    assert (paid.direction, paid.is_return) == ("credit", False)
    assert (reversed_credit.direction, reversed_credit.is_return) == ("debit", True)
    assert reversed_credit.return_reason == "RUECKLASTSCHRIFT AC04 KONTO ERLOSCHEN"
    assert reversed_credit.returned_reference == paid.end_to_end_id == "E2E-ACME-INV-2026-0117"
    assert (reversed_debit.direction, reversed_debit.is_return) == ("credit", True)
    assert reversed_debit.return_reason == "LASTSCHRIFT/STORNO"


def test_real_mt940_storno_lines_are_returns() -> None:
    returns = [x for x in lines_of("mt940/betterplace-sepa_mt9401.sta") if x.is_return]
    assert [(x.direction, x.amount, x.return_reason) for x in returns] == [
        ("debit", Decimal("204.88"), "SAMMLER/STORNO"),
        ("debit", Decimal("204.88"), "SEPA-UEBERW/STORNO")]
    assert returns[1].returned_reference == "MSGIDCTSc03MintT"


def test_csv_layout_reads_every_documented_column() -> None:
    acme, globex, fee, yen = lines_of("handwritten/statement.csv")
    assert (acme.value_on, acme.amount, acme.currency, acme.counterparty_name,
            acme.counterparty_account, acme.remittance, acme.bank_reference) == (
        date(2026, 12, 1), Decimal("1250.00"), "EUR", "Acme Fahrradteile GmbH",
        "DE44500105175407324931", "INV-2026-0117", "BR261201A")
    assert globex.counterparty_name == "Globex, Inc."
    assert globex.remittance == "INV-2026-0098, INV-2026-0101"
    assert (fee.direction, fee.amount) == ("debit", Decimal("12.00"))
    assert (yen.amount, yen.currency, yen.bank_reference) == (Decimal("5000"), "JPY", "")


# -- broken files ------------------------------------------------------------------

def _replace_line(name: str, number: int, text: bytes) -> bytes:
    lines = read(name).split(b"\n")
    lines[number - 1] = text
    return b"\n".join(lines)


@pytest.mark.parametrize(("data", "line", "words"), [
    # BAI2: a detail's amount changed, so the account's control total no longer adds up
    (_replace_line("handwritten/bai2-return.bai2", 4,
                   b"16,195,125001,Z,BR261201A,CUST0117,INV-2026-0117 ACME BIKE PARTS INC"),
     7, "BAI2"),
    (_replace_line("handwritten/bai2-return.bai2", 5, b"17,555,48050,Z,BR261203R,,X"),
     5, "record code"),
    # MT940: a :61: whose amount is not a SWIFT amount
    (_replace_line("handwritten/mt940-reversal.sta", 5,
                   b":61:2612011201CXX1250,00NTRFE2E0117//BR261201A\r"), 5, ":61:"),
    # camt: an unclosed element, and an amount that is no decimal
    (read("handwritten/camt054-return.xml").replace(b"</Acct>", b"</Acc>"), 16, "XML"),
    (read("handwritten/camt054-return.xml").replace(b">1250.00<", b">1,250.00<", 1), 19,
     "'1,250.00'"),
    (read("handwritten/camt054-return.xml").replace(b"<CdtDbtInd>CRDT", b"<CdtDbtInd>CRED", 1),
     20, "CRED"),
    # CSV: a bad date, a missing field, an unknown currency
    (_replace_line("handwritten/statement.csv", 3,
                   b"2026-13-01,310.50,EUR,Globex,GB33BUKB20201555555555,INV,BR1"), 3, "date"),
    (_replace_line("handwritten/statement.csv", 4, b"2026-12-02,-12.00,EUR,Bank,,fee"), 4,
     "6 fields"),
    (_replace_line("handwritten/statement.csv", 5, b"2026-12-02,5000,XYZ,Yamada,,RF18,"), 5,
     "XYZ"),
])
def test_a_broken_file_raises_naming_the_line(data: bytes, line: int, words: str) -> None:
    with pytest.raises(StatementParseError) as raised:
        parse_statement(data)
    assert raised.value.line == line, str(raised.value)
    assert words in str(raised.value)
    assert str(raised.value).startswith(f"line {line}: ")


@pytest.mark.parametrize(("data", "format", "line"), [
    (b"date,amount,currency,counterparty,iban,remittance,reference\n"
     b"2026-12-01,10.005,EUR,A,,,\n", "csv", 2),
    (b"date,amount,currency,counterparty,iban,remittance,reference\n"
     b"2026-12-01,10.5,JPY,A,,,\n", "csv", 2),
    (read("handwritten/camt054-return.xml").replace(b">1250.00<", b">1250.001<", 1),
     "camt054", 19),
    (read("handwritten/mt940-reversal.sta").replace(b"C1250,00N", b"C1250,001N"), "mt940", 5),
])
def test_an_amount_with_more_minor_units_than_its_currency_is_refused(
        data: bytes, format: str, line: int) -> None:
    with pytest.raises(StatementParseError) as raised:
        parse_statement(data, format)
    assert raised.value.line == line
    assert "decimals" in str(raised.value)


def test_trailing_zeros_within_the_minor_units_are_the_same_amount() -> None:
    assert checked_amount("12.50", "EUR", 1) == checked_amount("12.5", "EUR", 1)
    assert str(checked_amount("12.5", "EUR", 1)) == "12.50"
    for text in ("1e3", "NaN", " 12", "12,5", "-3", "", "1.2.3"):
        with pytest.raises(StatementParseError):
            checked_amount(text, "EUR", 1)


def test_unknown_files_and_dtd_are_refused() -> None:
    with pytest.raises(StatementParseError, match="not a bank statement"):
        parse_statement(b"hello,world\n1,2\n")
    with pytest.raises(StatementParseError, match="camt.052"):
        parse_statement(read("camt/camt054-valid_example.xml")
                        .replace(b"camt.054.001.04", b"camt.052.001.04")
                        .replace(b"BkToCstmrDbtCdtNtfctn", b"BkToCstmrAcctRpt")
                        .replace(b"Ntfctn>", b"Rpt>"))
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaa">]>\n'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/>')
    with pytest.raises(StatementParseError, match="DOCTYPE") as raised:
        parse_statement(bomb, "camt053")
    assert raised.value.line == 2
    with pytest.raises(StatementParseError, match="format 'ofx'"):
        parse_statement(b"", "ofx")
    with pytest.raises(StatementParseError, match="not camt.054"):
        parse_statement(read("camt/camt053-valid_example.xml"), "camt054")


# -- generated statements parse back -----------------------------------------------

_WORD = st.text(statement_files.FIELD_ALPHABET.replace(" ", ""), min_size=1, max_size=8)
_TEXT = st.lists(_WORD, max_size=6).map(" ".join)
_CURRENCY_AMOUNT = st.sampled_from(["EUR", "USD", "JPY", "CHF"]).flatmap(
    lambda currency: st.tuples(
        st.just(currency),
        st.integers(-10**9, 10**9).filter(bool).map(
            lambda minor: Decimal(minor).scaleb(0 if currency == "JPY" else -2))))
_LINE = st.builds(
    lambda on, ca, name, iban, remittance, reference:
        (on, ca[1], ca[0], name[:27].strip(), iban, remittance[:100].strip(), reference),
    # BAI2's two-digit years read as 1969-2068 (strptime's %y), so dates stay before 2069
    st.dates(date(2000, 1, 1), date(2068, 12, 31)),
    _CURRENCY_AMOUNT, _TEXT,
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=34),
    _TEXT,
    # NONREF and NOTPROVIDED are how banks write "no reference": read as none
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=16).filter(
        lambda reference: reference not in ("NONREF", "NOTPROVIDED")))


def _read_back(line: StatementLine) -> tuple[object, ...]:
    signed = line.amount if line.direction == "credit" else -line.amount
    return (line.value_on, signed, line.currency, line.counterparty_name,
            line.counterparty_account, line.remittance, line.bank_reference)


@pytest.mark.parametrize(("build", "format", "expected"), [
    (statement_files.csv_file, "csv", list),
    (statement_files.camt053_file, "camt053", list),
    (statement_files.mt940_file, "mt940", list),
    (statement_files.bai2_file, "bai2", statement_files.bai2_lines),
])
@settings(max_examples=20, deadline=None)
@given(rows=st.lists(_LINE, min_size=1, max_size=8))
def test_generated_statements_parse_back_to_their_lines(
        build: Callable[[list[Row]], bytes], format: str,
        expected: Callable[[list[Row]], Iterable[tuple[object, ...]]], rows: list[Row]) -> None:
    data = build(rows)
    assert detect_format(data) == format
    parsed = [_read_back(line) for s in parse_statement(data) for line in s.lines]
    wanted = [tuple(line) for line in expected(rows)]
    assert sorted(parsed, key=repr) == sorted(wanted, key=repr)
    for s in parse_statement(data):
        assert all(type(line.amount) is Decimal for line in s.lines)


def test_write_camt053_streams_a_file_that_parses(tmp_path: Path) -> None:
    rows = [(date(2026, 12, 1), Decimal(f"{n}.{n % 100:02d}"), "EUR", f"PAYER {n}",
             f"DE{n:020d}", f"INV-{n:06d}", f"REF{n}") for n in range(1, 501)]
    path = tmp_path / "statement.xml"
    assert statement_files.write_camt053(path, iter(rows)) == 500
    (statement,) = parse_statement(path.read_bytes())
    assert statement.account == statement_files.OWN_IBAN
    assert [_read_back(line) for line in statement.lines] == rows


def test_a_bai2_file_cut_short_is_refused_not_read_forever() -> None:
    """The bai2 library loops without end on a file with no trailers: the records' nesting
    is checked first, and the error names where the file stops."""
    whole = (DATA / "handwritten" / "bai2-return.bai2").read_bytes()
    cut = b"\n".join(whole.splitlines()[:4])
    with pytest.raises(StatementParseError, match="without its 99 trailer") as raised:
        parse_statement(cut, "bai2")
    assert raised.value.line == 4
    with pytest.raises(StatementParseError, match="cannot follow record 01"):
        parse_statement(whole.replace(b"02,", b"03,", 1), "bai2")


SAMPLE_FILES = sorted(p for p in DATA.rglob("*") if p.is_file()
                      and p.suffix.lower() in (".bai2", ".xml", ".sta", ".csv", ".txt", ".mt940"))


@settings(max_examples=60, deadline=None)
@given(sample=st.sampled_from(SAMPLE_FILES), at=st.integers(0, 10**6),
       junk=st.binary(min_size=1, max_size=12), cut=st.booleans(),
       format=st.sampled_from(("auto", "bai2", "camt053", "camt054", "mt940", "csv")))
def test_a_damaged_file_is_read_or_refused_with_its_line_never_anything_else(
    sample: Path, at: int, junk: bytes, cut: bool, format: str,
) -> None:
    """What an upload may hold: a real sample with bytes changed or cut off. It parses, or
    it is a StatementParseError (the API's 422 naming the line), never another exception."""
    data = sample.read_bytes()
    at %= len(data) + 1
    damaged = data[:at] + junk + (b"" if cut else data[at + len(junk):])
    try:
        parse_statement(damaged, format)
    except StatementParseError as refused:
        assert str(refused)
