"""Listings of batches and their stops, for the supervisor's screens and ``pickpack batches``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.db.unit_of_work import Database
from app.services.errors import NotFound


@dataclass(frozen=True)
class StopLine:
    seq: int
    kind: str
    location: str
    sku: str
    lot: str
    qty: int
    qty_picked: int
    slot: int | None
    order: str
    status: str

    def as_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "location": self.location,
            "sku": self.sku,
            "lot": self.lot or None,
            "qty": self.qty,
            "qty_picked": self.qty_picked,
            "slot": self.slot,
            "order": self.order or None,
            "status": self.status,
        }


@dataclass(frozen=True)
class BatchLine:
    id: int
    status: str
    priority: float
    picker: str
    orders: tuple[str, ...]
    stops: int
    stops_done: int
    planned_distance_m: float
    last_activity_at: datetime | None

    def as_json(self) -> dict[str, object]:
        return {
            "batch": self.id,
            "status": self.status,
            "priority": self.priority,
            "picker": self.picker or None,
            "orders": list(self.orders),
            "stops": self.stops,
            "stops_done": self.stops_done,
            "planned_distance_m": round(self.planned_distance_m, 1),
            "last_activity_at": self.last_activity_at.isoformat() if self.last_activity_at else None,
        }


def batch_stops(db: Database, batch_id: int) -> list[StopLine]:
    """The stops of a batch in walking order; ``NotFound`` for a batch that does not exist (an empty list
    would read as "nothing left to pick")."""
    with db.unit_of_work(readonly=True) as uow:
        if uow.batches.get(batch_id) is None:
            raise NotFound(f"no batch {batch_id}")
        return [
            StopLine(t.seq, t.kind, t.location_code, sku, t.lot, t.qty, t.qty_picked, t.slot, number, t.status)
            for t, sku, number in uow.picking_reads.stop_rows(batch_id)
        ]


def list_batches(db: Database, *, include_done: bool = False) -> list[BatchLine]:
    with db.unit_of_work(readonly=True) as uow:
        reads = uow.picking_reads
        result = []
        for batch in uow.batches.listing(include_done=include_done):
            counts = reads.stop_counts(batch.id)
            picker = reads.user_name(batch.picker_id)
            total = sum(counts.values())
            result.append(
                BatchLine(
                    batch.id,
                    batch.status,
                    batch.priority,
                    picker or "",
                    reads.slot_order_numbers(batch.id),
                    total,
                    total - counts.get("open", 0),
                    batch.planned_distance_m,
                    batch.last_activity_at,
                )
            )
        return result
