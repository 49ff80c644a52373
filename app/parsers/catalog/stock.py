"""The stock CSV: one checked ``StockRow`` per good row (place, SKU, quantity, lot and expiry), and a second row
for the same place, SKU and lot refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from app.domain import limits
from app.domain.errors import InvalidLocationCode
from app.domain.layout import LocationCode, is_reserve_code
from app.parsers.catalog.csv_fields import (
    file_lines,
    integer_field,
    read_rows,
    shown_value,
    text_field,
)
from app.parsers.catalog.rows import (
    OPTIONAL_STOCK_COLUMNS,
    STOCK_COLUMNS,
    FileError,
    ImportProblem,
    RowError,
    StockRow,
)


def _stock(line: int, row: dict[str, str]) -> StockRow:
    if "__extra__" in row:
        raise RowError("more fields than the header has columns")
    location = text_field(row, "location", "location.code").upper()
    if not location:
        raise RowError("location: missing")
    if not is_reserve_code(location):
        try:
            location = str(LocationCode.parse(location))
        except InvalidLocationCode as exc:
            raise RowError(f"location: {exc.reason}, got {shown_value(row['location'])}") from None
    sku = text_field(row, "sku", "product.sku")
    if not sku:
        raise RowError("sku: missing")
    qty = integer_field(row, "qty", minimum=0)
    lot = text_field(row, "lot", "stock.lot")
    raw_expiry = row.get("expiry", "")
    expiry: date | None = None
    if raw_expiry:
        try:
            if not limits.ISO_DATE.fullmatch(raw_expiry):
                raise ValueError(raw_expiry)
            expiry = date.fromisoformat(raw_expiry)
        except ValueError:
            raise RowError(f"expiry: not a date (YYYY-MM-DD): {shown_value(raw_expiry)}") from None
        out_of_range = limits.date_problem(expiry)
        if out_of_range:
            raise RowError(f"expiry: {out_of_range}, got {raw_expiry}")
    return StockRow(line=line, location=location, sku=sku, qty=qty, lot=lot, expiry=expiry)


def parse_stock(path: Path) -> tuple[list[StockRow], list[ImportProblem]]:
    """All good stock rows and every problem; a second row for one place, SKU and lot is a problem."""
    try:
        return parse_stock_text(file_lines(path), str(path))
    except FileError as exc:
        return [], [ImportProblem(str(path), exc.line, exc.reason)]


def parse_stock_text(text: str | Iterable[str], source: str) -> tuple[list[StockRow], list[ImportProblem]]:
    """``parse_stock`` for CSV text in memory or its lines; ``source`` names it in messages."""
    rows: list[StockRow] = []
    problems: list[ImportProblem] = []
    seen: dict[tuple[str, str, str], int] = {}
    try:
        for line, raw in read_rows(text, STOCK_COLUMNS, OPTIONAL_STOCK_COLUMNS):
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
