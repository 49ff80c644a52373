"""Tables of the catalog and its stock: products, locations, stock per place and lot, and the stock ledger."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, UtcDateTime, utcnow

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
