"""The import limits are the database's own column sizes: a column changed in ``app/db/models.py`` without
``app/domain/limits.py`` would let SQLite and PostgreSQL disagree again."""

from __future__ import annotations

from sqlalchemy import Integer, Numeric, String

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
