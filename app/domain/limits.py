"""How long or large an imported value may be, and which characters text from outside may hold.

The numbers are the database's own column sizes (``app/db/models.py``; ``tests/hostile/test_limits.py`` checks
they agree). They are checked in Python, before anything is written, because the two databases disagree about
overflow: SQLite stores a 300-character name in a ``VARCHAR(200)``, a NUL inside a string and ``1E+309`` in a
``NUMERIC(12,2)`` without a word, where PostgreSQL refuses them in the middle of the transaction. Checking here
makes an import refuse exactly the same input on both, with a message naming the field.

Pure functions and constants only (no database, no I/O).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

MAX_INT = 2**31 - 1
"""Largest value of an ``Integer`` column (quantities): PostgreSQL's ``integer`` is 32-bit."""

TEXT: dict[str, int] = {
    # orders
    "order.external_id": 64,
    "order.number": 64,
    "order.customer_name": 200,
    "order.email": 200,
    "order.phone": 64,
    "order.ship_name": 200,
    "order.ship_company": 200,
    "order.ship_line1": 200,
    "order.ship_line2": 200,
    "order.ship_city": 100,
    "order.ship_region": 100,
    "order.ship_postal_code": 20,
    "order.ship_country": 2,
    "order.ship_phone": 64,
    "order.shipping_method": 100,
    "order.currency": 3,
    "line.sku": 64,
    "line.gtin": 14,
    "line.name": 200,
    "line.external_line_id": 64,
    # catalog
    "product.sku": 64,
    "product.name": 200,
    "product.hs_code": 12,
    "stock.lot": 40,
    "location.code": 32,
    # references written on events and stock moves
    "event.subject": 128,
    "move.ref": 128,
}
"""Maximum characters per text field, keyed ``table.column`` (the model's ``String(n)``)."""

NUMERIC: dict[str, tuple[int, int]] = {
    "order.order_value": (12, 2),
    "line.unit_price": (12, 2),
    "product.weight_kg": (10, 3),
    "product.length_cm": (8, 1),
    "product.width_cm": (8, 1),
    "product.height_cm": (8, 1),
    "product.unit_value": (12, 2),
}
"""(precision, scale) of each ``Numeric`` column: the value, rounded to ``scale`` places, needs fewer than
``precision - scale`` digits before the point."""

MAX_TAG_LENGTH = 100
MAX_TAGS = 50
"""Order tags are stored as a JSON list (no column size); these are sanity limits, not database ones."""

FIRST_YEAR, LAST_YEAR = 1970, 2199
"""Dates and times outside these years are typing or export mistakes (``0001-01-01``, ``9999-12-31``); they
would also overflow date arithmetic (ship-by = placed + days) and time-zone conversion."""

ASCII_INTEGER = re.compile(r"[0-9]+")
ASCII_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""Only ASCII digits: Python's ``int()`` and ``Decimal()`` also read ``１２`` (full-width), ``٣`` (Arabic-Indic)
and ``1_000``, which no shop system means as a number."""


IDENTIFIERS = frozenset(
    {"order.external_id", "order.number", "line.sku", "line.gtin", "line.external_line_id", "product.sku"}
    | {"stock.lot", "location.code"}
)
"""Columns that are matched, scanned or typed by a worker: they must hold only visible, canonical characters."""

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
"""Direction embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they make a name or address
display as something else than it is (``U+202E`` shows ``gpj.exe`` as ``exe.jpg``), on screens and labels."""


def char_name(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: how a message names a character a person cannot see."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


_MAYBE_BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
"""Every character ``bad_character`` refuses (categories Cc and Cs are exactly these ranges), found in C: an
import checks about a hundred values per order, and the per-character loop cost 5 of 15 s on 10,000 orders."""


def bad_character(text: str) -> str | None:
    """A description of the first character that must not be stored, or None.

    Control characters (NUL, tab, line breaks, escape, C1 controls) break CSV exports, labels and terminals,
    and PostgreSQL cannot store NUL at all; lone surrogates (from a JSON ``\\ud800`` escape) cannot be encoded;
    bidi overrides and isolates change how the text around them is displayed.
    """
    if _MAYBE_BAD.search(text) is None:
        return None
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category in ("Cc", "Cs"):
            name = "a control character" if category == "Cc" else "an unpaired surrogate"
            return f"contains {name} (U+{ord(char):04X}) at position {index + 1}"
        if char in BIDI_CONTROLS:
            return f"contains a text direction control ({char_name(char)}) at position {index + 1}"
    return None


def identifier_problem(text: str) -> str | None:
    """Why ``text`` cannot be an identifier (SKU, GTIN, order number, external id, lot, location), or None.

    An invisible format character (zero-width space or joiner, BOM, soft hyphen, direction marks) or a
    full-width/compatibility form (``ＭＵＧ``, ``ﬁ``, ``²``) makes a value look like another one: a scan of the
    printed SKU would never match it, and two products could look identical. Unicode's NFKC form is the
    canonical one; a value that NFKC changes is refused, naming the first character that differs.
    """
    if text.isascii():  # ASCII has no format characters and is its own NFKC form
        return None
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cf":
            return f"contains an invisible character ({char_name(char)}) at position {index + 1}"
    if unicodedata.normalize("NFKC", text) != text:
        for index, char in enumerate(text):
            plain = unicodedata.normalize("NFKC", char)
            if plain != char:
                return (
                    f"contains a full-width or compatibility character ({char_name(char)}) at position "
                    f"{index + 1}; type it as {plain!r}"
                )
        return "is not in Unicode normal form NFKC (a letter and its accent typed apart)"
    return None


def is_blank(text: str) -> bool:
    """True when ``text`` shows nothing: only white space and invisible format characters (``U+200B``...).

    Such a value is read as empty, so a required customer name of zero-width spaces is "missing"."""
    if text.isascii():
        return not text.strip()
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def text_problem(text: str, key: str) -> str | None:
    """Why ``text`` cannot be stored in column ``key`` (see ``TEXT``), or None when it fits."""
    bad = bad_character(text)
    if bad:
        return bad
    if key in IDENTIFIERS:
        odd = identifier_problem(text)
        if odd:
            return odd
    limit = TEXT[key]
    if len(text) > limit:
        return f"longer than {limit} characters ({len(text)})"
    return None


def numeric_problem(value: Decimal, key: str) -> str | None:
    """Why ``value`` does not fit column ``key`` (see ``NUMERIC``), or None. ``value`` must be finite.

    More decimals than the column's scale are refused, not rounded: PostgreSQL rounds ``5.005`` to ``5.01``
    (and ``0.0000001`` to ``0.00``) while SQLite keeps it, so the two databases would hold different values and
    every re-import of the file would compare unequal and "update" again. Trailing zeros (``12.500``) are fine:
    they change nothing when stored.
    """
    precision, scale = NUMERIC[key]
    bound = Decimal(10) ** (precision - scale)
    # adjusted() is the exponent of the leading digit: cheap even for 1E+309, where quantize would fail.
    if value.adjusted() >= precision - scale:
        return f"too large (at most {precision - scale} digits before the point)"
    stored = value.quantize(Decimal(1).scaleb(-scale))
    if abs(stored) >= bound:
        return f"too large (at most {precision - scale} digits before the point)"
    if stored != value:
        return f"at most {scale} decimals"
    return None


def quantity_problem(value: int) -> str | None:
    """Why ``value`` cannot be a stored quantity (an ``Integer`` column), or None."""
    if value > MAX_INT:
        return f"too large (at most {MAX_INT})"
    return None


def date_problem(value: date) -> str | None:
    """Why ``value`` is not a plausible business date, or None."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return f"outside the years {FIRST_YEAR}-{LAST_YEAR}"
    return None


def fit(text: str, key: str) -> str:
    """``text`` shortened (keeping its end, where a file name's distinctive part is) to fit column ``key``;
    for references we build ourselves, such as ``file:<name>:<line>``, never for data from outside."""
    limit = TEXT[key]
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]
