"""Parse the catalog CSV files (products, stock) into checked rows, reporting every bad row as ``file:line``.

Only what can be judged from the file itself is checked here (types, ranges, GTIN check digits, duplicates,
dates); whether a SKU or location exists is the import service's business because it needs the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.domain.errors import InvalidGtin, InvalidLocationCode
from app.domain.gtin import validate_gtin
from app.domain.layout import LocationCode, is_reserve_code

PRODUCT_COLUMNS = (
    "sku", "name", "gtin", "case_gtin", "case_qty", "weight_kg", "length_cm", "width_cm", "height_cm",
    "hs_code", "origin_country", "unit_value", "currency", "track_lot", "track_expiry",
)  # fmt: skip
OPTIONAL_PRODUCT_COLUMNS = ("track_serial",)
STOCK_COLUMNS = ("location", "sku", "qty")
OPTIONAL_STOCK_COLUMNS = ("lot", "expiry")


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


def _read_rows(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for a CSV file; raises RowError for a bad header (reported as line 1)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RowError("file not found") from None
    except UnicodeDecodeError as exc:
        raise RowError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise RowError(f"line 1: missing column(s) {', '.join(missing)}")
    unknown = [c for c in header if c not in required and c not in optional]
    if unknown:
        raise RowError(f"line 1: unknown column(s) {', '.join(unknown)}")
    for row in reader:
        # reader.line_num is the physical line where the row ended (1-based, header is line 1).
        if None in row:
            yield reader.line_num, {"__extra__": "x"}
            continue
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}


def _decimal(row: dict[str, str], column: str, *, required: bool = True, minimum: Decimal | None = None) -> Decimal:
    raw = row.get(column, "")
    if raw == "":
        if required:
            raise RowError(f"{column}: missing")
        return Decimal("0")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowError(f"{column}: not a number: {raw!r}") from None
    if not value.is_finite():
        raise RowError(f"{column}: not a number: {raw!r}")
    if minimum is not None and value < minimum:
        raise RowError(f"{column}: must not be negative, got {raw}")
    return value


def _integer(row: dict[str, str], column: str, *, minimum: int) -> int:
    raw = row.get(column, "")
    if raw == "":
        raise RowError(f"{column}: missing")
    try:
        value = int(raw)
    except ValueError:
        raise RowError(f"{column}: must be a whole number, got {raw!r}") from None
    if value < minimum:
        word = "negative" if minimum == 0 else f"less than {minimum}"
        raise RowError(f"{column}: must not be {word}, got {raw}")
    return value


def _flag(row: dict[str, str], column: str) -> bool:
    raw = row.get(column, "").lower()
    if raw in ("", "0", "false", "no", "n"):
        return False
    if raw in ("1", "true", "yes", "y"):
        return True
    raise RowError(f"{column}: expected 0/1 or true/false, got {raw!r}")


def _gtin(row: dict[str, str], column: str) -> str | None:
    raw = row.get(column, "")
    if not raw:
        return None
    try:
        return validate_gtin(raw)
    except InvalidGtin as exc:
        raise RowError(f"{column}: {exc}") from None


def _product(line: int, row: dict[str, str]) -> ProductRow:
    if "__extra__" in row:
        raise RowError("more fields than the header has columns")
    sku = row["sku"]
    if not sku:
        raise RowError("sku: missing")
    if len(sku) > 64 or any(c.isspace() for c in sku):
        raise RowError(f"sku: must be up to 64 characters without spaces, got {sku!r}")
    if not row["name"]:
        raise RowError("name: missing")
    gtin = _gtin(row, "gtin")
    case_gtin = _gtin(row, "case_gtin")
    case_qty: int | None = None
    if row.get("case_qty"):
        case_qty = _integer(row, "case_qty", minimum=1)
    if case_gtin and not case_qty:
        raise RowError("case_qty: required when case_gtin is given")
    if case_qty and not case_gtin:
        raise RowError("case_gtin: required when case_qty is given")
    if gtin and case_gtin and gtin.zfill(14) == case_gtin.zfill(14):
        raise RowError("case_gtin: same as the unit gtin")
    country = row["origin_country"].upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise RowError(f"origin_country: expected a two-letter ISO code, got {row['origin_country']!r}")
    currency = row["currency"].upper() or "EUR"
    if len(currency) != 3 or not currency.isalpha():
        raise RowError(f"currency: expected a three-letter ISO code, got {row['currency']!r}")
    hs_code = row["hs_code"]
    if hs_code and (not hs_code.isdigit() or not 6 <= len(hs_code) <= 10):
        raise RowError(f"hs_code: expected 6 to 10 digits, got {hs_code!r}")
    return ProductRow(
        line=line,
        sku=sku,
        name=row["name"],
        gtin=gtin,
        case_gtin=case_gtin,
        case_qty=case_qty,
        weight_kg=_decimal(row, "weight_kg", minimum=Decimal(0)),
        length_cm=_decimal(row, "length_cm", minimum=Decimal(0)),
        width_cm=_decimal(row, "width_cm", minimum=Decimal(0)),
        height_cm=_decimal(row, "height_cm", minimum=Decimal(0)),
        hs_code=hs_code,
        origin_country=country,
        unit_value=_decimal(row, "unit_value", required=False, minimum=Decimal(0)),
        currency=currency,
        track_lot=_flag(row, "track_lot"),
        track_expiry=_flag(row, "track_expiry"),
        track_serial=_flag(row, "track_serial"),
    )


def parse_products(path: Path) -> tuple[list[ProductRow], list[ImportProblem]]:
    """All good rows and every problem; duplicate SKUs/GTINs within the file are problems on the later line."""
    source = str(path)
    rows: list[ProductRow] = []
    problems: list[ImportProblem] = []
    seen_sku: dict[str, int] = {}
    seen_gtin: dict[str, tuple[int, str]] = {}
    try:
        for line, raw in _read_rows(path, PRODUCT_COLUMNS, OPTIONAL_PRODUCT_COLUMNS):
            try:
                product = _product(line, raw)
            except RowError as exc:
                problems.append(ImportProblem(source, line, str(exc)))
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
    except RowError as exc:
        return [], [ImportProblem(source, 0, str(exc))]
    return rows, problems


def _stock(line: int, row: dict[str, str]) -> StockRow:
    if "__extra__" in row:
        raise RowError("more fields than the header has columns")
    location = row["location"].upper()
    if not location:
        raise RowError("location: missing")
    if not is_reserve_code(location):
        try:
            location = str(LocationCode.parse(location))
        except InvalidLocationCode as exc:
            raise RowError(f"location: {exc.reason}, got {row['location']!r}") from None
    if not row["sku"]:
        raise RowError("sku: missing")
    qty = _integer(row, "qty", minimum=0)
    expiry: date | None = None
    if row.get("expiry"):
        try:
            expiry = date.fromisoformat(row["expiry"])
        except ValueError:
            raise RowError(f"expiry: not a date (YYYY-MM-DD): {row['expiry']!r}") from None
    return StockRow(line=line, location=location, sku=row["sku"], qty=qty, lot=row.get("lot", ""), expiry=expiry)


def parse_stock(path: Path) -> tuple[list[StockRow], list[ImportProblem]]:
    source = str(path)
    rows: list[StockRow] = []
    problems: list[ImportProblem] = []
    seen: dict[tuple[str, str, str], int] = {}
    try:
        for line, raw in _read_rows(path, STOCK_COLUMNS, OPTIONAL_STOCK_COLUMNS):
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
    except RowError as exc:
        return [], [ImportProblem(source, 0, str(exc))]
    return rows, problems
