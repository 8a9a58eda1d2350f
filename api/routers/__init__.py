"""One module per resource; each exposes ``ROUTERS``, and the app includes them all."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter


def discovered_routers() -> list[APIRouter]:
    routers: list[APIRouter] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        routers.extend(getattr(loaded, "ROUTERS", []))
    return routers
