"""Shopify REST Admin API orders -> ``IntakeOrder``.

Accepted shapes: ``{"order": {...}}`` (single order), ``{"orders": [...]}`` (list), a bare order object (the
body of an ``orders/create`` webhook) and, leniently, a bare JSON list of order objects.

Field mapping (why: the carrier and the slip need the recipient, the priority rules need value, tags, dates):

- ``id`` -> external_id (required); ``name`` (``"#1001"``), else ``order_number`` -> number (required).
- customer_name: the buyer (``customer`` first/last name), else the billing, else the shipping address name.
- email: ``email``, ``contact_email``, ``customer.email``; phone: ``phone``, else the shipping, customer or
  billing phone.
- shipping_address (required): name (or first + last), company, address1 (required), address2, city
  (required), ``province_code`` else ``province``, zip, ``country_code`` (required, ISO 3166-1 alpha-2),
  phone.
- shipping_method: ``shipping_lines[0].code``, else its ``title``; empty when there is no shipping line.
- ship_by / promised_delivery: ``note_attributes`` named ``ship_by`` / ``ship_by_date`` and
  ``promised_delivery`` / ``promised_delivery_date`` (case, spaces, hyphens and a leading underscore ignored),
  value ``YYYY-MM-DD``.
- order_value: ``total_price``, else the sum of line prices; currency: ``currency``.
- tags: the order's ``tags`` and the customer's ``tags`` (comma separated, e.g. "vip"), order tags first.
- placed_at: ``created_at`` (else ``processed_at``) in UTC.
- lines (at least one): ``sku`` (empty/null -> None), ``barcode`` -> gtin, ``name`` else ``title``,
  ``quantity`` (positive integer), ``price`` -> unit_price, ``id`` -> external_line_id. A line without SKU is
  kept (the intake service puts the order on hold as "unknown SKU"), never treated as malformed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.channels.jsondata import PROMISED_DELIVERY_KEYS, SHIP_BY_KEYS, find_attribute, mapping, parse_orders
from app.channels.model import IntakeAddress, IntakeLine, IntakeOrder, ParseResult
from app.channels.values import OrderChecker, join_name, lines_value

CHANNEL = "shopify"


def parse(data: Any, source: str) -> ParseResult:
    """Parse Shopify order JSON (already decoded, or as text/bytes) from ``source`` (a name for messages)."""
    return parse_orders(data, source, CHANNEL, _parse_order)


def looks_like_order(obj: Mapping[str, Any]) -> bool:
    """Shopify-only keys: WooCommerce orders have neither ``order_number`` nor ``admin_graphql_api_id``."""
    return "line_items" in obj and ("admin_graphql_api_id" in obj or "order_number" in obj)


def _split_tags(checker: OrderChecker, field: str, value: Any) -> list[str]:
    return [tag.strip() for tag in checker.text(field, value).split(",") if tag.strip()]


def _address(checker: OrderChecker, data: Mapping[str, Any]) -> IntakeAddress:
    def text(key: str, *, required: bool = False) -> str:
        return checker.text(f"shipping_address.{key}", data.get(key), required=required)

    return IntakeAddress(
        name=text("name") or join_name(text("first_name"), text("last_name")),
        company=text("company"),
        line1=text("address1", required=True),
        line2=text("address2"),
        city=text("city", required=True),
        region=text("province_code") or text("province"),
        postal_code=text("zip"),
        country=checker.country("shipping_address.country_code", data.get("country_code")),
        phone=text("phone"),
    )


def _line(checker: OrderChecker, index: int, data: Any) -> IntakeLine | None:
    prefix = f"line_items[{index}]"
    if not isinstance(data, dict):
        checker.add(prefix, "expected a line item object")
        return None

    def text(key: str) -> str:
        return checker.text(f"{prefix}.{key}", data.get(key))

    quantity = checker.quantity(f"{prefix}.quantity", data.get("quantity"))
    unit_price = checker.money(f"{prefix}.price", data.get("price"))
    line_id = text("id")
    if quantity is None:
        return None
    return IntakeLine(
        sku=text("sku") or None,
        gtin=text("barcode") or None,
        name=text("name") or join_name(text("title"), text("variant_title")),
        quantity=quantity,
        unit_price=unit_price,
        external_line_id=line_id or None,
    )


def _parse_order(obj: Mapping[str, Any], checker: OrderChecker, source_ref: str) -> IntakeOrder | None:
    text = checker.text
    customer = mapping(obj.get("customer"))
    billing = mapping(obj.get("billing_address"))
    shipping = obj.get("shipping_address")

    external_id = text("id", obj.get("id"), required=True)
    number = text("name", obj.get("name")) or text("order_number", obj.get("order_number"))
    if not number:
        checker.add("name", "missing (and no order_number either)")

    address: IntakeAddress | None = None
    if isinstance(shipping, dict):
        address = _address(checker, shipping)
    else:
        checker.add("shipping_address", "missing; an order to ship needs a shipping address")

    customer_name = (
        join_name(
            text("customer.first_name", customer.get("first_name")),
            text("customer.last_name", customer.get("last_name")),
        )
        or text("billing_address.name", billing.get("name"))
        or (address.name if address else "")
    )
    email = (
        text("email", obj.get("email"))
        or text("contact_email", obj.get("contact_email"))
        or text("customer.email", customer.get("email"))
    )
    phone = (
        text("phone", obj.get("phone"))
        or (address.phone if address else "")
        or text("customer.phone", customer.get("phone"))
        or text("billing_address.phone", billing.get("phone"))
    )

    shipping_lines = obj.get("shipping_lines")
    first_shipping = mapping(shipping_lines[0]) if isinstance(shipping_lines, list) and shipping_lines else {}
    shipping_method = text("shipping_lines[0].code", first_shipping.get("code")) or text(
        "shipping_lines[0].title", first_shipping.get("title")
    )

    attributes = obj.get("note_attributes")
    ship_by = None
    if found := find_attribute(attributes, "name", "value", SHIP_BY_KEYS):
        ship_by = checker.date(f"note_attributes.{found[0]}", found[1])
    promised = None
    if found := find_attribute(attributes, "name", "value", PROMISED_DELIVERY_KEYS):
        promised = checker.date(f"note_attributes.{found[0]}", found[1])

    tags = _split_tags(checker, "tags", obj.get("tags"))
    tags += [tag for tag in _split_tags(checker, "customer.tags", customer.get("tags")) if tag not in tags]

    if obj.get("created_at"):
        placed_at = checker.timestamp("created_at", obj.get("created_at"))
    else:
        placed_at = checker.timestamp("processed_at", obj.get("processed_at"))

    lines: list[IntakeLine] = []
    items = obj.get("line_items")
    if not isinstance(items, list) or not items:
        checker.add("line_items", "missing; an order needs at least one line")
    else:
        for index, item in enumerate(items):
            line = _line(checker, index, item)
            if line is not None:
                lines.append(line)

    total = checker.money("total_price", obj.get("total_price"))
    currency = text("currency", obj.get("currency")).upper()

    if checker.problems or address is None:
        return None
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
        order_value=total if total is not None else lines_value(tuple(lines)),
        currency=currency,
        tags=tuple(tags),
        placed_at=placed_at,
        lines=tuple(lines),
        source_ref=source_ref,
    )
