"""Apply Alembic migrations programmatically (``pickpack init``), with the scripts shipped inside the package, and
tell every other command whether the database's schema is the one this code was written for.

Why every command checks: a database left behind by an older pickpack lacks columns the code writes (the command
would fail half-way with a SQL error), and one upgraded by a newer pickpack may have constraints or meanings this
code does not know (a write could break them silently). Both are refused before anything happens, with what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_REVISION_LINE = re.compile(r'^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|None)\s*$', re.M)


def alembic_config(url: str | None = None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig  # Alembic loads in 0.15 s: only where a schema changes

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class SchemaMismatch(Exception):
    """The database's schema is not the one this code needs; the message says what to do (exit code 2)."""

    exit_code = 2


SchemaState = Literal["empty", "older", "current", "newer"]


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    current: tuple[str, ...]
    """The revision(s) recorded in ``alembic_version`` (empty for a database pickpack never initialised)."""
    head: str


def current_revision(engine: Engine) -> str | None:
    heads = _recorded_heads(engine)
    return heads[0] if len(heads) == 1 else None


def _recorded_heads(engine: Engine) -> tuple[str, ...]:
    """The revisions in ``alembic_version`` (Alembic's own table), read without importing Alembic: every command
    checks the schema before it runs, and Alembic's import cost more than the command itself."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return ()
        return tuple(str(rev) for rev in conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


@cache
def _known_revisions() -> tuple[str, frozenset[str]]:
    """(head, every revision this code ships), read from the migration files' ``revision``/``down_revision``
    lines once per process; ``tests/integration/test_schema_version.py`` checks it against Alembic's own reading."""
    revisions: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = dict((key, value or None) for key, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if found.get("revision"):
            revisions[found["revision"]] = found.get("down_revision")
    parents = {down for down in revisions.values() if down}
    heads = [rev for rev in revisions if rev not in parents]
    assert len(heads) == 1, f"migrations must form one line, found heads {heads}"
    return heads[0], frozenset(revisions)


def head_revision() -> str | None:
    return _known_revisions()[0]


def schema_status(engine: Engine) -> SchemaStatus:
    """Compare the database's recorded revision with the migrations this code ships."""
    head, known = _known_revisions()
    current = _recorded_heads(engine)
    if not current:
        state: SchemaState = "empty"
    elif any(rev not in known for rev in current) or len(current) > 1:
        state = "newer"  # a revision this code has never seen: written by a later release (or a branch of one)
    elif current == (head,):
        state = "current"
    else:
        state = "older"
    return SchemaStatus(state, current, head)


def check_schema(engine: Engine, *, upgrading: bool = False) -> SchemaStatus:
    """Raise ``SchemaMismatch`` unless the schema is current; ``upgrading`` (``pickpack init``) accepts an empty or
    older database, which it is about to migrate, but never a newer one."""
    status = schema_status(engine)
    where = describe(engine)
    if status.state == "newer":
        raise SchemaMismatch(
            f"the database {where} was upgraded by a newer pickpack (schema {', '.join(status.current)} is unknown "
            f"to this version, which knows up to {status.head}): use that newer pickpack; this one refuses to "
            "change the database"
        )
    if upgrading or status.state == "current":
        return status
    if status.state == "empty":
        raise SchemaMismatch(f"the database {where} has no pickpack tables yet: run `pickpack init` to create them")
    raise SchemaMismatch(
        f"this database ({where}) is from an older pickpack (schema {status.current[0]}, this version needs "
        f"{status.head}): run `pickpack init` to upgrade it"
    )


def describe(engine: Engine) -> str:
    """The database's URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to ``revision``; returns (before, after). Idempotent: at head it does nothing.

    A database upgraded by a newer pickpack is refused (``SchemaMismatch``) before Alembic runs: Alembic itself
    would stop with "Can't locate revision", a traceback rather than an answer."""
    check_schema(engine, upgrading=True)
    from alembic import command

    before = current_revision(engine)
    cfg = alembic_config()
    with engine.connect() as conn:
        # SQLite rebuilds a table to change its constraints (batch mode): dropping the old copy must not cascade
        # into or trip over the rows that reference it, so foreign keys are off for the migration (the pragma only
        # works outside a transaction) and checked as a whole before the transaction commits.
        raw = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if raw is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left {len(broken)} broken foreign key(s): {broken[:5]}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
    return before, current_revision(engine)


def check_usable_schema(engine: Engine, *, upgrading: bool = False, path: Path | None = None) -> SchemaStatus:
    """``check_schema``, with a database that cannot even be read reported as a wrong setting (see below)."""
    try:
        return check_schema(engine, upgrading=upgrading)
    except DBAPIError as exc:
        raise _unusable_database(exc, path) from None


def _unusable_database(exc: DBAPIError, path: Path | None) -> Exception:
    """A database that cannot even be read is a wrong setting (exit 2), not a failed operation: a file that is
    not SQLite, a PostgreSQL database that does not exist, a role that may not connect. A server that is down
    stays a failed operation (exit 1): the same command works once it is back."""
    text = str(exc.orig)
    if path is not None and ("file is not a database" in text or "file is encrypted" in text):
        return SchemaMismatch(f"{path} is not a pickpack database (not a SQLite file): check --db/database.url")
    if "does not exist" in text or "authentication failed" in text or "permission denied" in text.lower():
        return SchemaMismatch(f"cannot use this database: {' '.join(text.split())}: check --db/database.url")
    return exc
