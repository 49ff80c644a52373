"""The role policy as data: which roles may run which action.

One table that the command line (and any other front end) consults after a user has proved who they are, so a
rule is changed in one place and a test can read it. Pure Python: no database, no I/O.

Action names are ``<group>.<verb>`` after the command that runs them (``orders.hold``, ``batches.claim``).
The services check the same table again inside their own transaction (``app.services.authz``), so a front end
that forgets to ask cannot widen it.

The built-in ``system`` role is named in no rule's ``roles``: the system user cannot sign in and may run only the
actions a rule marks ``automation`` (imports, processing passes, demo seeding, the simulator's crew). Why a flag
and not a role in the set: "who may sign in and do this" and "may a machine do this" are different questions,
and a refusal message lists only the people who may.
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

ROLES: Final = (PICKER, PACKER, SUPERVISOR, ADMIN)
"""The roles a person can be given (the one definition: the models, the command line and the services read it).
The built-in ``SYSTEM`` role is no person's: ``init`` gives it to the system user only."""

SUPERVISORS: Final = frozenset({SUPERVISOR, ADMIN})
PICKERS: Final = frozenset({PICKER, SUPERVISOR, ADMIN})
PACKERS: Final = frozenset({PACKER, SUPERVISOR, ADMIN})
ADMINS: Final = frozenset({ADMIN})


@dataclass(frozen=True)
class Rule:
    """Who may do one action, and how to name the action in a refusal ("may not <what>")."""

    roles: frozenset[str]
    what: str
    automation: bool = False
    """The built-in system user may run it too (it acts for ``import``, ``process``, ``demo``, ``simulate``)."""

    @property
    def who(self) -> str:
        """The allowed roles in words, for the refusal message (so the operator knows whom to ask)."""
        order = (PICKER, PACKER, SUPERVISOR, ADMIN)
        people = [role for role in order if role in self.roles]
        if not people:
            return "automation only (the built-in system user)"
        return ", ".join(people) + " only"

    def allows(self, role: str) -> bool:
        return self.automation if role == SYSTEM else role in self.roles


NOBODY: Final = frozenset[str]()
"""No person: the action is automation's alone (``automation=True``)."""

POLICY: Final = MappingProxyType(
    {
        "orders.hold": Rule(SUPERVISORS, "hold orders"),
        "orders.unhold": Rule(SUPERVISORS, "release holds"),
        "orders.cancel": Rule(SUPERVISORS, "cancel orders"),
        "orders.edit": Rule(SUPERVISORS, "edit orders"),
        "orders.priority": Rule(SUPERVISORS, "change priorities"),
        "orders.approve_short": Rule(SUPERVISORS, "approve short shipments"),
        "orders.process": Rule(SUPERVISORS, "run a processing pass", automation=True),
        "batches.claim": Rule(PICKERS, "pick"),
        "batches.pick": Rule(PICKERS, "pick"),
        "batches.release": Rule(SUPERVISORS, "release batches"),
        "batches.reassign": Rule(SUPERVISORS, "reassign batches"),
        "batches.wave": Rule(SUPERVISORS, "release waves", automation=True),
        "orders.pack": Rule(PACKERS, "pack"),
        # a carton weighed outside the tolerance closes only with this (badge + PIN, or `orders approve-weight`)
        "cartons.approve_weight": Rule(SUPERVISORS, "approve carton weights"),
        "shipments.book": Rule(PACKERS, "ship orders"),
        "shipments.print": Rule(PACKERS, "print shipping documents", automation=True),
        "shipments.void": Rule(PACKERS, "void shipments"),
        # automation only: what `import`, `init` and `demo` do as the built-in system user
        "orders.import": Rule(NOBODY, "import orders", automation=True),
        "products.import": Rule(NOBODY, "import products", automation=True),
        "stock.import": Rule(NOBODY, "import stock", automation=True),
        "setup.init": Rule(NOBODY, "set up the database", automation=True),
        "demo.seed": Rule(NOBODY, "load demo data", automation=True),
        # an admin adds people; automation too (demo users, the simulator's crew, the very first admin)
        "users.add": Rule(ADMINS, "add users", automation=True),
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
    """True when a user with ``role`` may run ``action`` (the ``system`` role: only automation's actions)."""
    return rule(action).allows(role)


def refusal(name: str, role: str, action: str) -> str | None:
    """Why ``name`` (``role``) may not run ``action``, in words for the operator; None when allowed."""
    found = rule(action)
    if found.allows(role):
        return None
    return f"{name} ({role}) may not {found.what}: {found.who}"
