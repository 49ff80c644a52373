"""What the picking services return: the picker's screen state, the answer to a scan, the finish report.

Frozen plain data, so a screen or a station can keep them after the transaction that built them has closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.domain.scans import item_code


@dataclass(frozen=True)
class SlotView:
    slot: int
    order_id: int | None
    order_number: str
    tote_code: str | None


@dataclass(frozen=True)
class StopView:
    task_id: int
    seq: int
    kind: str
    location: str
    sku: str
    name: str
    lot: str
    qty: int
    qty_in_hand: int
    qty_picked: int
    location_confirmed: bool
    slot: int | None
    tote_code: str | None
    order_number: str
    gtin: str = ""
    expiry: date | None = None
    lot_required: bool = False
    """The lot must still be proven (GS1 with AI 10, or the bare lot) before units count."""
    qty_awaiting_lot: int = 0
    item_confirmed: bool = False
    order_id: int | None = None

    @property
    def remaining(self) -> int:
        return self.qty - self.qty_picked - self.qty_in_hand - self.qty_awaiting_lot

    @property
    def sku_label(self) -> bool:
        """The item has no manufacturer barcode: it is proved by scanning its printed SKU label."""
        return not self.gtin

    @property
    def scan_code(self) -> str:
        """The code a right scan of this stop's item sends (GS1 with the lot when the lot must be proven; the SKU
        label of an item without a GTIN)."""
        return self.sku if self.sku_label else item_code(self.gtin, self.lot)


@dataclass(frozen=True)
class PickState:
    """What the picker screen shows; ``phase`` says what the next scan must be."""

    batch_id: int
    status: str
    phase: str
    """setup (scan a tote for ``setup_slot``) | location | item | lot | tote | finish | done"""
    slots: tuple[SlotView, ...]
    stop: StopView | None
    stops_total: int
    stops_done: int
    setup_slot: int | None = None
    planned_distance_m: float = 0.0
    s_shape_distance_m: float = 0.0
    shorts: tuple[str, ...] = ()
    units_left: int = 0
    """Units the open stops still have to pick or put back (in hand counts as not yet picked)."""

    @property
    def stops_left(self) -> int:
        return self.stops_total - self.stops_done


@dataclass(frozen=True)
class ScanResult:
    accepted: bool
    message: str
    state: PickState
    scanned: str = ""


@dataclass(frozen=True)
class FinishReport:
    batch_id: int
    orders: tuple[str, ...]
    totes: tuple[str, ...]
    distance_m: float
    s_shape_distance_m: float
    short_lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def saving_pct(self) -> float:
        if not self.s_shape_distance_m:
            return 0.0
        return 100.0 * (1 - self.distance_m / self.s_shape_distance_m)
