"""Tables of customer orders: the order, its lines, the stock reserved for them and put-backs of cancelled
goods.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, UtcDateTime, utcnow
from app.db.models.catalog import Stock


def never_scored() -> datetime:
    """``orders.priority_scored_at`` of a row nobody scored yet (the next pass scores it)."""
    return datetime(1970, 1, 1, tzinfo=UTC)


class Order(Base):
    """A customer order from a sales channel, unique per (channel, external id), moving through the statuses of
    ``app.domain.orders``. ``priority`` is the score computed by ``app.domain.priority`` (higher goes first)."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="new")
    customer_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    ship_name: Mapped[str] = mapped_column(String(200), default="")
    ship_company: Mapped[str] = mapped_column(String(200), default="")
    ship_line1: Mapped[str] = mapped_column(String(200), default="")
    ship_line2: Mapped[str] = mapped_column(String(200), default="")
    ship_city: Mapped[str] = mapped_column(String(100), default="")
    ship_region: Mapped[str] = mapped_column(String(100), default="")
    ship_postal_code: Mapped[str] = mapped_column(String(20), default="")
    ship_country: Mapped[str] = mapped_column(String(2), default="")
    ship_phone: Mapped[str] = mapped_column(String(64), default="")
    shipping_method: Mapped[str] = mapped_column(String(100), default="")
    service_level: Mapped[str] = mapped_column(String(16), default="standard")
    ship_by: Mapped[date | None] = mapped_column(Date)
    promised_delivery: Mapped[date | None] = mapped_column(Date)
    order_value: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    ship_complete: Mapped[bool] = mapped_column(Boolean, default=True)
    short_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    """Picking came up short and no other location had the units: a supervisor decides (backorder the rest or
    ship without it) before the order may be packed."""
    hold_reason: Mapped[str] = mapped_column(Text, default="")
    value_review_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    """Set when a supervisor released an order held for its value, so the release rule does not hold it again."""
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    """For the remainder of a split order (channel ships partial): the order it was split from."""
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    priority_override: Mapped[float | None] = mapped_column(Float)
    """Set by a supervisor: the order keeps this priority instead of the computed score until cleared."""
    placed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    """When the status last changed (the newest ``order.status`` event), written by ``app.services.order_status``
    only: the supervisor's "stuck since" reads it through an index instead of searching the event log."""
    priority_scored_at: Mapped[datetime] = mapped_column(UtcDateTime, default=never_scored)
    """When ``priority`` was last computed from the clock: a pass re-scores only orders scored an hour or more ago
    (``app.services.orders.reprioritise``); a new row counts as never scored."""

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.line_no"
    )

    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_orders_number", "number"),
        Index(
            "ix_orders_open_ship_by",
            "ship_by",
            sqlite_where=text("status NOT IN ('shipped', 'cancelled')"),
            postgresql_where=text("status NOT IN ('shipped', 'cancelled')"),
        ),
    )


# Indexes of the order listing, the release queue and the supervisor's snapshot (issue 14, migration 0008):
# priority descending then id is the listing's order, so pages walk an index and stop (no sort of every order).
_OPEN = text("status NOT IN ('shipped', 'cancelled')")
Index("ix_orders_listing", Order.priority.desc(), Order.id)
Index("ix_orders_status_listing", Order.status, Order.priority.desc(), Order.id)
Index("ix_orders_status_changed", Order.status, Order.status_changed_at, Order.id)
Index("ix_orders_status_scored", Order.status, Order.priority_scored_at)
Index(
    "ix_orders_open_level_ship_by",
    Order.service_level,
    Order.ship_by,
    Order.id,
    sqlite_where=_OPEN,
    postgresql_where=_OPEN,
)


class OrderLine(Base):
    """One product and quantity of an order; the quantities record how far the line has come.

    ``qty_ordered`` is 0 for a line whose units were all moved to a backorder or cancelled after a short pick
    (the line stays: its picks and events still name it).

    ``product_id`` is None when the channel's SKU is unknown (the order is then on hold, never dropped).
    """

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64), default="")
    gtin: Mapped[str] = mapped_column(String(14), default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    name: Mapped[str] = mapped_column(String(200), default="")
    external_line_id: Mapped[str] = mapped_column(String(64), default="")
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    qty_ordered: Mapped[int] = mapped_column(Integer)
    qty_allocated: Mapped[int] = mapped_column(Integer, default=0)
    qty_picked: Mapped[int] = mapped_column(Integer, default=0)
    qty_packed: Mapped[int] = mapped_column(Integer, default=0)

    order: Mapped[Order] = relationship(back_populates="lines")
    allocations: Mapped[list[Allocation]] = relationship(back_populates="line", cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        CheckConstraint("qty_ordered >= 0", name="qty_positive"),
        CheckConstraint("qty_allocated >= 0 AND qty_allocated <= qty_ordered", name="allocated_within_ordered"),
        Index("ix_order_lines_product", "product_id"),
        Index("ix_order_lines_sku", "sku"),
    )


class Allocation(Base):
    """Units of one stock row reserved for one order line (unique per line and stock row)."""

    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    stock_id: Mapped[int] = mapped_column(ForeignKey("stock.id"))
    qty: Mapped[int] = mapped_column(Integer)
    qty_picked: Mapped[int] = mapped_column(Integer, default=0)

    line: Mapped[OrderLine] = relationship(back_populates="allocations")
    stock: Mapped[Stock] = relationship()

    __table_args__ = (
        UniqueConstraint("order_line_id", "stock_id"),
        CheckConstraint("qty > 0", name="qty_positive"),
        Index("ix_allocations_stock", "stock_id"),
    )


class PutbackTask(Base):
    """Goods already picked for an order that was cancelled: they must go back to a shelf (the picker flow
    shows them as stops)."""

    __tablename__ = "putback_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    qty: Mapped[int] = mapped_column(Integer)
    tote_code: Mapped[str] = mapped_column(String(32), default="")
    """The tote the picked goods are in (empty for goods already lost track of before totes were recorded)."""
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("status IN ('open', 'done')", name="status_known"),
    )
