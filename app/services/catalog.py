"""Catalog and stock imports: check every row, then apply all of them in one transaction or none at all.

Re-importing a file changes nothing: products are upserted by SKU, and a stock row *sets* the counted quantity
of a product (and lot) at a location rather than adding to it.

Every value is checked in Python against the column it goes to before anything is written
(``app.parsers.catalog``), so both databases refuse exactly the same files and neither fails halfway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.db.models import Location, Product, Stock
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.limits import fit
from app.parsers.catalog import ImportProblem, ProductRow, StockRow, parse_products, parse_stock
from app.services import inventory
from app.services.authz import authorize

PRODUCT_FIELDS = (
    "name", "gtin", "case_gtin", "case_qty", "weight_kg", "length_cm", "width_cm", "height_cm", "hs_code",
    "origin_country", "unit_value", "currency", "track_lot", "track_expiry", "track_serial",
)  # fmt: skip


@dataclass(frozen=True)
class ImportReport:
    """What an import did: ``applied`` is False when problems stopped it (then nothing was written)."""

    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: tuple[ImportProblem, ...] = field(default_factory=tuple)
    applied: bool = True

    @property
    def rows_ok(self) -> int:
        return self.created + self.updated + self.unchanged


def import_products(db: Database, path: Path, *, skip_invalid: bool = False, actor: Actor) -> ImportReport:
    with db.unit_of_work(readonly=True) as uow:  # refuse before the file is read
        authorize(uow, actor, "products.import")
    rows, problems = parse_products(path)
    source = str(path)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "products.import")
        existing = {p.sku: p for p in uow.products.all()}
        owner_of_gtin: dict[str, str] = {}
        for p in existing.values():
            for value in (p.gtin, p.case_gtin):
                if value:
                    owner_of_gtin[value.zfill(14)] = p.sku
        good: list[ProductRow] = []
        for row in rows:
            clash = None
            for column in ("gtin", "case_gtin"):
                value = getattr(row, column)
                owner = owner_of_gtin.get(value.zfill(14)) if value else None
                if owner and owner != row.sku:
                    clash = f"{column}: {value} already belongs to product {owner}"
            if clash:
                problems.append(ImportProblem(source, row.line, clash))
            else:
                good.append(row)
        problems.sort(key=lambda p: p.line)
        if problems and not skip_invalid:
            return ImportReport(source, problems=tuple(problems), applied=False)
        created = updated = unchanged = 0
        for row in good:
            product = existing.get(row.sku)
            values = {name: getattr(row, name) for name in PRODUCT_FIELDS}
            if product is None:
                uow.products.add(Product(sku=row.sku, **values))
                created += 1
                continue
            changed = {k: v for k, v in values.items() if getattr(product, k) != v}
            if changed:
                for key, value in changed.items():
                    setattr(product, key, value)
                updated += 1
            else:
                unchanged += 1
        if created or updated:
            uow.record(
                actor,
                "products.imported",
                subject=fit(f"file:{path.name}", "event.subject"),
                message=f"{created} products created, {updated} updated from {path.name}",
                created=created,
                updated=updated,
                skipped_lines=[p.line for p in problems],
            )
        uow.commit()
    return ImportReport(source, created, updated, unchanged, tuple(problems), True)


def import_stock(db: Database, path: Path, *, skip_invalid: bool = False, actor: Actor) -> ImportReport:
    with db.unit_of_work(readonly=True) as uow:  # refuse before the file is read
        authorize(uow, actor, "stock.import")
    rows, problems = parse_stock(path)
    source = str(path)
    with db.unit_of_work() as uow:
        authorize(uow, actor, "stock.import")
        skus = {r.sku for r in rows}
        codes = {r.location for r in rows}
        products = {p.sku: p for p in uow.products.by_skus(skus)}
        locations = {loc.code: loc for loc in uow.locations.by_codes(codes)}
        stored = uow.stock.of_products([p.id for p in products.values()])
        current = {(s.location_id, s.product_id, s.lot): s for s in stored}
        good: list[tuple[StockRow, Product, Location]] = []
        for row in rows:
            reason = _stock_row_problem(row, products.get(row.sku), locations.get(row.location), current)
            if reason:
                problems.append(ImportProblem(source, row.line, reason))
            else:
                good.append((row, products[row.sku], locations[row.location]))
        problems.sort(key=lambda p: p.line)
        if problems and not skip_invalid:
            return ImportReport(source, problems=tuple(problems), applied=False)
        created = updated = unchanged = 0
        for row, product, location in good:
            stock = current.get((location.id, product.id, row.lot))
            ref = fit(f"file:{path.name}:{row.line}", "move.ref")
            if stock is None:
                stock = Stock(
                    location_id=location.id,
                    product_id=product.id,
                    lot=row.lot,
                    expiry=row.expiry,
                    quantity_on_hand=0,
                    quantity_reserved=0,
                )
                uow.stock.add(stock)
                inventory.move(uow.session, stock, row.qty, "import", actor, ref)
                created += 1
            elif stock.quantity_on_hand != row.qty or stock.expiry != row.expiry:
                inventory.set_counted(uow.session, stock, row.qty, "import", actor, ref)
                stock.expiry = row.expiry
                updated += 1
            else:
                unchanged += 1
        if created or updated:
            uow.record(
                actor,
                "stock.imported",
                subject=fit(f"file:{path.name}", "event.subject"),
                message=f"{created} stock rows created, {updated} counts changed from {path.name}",
                created=created,
                updated=updated,
                skipped_lines=[p.line for p in problems],
            )
        uow.commit()
    return ImportReport(source, created, updated, unchanged, tuple(problems), True)


def _stock_row_problem(
    row: StockRow,
    product: Product | None,
    location: Location | None,
    current: dict[tuple[int, int, str], Stock],
) -> str | None:
    if product is None:
        return f"sku: unknown SKU {row.sku!r}"
    if location is None:
        return f"location: unknown location {row.location!r} (not in the layout; run `pickpack init`?)"
    if product.track_lot and not row.lot:
        return f"lot: {row.sku} is lot-tracked; a lot is required"
    if not product.track_lot and row.lot:
        return f"lot: {row.sku} is not lot-tracked; leave lot empty (got {row.lot!r})"
    if product.track_expiry and row.expiry is None:
        return f"expiry: {row.sku} is expiry-tracked; an expiry date is required"
    if not product.track_expiry and row.expiry is not None:
        return f"expiry: {row.sku} does not track expiry; leave expiry empty (got {row.expiry.isoformat()})"
    stock = current.get((location.id, product.id, row.lot))
    if stock is not None and row.qty < stock.quantity_reserved:
        return f"qty: {row.qty} is below the {stock.quantity_reserved} already reserved for orders at {row.location}"
    return None
