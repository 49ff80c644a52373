"""`pickpack users add|list`."""

from __future__ import annotations

import argparse

from app.cli.output import emit_json, say
from app.db.models import ROLES
from app.db.unit_of_work import Actor
from app.services import users


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    u = sub.add_parser("users", help="manage terminal users")
    u_sub = u.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = u_sub.add_parser("add", help="add a user", description="Add a user who signs in by badge or name + PIN.")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--badge", required=True, help="the code printed on the user's badge, e.g. BADGE-ANNA")
    p.add_argument("--pin", required=True, help="4 to 8 digits")
    p.set_defaults(handler=handle_add)
    p = u_sub.add_parser("list", help="list users")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_list)


def handle_add(args: argparse.Namespace) -> int:
    user = users.add_user(args.context.db, args.name, args.role, args.badge, args.pin, actor=Actor.system())
    say(f"user {user.name} added ({user.role}, badge {user.badge})")
    return 0


def handle_list(args: argparse.Namespace) -> int:
    rows = users.list_users(args.context.db)
    if args.json:
        emit_json([u.as_json() for u in rows])
        return 0
    for u in rows:
        print(f"{u.name:<16} {u.role:<11} {u.badge:<20} {'' if u.active else 'inactive'}")
    return 0
