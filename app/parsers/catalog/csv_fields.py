"""Reading a catalog CSV file: its lines with the input caps, the header, and one field at a time with its checks
(plain ASCII numbers, GTIN check digits, text that fits its column).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from app.domain import limits
from app.domain.errors import InvalidGtin
from app.domain.gtin import validate_gtin
from app.parsers.catalog.rows import (
    FileError,
    RowError,
)
from app.parsers.input_file import MAX_CSV_BYTES, InputError, file_problem, read_lines

T = TypeVar("T")


def shown_value(raw: str) -> str:
    return repr(raw) if len(raw) <= 60 else repr(raw[:60]) + f"... ({len(raw)} characters)"


def file_lines(path: Path) -> Iterator[str]:
    """The file's lines, read one at a time with the caps of ``input_file`` (no device, FIFO or 5 GB file)."""
    too_big = file_problem(path, MAX_CSV_BYTES, "product or stock CSV file")
    if too_big:
        raise FileError(0, too_big)
    try:
        yield from read_lines(path, MAX_CSV_BYTES)
    except InputError as exc:
        raise FileError(exc.line, exc.reason) from None
    except FileNotFoundError:
        raise FileError(0, "file not found") from None
    except OSError as exc:
        raise FileError(0, f"cannot read: {exc.strerror or exc}") from None


def read_rows(
    text: str | Iterable[str], required: tuple[str, ...], optional: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) of CSV text; raises FileError for a bad header or text that is not CSV.

    Column names ignore case and surrounding blanks; a name given twice, an unknown name or a missing required
    one refuses the file (the second ``sku`` column used to win silently). A row with more fields than the
    header is a row problem (``__extra__``); a shorter row leaves its last columns empty.
    """
    lines = io.StringIO(text.removeprefix("\ufeff"), newline="") if isinstance(text, str) else text
    reader = csv.reader(lines, strict=True)
    try:
        header: list[str] | None = None
        for row in reader:
            if header is None:
                header = [cell.strip().lower() for cell in row]
                _check_header(header, required, optional)
                continue
            if not any(cell.strip() for cell in row):
                continue
            values = dict.fromkeys(header, "")
            values.update((name, cell.strip()) for name, cell in zip(header, row, strict=False))
            if len(row) > len(header):
                values["__extra__"] = "x"
            yield reader.line_num, values
    except csv.Error as exc:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = f"a field is longer than {csv.field_size_limit():,} characters"
        raise FileError(reader.line_num or 1, f"not readable as CSV: {reason}") from None
    if header is None:
        raise FileError(1, "empty file: no header row")


def _check_header(header: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    for position, name in enumerate(header, start=1):
        bad = limits.bad_character(name)
        if bad:
            raise FileError(1, f"column {position}: header {bad}")
    twice = sorted({name for name in header if header.count(name) > 1})
    if twice:
        raise FileError(1, f"column(s) named twice: {', '.join(twice)}")
    missing = [c for c in required if c not in header]
    if missing:
        raise FileError(1, f"missing column(s) {', '.join(missing)}")
    unknown = [c for c in header if c not in required and c not in optional]
    if unknown:
        known = ", ".join((*required, *optional))
        raise FileError(1, f"unknown column(s) {', '.join(shown_value(c) for c in unknown)} (known: {known})")


def text_field(row: dict[str, str], column: str, key: str) -> str:
    raw = row.get(column, "")
    problem = limits.text_problem(raw, key)
    if problem:
        raise RowError(f"{column}: {problem}")
    return "" if limits.is_blank(raw) else raw


def decimal_field(
    row: dict[str, str], column: str, *, required: bool = True, minimum: Decimal | None = None, key: str
) -> Decimal:
    raw = row.get(column, "")
    if raw == "":
        if required:
            raise RowError(f"{column}: missing")
        return Decimal("0")
    if not limits.ASCII_DECIMAL.fullmatch(raw):
        raise RowError(f"{column}: not a number: {shown_value(raw)}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowError(f"{column}: not a number: {shown_value(raw)}") from None
    if minimum is not None and value < minimum:
        raise RowError(f"{column}: must not be negative, got {raw}")
    too_big = limits.numeric_problem(value, key)
    if too_big:
        raise RowError(f"{column}: {too_big}, got {shown_value(raw)}")
    return value


def integer_field(row: dict[str, str], column: str, *, minimum: int) -> int:
    raw = row.get(column, "")
    if raw == "":
        raise RowError(f"{column}: missing")
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not limits.ASCII_INTEGER.fullmatch(digits):
        raise RowError(f"{column}: must be a whole number, got {shown_value(raw)}")
    if len(digits) > 20:
        raise RowError(f"{column}: too large (at most {limits.MAX_INT}), got {shown_value(raw)}")
    value = -int(digits) if raw.startswith("-") else int(digits)
    if value < minimum:
        word = "negative" if minimum == 0 else f"less than {minimum}"
        raise RowError(f"{column}: must not be {word}, got {raw}")
    too_big = limits.quantity_problem(value)
    if too_big:
        raise RowError(f"{column}: {too_big}, got {raw}")
    return value


def flag_field(row: dict[str, str], column: str) -> bool:
    raw = row.get(column, "").lower()
    if raw in ("", "0", "false", "no", "n"):
        return False
    if raw in ("1", "true", "yes", "y"):
        return True
    raise RowError(f"{column}: expected 0/1 or true/false, got {shown_value(raw)}")


def gtin_field(row: dict[str, str], column: str) -> str | None:
    raw = row.get(column, "")
    if not raw:
        return None
    if not limits.ASCII_INTEGER.fullmatch(raw):
        raise RowError(f"{column}: GTIN {shown_value(raw)}: must contain digits 0-9 only")
    try:
        return validate_gtin(raw)
    except InvalidGtin as exc:
        raise RowError(f"{column}: {exc}") from None


class RowFields:
    """Reads the fields of one row, collecting every field's problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def get(self, read: Callable[[], T], default: T) -> T:
        try:
            return read()
        except RowError as exc:
            self.reasons.append(str(exc))
            return default
