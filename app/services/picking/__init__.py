"""Guided, scan-verified picking: claim a batch, set up the cart, walk the stops, prove every pick by scanning.

Every operator action is one transaction that re-reads the batch, checks the scan against what the stop
expects and either records it (committed before the screen moves on) or refuses it, recording nothing but the
refusal. All state lives in the database, so a terminal that dies resumes at the same stop with the same
counts. Actions name the stop they were meant for (``task_id``): a repeated or retried action that no longer
matches is answered from the current state instead of being applied twice.

The modules, in the order a batch meets them: ``queue`` (claim, free, resume), ``state`` (the picker's view and
the lease), ``scanning`` and ``drops`` (scans, units into hand, tote or back onto a shelf), ``shorts`` and
``reallocation`` (skips, counts at the shelf, units found elsewhere), ``undo`` (the last count or drop taken
back), ``leaving`` and ``finishing`` (ending the walk), ``listings``;
``views`` holds the plain data they return. Callers use this package's names.
"""

from __future__ import annotations

from app.services.errors import InvalidInput, NotFound, Refused
from app.services.picking.finishing import complete_batch, finish_batch
from app.services.picking.leaving import finish_early, leave_batch
from app.services.picking.listings import BatchLine, StopLine, batch_stops, list_batches
from app.services.picking.queue import (
    claim_batch,
    release_batch,
    reset_hands,
    slot_orders,
    start_orders,
    unstart_orders,
)
from app.services.picking.scanning import add_typed_quantity, handle_scan
from app.services.picking.shorts import MAX_COUNT, SHORT_REASONS, short_pick, skip_stop
from app.services.picking.state import LeaseLost, held_batch, lease_message, pick_state
from app.services.picking.undo import undo_last
from app.services.picking.views import FinishReport, PickState, ScanResult, SlotView, StopView

__all__ = [
    "MAX_COUNT",
    "SHORT_REASONS",
    "BatchLine",
    "FinishReport",
    "InvalidInput",
    "LeaseLost",
    "NotFound",
    "PickState",
    "Refused",
    "ScanResult",
    "SlotView",
    "StopLine",
    "StopView",
    "add_typed_quantity",
    "batch_stops",
    "claim_batch",
    "complete_batch",
    "finish_batch",
    "finish_early",
    "handle_scan",
    "held_batch",
    "lease_message",
    "leave_batch",
    "list_batches",
    "pick_state",
    "release_batch",
    "reset_hands",
    "short_pick",
    "skip_stop",
    "slot_orders",
    "start_orders",
    "undo_last",
    "unstart_orders",
]
