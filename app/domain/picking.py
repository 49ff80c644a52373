"""The rule of a pick stop: what the next scan there must be, from what has been proven so far.

Pure: it reads the stop's counters and flags only, so the picker screen, the scan handler and the unit tests
share one answer without a database.
"""

from __future__ import annotations

from typing import Literal, Protocol

StopPhase = Literal["location", "lot", "tote", "item"]


class StopProgress(Protocol):
    """What ``phase_of`` reads of a stop (a ``PickTask`` row has these attributes)."""

    kind: str
    qty: int
    qty_picked: int
    qty_in_hand: int
    qty_awaiting_lot: int
    location_confirmed: bool


def phase_of(stop: StopProgress) -> StopPhase:
    """What the next scan at an open stop must be.

    The shelf first (a scan proves the picker stands there); units scanned before their lot wait for the lot;
    a pick stop whose units are all in hand or in the tote wants the tote; otherwise another item (a put-back
    stop counts items back onto the shelf and never asks for a tote)."""
    if not stop.location_confirmed:
        return "location"
    if stop.qty_awaiting_lot:
        return "lot"
    if stop.kind == "pick" and stop.qty_in_hand + stop.qty_picked >= stop.qty:
        return "tote"
    return "item"
