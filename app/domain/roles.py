"""The role policy as data: which roles may run which action.

One table that the command line (and any other front end) consults after a user has proved who they are, so a
rule is changed in one place and a test can read it. Pure Python: no database, no I/O.

Action names are ``<group>.<verb>`` after the command that runs them (``orders.hold``, ``batches.claim``).
The built-in ``system`` role appears in no rule: the system user cannot sign in and acts only for automation.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

PICKER: Final = "picker"
PACKER: Final = "packer"
SUPERVISOR: Final = "supervisor"
ADMIN: Final = "admin"
SYSTEM: Final = "system"

SUPERVISORS: Final = frozenset({SUPERVISOR, ADMIN})
PICKERS: Final = frozenset({PICKER, SUPERVISOR, ADMIN})
PACKERS: Final = frozenset({PACKER, SUPERVISOR, ADMIN})
ADMINS: Final = frozenset({ADMIN})


@dataclass(frozen=True)
class Rule:
    """Who may do one action, and how to name the action in a refusal ("may not <what>")."""

    roles: frozenset[str]
    what: str

    @property
    def who(self) -> str:
        """The allowed roles in words, for the refusal message (so the operator knows whom to ask)."""
        order = (PICKER, PACKER, SUPERVISOR, ADMIN)
        return ", ".join(role for role in order if role in self.roles) + " only"


POLICY: Final = MappingProxyType(
    {
        "orders.hold": Rule(SUPERVISORS, "hold orders"),
        "orders.unhold": Rule(SUPERVISORS, "release holds"),
        "orders.cancel": Rule(SUPERVISORS, "cancel orders"),
        "orders.edit": Rule(SUPERVISORS, "edit orders"),
        "orders.priority": Rule(SUPERVISORS, "change priorities"),
        "orders.approve_short": Rule(SUPERVISORS, "approve short shipments"),
        "batches.claim": Rule(PICKERS, "pick"),
        "batches.release": Rule(SUPERVISORS, "release batches"),
        "batches.reassign": Rule(SUPERVISORS, "reassign batches"),
        "shipments.void": Rule(PACKERS, "void shipments"),
        "users.add": Rule(ADMINS, "add users"),
        "users.unlock": Rule(ADMINS, "unlock users"),
        "users.disable": Rule(ADMINS, "disable users"),
        # headless stations (conventions, "Headless stations"): sign-in at start-up decides the role
        "station.pick": Rule(PICKERS, "pick"),
        "station.count": Rule(PICKERS, "count stock"),
        "station.pack": Rule(PACKERS, "pack"),
        "station.receive": Rule(PACKERS, "receive goods"),
        "station.returns": Rule(PACKERS, "handle returns"),
    }
)
"""Action -> the roles allowed to run it. Read-only: change the policy here, not at run time."""


class UnknownAction(KeyError):
    """A caller asked about an action the policy does not name: a programming error, never an operator's."""


def rule(action: str) -> Rule:
    """The rule of ``action``; an unknown action raises rather than silently allowing or refusing everyone."""
    try:
        return POLICY[action]
    except KeyError:
        raise UnknownAction(action) from None


def may(role: str, action: str) -> bool:
    """True when a user with ``role`` may run ``action``."""
    return role in rule(action).roles


def refusal(name: str, role: str, action: str) -> str | None:
    """Why ``name`` (``role``) may not run ``action``, in words for the operator; None when allowed."""
    found = rule(action)
    if role in found.roles:
        return None
    return f"{name} ({role}) may not {found.what}: {found.who}"
