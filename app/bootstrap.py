"""Composition root: turns a Config into the objects the CLI, the terminal and the tests use.

The one place a command's ``Database`` is built is ``Context.db``, so the schema check lives there: no command can
read or write a database from an older or a newer pickpack by forgetting to ask.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from app.config import Config, ConfigError
from app.db import migrate
from app.db.database import Database
from app.db.engine import make_engine, sqlite_file

if TYPE_CHECKING:  # imported where used: a command that reads the database needs neither (see ``check_files``)
    from app.domain.layout import Layout

SchemaPolicy = Literal["current", "upgrade"]
"""``current``: every command but ``init`` needs the schema this code ships. ``upgrade``: ``init`` (and ``demo``)
accept an empty or older database because they migrate it first; a newer one is refused either way."""


def _read_toml(path: Path, key: str, config: Config, what: str) -> dict[str, Any]:
    """Parse a file the configuration names; every failure is a ``ConfigError`` naming the key and the file."""
    where = f"{config.source}: " if config.source else ""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{where}{key}: {what} not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{where}{key}: {path} is a folder, expected a file") from None
    except OSError as exc:
        raise ConfigError(f"{where}{key}: cannot read {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    _reject_non_finite(data, "", str(path))
    return data


def _reject_non_finite(value: Any, key: str, source: str) -> None:
    """TOML has ``nan`` and ``inf``: no size, weight, price or distance may be either, in any file we read."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{source}: {key or '(top level)'}: expected a finite number, got {value!r}")
    if isinstance(value, dict):
        for k, v in value.items():
            _reject_non_finite(v, f"{key}.{k}" if key else str(k), source)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _reject_non_finite(v, f"{key}[{i}]", source)


def load_layout(config: Config) -> Layout:
    """Read the layout file named by ``paths.layout``; errors name the file and key (exit code 2)."""
    from app.domain.errors import InvalidLayout
    from app.domain.layout import Layout

    path = config.layout_path
    data = _read_toml(path, "paths.layout", config, "layout file")
    try:
        return Layout.from_mapping(data, str(path))
    except InvalidLayout as exc:
        raise ConfigError(str(exc)) from None


def check_files(config: Config) -> Layout:
    """Read and validate every file the configuration names (layout, box catalog, each carrier's rate card), so
    ``pickpack init`` finds a broken file before the first shift does (a packer used to meet a broken box catalog
    at the first carton). Returns the layout. Raises ``ConfigError`` (exit 2) naming the key and the file.

    The box and rate-card readers are imported here, not by the module: every command builds a ``Context``, and
    only ``init`` and the shipping paths read these files (importing them was a twentieth of `orders list`)."""
    from app.domain.cartonization import InvalidBoxCatalog, load_boxes
    from app.domain.rating import InvalidRateCard, load_rate_card

    layout = load_layout(config)
    boxes_path = config.resolve(config.shipping.boxes)
    try:
        boxes = load_boxes(_read_toml(boxes_path, "shipping.boxes", config, "box catalog"), str(boxes_path))
    except InvalidBoxCatalog as exc:
        raise ConfigError(str(exc)) from None
    for i, box in enumerate(boxes):
        if not isinstance(box.cost, Decimal) or not box.cost.is_finite():
            raise ConfigError(f"{boxes_path}: box[{i}] ({box.code}).cost: expected a finite amount, got {box.cost}")
    for name, carrier in config.carriers.items():
        if not carrier.rate_card:
            continue
        card_path = config.resolve(carrier.rate_card)
        try:
            card = load_rate_card(
                _read_toml(card_path, f"carriers.{name}.rate_card", config, "rate card"), str(card_path)
            )
        except InvalidRateCard as exc:
            raise ConfigError(str(exc)) from None
        for service in carrier.services:
            if service not in card.services:  # a typo here silently drops the service from rate shopping
                raise ConfigError(
                    f"{config.source or 'config'}: carriers.{name}.services.{service}: the rate card {card_path} "
                    f"has no service {service!r} (it has: {', '.join(sorted(card.services))})"
                )
    return layout


@dataclass
class Context:
    """Everything a command needs, built lazily so `--help` and config errors never touch the database."""

    config: Config
    terminal: str = "cli"
    schema: SchemaPolicy = "current"
    _db: Database | None = field(default=None, repr=False)

    @property
    def db(self) -> Database:
        """The database, once its schema was checked against this code (``migrate.SchemaMismatch``, exit 2).

        A SQLite file that does not exist is not created by any command but ``init``: opening it would leave an
        empty file behind that later looks like a database."""
        if self._db is None:
            url = self.config.database_url
            path = sqlite_file(url)
            if self.schema != "upgrade" and path is not None and not path.exists():
                raise migrate.SchemaMismatch(f"no database at {path}: run `pickpack init` to create it")
            try:
                database = Database(make_engine(url, busy_timeout_ms=self.config.database.sqlite_busy_timeout_ms))
            except OSError as exc:  # the SQLite file's folder cannot be created (e.g. data_dir under /proc)
                raise ConfigError(
                    f"{self.config.source or 'config.toml'}: paths.data_dir / database.url: cannot create "
                    f"{exc.filename or path}: {exc.strerror}"
                ) from None
            try:
                migrate.check_usable_schema(database.engine, upgrading=self.schema == "upgrade", path=path)
            except BaseException:
                database.dispose()
                raise
            self._db = database
        return self._db

    @cached_property
    def layout(self) -> Layout:
        return load_layout(self.config)

    def check_files(self) -> Layout:
        """Validate every file the configuration names; the layout read is kept for the command."""
        layout = check_files(self.config)
        self.__dict__["layout"] = layout
        return layout

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None
