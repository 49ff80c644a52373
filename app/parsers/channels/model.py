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
    hold_reasons: tuple[str, ...] = ()
    """Why the order must wait for a person although it could be read: an incomplete shipping address, the
    channel's own status (payment pending, on hold). The intake service adds catalog and config reasons."""
    cancel_reason: str = ""
    """Set when the channel itself says the order is cancelled or refunded: it is stored ``cancelled``."""


_LINE_LOCATION = re.compile(r"line (\d+)")


@dataclass(frozen=True, slots=True)
class IntakeProblem:
    """Why (part of) an input file cannot be imported, precise enough to fix the file without guessing.

    ``location`` is ``"line 3"`` for text formats, a JSON path such as ``"orders[1]"`` for JSON, or empty when
    the whole file is meant; ``field`` is the column or dotted JSON key, or empty. ``line`` is the line of the
    file where the order (or the fault) starts, 0 when no line applies (a file that cannot be opened).
    """

    source: str
    location: str
    field: str
    reason: str
    line: int = 0

    @property
    def line_number(self) -> int:
        """The file line this problem points at (from ``line`` or a ``"line N"`` location), 0 for none."""
        match = _LINE_LOCATION.fullmatch(self.location)
        return int(match[1]) if match else self.line

    def __str__(self) -> str:
        """``file:3: qty: reason`` (the style editors jump to); JSON adds the order's path:
        ``file:57: orders[1]: line_items[0].quantity: reason``."""
        line = self.line_number
        head = f"{self.source}:{line}" if line else self.source
        where = [] if _LINE_LOCATION.fullmatch(self.location) or not self.location else [self.location]
        return ": ".join([head, *where, *([self.field] if self.field else []), self.reason])


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


@dataclass(frozen=True, slots=True)
class ParsedOrder:
    """One order of an input as it was read, for streaming: the order when it can be imported, else None and
    the problems that refuse it. An item with problems and no order may also be a problem of the file itself
    (a syntax error, a bad header); ``where`` names the order for counting (``orders[3]``, ``C-1``), empty
    for the file."""

    order: IntakeOrder | None
    problems: tuple[IntakeProblem, ...] = ()
    where: str = ""
