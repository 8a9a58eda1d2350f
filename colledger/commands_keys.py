"""`colledger keys create|list|revoke|history`: API keys, managed from the server's own terminal.

Grants made here are recorded like an admin's over HTTP, as ``cli:USER`` in the
role ``console`` (whoever can reach the database this way).
"""

from __future__ import annotations

import argparse
from functools import partial
from typing import Any

from api.keys import ROLES, KeyStore, console_actor
from api.schemas.keys import KeyPublic
from colledger.rendering import console, emit_json, table
from colledger.wiring import ledger_for

NO_ACTOR = ("an actor id is required: --actor ID names the person or system the key speaks "
            "for (for an agent, --agent ID: the id accounts are assigned to)")


def register(sub: Any) -> None:
    keys = sub.add_parser("keys", help="create, list and revoke API keys").add_subparsers(
        dest="keys_command", required=True, metavar="ACTION"
    )
    create = keys.add_parser("create", help="create a key (shown once, never stored)")
    create.add_argument("--role", choices=ROLES, required=True)
    who = create.add_mutually_exclusive_group()
    who.add_argument("--agent", metavar="ID",
                     help="with --role agent: the agent's id, as accounts are assigned to it")
    who.add_argument("--actor", metavar="ID",
                     help="who the key speaks for (any role); it keeps this role for ever")
    create.add_argument("--format", choices=("text", "json"), default="text")
    create.set_defaults(run=partial(run_create, create))

    listing = keys.add_parser("list", help="every key, revoked ones included (no secrets)")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(run=run_list)

    history = keys.add_parser("history", help="who gave whom which access, when")
    history.add_argument("--format", choices=("table", "json"), default="table")
    history.set_defaults(run=run_history)

    revoke = keys.add_parser("revoke", help="revoke a key: it stops working at once")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=run_revoke)


def key_store(args: argparse.Namespace) -> KeyStore:
    return ledger_for(args).keys


def run_create(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.agent is not None and args.role != "agent":
        parser.error(f"--agent is for agent keys; a {args.role} key takes --actor ID")
    actor_id = args.agent or args.actor
    if actor_id is None:
        parser.error(NO_ACTOR)
    key_id, key = key_store(args).create(args.role, actor_id, by=console_actor())
    if args.format == "json":
        emit_json({"key_id": key_id, "key": key, "role": args.role, "actor_id": actor_id})
    else:
        console.print(f"key {key_id} for {actor_id} ({args.role}); shown only this once:")
        print(key)
    return 0


def run_list(args: argparse.Namespace) -> int:
    rows = [KeyPublic(**row).model_dump(mode="json") for row in key_store(args).listing()]
    if args.format == "json":
        emit_json(rows)
        return 0
    console.print(table(
        "API keys", ["Key id", "Role", "Actor", "Created (UTC)", "Granted by", "Revoked (UTC)",
                     "Revoked by"],
        [[r["key_id"], r["role"], r["actor_id"], seconds(r["created_at"]), who(r["granted_by"]),
          seconds(r["revoked_at"]), who(r["revoked_by"])] for r in rows],
    ))
    return 0


def run_history(args: argparse.Namespace) -> int:
    grants = key_store(args).history()
    if args.format == "json":
        emit_json(grants)
        return 0
    console.print(table(
        "Access grants", ["Recorded (UTC)", "Event", "Key id", "Actor", "Role", "By",
                          "Correlation id"],
        [[seconds(g["recorded_at"]), g["event"], g["key_id"], g["holder_id"], g["holder_role"],
          f"{g['by_actor_id']} ({g['by_role']})", g["correlation_id"]] for g in grants],
    ))
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    if key_store(args).revoke(args.key_id, by=console_actor()):
        console.print(f"key {args.key_id} revoked")
        return 0
    console.print(f"[red]no active key {args.key_id}[/red]")
    return 1


def seconds(moment: str | None) -> str:
    return "" if moment is None else moment[:19].replace("T", " ")


def who(grantor: dict[str, str] | None) -> str:
    return "" if grantor is None else f"{grantor['actor_id']} ({grantor['role']})"
