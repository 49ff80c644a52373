"""Order fields the Shopify and WooCommerce parsers read the same way: lines, value, dated attributes.

Both shops send an order's lines as ``line_items``, its total beside a ``currency``, and dates such as ``ship_by``
as name/value attribute pairs; only the key names differ, so the callers pass them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from app.domain import limits
from app.parsers.channels.json_fields import (
    PROMISED_DELIVERY_KEYS,
    SHIP_BY_KEYS,
    attribute_field,
    find_attribute,
    mapping,
)
from app.parsers.channels.model import IntakeLine
from app.parsers.channels.values import OrderChecker, lines_value

ParseLine = Callable[[OrderChecker, int, Any], IntakeLine | None]


def order_lines(checker: OrderChecker, items: Any, parse_line: ParseLine) -> list[IntakeLine]:
    """The good lines of ``line_items``; a missing or empty list is a problem (an order needs a line)."""
    lines: list[IntakeLine] = []
    if not isinstance(items, list) or not items:
        checker.add("line_items", "missing; an order needs at least one line")
        return lines
    for index, item in enumerate(items):
        line = parse_line(checker, index, item)
        if line is not None:
            lines.append(line)
    return lines


def order_value(
    checker: OrderChecker, obj: Mapping[str, Any], lines: list[IntakeLine], total_key: str
) -> tuple[Decimal, str]:
    """(order value, currency): the order's own total, else the sum of its lines, which must fit the column."""
    total = checker.money(total_key, obj.get(total_key), key="order.order_value")
    currency = checker.currency("currency", obj.get("currency"))
    value = total if total is not None else lines_value(tuple(lines))
    if total is None and limits.numeric_problem(value, "order.order_value"):
        checker.add("line_items", "the lines add up to more than an order value can hold")
    return value, currency


def attribute_dates(
    checker: OrderChecker, attributes: Any, name_key: str, field: str
) -> tuple[date | None, date | None]:
    """(ship by, promised delivery) from the attribute pairs (``name_key``/``value``) listed under ``field``."""
    ship_by = None
    if found := find_attribute(attributes, name_key, "value", SHIP_BY_KEYS):
        ship_by = checker.date(attribute_field(field, found[0]), found[1])
    promised = None
    if found := find_attribute(attributes, name_key, "value", PROMISED_DELIVERY_KEYS):
        promised = checker.date(attribute_field(field, found[0]), found[1])
    return ship_by, promised


def first_shipping_line(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    """The first of ``shipping_lines`` (the one whose method the order ships by); empty without any."""
    shipping_lines = obj.get("shipping_lines")
    return mapping(shipping_lines[0]) if isinstance(shipping_lines, list) and shipping_lines else {}
