"""The one intake shape every order channel (Shopify, WooCommerce, CSV) is parsed into.

Parsers only translate and validate; they never touch the database. The intake service takes these frozen
dataclasses, matches lines to products and decides the status (an unknown SKU puts an order ``on_hold``), so
the rules about what an order *means* live in one place whatever channel it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

CHANNELS: tuple[str, ...] = ("shopify", "woocommerce", "csv")
"""Channel names as stored on orders and accepted by ``pickpack import orders --channel``."""


@dataclass(frozen=True, slots=True)
class IntakeAddress:
    """Where the parcel goes. ``country`` is an upper-case ISO 3166-1 alpha-2 code (checked by the parser)."""

    name: str
    company: str
    line1: str
    line2: str
    city: str
    region: str
    """State/province/county as the channel gave it; Shopify's ``province_code`` wins over the name."""
    postal_code: str
    country: str
    phone: str


@dataclass(frozen=True, slots=True)
class IntakeLine:
    """One ordered product. ``sku`` and ``gtin`` may both be None: the order then goes on hold, not away."""

    sku: str | None
    gtin: str | None
    name: str
    """Product name as the channel showed it to the customer (for messages and slips, not for matching)."""
    quantity: int
    unit_price: Decimal | None
    external_line_id: str | None


@dataclass(frozen=True, slots=True)
class IntakeOrder:
    """One order as received, before it is matched to the catalog.

    ``shipping_method`` is the raw channel value (Shopify shipping line code or title, WooCommerce method id
    or title, the CSV ``service`` column); mapping it to a service level is the intake service's job because
    the mapping lives in config.toml. ``source_ref`` says where in the file the order came from, for messages:
    ``orders.json#1`` (0-based index of the order in the file) or ``orders.csv:3`` (first line of the order).
    """

    channel: str
    external_id: str
    number: str
    customer_name: str
    email: str
    phone: str
    shipping_address: IntakeAddress
    shipping_method: str
    ship_by: date | None
    promised_delivery: date | None
    order_value: Decimal
    currency: str
    tags: tuple[str, ...]
    placed_at: datetime | None
    """When the customer placed the order, timezone-aware UTC."""
    lines: tuple[IntakeLine, ...]
    source_ref: str


_LINE_LOCATION = re.compile(r"line (\d+)")


@dataclass(frozen=True, slots=True)
class IntakeProblem:
    """Why (part of) an input file cannot be imported, precise enough to fix the file without guessing.

    ``location`` is ``"line 3"`` for text formats, a JSON path such as ``"orders[1]"`` for JSON, or empty when
    the whole file is meant; ``field`` is the column or dotted JSON key, or empty.
    """

    source: str
    location: str
    field: str
    reason: str

    def __str__(self) -> str:
        """``file:3: qty: reason`` for lines (the style editors jump to), else ``file: orders[1]: ...``."""
        match = _LINE_LOCATION.fullmatch(self.location)
        if match:
            head = f"{self.source}:{match[1]}"
        elif self.location:
            head = f"{self.source}: {self.location}"
        else:
            head = self.source
        return ": ".join([head, *([self.field] if self.field else []), self.reason])


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Every good order and every problem of one input.

    A bad order is left out of ``orders`` while the good ones are kept, so the caller decides: import nothing
    (the default, exit 2) or only the good ones (``--skip-invalid``). ``channel`` is the format that was
    parsed, None when it could not be told.
    """

    orders: tuple[IntakeOrder, ...]
    problems: tuple[IntakeProblem, ...]
    channel: str | None = None

    @property
    def ok(self) -> bool:
        """True when nothing was wrong with the input."""
        return not self.problems
