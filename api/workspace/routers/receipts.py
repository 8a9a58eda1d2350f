"""The receipts page: the unidentified queue a cashier works, and the bank's other receipts.

The list is ``GET /receipts``'s read (`ReadModels.receipts`): oldest value date first, each
receipt with its payer, remittance and what each matching rule found. A cashier or a
manager (the API's ``APPLIERS_OF_CASH``) matches a receipt to accounts and invoices, or
returns it to the payer, through cash application's own `match_receipt` and
`return_receipt` (who and why recorded), as ``POST /receipts/{id}/matches`` and
``/returns`` do; then back to the list (303) saying so. A refusal is shown beside the form
as the API's problem would say it, and writes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID, uuid4

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import CashDep, ReadModelsDep
from api.keys import Caller
from api.permissions import APPLIERS_OF_CASH
from api.problems import status_for
from api.workspace.deps import ReceiptsViewer, page_router
from api.workspace.receipt_forms import (
    SPLIT_ROWS,
    UnreadableForm,
    manual_splits,
    match_body,
    return_body,
)
from api.workspace.refusals import PageRefused
from api.workspace.row_actions import Problem
from api.workspace.templating import templates
from ledger.aggregates.errors import LedgerError
from ledger.aggregates.receipts import MATCHED, RECORDED, RETURNED, REVERSED, UNIDENTIFIED
from ledger.cash.application import CashApplication
from ledger.commands.base import Actor
from ledger.projections.read_models import ReadModels

router = page_router()
SHOWN = {UNIDENTIFIED: UNIDENTIFIED, MATCHED: MATCHED, RETURNED: RETURNED,
         REVERSED: REVERSED, "all": None}
"""The status filter's choices: the queue first; ``all`` is no filter."""
WORKABLE = (RECORDED, UNIDENTIFIED)
PAGE_SIZE = 50
ACTIONS = {"match": "matched", "return": "returned"}


def page_context(caller: Caller, models: ReadModels, status: str, after: str | None
                 ) -> dict[str, Any]:
    day = models.clock().date()
    rows = models.receipts(day, SHOWN[status], after, PAGE_SIZE)
    return {
        "rows": rows, "status": status, "statuses": list(SHOWN), "after": after,
        "next_page": urlencode({"status": status, "after": rows[-1].receipt_id})
        if len(rows) == PAGE_SIZE else None,
        "may_apply": caller.role in APPLIERS_OF_CASH, "workable": WORKABLE,
        "split_rows": range(1, SPLIT_ROWS + 1), "problems": {}, "form": {}, "flash": None,
    }


@router.get("/receipts")
def receipts(request: Request, caller: ReceiptsViewer, models: ReadModelsDep,
             status: str = UNIDENTIFIED, after: str | None = None,
             done: str | None = None, receipt: str | None = None) -> HTMLResponse:
    """Receipts of one status (the unidentified queue unless asked), oldest first."""
    context = page_context(caller, models, shown_status(status), after)
    context["flash"] = flash(models, done, receipt)
    return templates.TemplateResponse(request, "receipts.html", context)


@router.post("/receipts/{receipt_id}/{action}")
async def act(request: Request, receipt_id: str, action: str, caller: ReceiptsViewer,
              cash: CashDep, models: ReadModelsDep) -> Response:
    """Match or return one receipt, then back to the list; or the refusal beside its form."""
    if action not in ACTIONS:
        raise PageRefused(404, "not-found", f"a receipt has no action {action!r}")
    if caller.role not in APPLIERS_OF_CASH:
        raise PageRefused(403, "forbidden",
                          f"{caller.actor_id} ({caller.role}) may not {action} receipts")
    form = {k: str(v) for k, v in (await request.form()).items()}
    status = shown_status(form.get("back_status", UNIDENTIFIED))
    refused = carried_out(cash, Actor(caller.actor_id, caller.role), action, receipt_id, form)
    if refused is None:
        models.catch_up()
        back = urlencode({"status": status, "done": action, "receipt": receipt_id})
        return RedirectResponse(f"/app/receipts?{back}", status_code=303)
    context = page_context(caller, models, status, None)
    status_code, problem = refused
    context |= {"problems": {receipt_id: (action, problem)}, "form": form}
    return templates.TemplateResponse(request, "receipts.html", context,
                                      status_code=status_code)


def carried_out(cash: CashApplication, actor: Actor, action: str, receipt_id: str,
                form: dict[str, str]) -> tuple[int, Problem] | None:
    """The API's call for the form; None when done, else the status and problem the API
    would answer."""
    try:
        receipt = UUID(receipt_id)
    except ValueError:
        return 404, Problem("Not found", "not-found", f"receipt {receipt_id} not found")
    try:
        if action == "match":
            body = match_body(form)
            cash.match_receipt(receipt, manual_splits(body), body.reason, actor,
                               str(uuid4()))
        else:
            given_back = return_body(form)
            cash.return_receipt(receipt, given_back.reason, given_back.refund_reference,
                                actor, str(uuid4()))
    except UnreadableForm as error:
        return 422, Problem("Invalid request", "validation-error", str(error))
    except LedgerError as error:
        return status_for(error), Problem(type(error).__name__, error.rule(), error.message)
    return None


def shown_status(asked: str) -> str:
    if asked not in SHOWN:
        raise PageRefused(422, "validation-error",
                          f"status is one of {', '.join(SHOWN)}, not {asked!r}")
    return asked


def flash(models: ReadModels, done: str | None, receipt: str | None) -> str | None:
    """What was just done, named by the bank's reference and where the money went."""
    if done not in ACTIONS or not receipt:
        return None
    row = models.receipt(models.clock().date(), receipt)
    if row is None:
        return None
    said = f"Receipt {row.bank_reference or row.receipt_id} {ACTIONS[done]}"
    paid = ", ".join(s.account for s in row.splits)
    return f"{said}: paid to {paid}." if paid and done == "match" else f"{said}."


ROUTERS = (router,)
