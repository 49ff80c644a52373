"""Order fixtures: the shipped config, a writer for CSV order files, and the actors the services accept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.config import Config, load_config
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.services import users
from tests.conftest import ROOT
from tests.picking_support import CSV_HEADER


@pytest.fixture
def system(db: Database) -> Actor:
    """The built-in system user (``init`` created it): the actor for imports and processing passes."""
    return users.system_actor(db, "test-terminal")


@pytest.fixture
def office(db: Database, system: Actor) -> Actor:
    """A signed-in supervisor at the office (``olga``): the actor for holds, cancels and edits."""
    user = users.add_user(db, "olga", "supervisor", "BADGE-OLGA", "5555", actor=system)
    return Actor(user.name, "office", user.id)


@pytest.fixture
def config() -> Config:
    return load_config(ROOT / "config.toml", env={})


@pytest.fixture
def orders_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV order file: rows of (number, sku, qty[, service[, ship_by]])."""
    counter = iter(range(1000))

    def write(*rows: tuple, name: str | None = None) -> Path:  # type: ignore[type-arg]
        path = tmp_path / (name or f"orders-{next(counter)}.csv")
        body = ""
        for row in rows:
            number, sku, qty, *rest = row
            service = rest[0] if rest else "standard"
            ship_by = rest[1] if len(rest) > 1 else "2026-12-01"
            body += (
                f"{number},Cust {number},c@example.com,,Main St 1,,Vienna,,1010,AT,{service},{ship_by},{sku},{qty}\n"
            )
        path.write_text(CSV_HEADER + body)
        return path

    return write
