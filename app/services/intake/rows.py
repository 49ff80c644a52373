"""How one order from a sales channel becomes rows: its service level, column values, lines, and where it should
stand (cancelled by the channel, held with a reason, or free to go).

These decisions are made before anything is written (``app.services.intake.store`` writes them), and again on
a re-import to tell whether the stored order already stands where the file says (then nothing changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.config.settings import Config
from app.db.models import Order
from app.db.repositories.products import ProductRef
from app.domain.orders import BACKORDERED, CANCELLED, NEW, ON_HOLD
from app.parsers.channels.model import IntakeOrder
from app.services.order_priority import default_ship_by

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


def is_intake_hold(reason: str) -> bool:
    return reason.startswith(INTAKE_HOLDS)


def service_level(config: Config, intake: IntakeOrder) -> tuple[str, str]:
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


def order_values(config: Config, intake: IntakeOrder, received: datetime, level: str) -> dict[str, object]:
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


def line_values(
    intake: IntakeOrder, products_by_sku: dict[str, ProductRef], products_by_gtin: dict[str, ProductRef]
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
class Wanted:
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


def wanted_state(intake: IntakeOrder, unknown: list[str], method_hold: str) -> Wanted:
    reasons = [f"{UNKNOWN_SKU}: {', '.join(unknown)}"] if unknown else []
    reasons += [*intake.hold_reasons, *([method_hold] if method_hold else [])]
    return Wanted(intake.cancel_reason, "; ".join(reasons))


def same(order: Order, values: dict[str, object], lines: list[dict[str, object]]) -> bool:
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
