"""Who is acting on the command line: ``--user NAME`` plus a PIN, checked by the users service before any change.

Conventions, "Identity on the command line": the PIN comes from ``$PICKPACK_PIN``, else a prompt when stdin is a
terminal; with neither the command exits 2 without touching the database, so a script never hangs on a prompt
nobody sees. The PIN is never an option: it would land in shell history and ``ps``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.cli.lazy import lazy_module
from app.services.errors import InvalidInput

if TYPE_CHECKING:
    from app.domain.actor import Actor
    from app.services.users import UserView

users = lazy_module("app.services.users")

ENV_PIN = "PICKPACK_PIN"
TERMINAL = "cli"


class NoPin(InvalidInput):
    """No PIN to sign in with: exit 2 before the database is asked (it is not a failed sign-in)."""


@dataclass(frozen=True)
class SignedIn:
    """The authenticated user and the actor every event of the command is written with (their id included)."""

    user: UserView
    actor: Actor


def add_user_option(parser: argparse.ArgumentParser, *, required: bool = True, help_extra: str = "") -> None:
    """``--user NAME`` with the same help everywhere, so every changing command explains the PIN the same way."""
    parser.add_argument(
        "--user",
        required=required,
        metavar="NAME",
        help=f"who does it: signs in with the PIN from ${ENV_PIN} (or a prompt on a terminal){help_extra}",
    )


def read_pin(name: str) -> str:
    """The PIN from the environment, else typed at a hidden prompt; refuse (exit 2) when neither is possible."""
    pin = os.environ.get(ENV_PIN, "")
    if pin:
        return pin
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        typed = getpass.getpass(f"PIN for {name}: ")
        if typed:
            return typed
        raise NoPin(f"no PIN typed for {name}")
    raise NoPin(f"no PIN for {name}: set {ENV_PIN} or run the command in a terminal to be asked")


def sign_in(args: argparse.Namespace, action: str, *, terminal: str = TERMINAL) -> SignedIn:
    """Authenticate ``args.user`` for ``action`` (a key of ``app.domain.roles.POLICY``).

    Raises ``SignInRefused``/``NoPin`` (exit 2): wrong PIN, unknown, disabled or locked user, the system user,
    or a role the policy does not allow. Only the refusal event is written then. The lockout follows
    ``[security]`` of the config; the service the command calls next checks the user again (``app.services.authz``).
    """
    from app.domain.actor import Actor

    pin = read_pin(args.user)
    ctx = args.context
    user = users.authenticate(ctx.db, args.user, pin, action=action, terminal=terminal, security=ctx.config.security)
    return SignedIn(user, Actor(user.name, terminal, user.id))
