"""The floor's state machines as data: batches, pick tasks, totes, put-backs, cartons and shipments.

Orders have theirs in ``app.domain.orders``. Each aggregate changes state only through its owner function in the
service layer, which asks ``check`` here first, so an illegal move is refused with both ends named wherever it
was attempted from, and the audit can tell a legal status from a corrupted one.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import DomainError


@dataclass(frozen=True)
class Machine:
    """The statuses of one kind of aggregate and the allowed (from, to) moves between them."""

    name: str
    statuses: tuple[str, ...]
    moves: frozenset[tuple[str, str]]
    initial: str

    def check(self, ident: object, current: str, wanted: str) -> None:
        if (current, wanted) not in self.moves:
            raise IllegalMove(self.name, ident, current, wanted)


class IllegalMove(DomainError):
    def __init__(self, what: str, ident: object, current: str, wanted: str) -> None:
        super().__init__(f"{what} {ident} is {current}; it cannot become {wanted}")
        self.current = current
        self.wanted = wanted


BATCH = Machine(
    "batch",
    ("ready", "picking", "done", "cancelled"),
    frozenset(
        {
            ("ready", "picking"),  # claimed, or given to a picker by a supervisor
            ("picking", "ready"),  # freed by a supervisor, or left by its picker with nothing in hand
            ("picking", "picking"),  # reassigned to another picker
            ("picking", "done"),  # last stop confirmed
            ("ready", "done"),  # every stop already done (e.g. finished by its orders leaving)
            ("ready", "cancelled"),  # every order left before anyone picked
            ("picking", "cancelled"),
        }
    ),
    "ready",
)
"""``cancelled``: every order left the batch before anything was picked for it."""

TASK = Machine(
    "stop",
    ("open", "done", "short", "cancelled"),
    frozenset({("open", "done"), ("open", "short"), ("open", "cancelled")}),
    "open",
)
"""A pick or put-back stop. ``cancelled``: its order left the batch (changed, held or cancelled) before it was
picked; ``short``: the picker counted fewer units than the stop needed."""

TOTE = Machine(
    "tote",
    ("free", "picking", "packing", "putback"),
    frozenset(
        {
            ("free", "picking"),  # set up on a cart
            ("picking", "packing"),  # its batch finished: waits at packing
            ("picking", "free"),  # its order left the cart before anything went in
            ("picking", "putback"),  # its order was cancelled with goods in it
            ("packing", "free"),  # the order shipped (or was emptied into cartons)
            ("packing", "putback"),  # the order was cancelled at packing
            ("putback", "free"),  # every unit in it went back to a shelf
        }
    ),
    "free",
)
"""``putback``: holds goods of a cancelled order until a picker puts them back on the shelf."""

PUTBACK = Machine("put-back", ("open", "done"), frozenset({("open", "done")}), "open")

SHIPMENT = Machine(
    "shipment",
    ("packing", "shipped", "voided"),
    frozenset({("packing", "shipped"), ("shipped", "voided"), ("packing", "voided")}),
    "packing",
)

CARTON = Machine(
    "carton",
    ("open", "packed", "labelled", "voided"),
    frozenset(
        {("open", "packed"), ("packed", "labelled"), ("labelled", "voided"), ("open", "voided"), ("packed", "voided")}
    ),
    "open",
)

MACHINES = {m.name: m for m in (BATCH, TASK, TOTE, PUTBACK, SHIPMENT, CARTON)}

OPEN_BATCH = frozenset({"ready", "picking"})
TOTE_IN_USE = frozenset({"picking", "packing", "putback"})
