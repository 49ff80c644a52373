"""WooCommerce REST API v3 (``/wp-json/wc/v3/orders``) orders -> ``IntakeOrder``.

Accepted shapes: a JSON list of orders (what the list endpoint returns), a single order object (what the
single-order endpoint and webhooks send) and, leniently, ``{"order": ...}`` / ``{"orders": [...]}`` wrappers.

Field mapping:

- ``id`` -> external_id (required); ``number`` (else ``id``) -> number.
- customer_name: the billing first + last name (the buyer), else the shipping name.
- email: ``billing.email``; phone: ``shipping.phone`` (WooCommerce 5.6+), else ``billing.phone``.
- shipping_address: the ``shipping`` object; when it holds no address at all (address_1, city and country all
  empty, as for orders keyed in without "ship to a different address") the ``billing`` object is used instead,
  and problems then name ``billing.*``. address_1, city and country (ISO 3166-1 alpha-2) are required;
  ``state`` -> region, ``postcode`` -> postal_code.
- shipping_method: ``shipping_lines[0].method_id``, else its ``method_title``.
- ship_by / promised_delivery: ``meta_data`` keys ``ship_by`` / ``ship_by_date`` and ``promised_delivery`` /
  ``promised_delivery_date`` (case, spaces, hyphens and a leading underscore ignored), value ``YYYY-MM-DD``.
- order_value: ``total``, else the sum of line prices; currency: ``currency``; tags: none (Woo has none).
- placed_at: ``date_created_gmt`` (UTC), else ``date_created`` (the shop's local time, which the API gives
  without an offset: read as UTC, at most a few hours off, which only nudges the age part of the priority).
- lines (at least one): ``sku`` (empty -> None), gtin from the line's ``gtin`` / ``global_unique_id`` or a
  ``meta_data`` key gtin/ean/upc/barcode/global_unique_id, ``name``, ``quantity`` (positive integer),
  ``price`` -> unit_price, ``id`` -> external_line_id.

The order ``status`` is not filtered here: which statuses to import is up to whoever fetches the orders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.channels.jsondata import PROMISED_DELIVERY_KEYS, SHIP_BY_KEYS, find_attribute, mapping, parse_orders
from app.channels.model import IntakeAddress, IntakeLine, IntakeOrder, ParseResult
from app.channels.values import OrderChecker, join_name, lines_value

CHANNEL = "woocommerce"

_GTIN_KEYS = frozenset({"gtin", "ean", "upc", "barcode", "global_unique_id"})


def parse(data: Any, source: str) -> ParseResult:
    """Parse WooCommerce order JSON (decoded, or as text/bytes) from ``source`` (a name for messages)."""
    return parse_orders(data, source, CHANNEL, _parse_order)


def looks_like_order(obj: Mapping[str, Any]) -> bool:
    """Woo orders carry ``billing``/``shipping`` objects and a ``number``; Shopify's are ``*_address``."""
    has_party = isinstance(obj.get("billing"), dict) or isinstance(obj.get("shipping"), dict)
    return "line_items" in obj and "number" in obj and has_party


def _has_address(data: Mapping[str, Any]) -> bool:
    keys = ("address_1", "city", "country")
    return any(isinstance(data.get(key), str) and data[key].strip() for key in keys)


def _address(checker: OrderChecker, prefix: str, data: Mapping[str, Any], phone: str) -> IntakeAddress:
    def text(key: str, *, required: bool = False) -> str:
        return checker.text(f"{prefix}.{key}", data.get(key), required=required)

    return IntakeAddress(
        name=join_name(text("first_name"), text("last_name")),
        company=text("company"),
        line1=text("address_1", required=True),
        line2=text("address_2"),
        city=text("city", required=True),
        region=text("state"),
        postal_code=text("postcode"),
        country=checker.country(f"{prefix}.country", data.get("country")),
        phone=phone,
    )


def _line(checker: OrderChecker, index: int, data: Any) -> IntakeLine | None:
    prefix = f"line_items[{index}]"
    if not isinstance(data, dict):
        checker.add(prefix, "expected a line item object")
        return None

    def text(key: str) -> str:
        return checker.text(f"{prefix}.{key}", data.get(key))

    gtin = text("gtin") or text("global_unique_id")
    if not gtin and (found := find_attribute(data.get("meta_data"), "key", "value", _GTIN_KEYS)):
        gtin = checker.text(f"{prefix}.meta_data.{found[0]}", found[1])
    quantity = checker.quantity(f"{prefix}.quantity", data.get("quantity"))
    unit_price = checker.money(f"{prefix}.price", data.get("price"))
    line_id = text("id")
    if quantity is None:
        return None
    return IntakeLine(
        sku=text("sku") or None,
        gtin=gtin or None,
        name=text("name"),
        quantity=quantity,
        unit_price=unit_price,
        external_line_id=line_id or None,
    )


def _parse_order(obj: Mapping[str, Any], checker: OrderChecker, source_ref: str) -> IntakeOrder | None:
    text = checker.text
    billing = mapping(obj.get("billing"))
    shipping = mapping(obj.get("shipping"))

    external_id = text("id", obj.get("id"), required=True)
    number = text("number", obj.get("number")) or external_id

    phone = text("shipping.phone", shipping.get("phone")) or text("billing.phone", billing.get("phone"))
    if _has_address(shipping) or not _has_address(billing):
        address = _address(checker, "shipping", shipping, phone)
    else:
        address = _address(checker, "billing", billing, phone)

    customer_name = (
        join_name(
            text("billing.first_name", billing.get("first_name")), text("billing.last_name", billing.get("last_name"))
        )
        or address.name
    )
    email = text("billing.email", billing.get("email"))

    shipping_lines = obj.get("shipping_lines")
    first_shipping = mapping(shipping_lines[0]) if isinstance(shipping_lines, list) and shipping_lines else {}
    shipping_method = text("shipping_lines[0].method_id", first_shipping.get("method_id")) or text(
        "shipping_lines[0].method_title", first_shipping.get("method_title")
    )

    meta = obj.get("meta_data")
    ship_by = None
    if found := find_attribute(meta, "key", "value", SHIP_BY_KEYS):
        ship_by = checker.date(f"meta_data.{found[0]}", found[1])
    promised = None
    if found := find_attribute(meta, "key", "value", PROMISED_DELIVERY_KEYS):
        promised = checker.date(f"meta_data.{found[0]}", found[1])

    if obj.get("date_created_gmt"):
        placed_at = checker.timestamp("date_created_gmt", obj.get("date_created_gmt"))
    else:
        placed_at = checker.timestamp("date_created", obj.get("date_created"))

    lines: list[IntakeLine] = []
    items = obj.get("line_items")
    if not isinstance(items, list) or not items:
        checker.add("line_items", "missing; an order needs at least one line")
    else:
        for index, item in enumerate(items):
            line = _line(checker, index, item)
            if line is not None:
                lines.append(line)

    total = checker.money("total", obj.get("total"))
    currency = text("currency", obj.get("currency")).upper()

    if checker.problems:
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
        tags=(),
        placed_at=placed_at,
        lines=tuple(lines),
        source_ref=source_ref,
    )
