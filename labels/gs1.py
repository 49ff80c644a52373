"""GS1 element strings for printing: check digits, SSCCs, parsing ``(AI)value`` text, FNC1 placement, HRI text.

Printing is stricter than scanning: a label with a wrong check digit or a malformed field is worse than no label,
so everything here raises ``ValueError`` instead of guessing. Application identifier (AI) formats come from
biip's copy of the GS1 AI table; check digits (which biip leaves to the caller) are verified here.

An element is one ``(AI, value)`` pair. Within a GS1-128 symbol, an element whose AI is not in the GS1
"predefined length" table (General Specifications, figure 7.8.5-2: AIs starting 00-04, 11-20, 31-36, 41) must
be followed by FNC1 unless it is the last one; a scanner transmits that FNC1 as GS (ASCII 29).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gs1_application_identifiers import GS1ApplicationIdentifier

GS = "\x1d"
"""Group separator: how scanners transmit an FNC1 that ends a variable-length element."""

MAX_DATA_CHARACTERS = 48
"""GS1-128 limit on data characters per symbol (AIs, values and separating FNC1s; not the leading FNC1)."""

PREDEFINED_LENGTHS: dict[str, int] = {
    "00": 20,
    "01": 16,
    "02": 16,
    "03": 16,
    "04": 18,
    **{str(prefix): 8 for prefix in range(11, 20)},
    "20": 4,
    **{str(prefix): 10 for prefix in range(31, 37)},
    "41": 16,
}
"""First two AI digits -> total length (AI + data) of elements that never need an FNC1 separator."""

_CHECK_DIGIT_AIS = ("00", "01", "02", "41")
"""AI prefixes whose value ends in a GS1 mod-10 check digit (SSCC, GTIN, content GTIN, GLNs 410-417)."""

_SET_82 = re.compile(r"""[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+""")
"""GS1 AI encodable character set 82 (the characters allowed in alphanumeric AI values)."""

_HRI_ELEMENT = re.compile(r"\((\d{2,4})\)([^()]*)")


class Element(NamedTuple):
    """One GS1 element: the application identifier (2-4 digits) and its value, e.g. ``Element("10", "LOT7")``."""

    ai: str
    value: str


def gs1_check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit for ``digits`` (the digits without their check digit).

    Weights 3 and 1 alternate from the rightmost digit, as for every GTIN, SSCC and GLN.
    """
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"check digits are computed over digits only, got {digits!r}")
    return gs1_standard_check_digit(digits)  # biip's, the one implementation app.domain.gtin uses too


def has_valid_check_digit(number: str) -> bool:
    """Whether the last digit of ``number`` is the GS1 check digit of the digits before it."""
    return len(number) >= 2 and number.isdigit() and gs1_check_digit(number[:-1]) == int(number[-1])


def with_check_digit(digits: str) -> str:
    """``digits`` followed by its GS1 check digit (e.g. a GTIN-14 from its first 13 digits)."""
    return f"{digits}{gs1_check_digit(digits)}"


def sscc_with_check(ext_digit: int | str, company_prefix: str, serial: int | str) -> str:
    """An 18-digit SSCC: extension digit, GS1 company prefix, zero-padded serial reference, check digit.

    The company prefix (usually 7-10 digits) and serial reference share 16 digits, so the serial is padded
    to ``16 - len(company_prefix)`` digits; a serial that does not fit raises ``ValueError``.
    """
    ext = str(ext_digit)
    if len(ext) != 1 or not ext.isdigit():
        raise ValueError(f"SSCC extension digit must be one digit 0-9, got {ext_digit!r}")
    if not company_prefix.isdigit() or not 6 <= len(company_prefix) <= 12:
        raise ValueError(f"GS1 company prefix must be 6-12 digits, got {company_prefix!r}")
    serial_text = str(serial)
    width = 16 - len(company_prefix)
    if not serial_text.isdigit() or len(serial_text) > width:
        raise ValueError(f"SSCC serial reference must be at most {width} digits, got {serial!r}")
    return with_check_digit(ext + company_prefix + serial_text.zfill(width))


def is_predefined_length(ai: str) -> bool:
    """Whether elements with this AI have a fixed length and therefore never need an FNC1 separator."""
    return ai[:2] in PREDEFINED_LENGTHS


def parse_hri(text: str) -> tuple[Element, ...]:
    """Parse ``"(01)09501101530003(10)LOT7"`` (spaces between elements allowed) into validated elements.

    Values containing parentheses (allowed by GS1 but ambiguous in this notation) cannot be written this way:
    pass ``Element`` tuples instead.
    """
    compact = text.strip()
    elements: list[Element] = []
    position = 0
    while position < len(compact):
        match = _HRI_ELEMENT.match(compact, position)
        if match is None:
            raise ValueError(f"not a GS1 element string in (AI)value form at position {position}: {text!r}")
        elements.append(Element(match.group(1), match.group(2).strip()))
        position = match.end()
    if not elements:
        raise ValueError("empty GS1 element string")
    return validate_elements(elements)


def as_elements(element_string: str | Iterable[tuple[str, str]]) -> tuple[Element, ...]:
    """Accept either the ``(AI)value`` text or ``(ai, value)`` pairs and return validated elements."""
    if isinstance(element_string, str):
        return parse_hri(element_string)
    return validate_elements(Element(ai, value) for ai, value in element_string)


def validate_elements(elements: Iterable[tuple[str, str]]) -> tuple[Element, ...]:
    """Check every element against the GS1 AI table, character set 82, check digits and the 48-character limit.

    Raises:
        ValueError: naming the first offending element.
    """
    result = tuple(Element(ai, value) for ai, value in elements)
    if not result:
        raise ValueError("a GS1 element string needs at least one element")
    for ai, value in result:
        if not (ai.isascii() and ai.isdigit() and 2 <= len(ai) <= 4):
            raise ValueError(f"GS1 application identifier must be 2-4 digits, got {ai!r}")
        if not value or _SET_82.fullmatch(value) is None:
            raise ValueError(f"({ai}) value {value!r} is empty or has characters outside GS1 set 82")
        try:
            known = GS1ApplicationIdentifier.extract(ai)
        except ParseError as error:
            raise ValueError(f"({ai}) is not a GS1 application identifier") from error
        if known.ai != ai:
            raise ValueError(f"({ai}) is not a GS1 application identifier (did you mean ({known.ai})?)")
        if re.fullmatch(known.pattern, ai + value) is None:
            raise ValueError(f"({ai}) value {value!r} does not match GS1 format {known.format}")
        if ai[:2] in _CHECK_DIGIT_AIS and not has_valid_check_digit(value):
            raise ValueError(f"({ai}) value {value!r} has a wrong check digit")
        if is_predefined_length(ai) and len(ai) + len(value) != PREDEFINED_LENGTHS[ai[:2]]:
            raise ValueError(f"({ai}) must be exactly {PREDEFINED_LENGTHS[ai[:2]] - len(ai)} digits")
    data_length = len(join_elements(result, GS))
    if data_length > MAX_DATA_CHARACTERS:
        raise ValueError(f"GS1-128 holds at most {MAX_DATA_CHARACTERS} data characters, this one needs {data_length}")
    return result


def join_elements(elements: Sequence[tuple[str, str]], separator: str = GS) -> str:
    """Concatenate AI + value, putting ``separator`` after every variable-length element except the last.

    With ``GS`` this is exactly what a scanner transmits for a GS1-128 symbol (after any ``]C1`` prefix);
    with python-barcode's FNC1 character it is the input its ``gs1_128`` encoder expects.
    """
    parts: list[str] = []
    for index, (ai, value) in enumerate(elements):
        parts.append(ai + value)
        if index < len(elements) - 1 and not is_predefined_length(ai):
            parts.append(separator)
    return "".join(parts)


def format_hri(elements: Sequence[tuple[str, str]]) -> str:
    """Human-readable interpretation: ``(00) 123456789012345675 (10) LOT7`` (AIs in parentheses, no FNC1)."""
    return " ".join(f"({ai}) {value}" for ai, value in elements)
