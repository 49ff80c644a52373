"""Every command checks the database's schema before doing anything: an older database says "run `pickpack init`"
(which upgrades it), a newer one (upgraded by a later pickpack) is refused by every command, `init` included,
and nothing is written to it. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.cli import main
from app.db import migrate
from app.db.engine import make_engine
from app.db.models import Event, Location
from app.db.unit_of_work import Database
from tests.conftest import BACKENDS, ROOT

CONFIG = str(ROOT / "config.toml")


def run(url: str, *args: str) -> int:
    return main(["--config", CONFIG, "--db", url, *args])


def events(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Event)) or 0)
    finally:
        engine.dispose()


@pytest.fixture
def stamped(db_url: str) -> Iterator[Callable[[str], None]]:
    """Overwrite the recorded schema revision of the test database; the real one is put back afterwards (the
    PostgreSQL database is shared by the whole run)."""
    engine = make_engine(db_url)

    def stamp(revision: str) -> None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})

    yield stamp
    stamp(migrate.head_revision() or "")
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with nothing in it (no file yet on SQLite)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    return request.getfixturevalue("make_pg_url")()


def test_a_newer_database_is_refused_by_every_command_and_left_unchanged(
    db_url: str, stamped: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    stamped("0099_from_the_future")
    before = events(db_url)
    for command in (["process"], ["init"], ["orders", "list", "--json"], ["audit"], ["terminal"]):
        code = run(db_url, *command)
        captured = capsys.readouterr()
        assert code == 2, (command, captured.err)
        assert "upgraded by a newer pickpack" in captured.err, command
        assert "0099_from_the_future" in captured.err and "refuses to change" in captured.err
        assert "Traceback" not in captured.err and captured.out == ""
    assert events(db_url) == before  # init did not migrate, process did not allocate: nothing was written
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0099_from_the_future"
    engine.dispose()


def test_an_older_database_says_run_init(
    db_url: str, stamped: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    stamped("0006")
    before = events(db_url)
    for command in (["process"], ["orders", "list"], ["users", "list"], ["terminal"]):
        assert run(db_url, *command) == 2, command
        err = capsys.readouterr().err
        assert "this database" in err and "is from an older pickpack" in err
        assert "run `pickpack init` to upgrade it" in err
        assert "schema 0006, this version needs" in err
    assert events(db_url) == before


def test_init_upgrades_a_really_older_database(fresh_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine = make_engine(fresh_url)
    migrate.upgrade(engine, "0006")
    engine.dispose()
    assert run(fresh_url, "orders", "list") == 2
    assert "run `pickpack init` to upgrade it" in capsys.readouterr().err
    assert run(fresh_url, "init") == 0
    assert f"schema 0006 -> {migrate.head_revision()}" in capsys.readouterr().err
    assert run(fresh_url, "orders", "list", "--json") == 0
    assert capsys.readouterr().out.strip() == "[]"
    database = Database(make_engine(fresh_url))
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Location)) == 2480
    database.dispose()


def test_an_empty_database_says_run_init_and_is_not_created(
    fresh_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(fresh_url, "process") == 2
    err = capsys.readouterr().err
    assert "run `pickpack init` to create" in err and "Traceback" not in err
    if fresh_url.startswith("sqlite"):
        assert not (tmp_path / "fresh.db").exists()  # the refusal left no empty database file behind
    else:
        assert "has no pickpack tables yet" in err


def test_schema_status_states(db: Database) -> None:
    status = migrate.schema_status(db.engine)
    assert status.state == "current" and status.current == (migrate.head_revision(),)
    migrate.check_schema(db.engine)  # no exception


def test_the_revisions_read_without_alembic_are_alembics() -> None:
    """Commands check the schema from the migration files' revision lines (Alembic is not imported for that):
    the head and the set of revisions must be exactly what Alembic itself reads."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    head, known = migrate._known_revisions()
    assert head == scripts.get_current_head()
    assert known == {script.revision for script in scripts.walk_revisions()}
