"""What the catalog parsers return and raise: the columns each file has, a checked product or stock row, and a
problem named ``file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

PRODUCT_COLUMNS = (
    "sku", "name", "gtin", "case_gtin", "case_qty", "weight_kg", "length_cm", "width_cm", "height_cm",
    "hs_code", "origin_country", "unit_value", "currency", "track_lot", "track_expiry",
)  # fmt: skip
OPTIONAL_PRODUCT_COLUMNS = ("track_serial",)
STOCK_COLUMNS = ("location", "sku", "qty")
OPTIONAL_STOCK_COLUMNS = ("lot", "expiry")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One bad row (or a bad file when ``line`` is 0); ``str()`` is the ``file:line: reason`` message."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}" if self.line else f"{self.source}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ProductRow:
    line: int
    sku: str
    name: str
    gtin: str | None
    case_gtin: str | None
    case_qty: int | None
    weight_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    hs_code: str
    origin_country: str
    unit_value: Decimal
    currency: str
    track_lot: bool
    track_expiry: bool
    track_serial: bool


@dataclass(frozen=True, slots=True)
class StockRow:
    line: int
    location: str
    sku: str
    qty: int
    lot: str
    expiry: date | None


class RowError(ValueError):
    """A single field of a row is wrong; the message is ``column: reason``."""


class FileError(ValueError):
    """The file cannot be read on (bad header, not UTF-8, not CSV): ``line`` says where; nothing imports."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


class RowErrors(ValueError):
    """Every wrong field of one row, in column order (one import run shows them all)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons
