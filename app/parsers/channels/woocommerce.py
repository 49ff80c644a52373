"""WooCommerce REST API v3 (``/wp-json/wc/v3/orders``) orders -> ``IntakeOrder``.

Accepted shapes: a JSON list of orders (what the list endpoint returns), a single order object (what the
single-order endpoint and webhooks send) and, leniently, ``{"order": ...}`` / ``{"orders": [...]}`` wrappers.

Field mapping:

- ``id`` -> external_id (required); ``number`` (else ``id``) -> number.
- customer_name: the billing first + last name (the buyer), else the shipping name.
- email: ``billing.email``; phone: ``shipping.phone`` (WooCommerce 5.6+), else ``billing.phone``.
- shipping_address: the ``shipping`` object; when it holds no address at all (address_1, city and country all
  empty, as for orders keyed in without "ship to a different address") the ``billing`` object is used instead,
  and problems then name ``billing.*``. Without address_1, city or country (ISO 3166-1 alpha-2) the order is
  imported on hold with the reason; an unknown country code refuses it. ``state`` -> region, ``postcode`` ->
  postal_code.
- shipping_method: ``shipping_lines[0].method_id``, else its ``method_title``.
- ship_by / promised_delivery: ``meta_data`` keys ``ship_by`` / ``ship_by_date`` and ``promised_delivery`` /
  ``promised_delivery_date`` (case, spaces, hyphens and a leading underscore ignored), value ``YYYY-MM-DD``.
- order_value: ``total``, else the sum of line prices; currency: ``currency``; tags: none (Woo has none).
- placed_at: ``date_created_gmt`` (UTC), else ``date_created`` (the shop's local time, which the API gives
  without an offset: read as UTC, at most a few hours off, which only nudges the age part of the priority).
- lines (at least one): ``sku`` (empty -> None), gtin from the line's ``gtin`` / ``global_unique_id`` or a
  ``meta_data`` key gtin/ean/upc/barcode/global_unique_id, ``name``, ``quantity`` (positive integer),
  ``price`` -> unit_price, ``id`` -> external_line_id.

- status: ``processing`` (or none) is an order to ship; ``cancelled`` and ``refunded`` import it ``cancelled``;
  ``pending``, ``on-hold``, ``failed``, ``completed`` (done in the shop already) and any other status import
  it on hold with the status as the reason.

Every text must fit its database column (``app.domain.limits``) and hold no control characters; every number
must be finite and fit its column: anything else refuses the order with the field's JSON path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.parsers.channels.json_fields import attribute_field, find_attribute, mapping
from app.parsers.channels.model import IntakeAddress, IntakeLine, IntakeOrder, ParseResult
from app.parsers.channels.order_fields import attribute_dates, first_shipping_line, order_lines, order_value
from app.parsers.channels.scan import parse_decoded
from app.parsers.channels.shopify import address_hold
from app.parsers.channels.values import OrderChecker, join_name

CHANNEL = "woocommerce"

_GTIN_KEYS = frozenset({"gtin", "ean", "upc", "barcode", "global_unique_id"})
_CANCELLED = {"cancelled": "cancelled in WooCommerce", "refunded": "refunded in WooCommerce"}
_HOLDS = {
    "pending": "WooCommerce status pending: payment not received",
    "on-hold": "WooCommerce status on-hold: waiting for payment",
    "failed": "WooCommerce status failed: payment failed",
    "completed": "WooCommerce status completed: the shop marked it done; check it was not shipped already",
}


def parse(data: Any, source: str) -> ParseResult:
    """Parse WooCommerce order JSON (decoded, or as text) from ``source`` (a name for messages)."""
    return parse_decoded(data, source, CHANNEL, parse_order)


def looks_like_order(obj: Mapping[str, Any]) -> bool:
    """Woo orders carry ``billing``/``shipping`` objects and a ``number``; Shopify's are ``*_address``."""
    has_party = isinstance(obj.get("billing"), dict) or isinstance(obj.get("shipping"), dict)
    return "line_items" in obj and "number" in obj and has_party


def _has_address(data: Mapping[str, Any]) -> bool:
    keys = ("address_1", "city", "country")
    return any(isinstance(data.get(key), str) and data[key].strip() for key in keys)


def _address(checker: OrderChecker, prefix: str, data: Mapping[str, Any], phone: str) -> IntakeAddress:
    def text(key: str, column: str | None = None) -> str:
        return checker.text(f"{prefix}.{key}", data.get(key), key=column)

    return IntakeAddress(
        name=checker.fits(f"{prefix}.last_name", join_name(text("first_name"), text("last_name")), "order.ship_name"),
        company=text("company", "order.ship_company"),
        line1=text("address_1", "order.ship_line1"),
        line2=text("address_2", "order.ship_line2"),
        city=text("city", "order.ship_city"),
        region=text("state", "order.ship_region"),
        postal_code=text("postcode", "order.ship_postal_code"),
        country=checker.country(f"{prefix}.country", data.get("country"), required=False),
        phone=phone,
    )


def _status(checker: OrderChecker, obj: Mapping[str, Any]) -> tuple[str, str]:
    """(cancel reason, hold reason) from the WooCommerce order status."""
    status = checker.text("status", obj.get("status")).lower()
    if not status or status == "processing":
        return "", ""
    if status in _CANCELLED:
        return _CANCELLED[status], ""
    return "", _HOLDS.get(status, f"WooCommerce status {status[:40]!r} is not one pickpack ships")


def _line(checker: OrderChecker, index: int, data: Any) -> IntakeLine | None:
    prefix = f"line_items[{index}]"
    if not isinstance(data, dict):
        checker.add(prefix, "expected a line item object")
        return None

    def text(key: str, column: str | None = None) -> str:
        return checker.text(f"{prefix}.{key}", data.get(key), key=column)

    gtin = checker.gtin(f"{prefix}.gtin", data.get("gtin")) or checker.gtin(
        f"{prefix}.global_unique_id", data.get("global_unique_id")
    )
    if not gtin and (found := find_attribute(data.get("meta_data"), "key", "value", _GTIN_KEYS)):
        gtin = checker.gtin(attribute_field(f"{prefix}.meta_data", found[0]), found[1])
    quantity = checker.quantity(f"{prefix}.quantity", data.get("quantity"))
    unit_price = checker.money(f"{prefix}.price", data.get("price"), key="line.unit_price")
    line_id = text("id", "line.external_line_id")
    sku = text("sku", "line.sku")
    name = text("name", "line.name")
    if quantity is None:
        return None
    return IntakeLine(
        sku=sku or None,
        gtin=gtin or None,
        name=name,
        quantity=quantity,
        unit_price=unit_price,
        external_line_id=line_id or None,
    )


def parse_order(obj: Mapping[str, Any], checker: OrderChecker, source_ref: str) -> IntakeOrder | None:
    """One WooCommerce order object as an ``IntakeOrder``, or ``None`` with the problems in ``checker``.

    The fields are checked in a fixed order, so problems are reported in the same order every time.
    """
    text = checker.text
    billing = mapping(obj.get("billing"))
    shipping = mapping(obj.get("shipping"))

    external_id = text("id", obj.get("id"), required=True, key="order.external_id")
    number = text("number", obj.get("number"), key="order.number") or external_id

    phone = text("shipping.phone", shipping.get("phone"), key="order.phone") or text(
        "billing.phone", billing.get("phone"), key="order.phone"
    )
    prefix = "shipping" if _has_address(shipping) or not _has_address(billing) else "billing"
    address = _address(checker, prefix, shipping if prefix == "shipping" else billing, phone)
    customer_name = checker.fits(
        "billing.last_name",
        join_name(
            text("billing.first_name", billing.get("first_name")), text("billing.last_name", billing.get("last_name"))
        )
        or address.name,
        "order.customer_name",
    )
    email = text("billing.email", billing.get("email"), key="order.email")
    shipping_method = _shipping_method(checker, obj)
    cancel_reason, status_hold = _status(checker, obj)
    ship_by, promised = attribute_dates(checker, obj.get("meta_data"), "key", "meta_data")
    if obj.get("date_created_gmt"):
        placed_at = checker.timestamp("date_created_gmt", obj.get("date_created_gmt"))
    else:
        placed_at = checker.timestamp("date_created", obj.get("date_created"))
    lines = order_lines(checker, obj.get("line_items"), _line)
    value, currency = order_value(checker, obj, lines, "total")

    if checker.problems:
        return None
    keys = (f"{prefix}.address_1", f"{prefix}.city", f"{prefix}.country")
    holds = tuple(reason for reason in (address_hold(address, keys), status_hold) if reason)
    return IntakeOrder(
        channel=CHANNEL,
        external_id=external_id,
        number=number,
        customer_name=customer_name,
        email=email,
        phone=phone,
        shipping_address=address,
        shipping_method=shipping_method,
        ship_by=ship_by,
        promised_delivery=promised,
        order_value=value,
        currency=currency,
        tags=(),
        placed_at=placed_at,
        lines=tuple(lines),
        source_ref=source_ref,
        hold_reasons=holds,
        cancel_reason=cancel_reason,
    )


def _shipping_method(checker: OrderChecker, obj: Mapping[str, Any]) -> str:
    """``shipping_lines[0].method_id``, else its ``method_title``; empty without a shipping line."""
    first_shipping = first_shipping_line(obj)
    return checker.text(
        "shipping_lines[0].method_id", first_shipping.get("method_id"), key="order.shipping_method"
    ) or checker.text("shipping_lines[0].method_title", first_shipping.get("method_title"), key="order.shipping_method")
