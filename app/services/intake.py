"""Order intake from the sales channels: validate the whole file, then store it in short transactions of whole
orders; never a duplicate, never a dropped line, never a half-written order.

An order is keyed by (channel, external id). Importing it again updates it while it has not been released to
picking (its reservations are given back and it is allocated again); after that the import leaves it alone.

What a person can fix in one order imports that order ``on_hold`` with the reason (``hold_reason``), so the
rest of the file ships: an unknown or empty SKU, a missing or incomplete shipping address, a shipping method
that ``[channels.<name>] service_levels`` does not map, the channel's own "not yet" (payment pending, on
hold). The channel's own "cancelled"/"refunded" imports the order ``cancelled``. Values that cannot be read or
do not fit refuse the file (``applied=False``, nothing written) unless ``skip_invalid``.

Large files: the file is read twice, one order at a time (``OrderScan``): first to validate everything, then to
write ``WRITE_CHUNK`` orders per transaction. A crash in between leaves whole orders only, and running the
same import again completes it (orders already stored compare unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.channels.detect import OrderScan
from app.channels.model import IntakeOrder, IntakeProblem
from app.config import Config
from app.db.models import Order, OrderLine, Product
from app.db.queries import intake as intake_queries
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.actor import Actor
from app.domain.orders import BACKORDERED, CANCELLED, NEW, ON_HOLD
from app.services.allocation import release_reservations
from app.services.authz import authorize
from app.services.order_support import default_ship_by, order_subject, priority_for, priority_of, set_status

REIMPORT_UPDATES = frozenset({NEW, "allocated", BACKORDERED, ON_HOLD})
"""Statuses in which a re-imported order is updated; later ones are already on the floor."""

UNKNOWN_SKU = "unknown SKU"
SERVICE_LEVELS = ("same_day", "express", "standard")
INTAKE_HOLDS = (
    UNKNOWN_SKU,
    "no shipping address",
    "shipping address incomplete",
    "shipping method",
    "payment",
    "WooCommerce status",
)
"""How the hold reasons the intake sets begin: such a hold is lifted by a re-import that no longer needs it,
while a hold a supervisor set (or the value review) is never touched by an import."""

WRITE_CHUNK = 500
"""Orders per write transaction: short enough not to block the floor, long enough to be fast."""
KEEP_AT_MOST = 1000
"""Problems and holds listed in a report; the rest are counted (a bad 200 MB file has millions)."""


def is_intake_hold(reason: str) -> bool:
    return reason.startswith(INTAKE_HOLDS)


@dataclass(frozen=True)
class IntakeReport:
    source: str
    channel: str | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    on_hold: int = 0
    left_alone: tuple[str, ...] = ()
    """Orders in the file that were already released to picking: reported, not changed."""
    problems: tuple[IntakeProblem, ...] = field(default_factory=tuple)
    """The first ``KEEP_AT_MOST`` problems; ``problem_count`` counts them all."""
    applied: bool = True
    order_ids: tuple[int, ...] = ()
    cancelled: int = 0
    """Orders stored ``cancelled`` because the channel says so."""
    refused_orders: int = 0
    """Orders with at least one problem (left out: the file was refused, or skipped with ``skip_invalid``)."""
    problem_count: int = 0
    holds: tuple[tuple[str, str], ...] = ()
    """(order number, hold reason) of orders this import put or kept on hold (the first ``KEEP_AT_MOST``)."""
    hold_count: int = 0
    file_problem_count: int = 0
    """Problems that belong to no order (the file's shape, its header, a syntax error)."""


@dataclass
class _Tally:
    """What the writes have done so far, chunk after chunk."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    on_hold: int = 0
    cancelled: int = 0
    left_alone: list[str] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    holds: list[tuple[str, str]] = field(default_factory=list)
    hold_count: int = 0

    def held(self, number: str, reason: str) -> None:
        self.on_hold += 1
        self.hold_count += 1
        if len(self.holds) < KEEP_AT_MOST:
            self.holds.append((number, reason))


def _service_level(config: Config, intake: IntakeOrder) -> tuple[str, str]:
    """(service level, hold reason): a method the channel's mapping does not know is held, not guessed."""
    channel = config.channel(intake.channel)
    method = intake.shipping_method.strip().lower()
    mapping = {k.lower(): v for k, v in channel.service_levels.items()}
    if not method:
        return channel.default_service_level, ""
    if method in mapping:
        return mapping[method], ""
    if method in SERVICE_LEVELS:
        return method, ""
    reason = (
        f"shipping method {intake.shipping_method[:60]!r} is not mapped to a service level "
        f"(add it to [channels.{intake.channel}] service_levels)"
    )
    return channel.default_service_level, reason


def _order_values(config: Config, intake: IntakeOrder, received: datetime, level: str) -> dict[str, object]:
    address = intake.shipping_address
    return {
        "number": intake.number,
        "customer_name": intake.customer_name or "",
        "email": intake.email or "",
        "phone": intake.phone or "",
        "ship_name": address.name or "",
        "ship_company": address.company or "",
        "ship_line1": address.line1 or "",
        "ship_line2": address.line2 or "",
        "ship_city": address.city or "",
        "ship_region": address.region or "",
        "ship_postal_code": address.postal_code or "",
        "ship_country": address.country or "",
        "ship_phone": address.phone or "",
        "shipping_method": intake.shipping_method or "",
        "service_level": level,
        "ship_by": intake.ship_by or default_ship_by(config, level, intake.placed_at or received),
        "promised_delivery": intake.promised_delivery,
        "order_value": intake.order_value,
        "currency": intake.currency or "",
        "tags": list(intake.tags),
        "placed_at": intake.placed_at,
        "ship_complete": config.channel(intake.channel).ship_complete,
    }


def _line_values(
    intake: IntakeOrder, products_by_sku: dict[str, Product], products_by_gtin: dict[str, Product]
) -> tuple[list[dict[str, Any]], list[str]]:
    lines = []
    unknown = []
    for n, line in enumerate(intake.lines, start=1):
        product = products_by_sku.get(line.sku or "") or (
            products_by_gtin.get(line.gtin.zfill(14)) if line.gtin else None
        )
        if product is None:
            unknown.append(line.sku or line.gtin or f"line {n} has no SKU ({line.name[:40] or 'no name'})")
        lines.append(
            {
                "line_no": n,
                "sku": product.sku if product else (line.sku or ""),
                "gtin": line.gtin or "",
                "product_id": product.id if product else None,
                "name": product.name if product else (line.name or ""),  # the catalog name is what pickers see
                "external_line_id": line.external_line_id or "",
                "unit_price": line.unit_price,
                "qty_ordered": line.quantity,
            }
        )
    return lines, unknown


@dataclass(frozen=True)
class _Wanted:
    """Where an imported order should stand: cancelled by the channel, held with a reason, or free to go."""

    cancel: str
    hold: str

    def matches(self, order: Order) -> bool:
        """True when ``order`` already stands there (so a re-import changes nothing)."""
        if self.cancel:
            return order.status == CANCELLED
        intake_held = order.status == ON_HOLD and is_intake_hold(order.hold_reason)
        if self.hold:
            return order.status == ON_HOLD and (order.hold_reason == self.hold or not intake_held)
        return not intake_held


def _wanted(intake: IntakeOrder, unknown: list[str], method_hold: str) -> _Wanted:
    reasons = [f"{UNKNOWN_SKU}: {', '.join(unknown)}"] if unknown else []
    reasons += [*intake.hold_reasons, *([method_hold] if method_hold else [])]
    return _Wanted(intake.cancel_reason, "; ".join(reasons))


def _same(order: Order, values: dict[str, object], lines: list[dict[str, object]]) -> bool:
    for key, value in values.items():
        if key in ("ship_complete",):
            continue
        current = getattr(order, key)
        if (
            key == "placed_at"
            and current is not None
            and value is not None
            and abs((current - value).total_seconds()) < 1  # type: ignore[operator]
        ):
            continue
        if current != value:
            return False
    existing = [(x.line_no, x.sku, x.product_id, x.qty_ordered) for x in order.lines]
    wanted = [(x["line_no"], x["sku"], x["product_id"], x["qty_ordered"]) for x in lines]
    return existing == wanted


def import_orders(
    db: Database,
    config: Config,
    path: Path,
    *,
    channel: str | None = None,
    skip_invalid: bool = False,
    actor: Actor,
) -> IntakeReport:
    """Validate the whole file, then (when nothing is wrong, or with ``skip_invalid``) store its good orders in
    transactions of ``WRITE_CHUNK`` whole orders. Only automation imports (the system user): the check comes
    before the file is read, and again in every write transaction."""
    with db.unit_of_work(readonly=True) as uow:
        authorize(uow, actor, "orders.import")
    source = str(path)
    scan = OrderScan(path, source, channel)
    problems: list[IntakeProblem] = []
    problem_count = refused = file_problems = 0
    kept: list[IntakeOrder] | None = [] if _size(path) <= KEEP_PARSED_BYTES else None
    for item in scan:
        if kept is not None and item.order is not None:
            kept.append(item.order)
        if not item.problems:
            continue
        problem_count += len(item.problems)
        if item.where:
            refused += 1
        else:
            file_problems += len(item.problems)
        problems.extend(item.problems[: max(0, KEEP_AT_MOST - len(problems))])
    counts = {"refused_orders": refused, "problem_count": problem_count, "file_problem_count": file_problems}
    if problem_count and (not skip_invalid or file_problems):  # a broken file is never half-imported
        return IntakeReport(source, scan.channel, problems=tuple(problems), applied=False, **counts)

    tally = _Tally()
    good = kept if kept is not None else (item.order for item in scan if item.order is not None)
    for chunk in _chunks(good, WRITE_CHUNK):
        with db.unit_of_work() as uow:
            authorize(uow, actor, "orders.import")
            _store(uow, config, chunk, actor, tally)
            uow.commit()
    return IntakeReport(
        source,
        scan.channel,
        tally.created,
        tally.updated,
        tally.unchanged,
        tally.on_hold,
        tuple(tally.left_alone),
        tuple(problems),
        True,
        tuple(tally.order_ids),
        cancelled=tally.cancelled,
        holds=tuple(tally.holds),
        hold_count=tally.hold_count,
        **counts,
    )


KEEP_PARSED_BYTES = 16 * 1024 * 1024
"""Files up to this size keep the orders parsed by the checking pass for the writing pass (parsing is most of an
import's time); larger ones are parsed again as they are written, so memory stays bounded (issue 12)."""


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return KEEP_PARSED_BYTES + 1  # unreadable: the scan reports why; never keep


def _chunks(orders: Iterable[IntakeOrder], size: int) -> Iterator[list[IntakeOrder]]:
    chunk: list[IntakeOrder] = []
    for order in orders:
        chunk.append(order)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _products(uow: UnitOfWork, orders: list[IntakeOrder]) -> tuple[dict[str, Product], dict[str, Product]]:
    skus = {line.sku for o in orders for line in o.lines if line.sku}
    gtins = {line.gtin for o in orders for line in o.lines if line.gtin}
    products_by_sku: dict[str, Product] = {}
    products_by_gtin: dict[str, Product] = {}
    if skus or gtins:
        candidates = [g.zfill(14) for g in gtins] + [g.lstrip("0") for g in gtins] + list(gtins)
        for product in uow.products.by_skus_or_gtins(skus, candidates):
            products_by_sku[product.sku] = product
            if product.gtin:
                products_by_gtin[product.gtin.zfill(14)] = product
    return products_by_sku, products_by_gtin


def _store(uow: UnitOfWork, config: Config, orders: list[IntakeOrder], actor: Actor, tally: _Tally) -> None:
    """Store one chunk of whole orders (one transaction, committed by the caller)."""
    now = datetime.now(UTC)
    existing = intake_queries.orders_by_channel_key(uow.session, [(o.channel, o.external_id) for o in orders])
    products_by_sku, products_by_gtin = _products(uow, orders)
    fresh: list[tuple[dict[str, Any], list[dict[str, Any]], str]] = []
    touched: list[Order] = []
    for intake in orders:
        level, method_hold = _service_level(config, intake)
        values = _order_values(config, intake, now, level)
        lines, unknown = _line_values(intake, products_by_sku, products_by_gtin)
        wanted = _wanted(intake, unknown, method_hold)
        order = existing.get((intake.channel, intake.external_id))
        if order is not None and order.status not in REIMPORT_UPDATES:
            if not (order.status == CANCELLED and wanted.cancel):
                note = f"; the channel says: {wanted.cancel}" if wanted.cancel else ""
                tally.left_alone.append(f"{order.number} ({order.status}{note})")
            tally.unchanged += 1
            continue
        if order is not None and _same(order, values, lines) and wanted.matches(order):
            tally.unchanged += 1
            if order.status == ON_HOLD:
                tally.held(order.number, order.hold_reason)
            continue
        if order is None:
            ship_by = intake.ship_by or default_ship_by(config, level, intake.placed_at or now)
            status = CANCELLED if wanted.cancel else ON_HOLD if wanted.hold else NEW
            row = {
                "channel": intake.channel,
                "external_id": intake.external_id,
                "received_at": now,
                "updated_at": now,
                "status": status,
                "hold_reason": wanted.hold if status == ON_HOLD else "",
                "value_review_approved": False,
                "priority": priority_for(config, level, ship_by, intake.tags, intake.order_value, now, now).total,
                **values,
            }
            reason = wanted.cancel or wanted.hold or f"imported from {intake.source_ref}"
            fresh.append((row, lines, reason))
            tally.created += 1
            if status == ON_HOLD:
                tally.held(intake.number, wanted.hold)
            elif status == CANCELLED:
                tally.cancelled += 1
            continue
        _update(uow, config, order, intake, values, lines, wanted, actor, now)
        tally.updated += 1
        if order.status == ON_HOLD:
            tally.held(order.number, order.hold_reason)
        elif order.status == CANCELLED:
            tally.cancelled += 1
        touched.append(order)
    uow.flush()
    tally.order_ids.extend(o.id for o in touched)
    tally.order_ids.extend(_insert_new_orders(uow, fresh, actor))


def _update(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    intake: IntakeOrder,
    values: dict[str, object],
    lines: list[dict[str, Any]],
    wanted: _Wanted,
    actor: Actor,
    now: datetime,
) -> None:
    """Apply a changed order from the channel to one not yet on the floor; status moves go through
    ``set_status`` so each is an event with its reason."""
    release_reservations(uow.session, order)
    for key, value in values.items():
        setattr(order, key, value)
    order.lines.clear()
    uow.flush()
    order.lines.extend(OrderLine(**line) for line in lines)
    order.priority = priority_of(order, config, now).total
    uow.record(
        actor,
        "order.updated",
        subject=order_subject(order.id),
        message=f"updated from {intake.source_ref}",
        source=intake.source_ref,
    )
    manual_hold = order.status == ON_HOLD and not is_intake_hold(order.hold_reason)
    if wanted.cancel:
        set_status(uow, order, CANCELLED, actor, wanted.cancel)
        order.hold_reason = ""
    elif manual_hold:
        pass  # a supervisor's hold (or the value review) stays until a person lifts it
    elif wanted.hold:
        if order.status != ON_HOLD:
            set_status(uow, order, ON_HOLD, actor, wanted.hold)
        order.hold_reason = wanted.hold
    elif order.status == ON_HOLD:
        order.hold_reason = ""
        set_status(uow, order, NEW, actor, "the order is complete now; allocating")
    elif order.status != NEW:
        set_status(uow, order, NEW, actor, "order changed by the channel; allocating again")


def _insert_new_orders(
    uow: UnitOfWork, fresh: list[tuple[dict[str, Any], list[dict[str, Any]], str]], actor: Actor
) -> list[int]:
    """Insert new orders, their lines and their first timeline events in three batched statements."""
    if not fresh:
        return []
    ids = intake_queries.insert_orders(uow.session, [row for row, _, _ in fresh])
    line_rows = [
        {**line, "order_id": order_id} for order_id, (_, lines, _) in zip(ids, fresh, strict=True) for line in lines
    ]
    intake_queries.insert_order_lines(uow.session, line_rows)
    uow.record_rows(
        [
            uow.event_row(
                actor,
                "order.status",
                order_subject(order_id),
                reason,
                **{"from": None, "to": row["status"], "reason": reason},
            )
            for order_id, (row, _, reason) in zip(ids, fresh, strict=True)
        ]
    )
    return ids
