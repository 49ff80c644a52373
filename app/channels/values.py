"""Field checks shared by the channel parsers: read a raw value, record what is wrong, return clean data.

Every parser validates a whole order with one ``OrderChecker`` so that *all* problems of the order are
reported in one run (fixing a file one error per import is how people give up on an import), and the order is
dropped only at the end when any problem was found.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from app.channels.countries import COMMON_MISTAKES, is_country_code
from app.channels.model import IntakeLine, IntakeProblem

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DIGITS = re.compile(r"\+?\d+")


def show(value: object) -> str:
    """The raw value as a message should quote it: strings quoted (so blanks show), JSON values as JSON."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return str(value)


def join_name(*parts: str) -> str:
    """``first last`` without stray spaces when one part is missing."""
    return " ".join(part for part in parts if part)


def lines_value(lines: tuple[IntakeLine, ...]) -> Decimal:
    """Sum of quantity x unit price over the lines that have a price: the order value when none is given."""
    return sum((line.unit_price * line.quantity for line in lines if line.unit_price is not None), Decimal(0))


class OrderChecker:
    """Collects the problems of one order (or one CSV row) at one location of one source."""

    def __init__(self, source: str, location: str) -> None:
        self.source = source
        self.location = location
        self.problems: list[IntakeProblem] = []

    def add(self, field: str, reason: str) -> None:
        """Record a problem with ``field`` (a column or dotted JSON key; empty for the whole order/row)."""
        self.problems.append(IntakeProblem(self.source, self.location, field, reason))

    def text(self, field: str, value: object, *, required: bool = False) -> str:
        """A text field, stripped; numbers are accepted as text (JSON ids and zips are sometimes numbers)."""
        if value is None:
            result = ""
        elif isinstance(value, str):
            result = value.strip()
        elif isinstance(value, int | Decimal | float) and not isinstance(value, bool):
            result = str(value)
        else:
            self.add(field, f"expected text, got {show(value)}")
            return ""
        if required and not result:
            self.add(field, "missing")
        return result

    def quantity(self, field: str, value: object) -> int | None:
        """A positive whole number: JSON integers or digit strings; 0, negatives, fractions, booleans fail."""
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(field, "missing; must be a positive integer")
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
            number = int(value.strip())
        if number is None or number <= 0:
            self.add(field, f"must be a positive integer, got {show(value)}")
            return None
        return number

    def date(self, field: str, value: object) -> date | None:
        """An ISO calendar date written exactly ``YYYY-MM-DD``; empty means no date.

        Strict on purpose: ``03-04-2026`` means different days in different countries, and a ship-by date
        read wrongly sends a parcel late.
        """
        text = self.text(field, value)
        if not text:
            return None
        if _DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        self.add(field, f"not a valid YYYY-MM-DD date, got {show(value)}")
        return None

    def timestamp(self, field: str, value: object) -> datetime | None:
        """An ISO 8601 date-time, returned in UTC; one without an offset is taken to be UTC already."""
        text = self.text(field, value)
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.add(field, f"not an ISO 8601 date-time, got {show(value)}")
            return None
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    def money(self, field: str, value: object, *, required: bool = False) -> Decimal | None:
        """A non-negative amount as Decimal; a JSON float goes through ``str`` so 7.8 stays 7.8."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "missing")
            return None
        amount: Decimal | None = None
        if isinstance(value, Decimal):
            amount = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            amount = Decimal(str(value))
        elif isinstance(value, str):
            try:
                amount = Decimal(value.strip())
            except InvalidOperation:
                amount = None
        if amount is None or not amount.is_finite():
            self.add(field, f"not an amount of money, got {show(value)}")
            return None
        if amount < 0:
            self.add(field, f"must not be negative, got {show(value)}")
            return None
        return amount

    def country(self, field: str, value: object) -> str:
        """An ISO 3166-1 alpha-2 code, upper-cased (``at`` is read as ``AT``); required."""
        code = self.text(field, value).upper()
        if not code:
            self.add(field, "missing; expected an ISO 3166-1 alpha-2 country code such as 'DE'")
        elif not is_country_code(code):
            hint = f" (did you mean {COMMON_MISTAKES[code]!r}?)" if code in COMMON_MISTAKES else ""
            self.add(field, f"unknown country code {show(value)}{hint}")
        return code
