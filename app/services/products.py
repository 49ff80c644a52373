"""Which product a scanned barcode names, shared by the picking and packing stations."""

from __future__ import annotations

from app.db.models import Product
from app.db.repositories import ProductRepository
from app.db.unit_of_work import Session
from app.domain.scans import Scan

SCANNER_TERMINATORS = "\r\n\t "
"""What a keyboard-wedge scanner may add around a code (the same characters ``classify`` strips)."""


def has_gtin(product: Product) -> bool:
    """A product carries a manufacturer barcode: its units are proved by that barcode, never by a SKU label."""
    return bool(product.gtin)


def _products(where: Session | ProductRepository) -> ProductRepository:
    """The unit of work's product repository (``uow.products``), or one over a caller's session."""
    return ProductRepository(where) if isinstance(where, Session) else where


def sku_label_product(session: Session | ProductRepository, scan: Scan) -> Product | None:
    """The product without a unit GTIN whose SKU equals the whole scan, exactly (case and all), or None.

    Items without a manufacturer barcode get a printed SKU label, so their SKU proves the item. A product that has
    a GTIN is never matched this way: a SKU typed or scanned from a pick list would skip the real proof."""
    text = scan.raw.strip(SCANNER_TERMINATORS)
    if not text:
        return None
    return _products(session).without_gtin_by_sku(text)


def product_for_scan(session: Session | ProductRepository, scan: Scan) -> tuple[Product | None, int]:
    """The product and how many units one scan counts: a case GTIN counts its pack size, AI 30/37 their count; the
    SKU label of a product without a GTIN counts one unit (see ``sku_label_product``)."""
    products = _products(session)
    if not scan.gtin:
        product = sku_label_product(products, scan)
        return (product, 1) if product is not None else (None, 0)
    short = scan.gtin.lstrip("0")
    candidates = {scan.gtin, short.zfill(8), short.zfill(12), short.zfill(13)}
    count = 1 if scan.count is None else scan.count  # a label that says 0 counts 0: callers refuse it
    product = products.by_unit_gtin(candidates)
    if product is not None:
        return product, count
    product = products.by_case_gtin(candidates)
    if product is not None:
        return product, (product.case_qty or 1) * count
    product = sku_label_product(products, scan)  # a SKU label may be all digits (and even look like a GTIN)
    return (product, 1) if product is not None else (None, 0)
