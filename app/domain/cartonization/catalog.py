"""The box catalog: validating ``[[box]]`` tables into box types, and reading the box a packer scanned."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.cartonization.model import BOX_CODE_RE, BOX_SCAN_PREFIX, BoxType, InvalidBoxCatalog, UnknownBox

_BOX_KEYS = {
    "code",
    "name",
    "inner_length_cm",
    "inner_width_cm",
    "inner_height_cm",
    "max_weight_kg",
    "cost",
    "tare_weight_kg",
    "wall_cm",
}


def load_boxes(data: Mapping[str, Any], source: str = "<boxes>") -> list[BoxType]:
    """Validate a parsed box catalog (``[[box]]`` tables) into box types; errors name the file and key."""
    raw = data.get("box")
    if not isinstance(raw, list) or not raw:
        raise InvalidBoxCatalog(source, "box", "one or more [[box]] tables")
    boxes: list[BoxType] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        prefix = f"box[{i}]"
        if not isinstance(entry, dict):
            raise InvalidBoxCatalog(source, prefix, "a table")
        unknown = sorted(set(entry) - _BOX_KEYS)
        if unknown:
            raise InvalidBoxCatalog(source, f"{prefix}.{unknown[0]}", f"one of {', '.join(sorted(_BOX_KEYS))}")
        code = entry.get("code")
        if not isinstance(code, str) or not BOX_CODE_RE.match(code):
            raise InvalidBoxCatalog(source, f"{prefix}.code", f"capital letters, digits, - or _, got {code!r}")
        if code in seen:
            raise InvalidBoxCatalog(source, f"{prefix}.code", f"a unique code, {code!r} is used twice")
        seen.add(code)
        prefix = f"box[{i}] ({code})"
        name = entry.get("name", code)
        if not isinstance(name, str) or not name.strip():
            raise InvalidBoxCatalog(source, f"{prefix}.name", "a non-empty string")

        length, width, height = (
            _number(entry, k, source, prefix) for k in ("inner_length_cm", "inner_width_cm", "inner_height_cm")
        )
        max_weight = _number(entry, "max_weight_kg", source, prefix)
        tare = _number(entry, "tare_weight_kg", source, prefix, positive=False, default=0.0)
        wall = _number(entry, "wall_cm", source, prefix, positive=False, default=0.5)
        if tare >= max_weight:
            raise InvalidBoxCatalog(source, f"{prefix}.tare_weight_kg", f"less than max_weight_kg ({max_weight})")
        cost = _decimal(entry.get("cost"), source, f"{prefix}.cost")
        boxes.append(BoxType(code, name.strip(), length, width, height, max_weight, cost, tare, wall))
    return boxes


def _number(
    entry: Mapping[str, Any], key: str, source: str, prefix: str, *, positive: bool = True, default: float | None = None
) -> float:
    value = entry.get(key, default)
    if value is None:
        raise InvalidBoxCatalog(source, f"{prefix}.{key}", "a number (required)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidBoxCatalog(source, f"{prefix}.{key}", f"a number, got {value!r}")
    if value < 0 or (positive and value == 0):
        kind = "positive" if positive else "non-negative"
        raise InvalidBoxCatalog(source, f"{prefix}.{key}", f"a {kind} number, got {value!r}")
    return float(value)


def _decimal(value: Any, source: str, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidBoxCatalog(source, key, f"a non-negative amount, got {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidBoxCatalog(source, key, f"a non-negative amount, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidBoxCatalog(source, key, f"a non-negative amount, got {value!r}")
    return amount


def parse_box_scan(text: str) -> str | None:
    """The box code in a ``BOX-<code>`` scan, or None when the scan is something else."""
    text = text.strip()
    if not text.upper().startswith(BOX_SCAN_PREFIX):
        return None
    code = text[len(BOX_SCAN_PREFIX) :].upper()
    return code if BOX_CODE_RE.match(code) else None


def box_for_scan(text: str, boxes: Sequence[BoxType]) -> BoxType:
    """The box type a packer scanned (``BOX-M1``) or typed (``M1``); ``UnknownBox`` otherwise."""
    code = parse_box_scan(text) or text.strip().upper()
    for box in boxes:
        if box.code == code:
            return box
    raise UnknownBox(text, (b.code for b in boxes))
