"""Stock queries: what is where. Used by `pickpack stock show` and the terminal's stock lookup screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.db.models import Product, Stock
from app.db.unit_of_work import Database
from app.domain.scans import Scan, classify
from app.services.errors import NotFound


@dataclass(frozen=True)
class StockLine:
    """One stock row as the operator sees it."""

    location: str
    sku: str
    name: str
    qty: int
    reserved: int
    lot: str
    expiry: date | None

    @property
    def available(self) -> int:
        return self.qty - self.reserved

    def as_json(self) -> dict[str, object]:
        return {
            "location": self.location,
            "sku": self.sku,
            "qty": self.qty,
            "reserved": self.reserved,
            "lot": self.lot or None,
            "expiry": self.expiry.isoformat() if self.expiry else None,
        }


@dataclass(frozen=True)
class ProductView:
    sku: str
    name: str
    gtin: str | None
    case_gtin: str | None
    case_qty: int | None
    track_lot: bool
    track_expiry: bool


@dataclass(frozen=True)
class LookupResult:
    """The answer to "what is this code?": a product with its stock, or a location with its contents."""

    query: str
    kind: str
    """product | location"""
    title: str
    lines: tuple[StockLine, ...]
    product: ProductView | None = None
    note: str = ""

    @property
    def total_qty(self) -> int:
        return sum(line.qty for line in self.lines)

    @property
    def total_available(self) -> int:
        return sum(line.available for line in self.lines)


def _lines(rows: list[Stock]) -> tuple[StockLine, ...]:
    return tuple(
        StockLine(
            s.location.code, s.product.sku, s.product.name, s.quantity_on_hand, s.quantity_reserved, s.lot, s.expiry
        )
        for s in rows
    )


def _product_view(p: Product) -> ProductView:
    return ProductView(p.sku, p.name, p.gtin, p.case_gtin, p.case_qty, p.track_lot, p.track_expiry)


def stock_for_sku(db: Database, sku: str) -> list[StockLine]:
    """Every stock row of a SKU with quantity on hand, earliest expiry first, then by location."""
    with db.unit_of_work(readonly=True) as uow:
        product = uow.products.by_sku(sku)
        if product is None:
            raise NotFound(f"no product with SKU {sku!r}")
        return list(_lines(uow.stock.on_hand_of_product(product.id)))


def lookup(db: Database, code: str, *, badge_prefix: str = "BADGE-") -> LookupResult:
    """Find what a scanned or typed code names: GTIN (unit or case), GS1 string, SKU or location code."""
    scan: Scan = classify(code, badge_prefix=badge_prefix)
    if scan.error:
        raise NotFound(f"{scan.printable}: {scan.error}")
    with db.unit_of_work(readonly=True) as uow:
        if scan.kind in ("location", "reserve_location"):
            location = uow.locations.by_code(scan.code)
            if location is None:
                raise NotFound(f"no location {scan.code!r} in this warehouse")
            rows = uow.stock.on_hand_at_location(location.id)
            note = "" if rows else "empty"
            return LookupResult(
                code, "location", f"Location {location.code} ({location.kind})", _lines(rows), note=note
            )
        product: Product | None = None
        note = ""
        if scan.gtin:
            short = scan.gtin.lstrip("0")
            candidates = {scan.gtin, short, short.zfill(8), short.zfill(12), short.zfill(13)}
            product = uow.products.by_any_gtin(candidates)
            if product is not None and product.case_gtin in candidates:
                note = f"case of {product.case_qty}"
        elif scan.kind == "text":
            product = uow.products.by_sku(scan.code)
            if product is None:
                product = uow.products.by_sku(scan.code.upper())
        if product is None:
            raise NotFound(f"nothing found for {scan.printable!r} (not a known GTIN, SKU or location)")
        rows = uow.stock.on_hand_of_product(product.id)
        return LookupResult(
            code, "product", f"{product.sku}  {product.name}", _lines(rows), _product_view(product), note
        )
