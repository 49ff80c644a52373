"""A demo seed that fails half way leaves nothing behind: products, stock, users and orders it had already
imported (each in its own committed unit of work) are rolled back with it, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli.setup import DEMO_DIR
from app.config import Config, load_config
from app.db.models import Event, Order, Product, Stock, User
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import demo, order_processing
from tests.conftest import ROOT


def counts(db: Database) -> dict[str, int]:
    with db.unit_of_work(readonly=True) as uow:
        return {
            model.__name__: int(uow.session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Product, Stock, User, Order, Event)
        }


@pytest.fixture
def config(tmp_path: Path) -> Config:
    base = load_config(ROOT / "config.toml", env={})
    return dataclasses.replace(base, paths=dataclasses.replace(base.paths, data_dir=str(tmp_path / "data")))


def test_a_failure_half_way_through_the_seed_rolls_all_of_it_back(
    db: Database, layout: Layout, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = counts(db)
    calls: list[str] = []

    def crash(*args: object, **kwargs: object) -> None:
        calls.append("process")
        raise RuntimeError("disk full half way through the demo")

    monkeypatch.setattr(order_processing, "process_once", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.seed_demo(db, layout, DEMO_DIR, actor=Actor.system(), config=config)
    assert calls == ["process"]  # products, stock, users and orders had been imported when it failed
    assert counts(db) == before
