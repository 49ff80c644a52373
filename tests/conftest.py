"""Shared fixtures: every database test runs on SQLite and, when PICKPACK_TEST_POSTGRES_URL is set, on
PostgreSQL too, each run in its own database that is dropped afterwards."""

from __future__ import annotations

import os
import shutil
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import catalog, setup, users

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "fixtures" / "samples"
LAYOUT_PATH = ROOT / "assets" / "layouts" / "demo.toml"
PG_ENV = "PICKPACK_TEST_POSTGRES_URL"
BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get(PG_ENV) else [])
ACTOR = Actor("system", "test-terminal", 1)
"""The built-in system user, as automation acts (imports, processing passes). ``init`` creates it before anything
else, so it is user 1 in every fresh test database; ``db_url`` checks that, so a change fails loudly here."""


def pytest_report_header(config: pytest.Config) -> str:
    return f"pickpack database backends: {', '.join(BACKENDS)}"


@pytest.fixture(scope="session")
def layout() -> Layout:
    with LAYOUT_PATH.open("rb") as fh:
        return Layout.from_mapping(tomllib.load(fh), str(LAYOUT_PATH))


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} not set")
    return url


def _create_pg_database(admin_url: str) -> str:
    name = f"pickpack_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def make_pg_url(pg_admin_url: str) -> Iterator[callable]:  # type: ignore[valid-type]
    """Create fresh, empty PostgreSQL databases for a test; all are dropped when it ends."""
    created: list[str] = []

    def make() -> str:
        url = _create_pg_database(pg_admin_url)
        created.append(url)
        return url

    yield make
    for url in created:
        _drop_pg_database(pg_admin_url, url)


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str | None]:
    """One migrated PostgreSQL database for the whole run (per xdist worker); tests truncate it."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        yield None
        return
    url = _create_pg_database(admin_url)
    try:
        yield url
    finally:
        _drop_pg_database(admin_url, url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, layout: Layout) -> Path:
    """A migrated SQLite database with the demo layout's locations, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(make_engine(f"sqlite:///{path}"))
    setup.initialise(db, layout, actor=ACTOR)
    _check_system_actor(db)
    db.dispose()  # the last connection to close checkpoints the WAL into the main file
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


def _truncate_all(db: Database) -> None:
    with db.engine.begin() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
            )
        ]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, layout: Layout) -> str:
    """URL of a migrated database holding the demo layout's locations and nothing else."""
    if request.param == "sqlite":
        target = tmp_path / "pickpack.db"
        shutil.copy(sqlite_template, target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("pg_session_url")
    db = Database(make_engine(url))
    try:
        from app.db import migrate

        migrate.upgrade(db.engine)
        _truncate_all(db)
        setup.initialise(db, layout, actor=ACTOR)
        _check_system_actor(db)
    finally:
        db.dispose()
    return url


def _check_system_actor(db: Database) -> None:
    with db.unit_of_work(readonly=True) as uow:
        assert users.system_user_id(uow.session) == ACTOR.user_id, "tests.conftest.ACTOR must be the system user"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(make_engine(db_url))
    yield database
    database.dispose()


@pytest.fixture
def sample_catalog(db: Database) -> Database:
    """The shared samples' 10 products and their stock."""
    report = catalog.import_products(db, SAMPLES / "products.csv", actor=ACTOR)
    assert report.applied, report.problems
    report = catalog.import_stock(db, SAMPLES / "stock.csv", actor=ACTOR)
    assert report.applied, report.problems
    return db
