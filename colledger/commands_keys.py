"""`colledger keys create|list|revoke`: API keys, managed from the server's own terminal."""

from __future__ import annotations

import argparse
from typing import Any

from api.keys import ROLES, KeyStore
from api.schemas.keys import KeyPublic
from colledger.rendering import console, emit_json, table
from colledger.wiring import service_for


def register(sub: Any) -> None:
    keys = sub.add_parser("keys", help="create, list and revoke API keys").add_subparsers(
        dest="keys_command", required=True, metavar="ACTION"
    )
    create = keys.add_parser("create", help="create a key (shown once, never stored)")
    create.add_argument("--role", choices=ROLES, required=True)
    who = create.add_mutually_exclusive_group(required=True)
    who.add_argument("--agent", dest="actor_id", metavar="ID",
                     help="the agent's id, as accounts are assigned to it")
    who.add_argument("--actor", dest="actor_id", metavar="ID",
                     help="the person or system a non-agent key belongs to")
    create.add_argument("--format", choices=("text", "json"), default="text")
    create.set_defaults(run=run_create)

    listing = keys.add_parser("list", help="every key, revoked ones included (no secrets)")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(run=run_list)

    revoke = keys.add_parser("revoke", help="revoke a key: it stops working at once")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=run_revoke)


def key_store(args: argparse.Namespace) -> KeyStore:
    return KeyStore(service_for(args).app.datastore)


def run_create(args: argparse.Namespace) -> int:
    key_id, key = key_store(args).create(args.role, args.actor_id)
    if args.format == "json":
        emit_json({"key_id": key_id, "key": key, "role": args.role, "actor_id": args.actor_id})
    else:
        console.print(f"key {key_id} for {args.actor_id} ({args.role}); shown only this once:")
        print(key)
    return 0


def run_list(args: argparse.Namespace) -> int:
    rows = [KeyPublic(**row).model_dump(mode="json") for row in key_store(args).listing()]
    if args.format == "json":
        emit_json(rows)
        return 0
    console.print(table(
        "API keys", ["Key id", "Role", "Actor", "Created (UTC)", "Revoked (UTC)"],
        [[r["key_id"], r["role"], r["actor_id"], seconds(r["created_at"]),
          seconds(r["revoked_at"])] for r in rows],
    ))
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    if key_store(args).revoke(args.key_id):
        console.print(f"key {args.key_id} revoked")
        return 0
    console.print(f"[red]no active key {args.key_id}[/red]")
    return 1


def seconds(moment: str | None) -> str:
    return "" if moment is None else moment[:19].replace("T", " ")
