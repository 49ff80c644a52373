"""Composition root: turns a Config into the objects the CLI, the terminal and the tests use."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property

from app.config import Config, ConfigError
from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.domain.errors import InvalidLayout
from app.domain.layout import Layout


def load_layout(config: Config) -> Layout:
    """Read the layout file named by ``paths.layout``; errors name the file and key (exit code 2)."""
    path = config.layout_path
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        where = f"{config.source}: " if config.source else ""
        raise ConfigError(f"{where}paths.layout: layout file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        return Layout.from_mapping(data, str(path))
    except InvalidLayout as exc:
        raise ConfigError(str(exc)) from None


@dataclass
class Context:
    """Everything a command needs, built lazily so `--help` and config errors never touch the database."""

    config: Config
    terminal: str = "cli"
    _db: Database | None = field(default=None, repr=False)

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(
                make_engine(self.config.database_url, busy_timeout_ms=self.config.database.sqlite_busy_timeout_ms)
            )
        return self._db

    @cached_property
    def layout(self) -> Layout:
        return load_layout(self.config)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None
