"""One module per resource, each exposing ``ROUTERS``; the app includes them in this order
(which is also the order of paths in ``openapi.json``). A new module is listed here."""

from __future__ import annotations

from fastapi import APIRouter

from api.routers import (
    account_setup,
    accounts,
    approvals,
    audit,
    bank_statements,
    contact_refusals,
    contacts,
    days,
    disputes,
    dunning,
    erasure,
    fx_rates,
    keys,
    kpis,
    notice_messages,
    notices,
    operations,
    payer_accounts,
    placements,
    plans,
    portfolio,
    promises,
    read_side,
    receipts,
    receivables,
    refunds,
    search,
    settlements,
    statements,
    tasks,
    trails,
    verification,
    worklists,
    write_offs,
)

MODULES = (
    account_setup, accounts, approvals, audit, bank_statements, contact_refusals, contacts,
    days, disputes, dunning, erasure, fx_rates, keys, notice_messages, notices, operations,
    payer_accounts, placements, plans, portfolio, kpis, promises, read_side, receipts,
    receivables, refunds, search, settlements, statements, tasks, trails, verification, worklists,
    write_offs,
)

ROUTERS: tuple[APIRouter, ...] = tuple(router for module in MODULES for router in module.ROUTERS)
