"""The products CSV: one checked ``ProductRow`` per good row, every wrong field of a bad row, duplicates within
the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from app.domain import limits
from app.parsers.catalog.csv_fields import (
    RowFields,
    decimal_field,
    file_lines,
    flag_field,
    gtin_field,
    integer_field,
    read_rows,
    shown_value,
    text_field,
)
from app.parsers.catalog.rows import (
    OPTIONAL_PRODUCT_COLUMNS,
    PRODUCT_COLUMNS,
    FileError,
    ImportProblem,
    ProductRow,
    RowError,
    RowErrors,
)
from app.parsers.countries import is_country_code


def _sku(row: dict[str, str]) -> str:
    sku = row["sku"]
    if not sku:
        raise RowError("sku: missing")
    bad = limits.bad_character(sku) or limits.identifier_problem(sku)
    if bad:
        raise RowError(f"sku: {bad}")
    if len(sku) > limits.TEXT["product.sku"] or any(c.isspace() for c in sku):
        raise RowError(
            f"sku: must be up to {limits.TEXT['product.sku']} characters without spaces, got {shown_value(sku)}"
        )
    return sku


def _name(row: dict[str, str]) -> str:
    name = text_field(row, "name", "product.name")
    if limits.is_blank(name):
        raise RowError("name: missing")
    return name


def _country(row: dict[str, str]) -> str:
    country = row["origin_country"].upper()
    if country and not is_country_code(country):
        raise RowError(f"origin_country: expected a two-letter ISO code, got {shown_value(row['origin_country'])}")
    return country


def _currency(row: dict[str, str]) -> str:
    currency = row["currency"].upper() or "EUR"
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        raise RowError(f"currency: expected a three-letter ISO code, got {shown_value(row['currency'])}")
    return currency


def _hs_code(row: dict[str, str]) -> str:
    hs_code = row["hs_code"]
    if hs_code and (not limits.ASCII_INTEGER.fullmatch(hs_code) or not 6 <= len(hs_code) <= 10):
        raise RowError(f"hs_code: expected 6 to 10 digits, got {shown_value(hs_code)}")
    return hs_code


def _product(line: int, row: dict[str, str]) -> ProductRow:
    """The row as a product, or ``RowErrors`` naming every wrong field (not just the first column's)."""
    if "__extra__" in row:
        raise RowErrors(["more fields than the header has columns"])
    f = RowFields()
    zero = Decimal(0)
    sku = f.get(lambda: _sku(row), "")
    name = f.get(lambda: _name(row), "")
    gtin = f.get(lambda: gtin_field(row, "gtin"), None)
    case_gtin = f.get(lambda: gtin_field(row, "case_gtin"), None)
    case_qty = f.get(lambda: integer_field(row, "case_qty", minimum=1) if row.get("case_qty") else None, None)
    if not f.reasons:  # the pair rules only make sense once both values could be read
        if case_gtin and not case_qty:
            f.reasons.append("case_qty: required when case_gtin is given")
        if case_qty and not case_gtin:
            f.reasons.append("case_gtin: required when case_qty is given")
        if gtin and case_gtin and gtin.zfill(14) == case_gtin.zfill(14):
            f.reasons.append("case_gtin: same as the unit gtin")

    def size(column: str) -> Decimal:
        return f.get(lambda: decimal_field(row, column, minimum=zero, key=f"product.{column}"), zero)

    weight_kg, length_cm, width_cm, height_cm = (size(c) for c in ("weight_kg", "length_cm", "width_cm", "height_cm"))
    hs_code = f.get(lambda: _hs_code(row), "")
    country = f.get(lambda: _country(row), "")
    unit_value = f.get(
        lambda: decimal_field(row, "unit_value", required=False, minimum=zero, key="product.unit_value"), zero
    )
    currency = f.get(lambda: _currency(row), "EUR")
    track_lot, track_expiry, track_serial = (
        f.get(lambda c=c: flag_field(row, c), False) for c in ("track_lot", "track_expiry", "track_serial")
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
        return parse_products_text(file_lines(path), str(path))
    except FileError as exc:
        return [], [ImportProblem(str(path), exc.line, exc.reason)]


def parse_products_text(text: str | Iterable[str], source: str) -> tuple[list[ProductRow], list[ImportProblem]]:
    """``parse_products`` for CSV text in memory or its lines; ``source`` names it in messages."""
    rows: list[ProductRow] = []
    problems: list[ImportProblem] = []
    seen_sku: dict[str, int] = {}
    seen_gtin: dict[str, tuple[int, str]] = {}
    try:
        for line, raw in read_rows(text, PRODUCT_COLUMNS, OPTIONAL_PRODUCT_COLUMNS):
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
