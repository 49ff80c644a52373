"""The pick stop rule (``app.domain.picking.phase_of``): what the picker's next scan must be at a stop."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.domain.picking import phase_of


@dataclass
class Stop:
    kind: str = "pick"
    qty: int = 3
    qty_picked: int = 0
    qty_in_hand: int = 0
    qty_awaiting_lot: int = 0
    location_confirmed: bool = True


def test_a_stop_starts_at_its_location_whatever_is_in_hand() -> None:
    assert phase_of(Stop(location_confirmed=False)) == "location"
    assert phase_of(Stop(location_confirmed=False, qty_in_hand=3)) == "location"


def test_units_scanned_before_their_lot_wait_for_the_lot() -> None:
    assert phase_of(Stop(qty_awaiting_lot=1)) == "lot"
    assert phase_of(Stop(qty_awaiting_lot=3, qty_in_hand=0)) == "lot"


@pytest.mark.parametrize(
    ("in_hand", "picked", "phase"), [(0, 0, "item"), (2, 0, "item"), (3, 0, "tote"), (1, 2, "tote"), (0, 2, "item")]
)
def test_a_pick_stop_wants_the_tote_once_every_unit_is_in_hand_or_dropped(
    in_hand: int, picked: int, phase: str
) -> None:
    assert phase_of(Stop(qty_in_hand=in_hand, qty_picked=picked)) == phase


def test_a_put_back_stop_never_asks_for_a_tote() -> None:
    assert phase_of(Stop(kind="putback", qty_in_hand=3)) == "item"
    assert phase_of(Stop(kind="putback", qty_picked=3)) == "item"
