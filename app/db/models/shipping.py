"""Tables of shipping: shipments, their cartons and packed items, print jobs, and the counters that number
tracking numbers and SSCCs.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, utcnow


class Shipment(Base):
    """What leaves for one order with one carrier service: its cartons, and why that service was chosen."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    carrier: Mapped[str] = mapped_column(String(64), default="")
    service: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="packing")
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="")
    service_reason: Mapped[str] = mapped_column(Text, default="")
    station: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('packing', 'shipped', 'voided')", name="status_known"),
        Index("ix_shipments_order", "order_id"),
    )


class Carton(Base):
    """One box of a shipment. ``status``: open (being filled), packed (closed and weighed), labelled (tracking
    number and SSCC issued), voided (label cancelled: its tracking number and SSCC are retired, never reused)."""

    __tablename__ = "cartons"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"))
    seq: Mapped[int] = mapped_column(Integer)
    box_code: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")
    expected_weight_kg: Mapped[Decimal] = mapped_column(Numeric(10, 3), default=Decimal("0"))
    pack_step: Mapped[str] = mapped_column(String(8), default="open")
    """Of an open carton: ``open`` (its box chosen up front: fill, then weigh), ``items`` (opened by the first item
    scan with the suggested box, still filling), ``box`` (filled: confirm or change the box), ``weight`` (box
    confirmed: weigh to close)."""
    measured_weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    weight_approved_by: Mapped[str] = mapped_column(String(64), default="")
    sscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    tracking_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('open', 'packed', 'labelled', 'voided')", name="status_known"),
        Index("ix_cartons_shipment", "shipment_id"),
    )


class CartonItem(Base):
    """Units of one order line packed into one carton."""

    __tablename__ = "carton_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    carton_id: Mapped[int] = mapped_column(ForeignKey("cartons.id"))
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    qty: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("carton_id", "order_line_id"), CheckConstraint("qty > 0", name="qty_positive"))


class PrintJobRecord(Base):
    """A document sent (or not) to a printer: kept so a failed print can be retried and reprints are exact."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"))
    carton_id: Mapped[int | None] = mapped_column(ForeignKey("cartons.id"))
    kind: Mapped[str] = mapped_column(String(16))
    printer: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="failed")
    detail: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("status IN ('printed', 'failed')", name="status_known"),
        Index("ix_print_jobs_status_updated", "status", "updated_at"),
    )


class Counter(Base):
    """A named, ever-increasing number (tracking and SSCC serials): taken inside the shipment's transaction, so
    a number is never handed out twice, even across terminals."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
