"""Which product a scanned barcode names, shared by the picking and packing stations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Product
from app.domain.scans import Scan


def product_for_scan(session: Session, scan: Scan) -> tuple[Product | None, int]:
    """The product and how many units one scan counts: a case GTIN counts its pack size, AI 30/37 their count."""
    if not scan.gtin:
        return None, 0
    short = scan.gtin.lstrip("0")
    candidates = {scan.gtin, short.zfill(8), short.zfill(12), short.zfill(13)}
    count = 1 if scan.count is None else scan.count  # a label that says 0 counts 0: callers refuse it
    product = session.scalar(select(Product).where(Product.gtin.in_(candidates)))
    if product is not None:
        return product, count
    product = session.scalar(select(Product).where(Product.case_gtin.in_(candidates)))
    if product is not None:
        return product, (product.case_qty or 1) * count
    return None, 0
