"""Many rows at once on PostgreSQL: ``UPDATE ... FROM unnest(...)`` by primary key, and ``COPY`` for inserts.

Why: allocation and status changes update thousands of rows at once (stock reserved, lines allocated, orders'
statuses). SQLAlchemy's bulk UPDATE by primary key sends one statement per row; psycopg pipelines them, but on
PostgreSQL each is still a statement the server parses, plans and answers (allocating 5,000 orders spent 2.6 s
of 4.4 s there). One statement per column set, with each column as one array parameter, does the same work in
one round trip, and its text is the same whatever the row count (no compiling of thousands of VALUES tuples).
Inserts of rows whose ids nobody needs back (allocations, events, intake's orders and lines) stream through
``COPY FROM STDIN`` on the session's own connection, inside its transaction. SQLite runs in-process and has no
round trips to save: it keeps SQLAlchemy's executemany forms.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Column, Table, TypeDecorator, insert, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

_DIALECT = postgresql.dialect()


def update_by_id(session: Session, model: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Set the given columns of each row (``{"id": ..., "column": value, ...}``, the same keys in every row);
    columns with an ``onupdate`` default (``updated_at``) get it, as the ORM's bulk UPDATE does."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(update(model), [dict(row) for row in rows])
        return
    table = model.__table__
    keys = [key for key in rows[0] if key != "id"]
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
        session.execute(insert(model), [dict(row) for row in rows])


def takes_copy(session: Session) -> bool:
    """Whether this session's database takes ``COPY`` (PostgreSQL through psycopg 3)."""
    return session.get_bind().dialect.name == "postgresql"


def copy_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """``COPY table (columns) FROM STDIN`` of ``rows`` on the session's connection, in its transaction.

    The rows carry what an ``insert()`` would bind: the columns given, plus each Python-side column default for
    the ones left out (as SQLAlchemy fills them), with values converted the way the column types bind them."""
    dialect = session.get_bind().dialect
    given = set().union(*(row.keys() for row in rows))
    columns = [c for c in table.columns if c.key in given or (c.default is not None and not c.primary_key)]
    defaults = {c.key: _default(c) for c in columns if c.key not in given or c.default is not None}
    converters = [_converter(c, dialect) for c in columns]
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    raw = session.connection().connection.driver_connection
    assert raw is not None
    statement = f"COPY {table.name} ({names}) FROM STDIN"
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        convert(row[c.key] if c.key in row else defaults[c.key])
                        for c, convert in zip(columns, converters, strict=True)
                    ]
                )
    except dialect.loaded_dbapi.Error as exc:  # the same exception classes an INSERT raises (IntegrityError, ...)
        raise DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error) from exc


def _default(column: Column[Any]) -> Any:
    default = column.default
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    return arg(None) if callable(arg) else arg


def _converter(column: Column[Any], dialect: Any) -> Any:
    """Python value -> what COPY writes: JSON as its text, a ``TypeDecorator`` through its own bind step."""
    type_ = column.type
    if isinstance(type_, TypeDecorator):
        return lambda value: type_.process_bind_param(value, dialect)
    if isinstance(type_, JSON):
        dumps = getattr(dialect, "_json_serializer", None) or json.dumps  # the engine's own, as an INSERT uses
        return lambda value: None if value is None else dumps(value)
    return lambda value: value
