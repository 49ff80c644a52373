"""The generic CSV order channel -> ``IntakeOrder``: one row per order line, rows grouped by ``order_number``.

Documented header (``shared/samples/orders.csv``)::

    order_number,customer_name,email,phone,address1,address2,city,region,postal_code,country,service,ship_by,sku,qty

Required columns: ``order_number``, ``address1``, ``city``, ``country``, ``qty`` and ``sku`` or ``gtin``;
the other documented ones may be left out. Optional extra columns: ``company``, ``promised_delivery``
(YYYY-MM-DD), ``currency``, ``placed_at`` (ISO 8601; UTC when it has no offset), ``tags`` (comma separated,
quoted), ``gtin``, ``item_name``, ``unit_price``. ``quantity`` is accepted for ``qty``. Column names
ignore case and surrounding blanks. An unknown column or a column named twice refuses the file: a misspelt
``shipby`` would otherwise be dropped silently, and with two ``sku`` columns one of them would be ignored. A
header with ``;`` and no ``,`` is read as ``;``-separated (what Excel writes in many European locales).

Rules: ``order_number`` is both external id and number. Rows of one order need not be adjacent, but must
agree on every order-level column (customer, address, service, dates, currency, tags): a disagreement is a
problem on the disagreeing line. ``qty`` is a positive integer (ASCII digits) that fits a quantity; a row
without ``sku`` and ``gtin`` is kept and puts its order on hold (like an unknown SKU: someone completes the
order, the file is not wrong); ``ship_by`` is YYYY-MM-DD; ``address1``, ``city`` and ``country`` (an ISO 3166-1
alpha-2 code) must be filled in: this file is yours to fix, unlike a shop's order. Every value must fit its
database column and hold no control characters. order_value is the sum of qty x unit_price (0 without
prices); ``service`` is the raw shipping method. Line numbers are physical lines of the file (the header is
line 1).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain import limits
from app.parsers.channels.model import IntakeAddress, IntakeLine, IntakeOrder, IntakeProblem, ParsedOrder, ParseResult
from app.parsers.channels.values import OrderChecker, lines_value, show

CHANNEL = "csv"

DOCUMENTED_COLUMNS: tuple[str, ...] = (
    "order_number",
    "customer_name",
    "email",
    "phone",
    "address1",
    "address2",
    "city",
    "region",
    "postal_code",
    "country",
    "service",
    "ship_by",
    "sku",
    "qty",
)
"""The documented header, in order (what a CSV export should write)."""

ORDER_COLUMNS: tuple[str, ...] = (
    "customer_name",
    "email",
    "phone",
    "company",
    "address1",
    "address2",
    "city",
    "region",
    "postal_code",
    "country",
    "service",
    "ship_by",
    "promised_delivery",
    "currency",
    "placed_at",
    "tags",
)
"""Columns describing the order rather than the line: every row of one order must agree on them."""

LINE_COLUMNS: tuple[str, ...] = ("sku", "gtin", "item_name", "qty", "unit_price")
KNOWN_COLUMNS = frozenset(("order_number", *ORDER_COLUMNS, *LINE_COLUMNS))
REQUIRED_COLUMNS: tuple[str, ...] = ("order_number", "address1", "city", "country", "qty")
_ALIASES = {"quantity": "qty"}


def _column_name(header_cell: str) -> str:
    name = header_cell.strip().lower()
    return _ALIASES.get(name, name)


def looks_like_header(first_line: str) -> bool:
    """True when ``first_line`` is a header this parser can read (used by format detection)."""
    cells = next(csv.reader([first_line], delimiter=_delimiter(first_line)), [])
    columns = {_column_name(cell) for cell in cells}
    return "order_number" in columns and "qty" in columns


def _delimiter(header_line: str) -> str:
    return ";" if ";" in header_line and "," not in header_line else ","


@dataclass
class _OrderFacts:
    """Order-level values of the first row of an order, parsed once."""

    customer_name: str
    email: str
    phone: str
    address: IntakeAddress
    service: str
    ship_by: date | None
    promised_delivery: date | None
    currency: str
    placed_at: datetime | None
    tags: tuple[str, ...]


@dataclass
class _Group:
    """All rows seen so far of one order number."""

    number: str
    first_line: int
    raw: dict[str, str] | None = None
    """Order-level columns of the first readable row, to compare later rows against."""
    raw_line: int = 0
    facts: _OrderFacts | None = None
    lines: list[IntakeLine] = field(default_factory=list)
    problems: list[IntakeProblem] = field(default_factory=list)


def _order_facts(checker: OrderChecker, values: dict[str, str]) -> _OrderFacts:
    def text(column: str, key: str | None, *, required: bool = False) -> str:
        return checker.text(column, values.get(column, ""), required=required, key=key)

    phone = text("phone", "order.phone")
    address = IntakeAddress(
        name=text("customer_name", "order.ship_name"),
        company=text("company", "order.ship_company"),
        line1=text("address1", "order.ship_line1", required=True),
        line2=text("address2", "order.ship_line2"),
        city=text("city", "order.ship_city", required=True),
        region=text("region", "order.ship_region"),
        postal_code=text("postal_code", "order.ship_postal_code"),
        country=checker.country("country", values.get("country", "")),
        phone=phone,
    )
    return _OrderFacts(
        customer_name=text("customer_name", "order.customer_name"),
        email=text("email", "order.email"),
        phone=phone,
        address=address,
        service=text("service", "order.shipping_method"),
        ship_by=checker.date("ship_by", values.get("ship_by", "")),
        promised_delivery=checker.date("promised_delivery", values.get("promised_delivery", "")),
        currency=checker.currency("currency", values.get("currency", "")),
        placed_at=checker.timestamp("placed_at", values.get("placed_at", "")),
        tags=checker.tags("tags", values.get("tags", "")),
    )


def _line(checker: OrderChecker, values: dict[str, str]) -> IntakeLine | None:
    sku = checker.text("sku", values.get("sku", ""), key="line.sku")
    gtin = checker.gtin("gtin", values.get("gtin", ""), strict=True)
    name = checker.text("item_name", values.get("item_name", ""), key="line.name")
    quantity = checker.quantity("qty", values.get("qty", ""))
    unit_price = checker.money("unit_price", values.get("unit_price", ""), key="line.unit_price")
    if quantity is None:
        return None
    return IntakeLine(
        sku=sku or None,
        gtin=gtin or None,
        name=name or sku or gtin,
        quantity=quantity,
        unit_price=unit_price,
        external_line_id=None,
    )


def _header_problems(source: str, line: int, columns: list[str]) -> list[IntakeProblem]:
    problems: list[IntakeProblem] = []
    where = f"line {line}"
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        bad = limits.bad_character(name)
        if bad:
            problems.append(IntakeProblem(source, where, f"column {position}", f"header {bad}"))
        elif name and name in seen:
            problems.append(IntakeProblem(source, where, name, "column appears twice in the header"))
        elif name and name not in KNOWN_COLUMNS:
            known = ", ".join(sorted(KNOWN_COLUMNS))
            problems.append(
                IntakeProblem(source, where, name[:60], f"unknown column (the columns this format knows: {known})")
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(IntakeProblem(source, where, name, "required column missing from the header"))
    if "sku" not in seen and "gtin" not in seen:
        problems.append(IntakeProblem(source, where, "sku", "required column missing (sku or gtin)"))
    return problems


def parse(text: str, source: str) -> ParseResult:
    """Parse the CSV ``text`` read from ``source`` (a name for messages); every bad row is reported."""
    orders: list[IntakeOrder] = []
    problems: list[IntakeProblem] = []
    for item in parse_items(text, source):
        problems.extend(item.problems)
        if item.order is not None:
            orders.append(item.order)
    problems.sort(key=lambda p: p.line_number)
    return ParseResult(tuple(orders), tuple(problems), CHANNEL)


def parse_items(text: str | Iterable[str], source: str) -> list[ParsedOrder]:
    """Every order of the CSV ``text`` (or its lines, read one at a time) with its own problems (for counting
    per order), then rows that belong to no order (no order number) and problems of the file itself."""
    lines = io.StringIO(text.removeprefix("\ufeff"), newline="") if isinstance(text, str) else iter(text)
    head: list[str] = []  # the lines up to the header, which tells the delimiter
    for physical in lines:
        head.append(physical)
        if physical.strip():
            break
    first_line = head[-1] if head else ""
    # strict: a stray or unclosed quote is an error, not fields (or the rest of the file) glued together.
    reader = csv.reader(itertools.chain(head, lines), delimiter=_delimiter(first_line), strict=True)
    loose: list[ParsedOrder] = []
    columns: list[str] | None = None
    groups: dict[str, _Group] = {}
    previous_end = 0
    try:
        for row in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                columns = [_column_name(cell) for cell in row]
                header_problems = _header_problems(source, line, columns)
                if header_problems:
                    return [ParsedOrder(None, tuple(header_problems))]
                continue
            problem = _read_row(source, line, columns, row, groups)
            if problem is not None:
                loose.append(ParsedOrder(None, (problem,), f"line {line}"))
    except csv.Error as error:
        # Reading stopped here, so any order might be missing rows: import none of them.
        reason = f"not readable as CSV: {error}"
        if "field larger than field limit" in str(error):
            reason = f"not readable as CSV: a field is longer than {csv.field_size_limit():,} characters"
        return [ParsedOrder(None, (IntakeProblem(source, f"line {reader.line_num}", "", reason),))]
    if columns is None:
        return [ParsedOrder(None, (IntakeProblem(source, "", "", "empty file: no header row", 1),))]

    return [_group_item(group, source) for group in groups.values()] + loose


def _group_item(group: _Group, source: str) -> ParsedOrder:
    """One order's rows as a ``ParsedOrder``: the order when every row was good, else only its problems."""
    if group.problems or group.facts is None or not group.lines:
        return ParsedOrder(None, tuple(group.problems), group.number)
    facts = group.facts
    lines = tuple(group.lines)
    return ParsedOrder(
        IntakeOrder(
            channel=CHANNEL,
            external_id=group.number,
            number=group.number,
            customer_name=facts.customer_name,
            email=facts.email,
            phone=facts.phone,
            shipping_address=facts.address,
            shipping_method=facts.service,
            ship_by=facts.ship_by,
            promised_delivery=facts.promised_delivery,
            order_value=lines_value(lines),
            currency=facts.currency,
            tags=facts.tags,
            placed_at=facts.placed_at,
            lines=lines,
            source_ref=f"{source}:{group.first_line}",
        ),
        (),
        group.number,
    )


def _read_row(
    source: str, line: int, columns: list[str], row: list[str], groups: dict[str, _Group]
) -> IntakeProblem | None:
    """Check one data row and add it to its order's group; returns a problem for a row of no order."""
    checker = OrderChecker(source, f"line {line}")
    values = {name: cell.strip() for name, cell in zip(columns, row, strict=False)}
    number = checker.text("order_number", values.get("order_number", ""), key="order.number")
    if not number:
        if not checker.problems:
            checker.add("order_number", "missing")
        return checker.problems[0]
    group = groups.setdefault(number, _Group(number, line))
    if len(row) != len(columns):
        # A shifted row would put the city into the postcode: refuse the row (and so its order) outright.
        checker.add("", f"has {len(row)} fields, the header has {len(columns)}")
        group.problems.extend(checker.problems)
        return None
    unnamed = next((cell for name, cell in zip(columns, row, strict=True) if not name and cell.strip()), None)
    if unnamed is not None:
        checker.add("", f"a value under a column without a name: {show(unnamed)}")

    order_values = {name: values.get(name, "") for name in ORDER_COLUMNS}
    if group.raw is None:
        group.raw, group.raw_line = order_values, line
        group.facts = _order_facts(checker, values)
    else:
        for name in ORDER_COLUMNS:
            if order_values[name] != group.raw[name]:
                checker.add(
                    name,
                    f"disagrees with line {group.raw_line} of order {number} "
                    f"({show(order_values[name])} here, {show(group.raw[name])} there)",
                )
    line_item = _line(checker, values)
    if checker.problems:
        group.problems.extend(checker.problems)
    elif line_item is not None:
        group.lines.append(line_item)
    return None
