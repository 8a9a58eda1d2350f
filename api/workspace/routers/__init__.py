"""The workspace's pages, one module per resource, each exposing ``ROUTERS`` made with
``api.workspace.deps.page_router()``; ``api.workspace.install`` includes them in this order.
A new module is listed here."""

from __future__ import annotations

from fastapi import APIRouter

from api.workspace.routers import (
    accounts,
    approvals,
    audit,
    dashboard,
    disputes,
    home,
    placeholders,
    receipts,
    search,
    sign_in,
    tasks,
    worklist,
)

MODULES = (home, sign_in, accounts, tasks, disputes, approvals, receipts, audit, dashboard,
           worklist, search, placeholders)

ROUTERS: tuple[APIRouter, ...] = tuple(router for module in MODULES for router in module.ROUTERS)
