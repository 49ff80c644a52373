"""Reading fields of a shop's order object: sub-objects that may be absent, and attributes (Shopify
``note_attributes``, WooCommerce ``meta_data``) looked up by a normalised name such as ``ship_by_date``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from app.parsers.channels.model import IntakeOrder
from app.parsers.channels.values import OrderChecker

ParseOne = Callable[[Mapping[str, Any], OrderChecker, str], IntakeOrder | None]
"""Parses one order object; reports problems to the checker; gets the order's ``source_ref``."""

SHIP_BY_KEYS = frozenset({"ship_by", "ship_by_date"})
"""Attribute names read as the ship-by date (after ``attribute_key`` normalisation)."""
PROMISED_DELIVERY_KEYS = frozenset({"promised_delivery", "promised_delivery_date"})
"""Attribute names read as the promised delivery date (after ``attribute_key`` normalisation)."""


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one (absent or null sub-objects read as empty)."""
    return value if isinstance(value, dict) else {}


def attribute_key(name: str) -> str:
    """``"Ship-By Date"``, ``"_ship_by_date"`` and ``"ship by date"`` all become ``ship_by_date``."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower()).lstrip("_")


def attribute_field(prefix: str, name: str) -> str:
    """The field name for an attribute in messages: as the shop wrote it when it is short and printable."""
    return f"{prefix}.{name if name.isprintable() and len(name) <= 60 else attribute_key(name)[:60]}"


def find_attribute(pairs: Any, name_key: str, value_key: str, wanted: frozenset[str]) -> tuple[str, Any] | None:
    """The first (name, value) of a list of ``{name_key: ..., value_key: ...}`` with a wanted normalised name.

    Shopify's ``note_attributes`` use name/value, WooCommerce's ``meta_data`` key/value.
    """
    if not isinstance(pairs, list):
        return None
    for pair in pairs:
        name = pair.get(name_key) if isinstance(pair, dict) else None
        if isinstance(name, str) and attribute_key(name) in wanted:
            return name, pair.get(value_key)
    return None
