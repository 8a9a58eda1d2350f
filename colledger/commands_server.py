"""`colledger serve`: the HTTP API on uvicorn."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import uvicorn

from api.app import create_app
from api.logging_setup import configure_logging
from colledger.demo_keys import ensure_demo_keys
from colledger.rendering import console
from colledger.wiring import ledger_for, settings_for

DEMO_KEYS = Path("var") / "demo-keys.json"


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", help="default: $COLLEDGER_API_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: $COLLEDGER_API_PORT or 8000")
    serve.add_argument(
        "--demo-keys", action="store_true",
        help="print an API key per role (kept in var/demo-keys.json) for trying the API",
    )
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    host = args.host or settings.api_host
    port = args.port or settings.api_port
    ledger = ledger_for(args)
    relay = ledger.background()
    app = create_app(ledger, background=relay)
    console.print(f"collections ledger on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    console.print(f"event store: {settings.database_url}")
    if settings.split_read_side:
        console.print(f"read models: {settings.read_models_url} "
                      f"(fed by {settings.read_models_fed_by})")
    if settings.kafka_bootstrap:
        console.print(f"relaying events to {settings.events_topic} and notices to "
                      f"collections.notices.v1 on {settings.kafka_bootstrap}")
    console.print(f"workspace: http://{host}:{port}/app/  (sign in with an API key)")
    if args.demo_keys:
        console.print("demo API keys (send as X-API-Key):")
        for role, (actor, key) in ensure_demo_keys(app.state.keys, DEMO_KEYS).items():
            console.print(f"  {role:<11} {actor:<13} {key}")
    configure_logging()
    uvicorn.run(app, host=host, port=port, log_level="info", log_config=None, access_log=False)
    return 0
