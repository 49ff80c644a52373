"""Reads behind the supervisor's dialogs: who is signed in and what they hold, and one batch's counts.

The reassign dialog offers the people signed in now (their newest sign-in or sign-out event is a sign-in) with the
batch each holds; the confirmations name a batch by its status, picker and progress. Each is one or two
statements whatever the size of the floor (the event reads use the (kind, at) index over the shift window).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Batch, BatchSlot, Event, PickTask, User

SIGN_KINDS = ("user.signed_in", "user.signed_out")
USER_PREFIX = "user:"


class SignedIn(NamedTuple):
    """Someone signed in since the window's start and not signed out since."""

    name: str
    role: str
    since: datetime


def signed_in_users(session: Session, roles: tuple[str, ...], since: datetime) -> list[SignedIn]:
    """Active users of ``roles`` whose newest sign-in/out event after ``since`` is a sign-in, by name."""
    newest = (
        select(func.max(Event.id))
        .where(Event.kind.in_(SIGN_KINDS), Event.at >= since, Event.subject.startswith(USER_PREFIX))
        .group_by(Event.subject)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Event.subject, Event.at).where(Event.id.in_(newest), Event.kind == "user.signed_in")
    ).all()
    at_of = {subject[len(USER_PREFIX) :]: at for subject, at in rows}
    if not at_of:
        return []
    users = session.execute(
        select(User.name, User.role)
        .where(User.name.in_(list(at_of)), User.role.in_(roles), User.active.is_(True))
        .order_by(User.name)
    )
    return [SignedIn(name, role, at_of[name]) for name, role in users]


class BatchCounts(NamedTuple):
    """One batch: its status, who holds it, its orders and stops (done of all), its first open location."""

    batch_id: int
    status: str
    picker: str | None
    orders: int
    stops: int
    stops_done: int
    next_location: str | None


def batch_counts(session: Session, batch_ids: list[int]) -> dict[int, BatchCounts]:
    """The counts of each of ``batch_ids`` (missing ids are absent), in three grouped statements."""
    if not batch_ids:
        return {}
    heads = session.execute(
        select(Batch.id, Batch.status, User.name)
        .outerjoin(User, Batch.picker_id == User.id)
        .where(Batch.id.in_(batch_ids))
    ).all()
    orders = dict(
        session.execute(
            select(BatchSlot.batch_id, func.count(func.distinct(BatchSlot.order_id)))
            .where(BatchSlot.batch_id.in_(batch_ids))
            .group_by(BatchSlot.batch_id)
        ).all()
    )
    stops: dict[int, tuple[int, int, str | None]] = {}
    for batch_id, status, location in session.execute(
        select(PickTask.batch_id, PickTask.status, PickTask.location_code)
        .where(PickTask.batch_id.in_(batch_ids))
        .order_by(PickTask.batch_id, PickTask.seq, PickTask.id)
    ):
        total, done, first_open = stops.get(batch_id, (0, 0, None))
        if status == "open" and first_open is None:
            first_open = location
        stops[batch_id] = (total + 1, done + (status != "open"), first_open)
    result = {}
    for batch_id, status, picker in heads:
        total, done, first_open = stops.get(batch_id, (0, 0, None))
        result[batch_id] = BatchCounts(batch_id, status, picker, int(orders.get(batch_id, 0)), total, done, first_open)
    return result


def held_batch_ids(session: Session, names: list[str]) -> dict[str, int]:
    """The batch each of ``names`` is picking now (a picker holds at most one)."""
    if not names:
        return {}
    return {
        name: batch_id
        for name, batch_id in session.execute(
            select(User.name, Batch.id)
            .join(User, Batch.picker_id == User.id)
            .where(Batch.status == "picking", User.name.in_(names))
        )
    }
