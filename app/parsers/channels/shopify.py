"""Shopify REST Admin API orders -> ``IntakeOrder``.

Accepted shapes: ``{"order": {...}}`` (single order), ``{"orders": [...]}`` (list), a bare order object (the
body of an ``orders/create`` webhook) and, leniently, a bare JSON list of order objects.

Field mapping (why: the carrier and the slip need the recipient, the priority rules need value, tags, dates):

- ``id`` -> external_id (required); ``name`` (``"#1001"``), else ``order_number`` -> number (required).
- customer_name: the buyer (``customer`` first/last name), else the billing, else the shipping address name.
- email: ``email``, ``contact_email``, ``customer.email``; phone: ``phone``, else the shipping, customer or
  billing phone.
- shipping_address: name (or first + last), company, address1, address2, city, ``province_code`` else
  ``province``, zip, ``country_code`` (ISO 3166-1 alpha-2), phone. No address at all (``shipping_address:
  null``, as in real webhook bodies of orders without shipping) or one without address1, city or country
  imports the order on hold with the reason; an unknown country code refuses it (it cannot be read).
- status: ``cancelled_at`` set or ``financial_status`` ``refunded`` imports the order ``cancelled``;
  ``financial_status`` ``pending`` or ``voided`` imports it on hold (not paid).
- shipping_method: ``shipping_lines[0].code``, else its ``title``; empty when there is no shipping line.
- ship_by / promised_delivery: ``note_attributes`` named ``ship_by`` / ``ship_by_date`` and
  ``promised_delivery`` / ``promised_delivery_date`` (case, spaces, hyphens and a leading underscore ignored),
  value ``YYYY-MM-DD``.
- order_value: ``total_price``, else the sum of line prices; currency: ``currency``.
- tags: the order's ``tags`` and the customer's ``tags`` (comma separated, e.g. "vip"), order tags first.
- placed_at: ``created_at`` (else ``processed_at``) in UTC.
- lines (at least one): ``sku`` (empty/null -> None), ``barcode`` -> gtin (ignored unless 8-14 digits),
  ``name`` else ``title``, ``quantity`` (positive integer), ``price`` -> unit_price, ``id`` ->
  external_line_id. A line without SKU is kept (the intake service puts the order on hold as "unknown SKU"),
  never treated as malformed.

Every text must fit its database column (``app.domain.limits``) and hold no control characters; every number
must be finite and fit its column: anything else refuses the order with the field's JSON path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.parsers.channels.json_fields import mapping
from app.parsers.channels.model import IntakeAddress, IntakeLine, IntakeOrder, ParseResult
from app.parsers.channels.order_fields import attribute_dates, first_shipping_line, order_lines, order_value
from app.parsers.channels.scan import parse_decoded
from app.parsers.channels.values import OrderChecker, join_name, show

NO_ADDRESS = IntakeAddress("", "", "", "", "", "", "", "", "")
"""What an order without a shipping address stores (it is held until someone adds one)."""

CHANNEL = "shopify"


def parse(data: Any, source: str) -> ParseResult:
    """Parse Shopify order JSON (already decoded, or as text) from ``source`` (a name for messages)."""
    return parse_decoded(data, source, CHANNEL, parse_order)


def looks_like_order(obj: Mapping[str, Any]) -> bool:
    """Shopify-only keys: WooCommerce orders have neither ``order_number`` nor ``admin_graphql_api_id``."""
    return "line_items" in obj and ("admin_graphql_api_id" in obj or "order_number" in obj)


_PAYMENT_HOLDS = {"pending": "payment pending in Shopify", "voided": "payment voided in Shopify"}


def _address(checker: OrderChecker, data: Mapping[str, Any]) -> IntakeAddress:
    def text(key: str, column: str | None = None) -> str:
        return checker.text(f"shipping_address.{key}", data.get(key), key=column)

    name = text("name", "order.ship_name") or checker.fits(
        "shipping_address.name", join_name(text("first_name"), text("last_name")), "order.ship_name"
    )
    return IntakeAddress(
        name=name,
        company=text("company", "order.ship_company"),
        line1=text("address1", "order.ship_line1"),
        line2=text("address2", "order.ship_line2"),
        city=text("city", "order.ship_city"),
        region=text("province_code", "order.ship_region") or text("province", "order.ship_region"),
        postal_code=text("zip", "order.ship_postal_code"),
        country=checker.country("shipping_address.country_code", data.get("country_code"), required=False),
        phone=text("phone", "order.ship_phone"),
    )


def address_hold(address: IntakeAddress | None, keys: tuple[str, str, str]) -> str:
    """The hold reason for a missing or incomplete address ("" when complete); ``keys`` name the channel's
    address line, city and country fields."""
    if address is None:
        return "no shipping address"
    values = (address.line1, address.city, address.country)
    missing = [key for key, value in zip(keys, values, strict=True) if not value]
    return f"shipping address incomplete: {', '.join(missing)} missing" if missing else ""


def _status(checker: OrderChecker, obj: Mapping[str, Any]) -> tuple[str, str]:
    """(cancel reason, hold reason) from Shopify's own status fields."""
    cancelled_at = checker.text("cancelled_at", obj.get("cancelled_at"))
    why = checker.text("cancel_reason", obj.get("cancel_reason"))
    financial = checker.text("financial_status", obj.get("financial_status")).lower()
    if cancelled_at:
        return f"cancelled in Shopify at {cancelled_at[:40]}" + (f" ({why[:60]})" if why else ""), ""
    if financial == "refunded":
        return "refunded in Shopify", ""
    return "", _PAYMENT_HOLDS.get(financial, "")


def _line(checker: OrderChecker, index: int, data: Any) -> IntakeLine | None:
    prefix = f"line_items[{index}]"
    if not isinstance(data, dict):
        checker.add(prefix, "expected a line item object")
        return None

    def text(key: str, column: str | None = None) -> str:
        return checker.text(f"{prefix}.{key}", data.get(key), key=column)

    quantity = checker.quantity(f"{prefix}.quantity", data.get("quantity"))
    unit_price = checker.money(f"{prefix}.price", data.get("price"), key="line.unit_price")
    line_id = text("id", "line.external_line_id")
    sku = text("sku", "line.sku")
    gtin = checker.gtin(f"{prefix}.barcode", data.get("barcode"))
    name = text("name", "line.name") or checker.fits(
        f"{prefix}.title", join_name(text("title"), text("variant_title")), "line.name"
    )
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
    """One Shopify order object as an ``IntakeOrder``, or ``None`` with the problems in ``checker``.

    The fields are checked in a fixed order (the helpers below are called in it), so problems are reported in
    the same order every time.
    """
    customer = mapping(obj.get("customer"))
    billing = mapping(obj.get("billing_address"))
    external_id = checker.text("id", obj.get("id"), required=True, key="order.external_id")
    number = _number(checker, obj)
    address = _shipping_address(checker, obj.get("shipping_address"))
    customer_name, email, phone = _contact(checker, obj, customer, billing, address)
    shipping_method = _shipping_method(checker, obj)
    cancel_reason, status_hold = _status(checker, obj)
    ship_by, promised = attribute_dates(checker, obj.get("note_attributes"), "name", "note_attributes")
    tags = list(checker.tags("tags", obj.get("tags")))
    tags += [tag for tag in checker.tags("customer.tags", customer.get("tags")) if tag not in tags]
    if obj.get("created_at"):
        placed_at = checker.timestamp("created_at", obj.get("created_at"))
    else:
        placed_at = checker.timestamp("processed_at", obj.get("processed_at"))
    lines = order_lines(checker, obj.get("line_items"), _line)
    value, currency = order_value(checker, obj, lines, "total_price")

    if checker.problems:
        return None
    holds = tuple(
        reason for reason in (address_hold(address, ("address1", "city", "country_code")), status_hold) if reason
    )
    return IntakeOrder(
        channel=CHANNEL,
        external_id=external_id,
        number=number,
        customer_name=customer_name,
        email=email,
        phone=phone,
        shipping_address=address or NO_ADDRESS,
        shipping_method=shipping_method,
        ship_by=ship_by,
        promised_delivery=promised,
        order_value=value,
        currency=currency,
        tags=tuple(tags),
        placed_at=placed_at,
        lines=tuple(lines),
        source_ref=source_ref,
        hold_reasons=holds,
        cancel_reason=cancel_reason,
    )


def _number(checker: OrderChecker, obj: Mapping[str, Any]) -> str:
    """``name`` (``"#1001"``), else ``order_number``; one problem when both are missing."""
    before = len(checker.problems)
    number = checker.text("name", obj.get("name"), key="order.number") or checker.text(
        "order_number", obj.get("order_number"), key="order.number"
    )
    if not number and len(checker.problems) == before:
        checker.add("name", "missing (and no order_number either)")
    return number


def _shipping_address(checker: OrderChecker, shipping: Any) -> IntakeAddress | None:
    """The shipping address; ``None`` when there is none (``null`` is how Shopify says so)."""
    if isinstance(shipping, dict):
        return _address(checker, shipping)
    if shipping is not None:
        checker.add("shipping_address", f"expected an address object or null, got {show(shipping)}")
    return None


def _contact(
    checker: OrderChecker,
    obj: Mapping[str, Any],
    customer: Mapping[str, Any],
    billing: Mapping[str, Any],
    address: IntakeAddress | None,
) -> tuple[str, str, str]:
    """(customer name, email, phone), each from the first of its sources that has it."""
    text = checker.text
    customer_name = checker.fits(
        "customer",
        join_name(
            text("customer.first_name", customer.get("first_name")),
            text("customer.last_name", customer.get("last_name")),
        )
        or text("billing_address.name", billing.get("name"))
        or (address.name if address else ""),
        "order.customer_name",
    )
    email = (
        text("email", obj.get("email"), key="order.email")
        or text("contact_email", obj.get("contact_email"), key="order.email")
        or text("customer.email", customer.get("email"), key="order.email")
    )
    phone = (
        text("phone", obj.get("phone"), key="order.phone")
        or (address.phone if address else "")
        or text("customer.phone", customer.get("phone"), key="order.phone")
        or text("billing_address.phone", billing.get("phone"), key="order.phone")
    )
    return customer_name, email, phone


def _shipping_method(checker: OrderChecker, obj: Mapping[str, Any]) -> str:
    """``shipping_lines[0].code``, else its ``title``; empty without a shipping line."""
    first_shipping = first_shipping_line(obj)
    return checker.text(
        "shipping_lines[0].code", first_shipping.get("code"), key="order.shipping_method"
    ) or checker.text("shipping_lines[0].title", first_shipping.get("title"), key="order.shipping_method")
