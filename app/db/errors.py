"""The database layer's failures under names the layers above use, so that only ``app/db`` imports SQLAlchemy.

Why: the terminal and the command line must tell "the database is busy or down" (try again; nothing was recorded)
from "the database refused a value" (a bug or bad data) and from "this database has another schema" (a setting).
They reach these classes through ``app.services.runtime``; the classes are SQLAlchemy's own, so an error raised
anywhere below is caught exactly, with nothing translated.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from app.db.migrate import SchemaMismatch

DatabaseUnavailable = OperationalError
"""Busy after every retry (SQLite locked, PostgreSQL serialization failure) or unreachable (server down)."""
ConnectionFailed = DBAPIError
"""Any error the database driver raised (a refused connection, a missing database, a wrong password...)."""
DatabaseRefused = SQLAlchemyError
"""Any database failure, e.g. a value a constraint refused; the unit of work rolled back."""

__all__ = ["ConnectionFailed", "DatabaseRefused", "DatabaseUnavailable", "SchemaMismatch", "driver_message"]


def driver_message(error: BaseException) -> str:
    """What the database driver said (``exc.orig``), else the error itself, as one string."""
    return str(getattr(error, "orig", None) or error)
