"""Shared fixtures: every database test runs on SQLite and, when PICKPACK_TEST_POSTGRES_URL is set, on
PostgreSQL too. Each test gets a database of its own holding a known start state, built once per test process
and then copied (SQLite) or restored (PostgreSQL: the process's own database, put back before each test); see
``tests/support/databases.py``. Every PostgreSQL database the run creates is dropped at its end."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import catalog, setup, users
from tests.support import databases

T = TypeVar("T")
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run first, in their collected order; the rest follow in theirs.

    Why: with ``-n 2`` a 30-second test that a worker starts near the end is 30 seconds of the other worker idling
    at the end of the run. xdist's ``worksteal`` hands each worker a contiguous part of this order and lets an idle
    worker take from the end of another's part, so the long tests start early and the short ones fill the gaps.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


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
    return databases.create_pg_database(admin_url)


def _drop_pg_database(admin_url: str, url: str) -> None:
    databases.drop_pg_database(admin_url, url)


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory, layout: Layout) -> Iterator[databases.Prepared]:
    """This test process's prepared databases (``tests.support.databases``): each start state is built once,
    then copied (SQLite) or restored (PostgreSQL) for every test; the PostgreSQL ones are dropped at the end."""

    def base(url: str) -> None:
        db = Database(make_engine(url))
        try:
            setup.initialise(db, layout, actor=ACTOR)
            _check_system_actor(db)
        finally:
            db.dispose()

    found = databases.Prepared(tmp_path_factory.mktemp("prepared"), base, os.environ.get(PG_ENV))
    yield found
    problems = found.close()
    assert not problems, f"test databases left behind: {problems}"


@pytest.fixture
def make_pg_url(pg_admin_url: str, prepared: databases.Prepared) -> Iterator[callable]:  # type: ignore[valid-type]
    """Create fresh, empty PostgreSQL databases for a test; all are dropped after it (in the background)."""
    created: list[str] = []

    def make() -> str:
        url = databases.create_pg_database(pg_admin_url)
        created.append(url)
        return url

    yield make
    assert prepared.dropper is not None
    for url in created:
        prepared.dropper.drop(url)


@pytest.fixture(scope="session")
def sqlite_template(prepared: databases.Prepared) -> Path:
    """A migrated SQLite database with the demo layout's locations, copied for each test."""
    return prepared.sqlite_file()


def prepared_url(
    request: pytest.FixtureRequest, backend: str, recipe: str = databases.BASE, build: databases.Build | None = None
) -> str:
    """A database of ``backend`` holding ``recipe``'s state (built on first use), the test's own."""
    prepared: databases.Prepared = request.getfixturevalue("prepared")
    if backend == "sqlite":
        tmp_path: Path = request.getfixturevalue("tmp_path")
        return prepared.sqlite_url(tmp_path / f"{recipe}.db", recipe, build)
    return prepared.pg_url_for(recipe, build)


def backend_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """URL of a migrated database holding the demo layout's locations and nothing else."""
    return prepared_url(request, request.param)


def write_config(folder: Path) -> Path:
    """The repository's config with the data folder (print spool, error log) in ``folder`` and absolute asset
    paths, so commands run from anywhere."""
    text = (ROOT / "config.toml").read_text()
    text = text.replace('data_dir = "data"', f'data_dir = "{folder / "data"}"')
    for rel in ("assets/layouts/demo.toml", "assets/rates/demo-parcel.toml", "assets/boxes.toml"):
        text = text.replace(f'"{rel}"', f'"{ROOT / rel}"')
    path = folder / "config.toml"
    path.write_text(text)
    return path


def _seed_demo(url: str) -> None:
    """`pickpack demo --seed-only` as a user runs it, on a database holding the base state: the command line in
    this process (the same code, without a second interpreter starting and importing the app; and it counts
    towards coverage), with no PICKPACK_* variable of the test run and the repository as working folder."""
    from app.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    with tempfile.TemporaryDirectory(prefix="pickpack-demo-") as folder:
        config = write_config(Path(folder))
        for name in [k for k in os.environ if k.startswith("PICKPACK_")]:
            del os.environ[name]
        os.chdir(ROOT)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["--config", str(config), "--db", url, "demo", "--seed-only"])
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            os.chdir(saved_cwd)
    assert code == 0, err.getvalue()
    databases.OUTPUTS[("demo", backend_of(url))] = err.getvalue()


def demo_output(backend: str) -> str:
    """The output of the `demo --seed-only` run that built the demo state this process hands out."""
    return databases.OUTPUTS[("demo", backend)]


def demo_database(request: pytest.FixtureRequest, backend: str) -> str:
    """A database of the test's own holding what `pickpack demo --seed-only` leaves on a fresh database (the
    catalog, stock, users, orders, batches and a worked part of a shift); the seed runs once per process."""
    return prepared_url(request, backend, "demo", _seed_demo)


@pytest.fixture
def demo_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """``demo_database`` on each backend."""
    return demo_database(request, backend_of(db_url))


def _check_system_actor(db: Database) -> None:
    with db.unit_of_work(readonly=True) as uow:
        assert users.system_user_id(uow.session) == ACTOR.user_id, "tests.conftest.ACTOR must be the system user"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(make_engine(db_url))
    yield database
    database.dispose()


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def cached_step(request: pytest.FixtureRequest, db: Database, name: str, build: Callable[[], T]) -> T:
    """Run a fixture's writes (``build``) on the test's database, or load their recorded outcome when the
    database holds a state they already ran on (``tests.support.databases.Prepared.step``)."""
    prepared: databases.Prepared = request.getfixturevalue("prepared")
    return prepared.step(url_of(db), name, build, db.dispose)


@pytest.fixture
def sample_catalog(request: pytest.FixtureRequest, db: Database) -> Database:
    """The shared samples' 10 products and their stock."""

    def build() -> None:
        report = catalog.import_products(db, SAMPLES / "products.csv", actor=ACTOR)
        assert report.applied, report.problems
        report = catalog.import_stock(db, SAMPLES / "stock.csv", actor=ACTOR)
        assert report.applied, report.problems

    cached_step(request, db, "sample-catalog", build)
    return db


@pytest.fixture(autouse=True)
def _no_reserved_serials() -> Iterator[None]:
    """Serial-number blocks reserved by this process (``app.db.counters``) belong to the database they came from;
    a test's database is reset between tests under the same URL, so the blocks go with it."""
    from app.db import counters

    counters.forget_reserved()
    yield
    counters.forget_reserved()
