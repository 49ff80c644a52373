"""An order's status changes, each written with its event: the one way an order moves through its statuses.

Why one home: a status written without its ``order.status`` event leaves a timeline with a gap, and an event
built by hand drifts from the others (the supervisor's timeline reads ``from``, ``to`` and ``reason``). So
``set_status`` (one order, through the aggregate) and ``set_statuses`` (many at once, one UPDATE and one
INSERT, for allocation) both check the state machine and build the event here; ``log_created`` is the first
entry of a new order's timeline. Both also date the change in ``orders.status_changed_at``, which the
supervisor's "stuck since" reads through an index (searching the log per order grew quadratically).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.db.models import Order
from app.db.repositories import OrderRepository
from app.db.unit_of_work import UnitOfWork
from app.domain.actor import Actor
from app.domain.orders import check_transition

STATUS_EVENT = "order.status"


def order_subject(order_id: int) -> str:
    """The event subject of an order (``order:12``)."""
    return f"order:{order_id}"


def _event(order_id: int, before: str | None, to: str, reason: str, message: str | None = None) -> dict[str, Any]:
    """The fields of an ``order.status`` event (the one definition both writers use)."""
    return {
        "kind": STATUS_EVENT,
        "subject": order_subject(order_id),
        "message": reason if message is None else message,
        "from": before,
        "to": to,
        "reason": reason,
    }


def _record(uow: UnitOfWork, actor: Actor, fields: dict[str, Any]) -> None:
    fields = dict(fields)
    uow.record(actor, fields.pop("kind"), subject=fields.pop("subject"), message=fields.pop("message"), **fields)


def set_status(uow: UnitOfWork, order: Order, to: str, actor: Actor, reason: str = "") -> None:
    """Move an order to ``to`` if the state machine allows it, and log the move with who, where and why."""
    check_transition(order.number, order.status, to)
    before = order.status
    order.status = to
    order.status_changed_at = datetime.now(UTC)
    _record(uow, actor, _event(order.id, before, to, reason))


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One order's move for ``set_statuses`` (orders copied into plain data, not loaded as aggregates)."""

    order_id: int
    number: str
    from_status: str
    to_status: str
    reason: str


def set_statuses(uow: UnitOfWork, changes: Sequence[StatusChange], actor: Actor) -> None:
    """Move many orders at once (every move checked first, then one UPDATE and one INSERT of events)."""
    for change in changes:
        check_transition(change.number, change.from_status, change.to_status)
    uow.orders.write_statuses([(c.order_id, c.to_status) for c in changes])
    rows = []
    for c in changes:
        fields = _event(c.order_id, c.from_status, c.to_status, c.reason)
        rows.append(uow.event_row(actor, fields.pop("kind"), fields.pop("subject"), fields.pop("message"), **fields))
    uow.record_rows(rows)


def log_created(uow: UnitOfWork, order: Order, actor: Actor, reason: str, *, message: str | None = None) -> None:
    """The first entry of a new order's timeline (``from`` is None); ``message`` defaults to the reason."""
    _record(uow, actor, _event(order.id, None, order.status, reason, message))


def lock_orders(session: Any, order_ids: Iterable[int]) -> list[Order]:
    """For callers that still hold a session: ``uow.orders.lock_for_status_change`` is the same lock."""
    return OrderRepository(session).lock_for_status_change(order_ids)
