"""`pickpack users add|list|unlock|disable`.

Changing users is for admins, who sign in with ``--user`` + PIN (``app.cli.identity``). The one exception is the
very first admin of a database without any admin: nobody could sign in to add them, so ``users add NAME --role
admin`` then needs no ``--user`` (checked again inside the service's transaction).
"""

from __future__ import annotations

import argparse

from app.cli import identity
from app.cli.lazy import lazy_module
from app.cli.output import emit_json, say
from app.config import SecurityConfig
from app.domain import roles
from app.services.errors import InvalidInput

users = lazy_module("app.services.users")

ROLES = (roles.PICKER, roles.PACKER, roles.SUPERVISOR, roles.ADMIN)
"""The roles a person can be given; the same as the database models' ``ROLES``, named here from the domain so
that building the parser does not load the models (a test keeps the two equal)."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    u = sub.add_parser("users", help="manage terminal users")
    u_sub = u.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = u_sub.add_parser(
        "add",
        help="add a user (admin)",
        description="Add a user who signs in by badge or name + PIN. An admin adds users (--user ADMIN); the first "
        "admin of a database that has none is added without --user.",
    )
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--badge", required=True, help="the code printed on the user's badge, e.g. BADGE-ANNA")
    p.add_argument("--pin", required=True, help="the new user's PIN: 4 to 8 digits")
    identity.add_user_option(p, required=False, help_extra="; an admin (not needed for the very first admin)")
    p.set_defaults(handler=handle_add)
    p = u_sub.add_parser("list", help="list users")
    p.add_argument("--all", action="store_true", help="include the built-in system user")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_list)
    p = u_sub.add_parser(
        "unlock",
        help="let a user locked by wrong PINs sign in again (admin)",
        description="After [security] max_pin_failures wrong PINs in a row (default "
        f"{SecurityConfig().max_pin_failures}) a user is locked (PIN, badge and every action) for [security] "
        f"lockout_minutes (default {SecurityConfig().lockout_minutes}; 0 = until unlocked); this ends the lock "
        "at once and forgives wrong PINs counted so far.",
    )
    p.add_argument("name")
    identity.add_user_option(p)
    p.set_defaults(handler=handle_unlock)
    p = u_sub.add_parser(
        "disable",
        help="stop a user from signing in (admin)",
        description="The user stays in the history; they can no longer sign in by badge or PIN.",
    )
    p.add_argument("name")
    identity.add_user_option(p)
    p.set_defaults(handler=handle_disable)


def handle_add(args: argparse.Namespace) -> int:
    db = args.context.db
    if args.user is None:
        if users.has_admin(db):
            raise InvalidInput("users add needs --user ADMIN (an admin signs in with a PIN)")
        user = users.add_user(
            db, args.name, args.role, args.badge, args.pin, actor=users.system_actor(db), first_admin=True
        )
        say(f"user {user.name} added ({user.role}, badge {user.badge}) as the first admin")
        return 0
    me = identity.sign_in(args, "users.add")
    user = users.add_user(db, args.name, args.role, args.badge, args.pin, actor=me.actor)
    say(f"user {user.name} added ({user.role}, badge {user.badge})")
    return 0


def handle_list(args: argparse.Namespace) -> int:
    rows = users.list_users(args.context.db, include_system=args.all)
    if args.json:
        emit_json([u.as_json() for u in rows])
        return 0
    for u in rows:
        print(f"{u.name:<16} {u.role:<11} {u.badge:<20} {'' if u.active else 'inactive'}")
    return 0


def handle_unlock(args: argparse.Namespace) -> int:
    me = identity.sign_in(args, "users.unlock")
    if users.unlock_user(args.context.db, args.name, actor=me.actor):
        say(f"user {args.name} unlocked")
    else:
        say(f"user {args.name} was not locked")
    return 0


def handle_disable(args: argparse.Namespace) -> int:
    me = identity.sign_in(args, "users.disable")
    user = users.disable_user(args.context.db, args.name, actor=me.actor)
    say(f"user {user.name} disabled")
    return 0
