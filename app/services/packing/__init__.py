"""Verified packing at the packing station: scan a tote or order, take the suggested box (or scan another), scan
every item into the carton, weigh, close. Closing the last carton ships the order (see ``app.services.shipping``).

As in picking, every action is one transaction that re-reads the order and either records the scan or refuses
it with what was expected; a wrong, extra or already-packed item is refused and only the refusal is logged.

The modules: ``views`` (what the station shows, the box catalog), ``starting`` (opening an order), ``filling``
(boxes and item scans) and ``weighing`` (closing cartons, weight approvals).
"""

from __future__ import annotations

from app.services.packing.filling import close_items, confirm_box, handle_scan, open_carton
from app.services.packing.starting import order_in_hand, pack_state, refuse_if_short_pending, start_packing
from app.services.packing.views import (
    PACKABLE,
    CartonView,
    PackLine,
    PackResult,
    PackState,
    box_catalog,
    unit_of,
)
from app.services.packing.weighing import WeightApproval, approve_weight, close_carton

__all__ = [
    "PACKABLE",
    "CartonView",
    "PackLine",
    "PackResult",
    "PackState",
    "WeightApproval",
    "approve_weight",
    "box_catalog",
    "close_carton",
    "close_items",
    "confirm_box",
    "handle_scan",
    "open_carton",
    "order_in_hand",
    "pack_state",
    "refuse_if_short_pending",
    "start_packing",
    "unit_of",
]
