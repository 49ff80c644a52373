"""Order fixtures: the shipped config and a writer for CSV order files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.config import Config, load_config
from tests.conftest import ROOT
from tests.picking_support import CSV_HEADER


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
