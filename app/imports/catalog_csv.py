"""Parse the catalog CSV files (products, stock) into checked rows, reporting every bad row as ``file:line``.

Only what can be judged from the file itself is checked here (types, ranges, GTIN check digits, duplicates,
dates, sizes); whether a SKU or location exists is the import service's business because it needs the
database.

Strict on purpose, because what slips through here either crashes PostgreSQL mid-import or sits wrong in the
stock: numbers are ASCII digits only (``１２`` and ``1_000`` are refused though Python reads them), decimals
are plain (no ``1e309``, ``Inf``, ``NaN``), dates are ``YYYY-MM-DD`` only, every value must fit its column
(``app.domain.limits``) and hold no control characters, and the header must name each known column at most
once and nothing else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from app.channels.countries import is_country_code
from app.domain import limits
from app.domain.errors import InvalidGtin, InvalidLocationCode
from app.domain.gtin import validate_gtin
from app.domain.layout import LocationCode, is_reserve_code
from app.imports.input_file import MAX_CSV_BYTES, InputError, file_problem, read_lines

PRODUCT_COLUMNS = (
    "sku", "name", "gtin", "case_gtin", "case_qty", "weight_kg", "length_cm", "width_cm", "height_cm",
    "hs_code", "origin_country", "unit_value", "currency", "track_lot", "track_expiry",
)  # fmt: skip
OPTIONAL_PRODUCT_COLUMNS = ("track_serial",)
STOCK_COLUMNS = ("location", "sku", "qty")
OPTIONAL_STOCK_COLUMNS = ("lot", "expiry")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One bad row (or a bad file when ``line`` is 0); ``str()`` is the ``file:line: reason`` message."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}" if self.line else f"{self.source}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ProductRow:
    line: int
    sku: str
    name: str
    gtin: str | None
    case_gtin: str | None
    case_qty: int | None
    weight_kg: Decimal
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    hs_code: str
    origin_country: str
    unit_value: Decimal
    currency: str
    track_lot: bool
    track_expiry: bool
    track_serial: bool


@dataclass(frozen=True, slots=True)
class StockRow:
    line: int
    location: str
    sku: str
    qty: int
    lot: str
    expiry: date | None


class RowError(ValueError):
    """A single field of a row is wrong; the message is ``column: reason``."""


class FileError(ValueError):
    """The file cannot be read on (bad header, not UTF-8, not CSV): ``line`` says where; nothing imports."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _shown(raw: str) -> str:
    return repr(raw) if len(raw) <= 60 else repr(raw[:60]) + f"... ({len(raw)} characters)"


def _lines(path: Path) -> Iterator[str]:
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


def _read_rows(
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
        raise FileError(1, f"unknown column(s) {', '.join(_shown(c) for c in unknown)} (known: {known})")


def _text(row: dict[str, str], column: str, key: str) -> str:
    raw = row.get(column, "")
    problem = limits.text_problem(raw, key)
    if problem:
        raise RowError(f"{column}: {problem}")
    return "" if limits.is_blank(raw) else raw


def _decimal(
    row: dict[str, str], column: str, *, required: bool = True, minimum: Decimal | None = None, key: str
) -> Decimal:
    raw = row.get(column, "")
    if raw == "":
        if required:
            raise RowError(f"{column}: missing")
        return Decimal("0")
    if not limits.ASCII_DECIMAL.fullmatch(raw):
        raise RowError(f"{column}: not a number: {_shown(raw)}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowError(f"{column}: not a number: {_shown(raw)}") from None
    if minimum is not None and value < minimum:
        raise RowError(f"{column}: must not be negative, got {raw}")
    too_big = limits.numeric_problem(value, key)
    if too_big:
        raise RowError(f"{column}: {too_big}, got {_shown(raw)}")
    return value


def _integer(row: dict[str, str], column: str, *, minimum: int) -> int:
    raw = row.get(column, "")
    if raw == "":
        raise RowError(f"{column}: missing")
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not limits.ASCII_INTEGER.fullmatch(digits):
        raise RowError(f"{column}: must be a whole number, got {_shown(raw)}")
    if len(digits) > 20:
        raise RowError(f"{column}: too large (at most {limits.MAX_INT}), got {_shown(raw)}")
    value = -int(digits) if raw.startswith("-") else int(digits)
    if value < minimum:
        word = "negative" if minimum == 0 else f"less than {minimum}"
        raise RowError(f"{column}: must not be {word}, got {raw}")
    too_big = limits.quantity_problem(value)
    if too_big:
        raise RowError(f"{column}: {too_big}, got {raw}")
    return value


def _flag(row: dict[str, str], column: str) -> bool:
    raw = row.get(column, "").lower()
    if raw in ("", "0", "false", "no", "n"):
        return False
    if raw in ("1", "true", "yes", "y"):
        return True
    raise RowError(f"{column}: expected 0/1 or true/false, got {_shown(raw)}")


def _gtin(row: dict[str, str], column: str) -> str | None:
    raw = row.get(column, "")
    if not raw:
        return None
    if not limits.ASCII_INTEGER.fullmatch(raw):
        raise RowError(f"{column}: GTIN {_shown(raw)}: must contain digits 0-9 only")
    try:
        return validate_gtin(raw)
    except InvalidGtin as exc:
        raise RowError(f"{column}: {exc}") from None


class RowErrors(ValueError):
    """Every wrong field of one row, in column order (one import run shows them all)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class _Fields:
    """Reads the fields of one row, collecting every field's problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def get(self, read: Callable[[], T], default: T) -> T:
        try:
            return read()
        except RowError as exc:
            self.reasons.append(str(exc))
            return default


def _sku(row: dict[str, str]) -> str:
    sku = row["sku"]
    if not sku:
        raise RowError("sku: missing")
    bad = limits.bad_character(sku) or limits.identifier_problem(sku)
    if bad:
        raise RowError(f"sku: {bad}")
    if len(sku) > limits.TEXT["product.sku"] or any(c.isspace() for c in sku):
        raise RowError(f"sku: must be up to {limits.TEXT['product.sku']} characters without spaces, got {_shown(sku)}")
    return sku


def _name(row: dict[str, str]) -> str:
    name = _text(row, "name", "product.name")
    if limits.is_blank(name):
        raise RowError("name: missing")
    return name


def _country(row: dict[str, str]) -> str:
    country = row["origin_country"].upper()
    if country and not is_country_code(country):
        raise RowError(f"origin_country: expected a two-letter ISO code, got {_shown(row['origin_country'])}")
    return country


def _currency(row: dict[str, str]) -> str:
    currency = row["currency"].upper() or "EUR"
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        raise RowError(f"currency: expected a three-letter ISO code, got {_shown(row['currency'])}")
    return currency


def _hs_code(row: dict[str, str]) -> str:
    hs_code = row["hs_code"]
    if hs_code and (not limits.ASCII_INTEGER.fullmatch(hs_code) or not 6 <= len(hs_code) <= 10):
        raise RowError(f"hs_code: expected 6 to 10 digits, got {_shown(hs_code)}")
    return hs_code


def _product(line: int, row: dict[str, str]) -> ProductRow:
    """The row as a product, or ``RowErrors`` naming every wrong field (not just the first column's)."""
    if "__extra__" in row:
        raise RowErrors(["more fields than the header has columns"])
    f = _Fields()
    zero = Decimal(0)
    sku = f.get(lambda: _sku(row), "")
    name = f.get(lambda: _name(row), "")
    gtin = f.get(lambda: _gtin(row, "gtin"), None)
    case_gtin = f.get(lambda: _gtin(row, "case_gtin"), None)
    case_qty = f.get(lambda: _integer(row, "case_qty", minimum=1) if row.get("case_qty") else None, None)
    if not f.reasons:  # the pair rules only make sense once both values could be read
        if case_gtin and not case_qty:
            f.reasons.append("case_qty: required when case_gtin is given")
        if case_qty and not case_gtin:
            f.reasons.append("case_gtin: required when case_qty is given")
        if gtin and case_gtin and gtin.zfill(14) == case_gtin.zfill(14):
            f.reasons.append("case_gtin: same as the unit gtin")

    def size(column: str) -> Decimal:
        return f.get(lambda: _decimal(row, column, minimum=zero, key=f"product.{column}"), zero)

    weight_kg, length_cm, width_cm, height_cm = (size(c) for c in ("weight_kg", "length_cm", "width_cm", "height_cm"))
    hs_code = f.get(lambda: _hs_code(row), "")
    country = f.get(lambda: _country(row), "")
    unit_value = f.get(
        lambda: _decimal(row, "unit_value", required=False, minimum=zero, key="product.unit_value"), zero
    )
    currency = f.get(lambda: _currency(row), "EUR")
    track_lot, track_expiry, track_serial = (
        f.get(lambda c=c: _flag(row, c), False) for c in ("track_lot", "track_expiry", "track_serial")
    )
    if f.reasons:
        raise RowErrors(f.reasons)
    return ProductRow(
        line=line,
        sku=sku,
        name=name,
        gtin=gtin,
        case_gtin=case_gtin,
        case_qty=case_qty,
        weight_kg=weight_kg,
        length_cm=length_cm,
        width_cm=width_cm,
        height_cm=height_cm,
        hs_code=hs_code,
        origin_country=country,
        unit_value=unit_value,
        currency=currency,
        track_lot=track_lot,
        track_expiry=track_expiry,
        track_serial=track_serial,
    )


def parse_products(path: Path) -> tuple[list[ProductRow], list[ImportProblem]]:
    """All good rows and every problem; duplicate SKUs/GTINs within the file are problems on the later line."""
    try:
        return parse_products_text(_lines(path), str(path))
    except FileError as exc:
        return [], [ImportProblem(str(path), exc.line, exc.reason)]


def parse_products_text(text: str | Iterable[str], source: str) -> tuple[list[ProductRow], list[ImportProblem]]:
    """``parse_products`` for CSV text in memory or its lines; ``source`` names it in messages."""
    rows: list[ProductRow] = []
    problems: list[ImportProblem] = []
    seen_sku: dict[str, int] = {}
    seen_gtin: dict[str, tuple[int, str]] = {}
    try:
        for line, raw in _read_rows(text, PRODUCT_COLUMNS, OPTIONAL_PRODUCT_COLUMNS):
            try:
                product = _product(line, raw)
            except RowErrors as exc:
                problems.extend(ImportProblem(source, line, reason) for reason in exc.reasons)
                continue
            if product.sku in seen_sku:
                problems.append(
                    ImportProblem(
                        source, line, f"sku: duplicate SKU {product.sku!r} (first on line {seen_sku[product.sku]})"
                    )
                )
                continue
            clash = None
            for column in ("gtin", "case_gtin"):
                value = getattr(product, column)
                if value and value.zfill(14) in seen_gtin:
                    first_line, first_sku = seen_gtin[value.zfill(14)]
                    clash = f"{column}: {value} already belongs to {first_sku} (line {first_line})"
            if clash:
                problems.append(ImportProblem(source, line, clash))
                continue
            seen_sku[product.sku] = line
            for value in (product.gtin, product.case_gtin):
                if value:
                    seen_gtin[value.zfill(14)] = (line, product.sku)
            rows.append(product)
    except FileError as exc:
        return [], [ImportProblem(source, exc.line, exc.reason)]
    return rows, problems


def _stock(line: int, row: dict[str, str]) -> StockRow:
    if "__extra__" in row:
        raise RowError("more fields than the header has columns")
    location = _text(row, "location", "location.code").upper()
    if not location:
        raise RowError("location: missing")
    if not is_reserve_code(location):
        try:
            location = str(LocationCode.parse(location))
        except InvalidLocationCode as exc:
            raise RowError(f"location: {exc.reason}, got {_shown(row['location'])}") from None
    sku = _text(row, "sku", "product.sku")
    if not sku:
        raise RowError("sku: missing")
    qty = _integer(row, "qty", minimum=0)
    lot = _text(row, "lot", "stock.lot")
    raw_expiry = row.get("expiry", "")
    expiry: date | None = None
    if raw_expiry:
        try:
            if not limits.ISO_DATE.fullmatch(raw_expiry):
                raise ValueError(raw_expiry)
            expiry = date.fromisoformat(raw_expiry)
        except ValueError:
            raise RowError(f"expiry: not a date (YYYY-MM-DD): {_shown(raw_expiry)}") from None
        out_of_range = limits.date_problem(expiry)
        if out_of_range:
            raise RowError(f"expiry: {out_of_range}, got {raw_expiry}")
    return StockRow(line=line, location=location, sku=sku, qty=qty, lot=lot, expiry=expiry)


def parse_stock(path: Path) -> tuple[list[StockRow], list[ImportProblem]]:
    """All good stock rows and every problem; a second row for one place, SKU and lot is a problem."""
    try:
        return parse_stock_text(_lines(path), str(path))
    except FileError as exc:
        return [], [ImportProblem(str(path), exc.line, exc.reason)]


def parse_stock_text(text: str | Iterable[str], source: str) -> tuple[list[StockRow], list[ImportProblem]]:
    """``parse_stock`` for CSV text in memory or its lines; ``source`` names it in messages."""
    rows: list[StockRow] = []
    problems: list[ImportProblem] = []
    seen: dict[tuple[str, str, str], int] = {}
    try:
        for line, raw in _read_rows(text, STOCK_COLUMNS, OPTIONAL_STOCK_COLUMNS):
            try:
                stock = _stock(line, raw)
            except RowError as exc:
                problems.append(ImportProblem(source, line, str(exc)))
                continue
            key = (stock.location, stock.sku, stock.lot)
            if key in seen:
                problems.append(
                    ImportProblem(
                        source,
                        line,
                        f"duplicate row for {stock.sku} lot {stock.lot or '-'} at "
                        f"{stock.location} (first on line {seen[key]})",
                    )
                )
                continue
            seen[key] = line
            rows.append(stock)
    except FileError as exc:
        return [], [ImportProblem(source, exc.line, exc.reason)]
    return rows, problems
