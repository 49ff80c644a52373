"""What a scanned (or typed) code is: location, tote, box, badge, product barcode, GS1 element string, or text.

Scanners are keyboard wedges, so a scan is just a string. The AIM symbology prefix, when the scanner sends one,
settles ambiguity: ``]E0`` is an EAN-13 (a GTIN), ``]C1`` / ``]d2`` / ``]Q3`` are GS1-128 / GS1 DataMatrix /
GS1 QR element strings. Without a prefix, a string of 8, 12, 13 or 14 digits with a valid check digit is taken
as a GTIN (a 13-digit code would otherwise also parse as a GS1 ``(400)`` string); longer digit strings and
anything with a GS separator go to the GS1 parser (biip).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import biip

from app.domain.errors import InvalidLocationCode
from app.domain.gtin import GTIN_LENGTHS, ascii_digits, gs1_check_digit, gtin14
from app.domain.layout import RESERVE_RE, LocationCode

GS = "\x1d"
TOTE_RE = re.compile(r"^TOTE-\d{4,}$")
BOX_RE = re.compile(r"^BOX-[A-Za-z0-9._-]+$")
GS1_PREFIXES = ("]C1", "]d2", "]Q3", "]e0")
GTIN_PREFIXES = ("]E0", "]E4", "]A0", "]I1")
GS1_START_RE = re.compile(r"^(0[12]\d{14}|\(0[12]\)\d{14})")


@dataclass(frozen=True, slots=True)
class Scan:
    """A classified scan. ``gtin`` is always 14 digits (GS1's common form) so all lengths compare equal."""

    raw: str
    kind: str
    """location | reserve_location | tote | box | badge | gtin | gs1 | text"""
    code: str
    gtin: str | None = None
    lot: str | None = None
    expiry: date | None = None
    serial: str | None = None
    count: int | None = None
    """Units stated by AI 30 or 37 (a count on a trade-item or logistic label)."""
    error: str | None = None
    """Set when the code looks like a barcode format but is not valid (bad check digit, bad AI)."""

    @property
    def printable(self) -> str:
        """The raw scan with GS shown as <GS>, for messages and the event log."""
        return self.raw.replace(GS, "<GS>")


def _is_valid_gtin(digits: str) -> bool:
    return ascii_digits(digits) and len(digits) in GTIN_LENGTHS and gs1_check_digit(digits[:-1]) == int(digits[-1])


UNREADABLE = "not a barcode this warehouse reads (a misread or a damaged label?)"
AI_NAMES = {
    "00": "SSCC",
    "01": "GTIN",
    "02": "GTIN",
    "10": "lot",
    "11": "production date",
    "15": "best-before date",
    "17": "expiry date",
    "21": "serial number",
    "30": "count",
    "37": "count",
}


def gs1_problem(detail: str) -> str:
    """A GS1 parser's complaint in words a warehouse worker knows: which part of the code is wrong, never the
    library's message ("Failed to get GS1 Application Identifier from '1'")."""
    if "check digit" in detail.lower():
        return "its GTIN has a wrong check digit (a misread or a damaged label?)"
    match = re.search(r"AI \((\d{2,4})\)", detail)
    if match is not None:
        ai = match.group(1)
        return f"its {AI_NAMES.get(ai, 'part')} ({ai}) is not valid (a misread or a damaged label?)"
    return UNREADABLE


def _from_gs1(raw: str, data: str) -> Scan:
    try:
        result = biip.parse(data)
    except Exception as exc:  # biip raises ParseError subclasses; any failure means "not valid GS1"
        return Scan(raw, "gs1", data, error=gs1_problem(str(exc)))
    message = result.gs1_message
    if message is None:
        return Scan(raw, "gs1", data, error=gs1_problem(result.gs1_message_error or ""))
    values: dict[str, str] = {}
    dates: dict[str, date | None] = {}
    for element in message.element_strings:
        values[element.ai.ai] = element.value
        dates[element.ai.ai] = element.date
        if element.gtin_error:
            return Scan(raw, "gs1", data, error=gs1_problem(f"AI ({element.ai.ai}) check digit"))
    gtin = values.get("01") or values.get("02")
    count_raw = values.get("30") or values.get("37")
    return Scan(
        raw,
        "gs1",
        data,
        gtin=gtin14(gtin) if gtin else None,
        lot=values.get("10"),
        expiry=dates.get("17"),
        serial=values.get("21"),
        count=int(count_raw) if count_raw and ascii_digits(count_raw) else None,
    )


def classify(raw: str, *, badge_prefix: str = "BADGE-") -> Scan:
    """Classify one scan. Never raises: an invalid barcode comes back with ``error`` set."""
    text = raw.strip("\r\n\t ")
    if text.startswith(GS1_PREFIXES):
        return _from_gs1(raw, text[3:])
    if text.startswith(GTIN_PREFIXES):
        digits = text[3:]
        if _is_valid_gtin(digits):
            return Scan(raw, "gtin", digits, gtin=gtin14(digits))
        return Scan(raw, "gtin", digits, error="not a valid GTIN: wrong check digit or length (a misread?)")
    upper = text.upper()
    if badge_prefix and upper.startswith(badge_prefix.upper()):
        return Scan(raw, "badge", text)
    if TOTE_RE.match(upper):
        return Scan(raw, "tote", upper)
    if BOX_RE.match(text) and upper.startswith("BOX-"):
        return Scan(raw, "box", "BOX-" + text[4:])
    try:
        return Scan(raw, "location", str(LocationCode.parse(upper)))
    except InvalidLocationCode:
        pass
    if RESERVE_RE.match(upper):
        return Scan(raw, "reserve_location", upper)
    if GS in text:
        return _from_gs1(raw, text)
    if GS1_START_RE.match(text) and not ascii_digits(text):
        # An element string without symbology prefix whose (01)/(02) GTIN is valid, followed by letters (a lot
        # or serial): GS1, not free text. All-digit strings are handled below.
        parsed = _from_gs1(raw, text)
        if parsed.error is None:
            return parsed
    if ascii_digits(text):
        if len(text) in GTIN_LENGTHS:
            if _is_valid_gtin(text):
                return Scan(raw, "gtin", text, gtin=gtin14(text))
            return Scan(raw, "gtin", text, error="its GTIN has a wrong check digit (a misread or a damaged label?)")
        if len(text) > 14:
            return _from_gs1(raw, text)
    return Scan(raw, "text", text)


def item_code(gtin: str, lot: str = "") -> str:
    """What a scanner reads off one unit: the bare GTIN, or a GS1 string with (01) GTIN and (10) lot when the unit
    carries a lot (a lot-tracked stop counts units only once the lot is proven)."""
    return f"01{gtin14(gtin)}10{lot}" if lot else gtin
