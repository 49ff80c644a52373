"""JSON plumbing shared by the Shopify and WooCommerce parsers: loading, unwrapping, attribute look-up.

Both shop APIs deliver an order either alone (a webhook body, ``{"order": ...}``) or in a list
(``{"orders": [...]}``, a bare JSON list), so both parsers accept every one of those shapes and name each
order by its JSON path (``orders[1]``, ``[0]``, ``order``) in problems.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from app.channels.model import IntakeOrder, IntakeProblem, ParseResult
from app.channels.values import OrderChecker, show

ParseOne = Callable[[Mapping[str, Any], OrderChecker, str], IntakeOrder | None]
"""Parses one order object; reports problems to the checker; gets the order's ``source_ref``."""

SHIP_BY_KEYS = frozenset({"ship_by", "ship_by_date"})
"""Attribute names read as the ship-by date (after ``attribute_key`` normalisation)."""
PROMISED_DELIVERY_KEYS = frozenset({"promised_delivery", "promised_delivery_date"})
"""Attribute names read as the promised delivery date (after ``attribute_key`` normalisation)."""


def decode_text(raw: bytes, source: str) -> tuple[str, IntakeProblem | None]:
    """UTF-8 (with or without BOM) only: guessing a legacy code page would import wrong names silently."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        reason = (
            f"not UTF-8 text (byte 0x{raw[error.start]:02X} at offset {error.start}); "
            "save the file as UTF-8 (in Excel: 'CSV UTF-8')"
        )
        return "", IntakeProblem(source, "", "", reason)


def load_json(text: str | bytes, source: str) -> tuple[Any, IntakeProblem | None]:
    """Parse JSON keeping every number exact (floats become Decimal); a syntax error names line and column."""
    if isinstance(text, bytes):
        text, problem = decode_text(text, source)
        if problem:
            return None, problem
    text = text.removeprefix("\ufeff")
    try:
        return json.loads(text, parse_float=Decimal), None
    except json.JSONDecodeError as error:
        location = f"line {error.lineno}, column {error.colno}"
        return None, IntakeProblem(source, location, "", f"not valid JSON: {error.msg}")


Found = list[tuple[str, int, Mapping[str, Any]]]
"""Order objects of one file as (JSON path, index in the file, object)."""


def order_objects(data: Any, source: str) -> tuple[Found, list[IntakeProblem]]:
    """The order objects in ``data`` as (JSON path, index in file, object), and problems with the shape."""
    found: Found = []
    problems: list[IntakeProblem] = []
    candidates: Iterable[tuple[str, Any]]
    if isinstance(data, list):
        candidates = ((f"[{i}]", item) for i, item in enumerate(data))
    elif isinstance(data, dict) and "orders" in data:
        orders = data["orders"]
        if not isinstance(orders, list):
            reason = f"expected a list of orders, got {show(orders)}"
            problems.append(IntakeProblem(source, "", "orders", reason))
            return found, problems
        candidates = ((f"orders[{i}]", item) for i, item in enumerate(orders))
    elif isinstance(data, dict) and "order" in data:
        candidates = [("order", data["order"])]
    elif isinstance(data, dict):
        candidates = [("order", data)]  # a webhook body: the bare order object
    else:
        reason = f"expected an order object or a list of orders, got {show(data)}"
        return found, [IntakeProblem(source, "", "", reason)]
    for index, (location, item) in enumerate(candidates):
        if isinstance(item, dict):
            found.append((location, index, item))
        else:
            reason = f"expected an order object, got {show(item)}"
            problems.append(IntakeProblem(source, location, "", reason))
    return found, problems


def parse_orders(data: Any, source: str, channel: str, parse_one: ParseOne) -> ParseResult:
    """Run ``parse_one`` on every order in ``data``; keep the good orders and every problem.

    Two orders with the same external id in one file are almost always an export glitch, and importing both
    would ship twice: the later one is reported instead.
    """
    if isinstance(data, str | bytes):
        data, problem = load_json(data, source)
        if problem:
            return ParseResult((), (problem,), channel)
    found, problems = order_objects(data, source)
    orders: list[IntakeOrder] = []
    first_seen: dict[str, str] = {}
    for location, index, obj in found:
        checker = OrderChecker(source, location)
        order = parse_one(obj, checker, f"{source}#{index}")
        if order is not None and order.external_id in first_seen:
            checker.add("id", f"duplicate of {first_seen[order.external_id]} (same id {order.external_id!r})")
        problems.extend(checker.problems)
        if order is not None and not checker.problems:
            first_seen[order.external_id] = location
            orders.append(order)
    return ParseResult(tuple(orders), tuple(problems), channel)


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one (absent or null sub-objects read as empty)."""
    return value if isinstance(value, dict) else {}


def attribute_key(name: str) -> str:
    """``"Ship-By Date"``, ``"_ship_by_date"`` and ``"ship by date"`` all become ``ship_by_date``."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower()).lstrip("_")


def find_attribute(pairs: Any, name_key: str, value_key: str, wanted: frozenset[str]) -> tuple[str, Any] | None:
    """The first (name, value) of a list of ``{name_key: ..., value_key: ...}`` with a wanted normalised name.

    Shopify's ``note_attributes`` use name/value, WooCommerce's ``meta_data`` key/value.
    """
    if not isinstance(pairs, list):
        return None
    for pair in pairs:
        name = pair.get(name_key) if isinstance(pair, dict) else None
        if isinstance(name, str) and attribute_key(name) in wanted:
            return name, pair.get(value_key)
    return None
