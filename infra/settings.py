"""Runtime settings: the one place that reads environment variables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE = Path("var") / "ledger.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COLLEDGER_", extra="ignore")

    database_url: str = f"sqlite:///{DEFAULT_SQLITE}"
    four_eyes_threshold: Decimal = Decimal("1000")
    contact_policy_enabled: bool = True
    api_host: str = "127.0.0.1"
    api_port: int = 8000
