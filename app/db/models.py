"""SQLAlchemy 2 models: the warehouse's tables. Each class docstring defines the business term it stores.

Quantities carry their unit in the name (``quantity_on_hand``, ``weight_kg``). Business rules live in
``app.domain``; these classes only store state. Services copy rows into frozen dataclasses before they leave a
unit of work, so no ORM instance ever crosses a thread or a screen.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

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
from app.domain import roles

ROLES = roles.ROLES
"""The roles a person can be given (defined in ``app.domain.roles``; named here for the ``users`` table)."""
SYSTEM_ROLE = roles.SYSTEM
"""The built-in ``system`` user (created by ``init``) acts for automation; it has no PIN and cannot sign in."""
LOCATION_KINDS = ("pick", "reserve")


class Product(Base):
    """A stock-keeping unit: what the warehouse stores and ships, identified by SKU and by its barcodes.

    ``gtin`` is the unit barcode (GTIN-8/12/13/14 stored as scanned digits); ``case_gtin`` is the outer case's
    GTIN-14 and ``case_qty`` how many units one case scan counts as.
    """

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    case_gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    case_qty: Mapped[int | None] = mapped_column(Integer)
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    length_cm: Mapped[Decimal] = mapped_column(Numeric(8, 1))
    width_cm: Mapped[Decimal] = mapped_column(Numeric(8, 1))
    height_cm: Mapped[Decimal] = mapped_column(Numeric(8, 1))
    hs_code: Mapped[str] = mapped_column(String(12), default="")
    origin_country: Mapped[str] = mapped_column(String(2), default="")
    unit_value: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    track_lot: Mapped[bool] = mapped_column(Boolean, default=False)
    track_expiry: Mapped[bool] = mapped_column(Boolean, default=False)
    track_serial: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("case_qty IS NULL OR case_qty > 0", name="case_qty_positive"),
        CheckConstraint("weight_kg >= 0", name="weight_non_negative"),
    )


class Location(Base):
    """A place that holds stock: a pick face (``A03-12-L-2``, on pick paths) or a reserve slot (``RES-01-05``)."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    aisle: Mapped[int | None] = mapped_column(Integer)
    bay: Mapped[int | None] = mapped_column(Integer)
    side: Mapped[str | None] = mapped_column(String(1))
    level: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (CheckConstraint("kind IN ('pick', 'reserve')", name="kind_known"),)


class Stock(Base):
    """Units of one product at one location (and lot): on hand, and how many of those are reserved for orders.

    ``lot`` is ``""`` for products without lot tracking, so the unique key works the same on both databases.
    """

    __tablename__ = "stock"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    expiry: Mapped[date | None] = mapped_column(Date)
    quantity_on_hand: Mapped[int] = mapped_column(Integer, default=0)
    quantity_reserved: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    location: Mapped[Location] = relationship(lazy="joined")
    product: Mapped[Product] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("location_id", "product_id", "lot"),
        CheckConstraint("quantity_on_hand >= 0", name="on_hand_non_negative"),
        CheckConstraint("quantity_reserved >= 0", name="reserved_non_negative"),
        CheckConstraint("quantity_reserved <= quantity_on_hand", name="reserved_within_on_hand"),
        Index("ix_stock_product", "product_id"),
    )


class StockMove(Base):
    """One line of the inventory ledger: units of a product (and lot) arriving at (+) or leaving (-) a location,
    with why and who. On hand per location, product and lot always equals the sum of its moves (``audit``)."""

    __tablename__ = "stock_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    qty: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ref: Mapped[str] = mapped_column(String(128), default="")
    """What the move belongs to: ``order:12 tote:TOTE-0003``, an import file, a count."""

    __table_args__ = (
        CheckConstraint("qty <> 0", name="qty_non_zero"),
        Index("ix_stock_moves_product", "product_id", "id"),
        Index("ix_stock_moves_place", "location_id", "product_id", "lot"),
    )


class User(Base):
    """A person who signs in at a terminal; the role decides which screens and actions they reach."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    badge: Mapped[str] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("role IN ('picker', 'packer', 'supervisor', 'admin', 'system')", name="role_known"),
    )


class Event(Base):
    """One line of the append-only event log: who did what, when, at which terminal, to which subject.

    Rows are never updated or deleted (database triggers refuse it); ``kind`` is a stable dotted code such as
    ``stock.imported`` or ``user.signed_in`` and ``data`` the details.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    terminal: Mapped[str] = mapped_column(String(64), default="")
    subject: Mapped[str] = mapped_column(String(128), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_events_subject", "subject", "id"),
        Index("ix_events_kind", "kind", "id"),
        Index("ix_events_kind_at", "kind", "at"),
    )


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
