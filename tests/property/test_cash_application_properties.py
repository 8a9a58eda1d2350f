"""Cash application against generated statements with known answers.

A random portfolio (customers, each with invoices of random amounts) and a camt.053 built
from it: receipts naming one invoice in their remittance (paying it whole or in part),
and receipts naming nothing from payers nobody knows. Whatever was drawn:

- every receipt naming its invoice is matched by that rule, and pays that invoice exactly
  what it says (the invoice owes the rest);
- no receipt is applied twice: the statement imported again (and again in overlapping
  halves) records nothing and moves no money; each matched receipt made exactly one
  payment of its amount; unmatched ones made none.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.cash.application import CashApplication
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Actor
from ledger.commands.receivables import IssueInvoice
from tests.builders import MANAGER, make_service
from tests.support.statement_files import camt053_file
from tests.unit.given import store_position

DAY = date(2026, 3, 2)
OPENED = date(2026, 1, 1)
CASHIER = Actor("cashier-1", "cashier")
NAMES = ("ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT")

cents = st.integers(1, 500_000).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def portfolios(draw: st.DrawFn) -> dict[str, list[Decimal]]:
    """Customer name -> its invoices' amounts (invoice ids are positional)."""
    customers = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    return {c: draw(st.lists(cents, min_size=1, max_size=4)) for c in customers}


@st.composite
def statements(draw: st.DrawFn, portfolio: dict[str, list[Decimal]]
               ) -> tuple[list[tuple[date, Decimal, str, str, str, str, str]],
                          dict[str, tuple[str, Decimal]]]:
    """The statement's rows, and for each reference naming an invoice: (invoice, paid)."""
    invoices = [(c, n, amount) for c, amounts in portfolio.items()
                for n, amount in enumerate(amounts, start=1)]
    named = draw(st.lists(st.sampled_from(invoices), unique=True, max_size=len(invoices)))
    rows, known = [], {}
    for k, (customer, n, amount) in enumerate(named, start=1):
        paid = draw(st.sampled_from((amount, (amount / 2).quantize(Decimal("0.01")))))
        paid = max(paid, Decimal("0.01"))
        reference = f"REF{k:04d}"
        rows.append((DAY, paid, "EUR", f"{customer} GMBH", "", f"PAYMENT {invoice_id(customer, n)}",
                     reference))
        known[reference] = (invoice_id(customer, n), paid)
    for k in range(draw(st.integers(0, 3))):
        rows.append((DAY, draw(cents), "EUR", f"UNKNOWN PAYER {k}", "", "THANK YOU",
                     f"NOISE{k:04d}"))
    order = draw(st.permutations(range(len(rows))))
    return [rows[i] for i in order], known


def invoice_id(customer: str, n: int) -> str:
    return f"{customer[:3]}{n:03d}"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_receipts_naming_their_invoice_pay_it_exactly_and_nothing_is_applied_twice(
    data: st.DataObject,
) -> None:
    portfolio = data.draw(portfolios())
    rows, known = data.draw(statements(portfolio))
    service, clock = make_service()
    for customer, amounts in portfolio.items():
        service.execute(OpenAccount(account=customer, name=f"{customer} Trading GmbH",
                                    currency="EUR", timezone="UTC", terms_days=30,
                                    segment="standard", effective_on=OPENED), MANAGER)
        for n, amount in enumerate(amounts, start=1):
            service.execute(IssueInvoice(account=customer, invoice_id=invoice_id(customer, n),
                                         amount=amount, currency="EUR", issue_date=OPENED),
                            MANAGER)
    clock.set_day(DAY)
    cash = CashApplication(service)
    file = camt053_file(rows)

    report = cash.import_statement(file, CASHIER)

    assert report.recorded == len(rows)
    assert report.by_rule.get("invoice_reference", 0) == len(known)
    models = service.read_models
    models.catch_up()
    receipts = {r.bank_reference: r for r in models.receipts(DAY, limit=500)}
    for reference, (invoice, paid) in known.items():
        receipt = receipts[reference]
        customer = next(c for c in portfolio if invoice.startswith(c[:3]))
        assert (receipt.status, receipt.rule) == ("matched", "invoice_reference")
        assert [(s.account, s.amount) for s in receipt.splits] == [(customer, paid)]
        original = portfolio[customer][int(invoice[3:]) - 1]
        assert service.account(customer).invoices[invoice].outstanding == original - paid
    for receipt in receipts.values():
        if receipt.bank_reference not in known:
            assert receipt.status == "unidentified"
            assert receipt.splits == ()

    before = store_position(service)
    again = cash.import_statement(file, CASHIER)
    halves = [cash.import_statement(camt053_file(rows[:len(rows) // 2 + 1]), CASHIER),
              cash.import_statement(camt053_file(rows[len(rows) // 2:]), CASHIER)]
    assert again.recorded == sum(h.recorded for h in halves) == 0
    assert store_position(service) == before
    payments = [p for customer in portfolio
                for p in service.account(customer).payments.values()]
    assert len(payments) == len(known)
    assert sorted(p.amount for p in payments) == sorted(paid for _, paid in known.values())
