"""Tell which channel an order file comes from by its content, then parse it with that channel's parser.

Rules, in order (content only; the file name and extension are not trusted because exports get renamed):

1. Text starting with ``{`` or ``[`` is JSON. ``{"order": ...}`` / ``{"orders": [...]}`` unwrap to their first
   order object, a list to its first element, any other object is itself the order (a webhook body). That
   object is Shopify when it has ``line_items`` and ``admin_graphql_api_id`` or ``order_number``; WooCommerce
   when it has ``line_items``, ``number`` and a ``billing`` or ``shipping`` object. An empty ``orders`` list
   is Shopify with no orders; an empty JSON list is no orders at all (nothing to import is not bad input).
2. Otherwise the first non-blank line must be a CSV header with ``order_number`` and ``qty`` columns.
3. Anything else is a problem: "cannot tell the format of this file: ...; use --channel ...".

With ``channel`` given, detection is skipped and that channel's parser reports whatever does not fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.channels import csv_orders, shopify, woocommerce
from app.channels.jsondata import decode_text, load_json
from app.channels.model import CHANNELS, IntakeProblem, ParseResult

_USE_CHANNEL = "use --channel shopify, woocommerce or csv"


def parse_orders_file(path: Path, channel: str | None = None, *, source: str | None = None) -> ParseResult:
    """Read and parse an order file; never raises for bad content or an unreadable file (it's a problem).

    ``source`` is the name used in messages and ``source_ref`` (default: the file name without folders).
    """
    name = source if source is not None else path.name
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = f"cannot read {path}: {error.strerror or error}"
        return ParseResult((), (IntakeProblem(name, "", "", reason),), channel)
    text, problem = decode_text(raw, name)
    if problem:
        return ParseResult((), (problem,), channel)
    return parse_orders_text(text, name, channel)


def parse_orders_text(text: str, source: str, channel: str | None = None) -> ParseResult:
    """Parse order data held in memory (e.g. stdin or a webhook body); ``source`` names it in messages."""
    if channel is not None and channel not in CHANNELS:
        reason = f"unknown channel {channel!r} (expected one of: {', '.join(CHANNELS)})"
        return ParseResult((), (IntakeProblem(source, "", "", reason),), None)
    text = text.removeprefix("\ufeff")
    if channel == "csv":
        return csv_orders.parse(text, source)
    stripped = text.lstrip()
    if not stripped:
        return ParseResult((), (IntakeProblem(source, "", "", "the file is empty"),), channel)
    if channel is None and stripped[0] not in "{[":
        if csv_orders.looks_like_header(next(line for line in stripped.splitlines() if line.strip())):
            return csv_orders.parse(text, source)
        reason = (
            "cannot tell the format of this file: it is not JSON, and its first line is not a CSV header "
            f"with order_number and qty columns; {_USE_CHANNEL}"
        )
        return ParseResult((), (IntakeProblem(source, "", "", reason),), None)

    data, problem = load_json(text, source)
    if problem:
        return ParseResult((), (problem,), channel)
    if channel is None:
        channel, why_not = _json_channel(data)
        if channel is None:
            if why_not is None:  # an empty list: nothing to import, nothing wrong
                return ParseResult((), (), None)
            reason = f"cannot tell the format of this file: {why_not}; {_USE_CHANNEL}"
            return ParseResult((), (IntakeProblem(source, "", "", reason),), None)
    parser = shopify.parse if channel == "shopify" else woocommerce.parse
    return parser(data, source)


def detect_channel(text: str) -> str | None:
    """The channel whose format ``text`` is in, or None when it cannot be told (see the module docstring)."""
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        return None
    if stripped[0] not in "{[":
        first = next(line for line in stripped.splitlines() if line.strip())
        return "csv" if csv_orders.looks_like_header(first) else None
    data, problem = load_json(text, "")
    return None if problem else _json_channel(data)[0]


def _json_channel(data: Any) -> tuple[str | None, str | None]:
    """(channel, None) when recognised, else (None, why) -- why is None for an empty list of orders."""
    if isinstance(data, dict) and "orders" in data:
        orders = data["orders"]
        if not isinstance(orders, list) or not orders:
            return "shopify", None  # the Shopify list shape; its parser reports a non-list "orders"
        sample = orders[0]
    elif isinstance(data, dict) and "order" in data:
        sample = data["order"]
    elif isinstance(data, list):
        if not data:
            return None, None
        sample = data[0]
    else:
        sample = data
    if not isinstance(sample, Mapping):
        return None, f"JSON, but no order object where one was expected (found {type(sample).__name__})"
    if shopify.looks_like_order(sample):
        return "shopify", None
    if woocommerce.looks_like_order(sample):
        return "woocommerce", None
    return None, (
        "JSON, but the order object is neither Shopify (line_items with order_number or "
        "admin_graphql_api_id) nor WooCommerce (line_items with number and billing/shipping objects)"
    )
