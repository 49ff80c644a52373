"""The order state machine: statuses and the allowed moves between them, kept as data.

Every status change goes through ``check_transition`` so an illegal move (say ``shipped`` -> ``allocated``) is
refused with a message naming both ends, wherever it was attempted from.
"""

from __future__ import annotations

from app.domain.errors import DomainError

NEW = "new"
ALLOCATED = "allocated"
BACKORDERED = "backordered"
ON_HOLD = "on_hold"
RELEASED = "released"
PICKING = "picking"
PICKED = "picked"
PACKING = "packing"
PACKED = "packed"
SHIPPED = "shipped"
CANCELLED = "cancelled"

STATUSES = (NEW, ALLOCATED, BACKORDERED, ON_HOLD, RELEASED, PICKING, PICKED, PACKING, PACKED, SHIPPED, CANCELLED)

TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (NEW, ALLOCATED),
        (NEW, BACKORDERED),
        (NEW, ON_HOLD),
        (NEW, CANCELLED),
        (BACKORDERED, ALLOCATED),
        (BACKORDERED, NEW),
        (BACKORDERED, ON_HOLD),
        (BACKORDERED, CANCELLED),
        (ALLOCATED, RELEASED),
        (ALLOCATED, NEW),
        (ALLOCATED, ON_HOLD),
        (ALLOCATED, CANCELLED),
        (ON_HOLD, NEW),
        (ON_HOLD, CANCELLED),
        (RELEASED, PICKING),
        (RELEASED, NEW),
        (RELEASED, ON_HOLD),
        (RELEASED, CANCELLED),
        (PICKING, PICKED),
        (PICKING, RELEASED),  # the batch went back to the queue before anything of the order was picked
        (PICKING, CANCELLED),
        (PICKED, PACKING),
        (PICKED, CANCELLED),
        (PACKING, PACKED),
        (PACKING, PICKED),
        (PACKING, CANCELLED),
        (PACKED, SHIPPED),
        (PACKED, PACKING),
        (PACKED, CANCELLED),
        (SHIPPED, PACKED),
    }
)
"""Allowed (from, to) pairs. Going back to ``new`` means "allocate again" after a change; ``shipped`` goes back
to ``packed`` when a label is voided before the carrier collects the parcel."""

CHANGEABLE = frozenset({NEW, ALLOCATED, BACKORDERED, ON_HOLD, RELEASED})
"""Statuses in which lines, address and service level may still be edited: picking has not started."""

PICKING_STARTED = frozenset({PICKING, PICKED, PACKING, PACKED})
"""Statuses in which a cancel leaves goods in totes that must be put back on the shelf."""

FINAL = frozenset({SHIPPED, CANCELLED})


class IllegalTransition(DomainError):
    def __init__(self, number: str, current: str, wanted: str) -> None:
        super().__init__(f"order {number} is {current}; it cannot become {wanted}")
        self.current = current
        self.wanted = wanted


def check_transition(number: str, current: str, wanted: str) -> None:
    if (current, wanted) not in TRANSITIONS:
        raise IllegalTransition(number, current, wanted)
