"""What every audit check shares: the ``Found`` result, listing the first rows with a total in one pass, id
lists, the statuses that count as open, and the snapshot the checks read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    cast,
    func,
    select,
    text,
)
from sqlalchemy.orm import Session

from app.domain.orders import BACKORDERED, CHANGEABLE, FINAL, RELEASED
from app.domain.states import OPEN_BATCH, PUTBACK, TASK, TOTE_IN_USE, Machine

DEFAULT_LIMIT = 100
"""Rows listed per check; the count always covers all of them."""


def open_statuses(machine: Machine) -> tuple[str, ...]:
    """The statuses a row can still leave: derived from the machine, so a new final status needs no audit change."""
    return tuple(s for s in machine.statuses if any(frm == s for frm, _ in machine.moves))


OPEN_TASK = open_statuses(TASK)
OPEN_PUTBACK = open_statuses(PUTBACK)
BATCH_PICKING = "picking"
"""A batch claimed by a picker: the one status a picker may hold only one of."""
TOTE_PUTBACK = "putback"
"""A tote holding goods of a cancelled order: it belongs to an open put-back, not to an order."""
PICK_KIND = "pick"
"""Pick stops (``kind = 'putback'`` stops carry the cancelled order's id but are not that order's picking)."""
NOT_RELEASED_OR_CLOSED = tuple(sorted((CHANGEABLE - {RELEASED}) | FINAL))
"""Order statuses that must have no open pick stop: not yet released (new, allocated, backordered, on hold) or
closed (shipped, cancelled)."""
assert BATCH_PICKING in OPEN_BATCH and TOTE_PUTBACK in TOTE_IN_USE and BACKORDERED in NOT_RELEASED_OR_CLOSED


@dataclass(frozen=True)
class Found:
    """The rows breaking one rule: ``count`` of all, ``rows`` the first few as plain dicts."""

    count: int
    rows: tuple[dict[str, Any], ...]


def first_rows(session: Session, stmt: Select[Any] | CompoundSelect, limit: int, order: Sequence[str]) -> Found:
    """The first ``limit`` rows, ordered by the named columns, and how many rows there are in all.

    The check's statement is a ``MATERIALIZED`` CTE, so each database plans it for its whole result (hash
    joins and aggregates) and never for "the first 100 rows": a LIMIT pushed into the joins made PostgreSQL
    pick nested loops on fresh statistics and one check ran for minutes at 100,000 orders. ``COUNT(*) OVER ()``
    counts the rows in the same pass as the first few are listed.
    """
    if limit < 1:
        raise ValueError("an audit lists at least one row per check")
    found = stmt.cte("violations").prefix_with("MATERIALIZED")
    listed = select(found, func.count().over().label(TOTAL_COLUMN)).order_by(*(found.c[name] for name in order))
    rows = session.execute(listed.limit(limit)).mappings().all()
    if not rows:
        return Found(0, ())
    return Found(rows[0][TOTAL_COLUMN], tuple({k: v for k, v in r.items() if k != TOTAL_COLUMN} for r in rows))


TOTAL_COLUMN = "audit_total"


def id_list(gathered: str | None) -> list[int]:
    """A gathered id list (``"3,1,3"``) as sorted, distinct integers."""
    return sorted({int(part) for part in (gathered or "").split(",") if part})


def gather_ids(column: ColumnElement[int]) -> ColumnElement[str]:
    return func.aggregate_strings(cast(column, String), ",")


def with_id_lists(found: Found, *keys: str) -> Found:
    return Found(found.count, tuple({**r, **{k: id_list(r[k]) for k in keys}} for r in found.rows))


def repeatable_snapshot(session: Session) -> None:
    """Make the rest of this transaction read one snapshot: PostgreSQL's default READ COMMITTED would let each
    check see a different moment, so two checks could disagree about one change made in between. Must run
    before any other statement of the transaction. SQLite's deferred read transaction already reads one
    snapshot (WAL), so nothing is needed there."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
