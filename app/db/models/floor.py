"""Tables of the picking floor: batches (cart trips), their tote slots, the totes and the pick stops."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, utcnow


class Batch(Base):
    """A cart trip: a few released orders, one tote slot each (or more when an order fills several), picked in
    one optimized walk. ``status``: ready (free to claim), picking (claimed), done, released (given up by a
    supervisor and ready again is modelled by status ready with the picker cleared)."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="ready")
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    cutoff_key: Mapped[str] = mapped_column(String(64), default="")
    picker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    terminal: Mapped[str] = mapped_column(String(64), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_activity_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    split_of: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    """Set when the batch is one cart load of an order too big for one cart: the order's other loads are batches
    of their own, and the order is picked when the last of them finishes."""
    planned_distance_m: Mapped[float] = mapped_column(Float, default=0.0)
    s_shape_distance_m: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("status IN ('ready', 'picking', 'done', 'cancelled')", name="status_known"),
        Index("ix_batches_status_priority", "status", "priority"),
    )


class BatchSlot(Base):
    """A tote position on a batch's cart: which order rides in it and, after cart set-up, which tote it is."""

    __tablename__ = "batch_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    slot: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    tote_code: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (UniqueConstraint("batch_id", "slot"), Index("ix_batch_slots_order", "order_id"))


class Tote(Base):
    """A physical tote (``TOTE-0001``): free, on a cart being picked, or holding an order waiting to be packed."""

    __tablename__ = "totes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="free")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("status IN ('free', 'picking', 'packing', 'putback')", name="status_known"),)


class PickTask(Base):
    """One stop of a batch: take ``qty`` of a product (and lot) from a location into a slot's tote, or put
    cancelled goods back (``kind = putback``). Progress is stored scan by scan so a crash loses nothing:
    ``location_confirmed``, ``qty_in_hand`` (items scanned, not yet in the tote) and ``qty_picked``."""

    __tablename__ = "pick_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="pick")
    slot: Mapped[int | None] = mapped_column(Integer)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id", ondelete="SET NULL"))
    putback_id: Mapped[int | None] = mapped_column(ForeignKey("putback_tasks.id"))
    stock_id: Mapped[int | None] = mapped_column(ForeignKey("stock.id"))
    location_code: Mapped[str] = mapped_column(String(32))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    qty: Mapped[int] = mapped_column(Integer)
    qty_in_hand: Mapped[int] = mapped_column(Integer, default=0)
    qty_picked: Mapped[int] = mapped_column(Integer, default=0)
    qty_awaiting_lot: Mapped[int] = mapped_column(Integer, default=0)
    """Units scanned by a GTIN without lot at a lot-tracked stop: they count once the lot is scanned."""
    location_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    item_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    """An item scan proved the product at this stop (a typed quantity is allowed only after one)."""
    lot_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    tote_code: Mapped[str] = mapped_column(String(32), default="")
    """For a put-back stop: the tote that holds the goods."""
    status: Mapped[str] = mapped_column(String(16), default="open")
    short_reason: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'short', 'cancelled')", name="status_known"),
        CheckConstraint("qty > 0 AND qty_in_hand >= 0 AND qty_picked >= 0", name="quantities"),
        CheckConstraint("qty_in_hand + qty_picked + qty_awaiting_lot <= qty", name="no_over_pick"),
        Index("ix_pick_tasks_batch_seq", "batch_id", "seq"),
    )
