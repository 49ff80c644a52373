"""Field checks shared by the channel parsers: read a raw value, record what is wrong, return clean data.

Every parser validates a whole order with one ``OrderChecker`` so that *all* problems of the order are
reported in one run (fixing a file one error per import is how people give up on an import), and the order is
dropped only at the end when any problem was found.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from app.domain import limits
from app.parsers.channels.model import IntakeLine, IntakeProblem
from app.parsers.countries import COMMON_MISTAKES, is_country_code

_SHOW_AT_MOST = 60


def show(value: object) -> str:
    """The raw value as a message should quote it: strings quoted (so blanks show), JSON values as JSON."""
    if isinstance(value, str):
        if len(value) > _SHOW_AT_MOST:  # a 1 MB field must not become a 1 MB message
            return repr(value[:_SHOW_AT_MOST]) + f"... ({len(value)} characters)"
        return repr(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return text if len(text) <= _SHOW_AT_MOST else f"{text[:_SHOW_AT_MOST]}... ({len(text)} characters)"


def join_name(*parts: str) -> str:
    """``first last`` without stray spaces when one part is missing."""
    return " ".join(part for part in parts if part)


def lines_value(lines: tuple[IntakeLine, ...]) -> Decimal:
    """Sum of quantity x unit price over the lines that have a price: the order value when none is given."""
    return sum((line.unit_price * line.quantity for line in lines if line.unit_price is not None), Decimal(0))


class OrderChecker:
    """Collects the problems of one order (or one CSV row) at one location of one source.

    ``line`` is the line of the file where the order starts (JSON) so every message can say ``file:line``.
    """

    def __init__(self, source: str, location: str, line: int = 0) -> None:
        self.source = source
        self.location = location
        self.line = line
        self.problems: list[IntakeProblem] = []

    def add(self, field: str, reason: str) -> None:
        """Record a problem with ``field`` (a column or dotted JSON key; empty for the whole order/row).

        The same problem twice is recorded once: a CSV column read for two purposes (``customer_name`` is the
        customer and the recipient) must not print the same error line twice."""
        problem = IntakeProblem(self.source, self.location, field, reason, self.line)
        if problem not in self.problems:
            self.problems.append(problem)

    def text(self, field: str, value: object, *, required: bool = False, key: str | None = None) -> str:
        """A text field, stripped; whole numbers are accepted as text (JSON ids and zips are sometimes numbers).

        ``key`` names the column it is stored in (``limits.TEXT``) so a value that would not fit is refused
        here; every text is checked for control characters, whether it is stored or not.
        """
        if value is None or value == "":  # most optional fields: nothing to check (about half of the calls)
            if required:
                self.add(field, "missing")
            return ""
        if isinstance(value, str):
            result = value.strip()
        elif isinstance(value, int) and not isinstance(value, bool):
            result = str(value)
        elif isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == 0:
            result = str(value)  # a JSON integer too long for int() (see json_text.load_json)
        else:
            self.add(field, f"expected text, got {show(value)}")
            return ""
        problem = limits.text_problem(result, key) if key else limits.bad_character(result)
        if problem:
            self.add(field, problem)
            return ""
        if limits.is_blank(result):
            result = ""  # only zero-width or other invisible characters: shows nothing, so it is missing
        if required and not result:
            self.add(field, "missing")
        return result

    def quantity(self, field: str, value: object) -> int | None:
        """A positive whole number that fits a quantity column: JSON integers or ASCII digit strings; 0,
        negatives, fractions, booleans, ``1e3``, ``１２`` and ``1_000`` fail."""
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(field, "missing; must be a positive integer")
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == 0 and value > 0:
            self.add(field, f"too large (at most {limits.MAX_INT}), got {show(value)}")  # a JSON integer of 41+ digits
            return None
        elif isinstance(value, str):
            digits = value.strip().removeprefix("+")
            if limits.ASCII_INTEGER.fullmatch(digits) and len(digits) <= 20:
                number = int(digits)
            elif limits.ASCII_INTEGER.fullmatch(digits):
                self.add(field, f"too large (at most {limits.MAX_INT}), got {show(value)}")
                return None
        if number is None or number <= 0:
            self.add(field, f"must be a positive integer, got {show(value)}")
            return None
        too_big = limits.quantity_problem(number)
        if too_big:
            self.add(field, f"{too_big}, got {show(value)}")
            return None
        return number

    def date(self, field: str, value: object) -> date | None:
        """An ISO calendar date written exactly ``YYYY-MM-DD`` in ASCII digits; empty means no date.

        Strict on purpose: ``03-04-2026`` means different days in different countries, and a ship-by date
        read wrongly sends a parcel late (``20261125`` is refused too: nobody writes it on purpose).
        """
        text = self.text(field, value)
        if not text:
            return None
        if limits.ISO_DATE.fullmatch(text):
            try:
                day = date.fromisoformat(text)
            except ValueError:
                pass
            else:
                out_of_range = limits.date_problem(day)
                if out_of_range:
                    self.add(field, f"{out_of_range}, got {show(value)}")
                    return None
                return day
        self.add(field, f"not a valid YYYY-MM-DD date, got {show(value)}")
        return None

    def timestamp(self, field: str, value: object) -> datetime | None:
        """An ISO 8601 date-time, returned in UTC; one without an offset is taken to be UTC already."""
        text = self.text(field, value)
        if not text:
            return None
        try:
            if not text.isascii():
                raise ValueError("not ASCII")
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            moment = moment.astimezone(UTC)
        except ValueError:
            self.add(field, f"not an ISO 8601 date-time, got {show(value)}")
            return None
        except OverflowError:  # 0001-01-01T00:00:00+05:00 is before year 1 in UTC
            self.add(field, f"outside the years {limits.FIRST_YEAR}-{limits.LAST_YEAR}, got {show(value)}")
            return None
        out_of_range = limits.date_problem(moment.date())
        if out_of_range:
            self.add(field, f"{out_of_range}, got {show(value)}")
            return None
        return moment

    def money(self, field: str, value: object, *, required: bool = False, key: str) -> Decimal | None:
        """A non-negative amount as Decimal that fits column ``key``; a JSON float goes through ``str`` so 7.8
        stays 7.8. Text must be a plain decimal in ASCII digits (no ``1e309``, ``Inf``, ``NaN``, ``1_000``)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "missing")
            return None
        amount: Decimal | None = None
        if isinstance(value, Decimal):
            amount = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            amount = Decimal(str(value))
        elif isinstance(value, str) and limits.ASCII_DECIMAL.fullmatch(value.strip()):
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
        too_big = limits.numeric_problem(amount, key)
        if too_big:
            self.add(field, f"{too_big}, got {show(value)}")
            return None
        return amount

    def fits(self, field: str, text: str, key: str) -> str:
        """``text`` (already checked for bad characters, e.g. a name joined from parts) if it fits column
        ``key``, else "" and a problem."""
        problem = limits.text_problem(text, key)
        if problem:
            self.add(field, problem)
            return ""
        return text

    def gtin(self, field: str, value: object, *, strict: bool = False) -> str:
        """A GTIN as 8 to 14 ASCII digits, or "". ``strict`` (a column that is declared to be a GTIN) refuses
        anything else; otherwise (Shopify's free-text ``barcode``) anything else is ignored, and a line left
        with neither SKU nor GTIN puts its order on hold."""
        text = self.text(field, value)
        if not text or (limits.ASCII_INTEGER.fullmatch(text) and 8 <= len(text) <= limits.TEXT["line.gtin"]):
            return text
        if strict:
            self.add(field, f"not a GTIN (8 to 14 digits), got {show(value)}")
        return ""

    def currency(self, field: str, value: object) -> str:
        """An ISO 4217 code: three ASCII letters, upper-cased; empty when not given."""
        code = self.text(field, value).upper()
        if code and not (len(code) == 3 and code.isascii() and code.isalpha()):
            self.add(field, f"expected a three-letter currency code such as 'EUR', got {show(value)}")
            return ""
        return code

    def tags(self, field: str, value: object) -> tuple[str, ...]:
        """Comma-separated tags (``"vip, wholesale"``), each at most ``MAX_TAG_LENGTH`` characters."""
        tags = tuple(dict.fromkeys(tag.strip() for tag in self.text(field, value).split(",") if tag.strip()))
        if len(tags) > limits.MAX_TAGS:
            self.add(field, f"more than {limits.MAX_TAGS} tags ({len(tags)})")
            return ()
        long = next((tag for tag in tags if len(tag) > limits.MAX_TAG_LENGTH), None)
        if long is not None:
            self.add(field, f"a tag longer than {limits.MAX_TAG_LENGTH} characters: {show(long)}")
            return ()
        return tags

    def country(self, field: str, value: object, *, required: bool = True) -> str:
        """An ISO 3166-1 alpha-2 code, upper-cased (``at`` is read as ``AT``); an unknown code is a problem,
        a missing one too when ``required``."""
        code = self.text(field, value).upper()
        if len(code) > 3:
            self.add(field, f"unknown country code {show(value)}; expected two letters such as 'DE'")
        elif not code and not required:
            return ""
        elif not code:
            self.add(field, "missing; expected an ISO 3166-1 alpha-2 country code such as 'DE'")
        elif not is_country_code(code):
            hint = f" (did you mean {COMMON_MISTAKES[code]!r}?)" if code in COMMON_MISTAKES else ""
            self.add(field, f"unknown country code {show(value)}{hint}")
        return code
