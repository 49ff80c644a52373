"""Put a PostgreSQL test database back into a recorded state in milliseconds instead of seconds.

Why: every database test needs a database holding exactly a known state (the demo layout's locations; or the
demo's catalog, users and shift). Creating a database per test is cheap, but dropping it forces a checkpoint
(seconds on a busy machine); migrating, truncating and inserting 2,400 locations again costs about a second.
Instead each test process keeps one database of its own, and before each test :func:`restore` compares every
table with the recorded :class:`Snapshot` (row count and a checksum of the rows' text) and rewrites only the
tables that differ (plus the tables whose rows point at them), then resets every sequence. The outcome is the
same rows, ids and sequence positions a freshly built database would have. The schema itself is compared too
(columns, constraints, indexes): a test that changed it makes :func:`restore` answer False, and the caller
builds a new database instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

SCHEMA_FINGERPRINT = """
SELECT md5(coalesce(string_agg(item, E'\\n' ORDER BY item), '')) FROM (
    SELECT format('col %s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_get_expr(d.adbin, d.adrelid)) AS item
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT format('con %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL
    SELECT format('idx %s %s', indexname, indexdef) FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL
    SELECT format('seq %s', sequencename) FROM pg_sequences WHERE schemaname = 'public'
    UNION ALL
    SELECT format('trg %s %s', tgname, pg_get_triggerdef(t.oid)) FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
) AS parts
"""

TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"

FOREIGN_KEYS = """
SELECT DISTINCT src.relname, dst.relname FROM pg_constraint f
JOIN pg_class src ON src.oid = f.conrelid JOIN pg_class dst ON dst.oid = f.confrelid
WHERE f.contype = 'f' AND f.connamespace = 'public'::regnamespace
"""

SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename"


def conninfo(url: str) -> str:
    """A libpq URL for psycopg from a SQLAlchemy one (``postgresql+psycopg://`` -> ``postgresql://``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass(frozen=True)
class Snapshot:
    """A database's rows (COPY text per table), their fingerprints, sequence positions and schema fingerprint."""

    schema: str
    rows: dict[str, bytes]
    fingerprints: dict[str, tuple[int, str]]
    sequences: dict[str, int | None]
    references: dict[str, set[str]] = field(default_factory=dict)
    """For each table, the tables with a foreign key pointing at it."""


def _fingerprints(cur: psycopg.Cursor, tables: list[str]) -> dict[str, tuple[int, str]]:
    """Row count and an md5 of the rows' text (sorted) for every table, in one statement."""
    if not tables:
        return {}
    parts = [
        sql.SQL(
            "SELECT {name}, count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {table} t"
        ).format(name=sql.Literal(table), table=sql.Identifier(table))
        for table in tables
    ]
    cur.execute(sql.SQL(" UNION ALL ").join(parts))
    return {name: (int(count), digest) for name, count, digest in cur.fetchall()}


def _copy_out(cur: psycopg.Cursor, table: str) -> bytes:
    out = bytearray()
    with cur.copy(sql.SQL("COPY {} TO STDOUT").format(sql.Identifier(table))) as copy:
        for chunk in copy:
            out += chunk
    return bytes(out)


def take(url: str) -> Snapshot:
    """Record the database's current rows and schema."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn, conn.cursor() as cur:
        schema = str(cur.execute(SCHEMA_FINGERPRINT).fetchone()[0])  # type: ignore[index]
        tables = [r[0] for r in cur.execute(TABLES).fetchall()]
        references: dict[str, set[str]] = {t: set() for t in tables}
        for src, dst in cur.execute(FOREIGN_KEYS).fetchall():
            if src != dst:
                references.setdefault(dst, set()).add(src)
        sequences = {name: value for name, value in cur.execute(SEQUENCES).fetchall()}
        rows = {table: _copy_out(cur, table) for table in tables}
        fingerprints = _fingerprints(cur, tables)
    return Snapshot(schema, rows, fingerprints, sequences, references)


def _closure(changed: set[str], references: dict[str, set[str]]) -> list[str]:
    """The changed tables and every table referencing them (transitively), children before parents."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(table: str) -> None:
        if table in seen:
            return
        seen.add(table)
        for child in sorted(references.get(table, ())):
            visit(child)
        order.append(table)  # after every table that points at it

    for table in sorted(changed):
        visit(table)
    return order


def matches(url: str, snapshot: Snapshot) -> bool:
    """Whether the database holds exactly the snapshot's rows and sequence positions (schema included)."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn, conn.cursor() as cur:
        if cur.execute(SCHEMA_FINGERPRINT).fetchone()[0] != snapshot.schema:  # type: ignore[index]
            return False
        tables = [r[0] for r in cur.execute(TABLES).fetchall()]
        if set(tables) != set(snapshot.rows):
            return False
        sequences = {name: value for name, value in cur.execute(SEQUENCES).fetchall()}
        return sequences == snapshot.sequences and _fingerprints(cur, tables) == snapshot.fingerprints


def restore(url: str, snapshot: Snapshot) -> bool:
    """Make the database hold exactly the snapshot's rows and sequence positions; False (nothing done) when its
    schema is not the snapshot's. Other sessions on the database (a test's leftover connections) are ended
    first, as dropping the database would."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        if cur.execute(SCHEMA_FINGERPRINT).fetchone()[0] != snapshot.schema:  # type: ignore[index]
            return False
        tables = [r[0] for r in cur.execute(TABLES).fetchall()]
        if set(tables) != set(snapshot.rows):
            return False
        now = _fingerprints(cur, tables)
        changed = {t for t in tables if now[t] != snapshot.fingerprints[t]}
        superuser = bool(cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0])  # type: ignore[index]
        # Without triggers (superuser) a table's rows can be swapped alone: the restored rows are exactly the
        # recorded ones, so what points at them is right again. TRUNCATE must take every referencing table along.
        order = sorted(changed) if superuser else _closure(changed, snapshot.references)
        with conn.transaction():
            if superuser:  # DELETE is far cheaper than TRUNCATE for a few rows; no trigger (append-only) or check
                cur.execute("SET LOCAL session_replication_role = replica")
                for table in order:
                    cur.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            elif order:
                cur.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, order))))
            for table in reversed(order):  # parents first
                if snapshot.rows[table]:
                    with cur.copy(sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))) as copy:
                        copy.write(snapshot.rows[table])
            if snapshot.sequences:
                calls = [
                    sql.SQL("setval({}, {}, {})").format(
                        sql.Literal(f'public."{name}"'),
                        sql.Literal(1 if value is None else value),
                        sql.Literal(value is not None),
                    )
                    for name, value in snapshot.sequences.items()
                ]
                cur.execute(sql.SQL("SELECT ") + sql.SQL(", ").join(calls))
    return True
