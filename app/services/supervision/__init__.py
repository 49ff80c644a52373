"""The supervisor's read model (issue 7): floor snapshot, exceptions queue, shift KPIs, search and a change marker.

Everything here is read-only and returns frozen dataclasses; the SQL is in ``app.db.queries.supervision``. The
package is split by screen region: ``floor`` (the snapshot, at-risk orders, the change marker),
``exception_queue``, ``shift_kpis`` and ``order_search``; ``actions`` holds what a supervisor may change from the
live queue, and ``lookups`` the reads the simulator and the benchmarks make. The public names are re-exported
here, so ``supervision.floor_snapshot(...)`` is the way in.

An order's timeline (the drill-down) is ``app.services.orders.show_order``; it is not repeated here.
"""

from __future__ import annotations

from app.services.supervision.exception_queue import (
    BACKORDER,
    EXCEPTION_KINDS,
    HOLD,
    PRINT_FAILED,
    REFUSAL_WINDOW_MINUTES,
    REPEATED_REFUSALS,
    SHORT_PICK,
    SIGN_IN_REFUSED,
    STUCK_PACKED,
    STUCK_RELEASED,
    UNKNOWN_SKU_HOLD,
    USER_LOCKED,
    WEIGHT_MISMATCH,
    ExceptionRow,
)
from app.services.supervision.floor import (
    CRITICAL,
    CRITICAL_MINUTES,
    LATE,
    MIN_RATE_HOURS,
    OK,
    PICK_EVENT_KINDS,
    WARNING,
    WARNING_MINUTES,
    BatchRow,
    FloorSnapshot,
    PickerRow,
    RiskRow,
    change_marker,
    floor_snapshot,
    risk_level,
    watch_changes,
)
from app.services.supervision.order_search import SearchHit, search
from app.services.supervision.shift_kpis import HourThroughput, Kpis, kpis
from app.services.supervision.targets import (
    BatchFacts,
    OrderFacts,
    PickerWork,
    batch_facts,
    order_facts,
    pickers_on_shift,
)
from app.services.supervision.times import cutoff_at, duration, time_left

__all__ = [
    "BACKORDER",
    "CRITICAL",
    "CRITICAL_MINUTES",
    "EXCEPTION_KINDS",
    "HOLD",
    "LATE",
    "MIN_RATE_HOURS",
    "OK",
    "PICK_EVENT_KINDS",
    "PRINT_FAILED",
    "REFUSAL_WINDOW_MINUTES",
    "REPEATED_REFUSALS",
    "SHORT_PICK",
    "SIGN_IN_REFUSED",
    "STUCK_PACKED",
    "STUCK_RELEASED",
    "UNKNOWN_SKU_HOLD",
    "USER_LOCKED",
    "WARNING",
    "WARNING_MINUTES",
    "WEIGHT_MISMATCH",
    "BatchFacts",
    "BatchRow",
    "ExceptionRow",
    "FloorSnapshot",
    "HourThroughput",
    "Kpis",
    "OrderFacts",
    "PickerRow",
    "PickerWork",
    "RiskRow",
    "SearchHit",
    "batch_facts",
    "change_marker",
    "cutoff_at",
    "duration",
    "floor_snapshot",
    "kpis",
    "order_facts",
    "pickers_on_shift",
    "risk_level",
    "search",
    "time_left",
    "watch_changes",
]
