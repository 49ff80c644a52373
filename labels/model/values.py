"""The kinds of value the documents carry (page sizes, customs forms and categories, countries, money, barcode
text) and the checks every record runs on them when it is built.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

import pycountry

PageSize = Literal["A4", "Letter"]
PAGE_SIZES: tuple[PageSize, ...] = ("A4", "Letter")

CustomsForm = Literal["CN22", "CN23"]
CUSTOMS_FORMS: tuple[CustomsForm, ...] = ("CN22", "CN23")

CustomsCategory = Literal["gift", "documents", "commercial sample", "returned goods", "sale of goods", "other"]
CUSTOMS_CATEGORIES: tuple[CustomsCategory, ...] = (
    "gift",
    "documents",
    "commercial sample",
    "returned goods",
    "sale of goods",
    "other",
)
"""The boxes of the UPU CN22/CN23 "category of item" field (sale of goods was added in 2020)."""

CN22_MAX_ITEMS = 5
"""Item lines the CN22 (a 4 x 6 in label here) has room for; more items need a CN23, as the UPU rules say."""

CN22_MAX_VALUE_SDR = Decimal(300)
"""UPU limit for a CN22: contents worth up to 300 SDR (special drawing rights); above it, use a CN23."""

_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
HS_CODE = re.compile(r"\d{6,10}")

NAME_OVERRIDES: dict[str, str] = {"TR": "TURKEY", "XK": "KOSOVO"}
"""Names ``pycountry`` does not give: TR as the documents printed it before the full table arrived (pycountry says
``TÜRKIYE``), and the user-assigned XK that shops and carriers send for Kosovo (not in ISO's table)."""


def country_name(code: str) -> str:
    """``DE`` -> ``GERMANY``, ``TH`` -> ``THAILAND``: the English name in capitals, as the UPU asks for the
    destination line, for every ISO 3166-1 code (``pycountry``'s table, its common name where it has one, such as
    ``SOUTH KOREA`` for ``Korea, Republic of``) and ``NAME_OVERRIDES``; any other code prints as the code."""
    if code in NAME_OVERRIDES:
        return NAME_OVERRIDES[code]
    found = pycountry.countries.get(alpha_2=code) if _COUNTRY.fullmatch(code) else None
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name).upper()


def require_text(owner: str, name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{owner}.{name} must be non-empty text, got {value!r}")


def require_barcode_text(owner: str, name: str, value: str) -> None:
    """Text that becomes a Code 128 symbol: printable ASCII (what a keyboard-wedge scanner can type back)."""
    require_text(owner, name, value)
    if not all(" " <= c <= "~" for c in value) or value != value.strip():
        raise ValueError(f"{owner}.{name} goes into a barcode and must be printable ASCII, got {value!r}")


def require_decimal(owner: str, name: str, value: Decimal, *, positive: bool = False) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"{owner}.{name} must be a finite Decimal, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{owner}.{name} must be {'positive' if positive else 'zero or more'}, got {value}")


def require_country(owner: str, name: str, value: str) -> None:
    if not isinstance(value, str) or _COUNTRY.fullmatch(value) is None:
        raise ValueError(f"{owner}.{name} must be an ISO 3166-1 alpha-2 code such as 'DE', got {value!r}")


def require_currency(owner: str, name: str, value: str) -> None:
    if not isinstance(value, str) or _CURRENCY.fullmatch(value) is None:
        raise ValueError(f"{owner}.{name} must be an ISO 4217 code such as 'EUR', got {value!r}")


def require_count(owner: str, name: str, value: int, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{owner}.{name} must be a whole number >= {minimum}, got {value!r}")


def freeze_sequence(instance: object, name: str, values: Sequence[object], kind: type) -> tuple[object, ...]:
    frozen = tuple(values)
    for value in frozen:
        if not isinstance(value, kind):
            raise TypeError(f"{type(instance).__name__}.{name} holds {kind.__name__} values, got {value!r}")
    object.__setattr__(instance, name, frozen)
    return frozen
