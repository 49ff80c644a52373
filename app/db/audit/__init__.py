"""The SQL of ``pickpack audit``: one query per floor rule, each returning the rows that break it.

Every check is a grouped or joined SELECT that the database answers in bulk (no Python loop over orders or
events), so the audit stays fast at 100,000 orders. Each function returns how many rows break the rule and the
first ``limit`` of them, already joined to the names an operator knows (location code, SKU, order number, tote
code, picker name). The same SQLAlchemy Core runs on SQLite and PostgreSQL: JSON fields are read with the JSON
type's ``as_string()`` (``json_extract`` / ``->>``), lists are gathered with ``aggregate_strings``
(``group_concat`` / ``string_agg``) and the event chains use the ``LAG`` window function, which both support.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from app.db.audit.common import (
    BATCH_PICKING,
    DEFAULT_LIMIT,
    NOT_RELEASED_OR_CLOSED,
    OPEN_PUTBACK,
    OPEN_TASK,
    PICK_KIND,
    TOTE_PUTBACK,
    Found,
    open_statuses,
    repeatable_snapshot,
)
from app.db.audit.floor import (
    allocation_in_one_open_task,
    no_open_stop_for_closed_order,
    order_in_one_open_batch,
    picker_one_open_batch,
    putback_in_one_open_task,
    task_not_over_picked,
    tote_belongs_to_open_order,
)
from app.db.audit.statuses import (
    STATUS_EVENT_KINDS,
    TRACKED,
    Tracked,
    event_chain_unbroken,
    status_legal,
    status_matches_last_event,
)
from app.db.audit.stock import (
    line_allocated_equals_allocations,
    on_hand_equals_ledger,
    reserved_equals_allocations,
    reserved_within_on_hand,
)

CHECKS: Sequence[tuple[str, Callable[[Session, int], Found]]] = (
    ("reserved_within_on_hand", reserved_within_on_hand),
    ("reserved_equals_allocations", reserved_equals_allocations),
    ("line_allocated_equals_allocations", line_allocated_equals_allocations),
    ("on_hand_equals_ledger", on_hand_equals_ledger),
    ("order_in_one_open_batch", order_in_one_open_batch),
    ("allocation_in_one_open_task", allocation_in_one_open_task),
    ("putback_in_one_open_task", putback_in_one_open_task),
    ("task_not_over_picked", task_not_over_picked),
    ("no_open_stop_for_closed_order", no_open_stop_for_closed_order),
    ("tote_belongs_to_open_order", tote_belongs_to_open_order),
    ("picker_one_open_batch", picker_one_open_batch),
    ("status_legal", status_legal),
    ("status_matches_last_event", status_matches_last_event),
    ("event_chain_unbroken", event_chain_unbroken),
)
"""Every check in the order the audit runs and reports them: (stable name, query)."""

__all__ = [
    "BATCH_PICKING",
    "CHECKS",
    "DEFAULT_LIMIT",
    "NOT_RELEASED_OR_CLOSED",
    "OPEN_PUTBACK",
    "OPEN_TASK",
    "PICK_KIND",
    "STATUS_EVENT_KINDS",
    "TOTE_PUTBACK",
    "TRACKED",
    "Found",
    "Tracked",
    "allocation_in_one_open_task",
    "event_chain_unbroken",
    "line_allocated_equals_allocations",
    "no_open_stop_for_closed_order",
    "on_hand_equals_ledger",
    "open_statuses",
    "order_in_one_open_batch",
    "picker_one_open_batch",
    "putback_in_one_open_task",
    "repeatable_snapshot",
    "reserved_equals_allocations",
    "reserved_within_on_hand",
    "status_legal",
    "status_matches_last_event",
    "task_not_over_picked",
    "tote_belongs_to_open_order",
]
