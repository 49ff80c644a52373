"""Many rows at once on PostgreSQL: ``UPDATE ... FROM unnest(...)`` by primary key, and ``COPY`` for inserts.

Why: allocation and status changes update thousands of rows at once (stock reserved, lines allocated, orders'
statuses). SQLAlchemy's bulk UPDATE by primary key sends one statement per row; psycopg pipelines them, but on
PostgreSQL each is still a statement the server parses, plans and answers (allocating 5,000 orders spent 2.6 s
of 4.4 s there). One statement per column set, with each column as one array parameter, does the same work in
one round trip, and its text is the same whatever the row count (no compiling of thousands of VALUES tuples).
Inserts of rows whose ids nobody needs back (allocations, events, intake's orders and lines) stream through
``COPY FROM STDIN`` on the session's own connection, inside its transaction. SQLite runs in-process and has no
round trips to save, but SQLAlchemy's ORM bulk forms spent more time in Python than SQLite spent writing
(building, compiling and binding each row: 4.5 of 13 s allocating 5,000 orders under cProfile): there the rows
go to the driver's own ``executemany`` as tuples, each value through its column type's bind step, as an
ORM insert or update would bind it. Neither path touches ORM objects already loaded in the session (on
PostgreSQL it never did): callers pass plain rows and do not read those objects back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Column, ColumnElement, Table, TypeDecorator, any_, bindparam, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import ARRAY

_DIALECT = postgresql.dialect()


def update_by_id(session: Session, model: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Set the given columns of each row (``{"id": ..., "column": value, ...}``, the same keys in every row);
    columns with an ``onupdate`` default (``updated_at``) get it, as the ORM's bulk UPDATE does."""
    if not rows:
        return
    table = model.__table__
    keys = [key for key in rows[0] if key != "id"]
    if session.get_bind().dialect.name != "postgresql":
        _executemany_update(session, table, keys, rows)
        return
    arrays = ", ".join(f"CAST(:{key} AS {_sql_type(table, key)}[])" for key in ["id", *keys])
    assignments = [f'"{key}" = given."{key}"' for key in keys]
    params: dict[str, Any] = {key: [row[key] for row in rows] for key in ["id", *keys]}
    for col in table.columns:
        if col.onupdate is not None and col.name not in rows[0] and getattr(col.onupdate, "is_callable", False):
            params[f"onupdate_{col.name}"] = col.onupdate.arg(None)
            assignments.append(f'"{col.name}" = :onupdate_{col.name}')
    names = ", ".join(f'"{key}"' for key in ["id", *keys])
    statement = (
        f'UPDATE "{table.name}" SET {", ".join(assignments)} '
        f"FROM unnest({arrays}) AS given({names}) "
        f'WHERE "{table.name}".id = given.id'
    )
    session.execute(text(statement), params)


def among(session: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN (values)``; on PostgreSQL ``column = ANY(array)`` with the values as one array parameter.

    Why: SQLAlchemy sends an IN list as one placeholder per value; for the 500-2,000 ids of an intake or
    allocation chunk psycopg re-parsed each such statement (too long for its cache) and the server planned
    thousands of parameters (1.2 s of an 8 s allocation of 5,000 orders). SQLite binds them in C."""
    wanted = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, wanted, type_=ARRAY(column.type)))  # type: ignore[no-any-return]
    return column.in_(wanted)  # type: ignore[no-any-return]


def _sql_type(table: Any, key: str) -> str:
    """The column's PostgreSQL type without length (``VARCHAR(20)`` -> ``VARCHAR``): the array's element type."""
    compiled = table.c[key].type.compile(dialect=_DIALECT)
    return compiled.split("(")[0]


def insert_rows(session: Session, model: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert plain rows: ``COPY`` on PostgreSQL (one stream instead of a statement per row), an executemany
    INSERT elsewhere. For rows whose new ids nobody needs back (allocations, events)."""
    if not rows:
        return
    if takes_copy(session):
        copy_rows(session, model.__table__, rows)
    else:
        executemany_insert(session, model.__table__, rows)


def takes_copy(session: Session) -> bool:
    """Whether this session's database takes ``COPY`` (PostgreSQL through psycopg 3)."""
    return session.get_bind().dialect.name == "postgresql"


def copy_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """``COPY table (columns) FROM STDIN`` of ``rows`` on the session's connection, in its transaction.

    The rows carry what an ``insert()`` would bind: the columns given, plus each Python-side column default for
    the ones left out (as SQLAlchemy fills them), with values converted the way the column types bind them."""
    dialect = session.get_bind().dialect
    columns = _insert_columns(table, rows)
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    raw = session.connection().connection.driver_connection
    assert raw is not None
    statement = f"COPY {table.name} ({names}) FROM STDIN"
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for values in _tuples(rows, columns, [_converter(c, dialect) for c in columns]):
                copy.write_row(values)
    except dialect.loaded_dbapi.Error as exc:  # the same exception classes an INSERT raises (IntegrityError, ...)
        raise DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error) from exc


def executemany_insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """One ``INSERT`` run by the driver's ``executemany`` (SQLite): the same columns and bound values as
    SQLAlchemy's insert of these rows, without its per-row work."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    columns = _insert_columns(table, rows)
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c.name) for c in columns)
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
    session.flush()  # what the ORM's bulk insert did first: pending objects reach the database before these rows
    values = list(_tuples(rows, columns, [_bind(c, dialect) for c in columns]))
    session.connection().exec_driver_sql(statement, values)  # type: ignore[arg-type]


def _executemany_update(session: Session, table: Table, keys: list[str], rows: Sequence[Mapping[str, Any]]) -> None:
    """``UPDATE ... WHERE id = ?`` run by the driver's ``executemany`` (SQLite), with an ``onupdate`` column
    (``updated_at``) set once for all rows, as on PostgreSQL."""
    dialect = session.get_bind().dialect
    quote = dialect.identifier_preparer.quote
    stamped = [
        c
        for c in table.columns
        if c.onupdate is not None and c.key not in keys and getattr(c.onupdate, "is_callable", False)
    ]
    stamp_binds = [_bind(c, dialect) for c in stamped]
    stamps = tuple(
        bind(value) if bind else value
        for value, bind in zip([c.onupdate.arg(None) for c in stamped], stamp_binds, strict=True)  # type: ignore[union-attr]
    )
    assignments = ", ".join(f"{quote(table.c[key].name)} = ?" for key in keys)
    assignments += "".join(f", {quote(c.name)} = ?" for c in stamped)
    statement = f"UPDATE {quote(table.name)} SET {assignments} WHERE id = ?"
    binds = [_bind(table.c[key], dialect) for key in keys]
    values = [
        (
            *(bind(row[key]) if bind else row[key] for key, bind in zip(keys, binds, strict=True)),
            *stamps,
            row["id"],
        )
        for row in rows
    ]
    session.flush()  # as the ORM's bulk update did: pending changes first
    session.connection().exec_driver_sql(statement, values)  # type: ignore[arg-type]


def _insert_columns(table: Table, rows: Sequence[Mapping[str, Any]]) -> list[Column[Any]]:
    """The columns an insert of ``rows`` binds: those given, plus each with a Python-side default."""
    given = set().union(*(row.keys() for row in rows))
    return [c for c in table.columns if c.key in given or (c.default is not None and not c.primary_key)]


def _tuples(rows: Sequence[Mapping[str, Any]], columns: list[Column[Any]], converters: list[Any]) -> Any:
    """Each row as a tuple in ``columns`` order: a missing value is the column's default (called per row, as
    SQLAlchemy does), then converted when the column has a converter."""
    plan = [(c.key, c.default is not None, c, convert) for c, convert in zip(columns, converters, strict=True)]
    for row in rows:
        values = []
        for key, has_default, column, convert in plan:
            value = row[key] if key in row else (_default(column) if has_default else None)
            values.append(value if convert is None else convert(value))
        yield tuple(values)


def _default(column: Column[Any]) -> Any:
    default = column.default
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    return arg(None) if callable(arg) else arg


def _converter(column: Column[Any], dialect: Any) -> Any:
    """Python value -> what COPY writes: JSON as its text, a ``TypeDecorator`` through its own bind step; None
    when psycopg takes the value as it is."""
    type_ = column.type
    if isinstance(type_, TypeDecorator):
        return lambda value: type_.process_bind_param(value, dialect)
    if isinstance(type_, JSON):
        dumps = getattr(dialect, "_json_serializer", None) or json.dumps  # the engine's own, as an INSERT uses
        return lambda value: None if value is None else dumps(value)
    return None


def _bind(column: Column[Any], dialect: Any) -> Any:
    """The column type's bind step on this dialect (what SQLAlchemy applies to a bound value), or None."""
    return column.type.dialect_impl(dialect).bind_processor(dialect)
