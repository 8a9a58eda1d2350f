"""Screenshots of the workspace's pages, for people: written to var/artifacts/screenshots/
(untracked); `make screenshots` copies them to docs/screenshots/, which the README shows.
Tests never write tracked files."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

FOLDER = Path(__file__).resolve().parents[2] / "var" / "artifacts" / "screenshots"


def screenshot(page: Page, name: str) -> Path:
    """The whole page as ``<name>.png``; returns where it went."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
