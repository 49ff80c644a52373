"""Prepared test databases: each state a test starts from is built once per test process, then handed out cheaply.

Why: building the start state is the slow part of a database test (migrations, 2,400 locations, a seeded demo
shift: from half a second to ten seconds), while the state itself is always the same. So each named state
("recipe") is built once per test process and backend:

- SQLite: the built file is copied for each test (a file copy, milliseconds).
- PostgreSQL: each test process keeps one database of its own; before each test it is put back into the
  recipe's recorded rows (:mod:`tests.support.pgsnapshot`), which rewrites only what the previous test changed.

Every database this creates is named ``pickpack_test_*`` and dropped when the run ends (in a background thread,
as a drop waits for a checkpoint that can take seconds).
"""

from __future__ import annotations

import copy
import queue
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import pgsnapshot

T = TypeVar("T")
Build = Callable[[str], None]
"""Brings a database holding the base state (at ``url``) to a recipe's state; must close its connections."""

BASE = "base"

OUTPUTS: dict[tuple[str, str], str] = {}
"""What a recipe's build printed, by (recipe, backend), for tests about the build itself. Kept here, not in
``tests/conftest.py``: pytest loads that file as ``conftest`` while tests import it as ``tests.conftest``, two
copies of its globals."""


def create_pg_database(admin_url: str) -> str:
    """A new, empty database named ``pickpack_test_*``; its URL."""
    name = f"pickpack_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


class Dropper:
    """Drops PostgreSQL databases in a background thread; :meth:`close` waits until every one is gone."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.pending: queue.Queue[str | None] = queue.Queue()
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self._run, name="drop-test-databases", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (url := self.pending.get()) is not None:
            try:
                drop_pg_database(self.admin_url, url)
            except Exception as exc:  # reported by close(): a leftover database must not pass silently
                self.errors.append(f"{make_url(url).database}: {exc}")

    def drop(self, url: str) -> None:
        self.pending.put(url)

    def close(self) -> list[str]:
        self.pending.put(None)
        self.thread.join()
        return self.errors


def key(url: str) -> str:
    """One spelling per database URL (as an engine renders it), for looking databases up."""
    return make_url(url).render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(parsed.database or "") if parsed.get_backend_name() == "sqlite" else None


def backend(url: str) -> str:
    return "sqlite" if sqlite_path(url) is not None else "postgres"


def _file_state(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def checkpoint_sqlite(path: Path) -> None:
    """Fold the write-ahead log into the file, so copying the file alone copies the whole database."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, f"{wal} still holds pages"


class Prepared:
    """The recipes' built states for one test process: SQLite files and PostgreSQL snapshots, built on first use.

    ``base`` builds the base state into an empty database (migrations, the demo layout's locations); every other
    recipe starts from the base state.
    """

    def __init__(self, folder: Path, base: Build, admin_url: str | None) -> None:
        self.folder = folder
        self.base = base
        self.admin_url = admin_url
        self.files: dict[str, Path] = {}
        self.snapshots: dict[str, pgsnapshot.Snapshot] = {}
        self.pg_url: str | None = None
        self.dropper = Dropper(admin_url) if admin_url else None
        self.handed: dict[str, tuple[str, object]] = {}
        """What each handed-out database held then: its recipe and, for SQLite, the file's size and time."""
        self.values: dict[tuple[str, str], object] = {}

    # --- SQLite ---------------------------------------------------------------------------------------------

    def sqlite_file(self, recipe: str = BASE, build: Build | None = None) -> Path:
        """The built file of ``recipe`` (copy it; never write to it)."""
        if recipe not in self.files:
            path = self.folder / f"{recipe}.db"
            if recipe == BASE:
                self.base(f"sqlite:///{path}")
            else:
                assert build is not None, f"recipe {recipe!r} is not built yet and has no builder"
                shutil.copy(self.sqlite_file(), path)
                build(f"sqlite:///{path}")
            checkpoint_sqlite(path)
            self.files[recipe] = path
        return self.files[recipe]

    def sqlite_url(self, target: Path, recipe: str = BASE, build: Build | None = None) -> str:
        shutil.copy(self.sqlite_file(recipe, build), target)
        url = f"sqlite:///{target}"
        self.handed[key(url)] = (recipe, _file_state(target))
        return url

    # --- PostgreSQL -----------------------------------------------------------------------------------------

    def _new_pg_database(self) -> str:
        assert self.admin_url is not None and self.dropper is not None
        if self.pg_url is not None:
            self.dropper.drop(self.pg_url)
        self.pg_url = create_pg_database(self.admin_url)
        if BASE not in self.snapshots:
            self.base(self.pg_url)
            self.snapshots[BASE] = pgsnapshot.take(self.pg_url)
        else:  # a test changed the schema: a new database, brought to the same schema and base rows
            self.base(self.pg_url)
            assert pgsnapshot.restore(self.pg_url, self.snapshots[BASE]), "a rebuilt database has another schema"
        return self.pg_url

    def _restore(self, recipe: str) -> str:
        url = self.pg_url or self._new_pg_database()
        if not pgsnapshot.restore(url, self.snapshots[recipe]):
            url = self._new_pg_database()
            assert pgsnapshot.restore(url, self.snapshots[recipe])
        return url

    def pg_url_for(self, recipe: str = BASE, build: Build | None = None) -> str:
        """This process's PostgreSQL database, holding exactly ``recipe``'s rows."""
        if self.admin_url is None:
            raise RuntimeError("no PostgreSQL server for the tests")
        if recipe not in self.snapshots:
            url = self._restore(BASE) if self.snapshots else self._new_pg_database()
            if recipe != BASE:
                assert build is not None, f"recipe {recipe!r} is not built yet and has no builder"
                build(url)
                self.snapshots[recipe] = pgsnapshot.take(url)
        else:
            url = self._restore(recipe)
        self.handed[key(url)] = (recipe, None)
        return url

    # --- steps on a test's database -----------------------------------------------------------------------

    def _untouched(self, url: str) -> str | None:
        """The recipe a handed-out database still holds exactly (None when it was written to since)."""
        recipe, state = self.handed.get(key(url), (None, None))
        if recipe is None:
            return None
        path = sqlite_path(url)
        if path is not None:
            wal = Path(f"{path}-wal")
            clean = _file_state(path) == state and (not wal.exists() or wal.stat().st_size == 0)
        else:
            clean = pgsnapshot.matches(url, self.snapshots[recipe])
        return recipe if clean else None

    def step(self, url: str, name: str, build: Callable[[], T], dispose: Callable[[], None]) -> T:
        """Run ``build`` (a fixture's writes on the test's database at ``url``), or load its recorded outcome.

        When the database still holds exactly a recipe's state, the outcome of ``build`` on that state is
        recorded the first time (as the recipe ``<recipe>/<name>``, with the value ``build`` returned) and
        loaded the next times; ``dispose`` must close every connection to the database first. When the test
        (or another fixture) already wrote to it, ``build`` simply runs. The value is handed out as a copy.
        """
        url = key(url)
        parent = self._untouched(url)
        if parent is None:
            self.handed.pop(url, None)
            return build()
        recipe = f"{parent}/{name}"
        path = sqlite_path(url)
        built = (recipe in self.files) if path is not None else (recipe in self.snapshots)
        if built:
            dispose()
            if path is not None:
                for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                    extra.unlink(missing_ok=True)
                fresh = path.with_name(path.name + ".loading")
                shutil.copy(self.files[recipe], fresh)
                fresh.replace(path)  # a new file: a connection still open elsewhere keeps the old one
                self.handed[url] = (recipe, _file_state(path))
            else:
                assert pgsnapshot.restore(url, self.snapshots[recipe])
                self.handed[url] = (recipe, None)
            return copy.deepcopy(self.values[(recipe, backend(url))])  # type: ignore[no-any-return]
        value = build()
        dispose()
        if path is not None:
            checkpoint_sqlite(path)
            self.files[recipe] = self.folder / f"step-{len(self.files)}.db"
            shutil.copy(path, self.files[recipe])
            self.handed[url] = (recipe, _file_state(path))
        else:
            self.snapshots[recipe] = pgsnapshot.take(url)
            self.handed[url] = (recipe, None)
        self.values[(recipe, backend(url))] = copy.deepcopy(value)
        return value

    def close(self) -> list[str]:
        """Drop this process's databases; the problems met (empty when all went well)."""
        if self.dropper is None:
            return []
        if self.pg_url is not None:
            self.dropper.drop(self.pg_url)
            self.pg_url = None
        return self.dropper.close()
