"""Run a channel's one-order parser over a stream of JSON order objects, one order at a time.

Kept apart from the channel modules so Shopify and WooCommerce share the rules that span orders (an id seen
twice in one file is reported, the later order refused) and so nothing here ever holds more than one order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from app.parsers.channels.json_fields import ParseOne
from app.parsers.channels.json_stream import FoundOrder, decoded_order_objects, order_objects, text_stream
from app.parsers.channels.model import IntakeOrder, IntakeProblem, ParsedOrder, ParseResult
from app.parsers.channels.values import OrderChecker


def parse_json_items(found: Iterable[FoundOrder], source: str, parse_one: ParseOne) -> Iterator[ParsedOrder]:
    """Each order object parsed on its own; two orders with one external id: the later one is refused
    (almost always an export glitch, and importing both would ship twice)."""
    first_seen: dict[str, str] = {}
    for item in found:
        if item.problem is not None:
            yield ParsedOrder(None, (item.problem,), item.location)
            continue
        checker = OrderChecker(source, item.location, item.line)
        order = parse_one(item.obj, checker, f"{source}#{item.index}")
        if order is not None and order.external_id in first_seen:
            checker.add("id", f"duplicate of {first_seen[order.external_id]} (same id {order.external_id!r})")
        if order is not None and not checker.problems:
            first_seen[order.external_id] = item.location + (f" (line {item.line})" if item.line else "")
            yield ParsedOrder(order, (), item.location)
        else:
            yield ParsedOrder(None, tuple(checker.problems), item.location)


def collect(items: Iterable[ParsedOrder], channel: str | None) -> ParseResult:
    """Every good order and every problem of a (small) input, for callers that want it all at once."""
    orders: list[IntakeOrder] = []
    problems: list[IntakeProblem] = []
    for item in items:
        problems.extend(item.problems)
        if item.order is not None:
            orders.append(item.order)
    return ParseResult(tuple(orders), tuple(problems), channel)


def parse_decoded(data: Any, source: str, channel: str, parse_one: ParseOne) -> ParseResult:
    """Parse JSON order data already decoded (or as text) with ``parse_one``."""
    if isinstance(data, str):
        found: Iterable[FoundOrder] = order_objects(text_stream(data), source)
    else:
        found = decoded_order_objects(data, source)
    return collect(parse_json_items(found, source, parse_one), channel)
