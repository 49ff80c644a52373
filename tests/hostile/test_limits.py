"""The import limits are the database's own column sizes: a column changed in ``app/db/models.py`` without
``app/domain/limits.py`` would let SQLite and PostgreSQL disagree again."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Float, Integer, Numeric, String

from app.db.models import Event, Location, Order, OrderLine, Product, Stock, StockMove
from app.domain import limits

TABLES = {"order": Order, "line": OrderLine, "product": Product, "stock": Stock, "location": Location}
TABLES |= {"event": Event, "move": StockMove}


def test_text_limits_are_the_column_lengths() -> None:
    for key, limit in limits.TEXT.items():
        table, column = key.split(".")
        column_type = TABLES[table].__table__.c[column].type
        assert isinstance(column_type, String) and column_type.length == limit, key


def test_numeric_limits_are_the_column_precisions() -> None:
    for key, (precision, scale) in limits.NUMERIC.items():
        table, column = key.split(".")
        column_type = TABLES[table].__table__.c[column].type
        assert isinstance(column_type, Numeric) and (column_type.precision, column_type.scale) == (precision, scale)


def test_quantities_are_32_bit_integer_columns() -> None:
    for column in (OrderLine.__table__.c.qty_ordered, Stock.__table__.c.quantity_on_hand, Product.__table__.c.case_qty):
        assert isinstance(column.type, Integer)
    assert limits.MAX_INT == 2**31 - 1


def test_every_imported_numeric_column_has_its_scale_in_the_limits() -> None:
    """A Numeric column added to an imported table without a limit would let PostgreSQL round what SQLite keeps
    (more decimals than the scale): the two databases would disagree and every re-import would "update"."""
    imported = {"order": Order, "line": OrderLine, "product": Product}
    for prefix, model in imported.items():
        for column in model.__table__.c:
            if isinstance(column.type, Numeric) and not isinstance(column.type, Float):  # Float: computed
                key = f"{prefix}.{column.name}"
                assert limits.NUMERIC.get(key) == (column.type.precision, column.type.scale), key


def test_more_decimals_than_the_scale_are_refused_trailing_zeros_are_not() -> None:
    assert limits.numeric_problem(Decimal("5.005"), "product.unit_value") == "at most 2 decimals"
    assert limits.numeric_problem(Decimal("1E-7"), "product.unit_value") == "at most 2 decimals"
    assert limits.numeric_problem(Decimal("0.12345678"), "product.weight_kg") == "at most 3 decimals"
    assert limits.numeric_problem(Decimal("12.500"), "product.unit_value") is None
    assert limits.numeric_problem(Decimal("9999999999.99"), "product.unit_value") is None
    assert limits.numeric_problem(Decimal("9999999999.995"), "product.unit_value") is not None
