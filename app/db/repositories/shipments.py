"""The repository of shipments, their labels and print jobs, and the counters that number them."""

from __future__ import annotations

from sqlalchemy import select

from app.db import counters
from app.db.models import PrintJobRecord, Shipment
from app.db.repositories.base import Repository


class ShipmentRepository(Repository[Shipment]):
    model = Shipment

    def current_for_order(self, order_id: int) -> Shipment | None:
        """The order's newest shipment that is not voided (being packed, or shipped), if any."""
        return self.session.scalar(
            select(Shipment)
            .where(Shipment.order_id == order_id, Shipment.status != "voided")
            .order_by(Shipment.id.desc())
        )

    def packing_for_order(self, order_id: int) -> Shipment | None:
        """The order's oldest shipment still being packed, if any."""
        return self.session.scalar(
            select(Shipment).where(Shipment.order_id == order_id, Shipment.status == "packing").order_by(Shipment.id)
        )

    def latest_shipped_id(self, order_id: int) -> int | None:
        return self.session.scalar(
            select(Shipment.id)
            .where(Shipment.order_id == order_id, Shipment.status == "shipped")
            .order_by(Shipment.id.desc())
        )

    # --- print jobs -------------------------------------------------------------------------------------

    def print_record(self, shipment_id: int, kind: str, carton_id: int | None) -> PrintJobRecord | None:
        """The record of printing one document (a carton's label, or the shipment's ``kind`` when no carton)."""
        carton = PrintJobRecord.carton_id.is_(None) if carton_id is None else PrintJobRecord.carton_id == carton_id
        return self.session.scalar(
            select(PrintJobRecord).where(PrintJobRecord.shipment_id == shipment_id, PrintJobRecord.kind == kind, carton)
        )

    def add_print_record(self, record: PrintJobRecord) -> PrintJobRecord:
        self.session.add(record)
        return record

    def failed_prints(self, shipment_id: int) -> list[tuple[str, str]]:
        """(document kind, why) of every document of the shipment whose last print failed."""
        rows = self.session.execute(
            select(PrintJobRecord.kind, PrintJobRecord.detail).where(
                PrintJobRecord.shipment_id == shipment_id, PrintJobRecord.status == "failed"
            )
        )
        return [(kind, detail) for kind, detail in rows]

    # --- counters ---------------------------------------------------------------------------------------

    def next_number(self, name: str) -> int:
        """The next number of a named counter (tracking and SSCC serials): never handed out twice, never reused
        (``app.db.counters``: reserved in blocks on PostgreSQL, inside this transaction on SQLite)."""
        return counters.next_number(self.session, name)
