"""config.toml -> frozen, documented dataclasses, validated on load so a typo stops the app with a clear message.

Every key is checked: an unknown key, a value of the wrong type, a number outside its range (``_RANGES``), a text
that does not have its form (``_PATTERNS``), an invalid choice (``_CHOICES``), NaN or infinity anywhere, or a
missing file raises ``ConfigError`` naming the file, the dotted key and what was expected; the CLI turns that into
exit code 2 (never a traceback). The limits are tables in ``app.config.limits``; the dataclasses they fill are in
``app.config.settings``.
Relative paths in the file are resolved against the file's own folder, so the app works from any directory.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from datetime import time
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from app.config.errors import ConfigError
from app.config.limits import _CHOICES, _CONTROL, _PATTERNS, _RANGES, DATABASE_DRIVERS
from app.config.settings import Config, DatabaseConfig
from app.domain import roles

ENV_CONFIG = "PICKPACK_CONFIG"
ENV_DATABASE_URL = "PICKPACK_DATABASE_URL"
DEFAULT_CONFIG = Path("config.toml")


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin in (list, tuple, dict):
        return {list: "an array", tuple: "an array", dict: "a table"}[origin]
    if is_dataclass(tp):
        return "a table"
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(tp, str(tp))


def _convert(tp: Any, value: Any, key: str, source: str) -> Any:
    """Check ``value`` against the annotation ``tp`` and convert nested tables into dataclasses."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, key, source)
    if is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: {key}: expected a table, got {value!r}")
        return _build(tp, value, key, source)
    if origin is dict:
        _, value_tp = get_args(tp)
        if not isinstance(value, dict):
            raise ConfigError(f"{source}: {key}: expected a table, got {value!r}")
        return {k: _convert(value_tp, v, f"{key}.{k}", source) for k, v in value.items()}
    if origin is tuple:
        item_tp = get_args(tp)[0]
        if not isinstance(value, list):
            raise ConfigError(f"{source}: {key}: expected an array, got {value!r}")
        return tuple(_convert(item_tp, v, f"{key}[{i}]", source) for i, v in enumerate(value))
    if origin is list:
        (item_tp,) = get_args(tp)
        if not isinstance(value, list):
            raise ConfigError(f"{source}: {key}: expected an array, got {value!r}")
        return [_convert(item_tp, v, f"{key}[{i}]", source) for i, v in enumerate(value)]
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if (tp is int and isinstance(value, bool)) or not isinstance(value, tp):
        raise ConfigError(f"{source}: {key}: expected {_type_name(tp)}, got {value!r}")
    if tp is float and not math.isfinite(value):
        raise ConfigError(f"{source}: {key}: expected a finite number, got {value!r}")
    if tp is str and _CONTROL.search(value):
        raise ConfigError(f"{source}: {key}: expected text without control characters, got {value!r}")
    return value


def _build(cls: type, data: dict[str, Any], prefix: str, source: str) -> Any:
    hints = get_type_hints(cls)
    known = {f.name: f for f in fields(cls) if f.name not in ("source", "base_dir")}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if key not in known:
            expected = ", ".join(sorted(known)) or "nothing"
            raise ConfigError(f"{source}: {dotted}: unknown key (expected one of: {expected})")
        converted = _convert(hints[key], value, dotted, source)
        _check_value(cls.__name__, key, converted, dotted, source)
        kwargs[key] = converted
    for name, f in known.items():
        if name not in kwargs and f.default is MISSING and f.default_factory is MISSING:
            raise ConfigError(f"{source}: {prefix + '.' if prefix else ''}{name}: missing")
    return cls(**kwargs)


def _check_value(owner: str, key: str, value: Any, dotted: str, source: str) -> None:
    """Apply the declarative limits of ``owner.key`` (choices, range, form) to one converted value."""
    choices = _CHOICES.get((owner, key))
    if choices and value not in choices:
        raise ConfigError(f"{source}: {dotted}: expected one of {', '.join(choices)}, got {value!r}")
    limits = _RANGES.get((owner, key))
    if limits is not None and not limits.admits(value):
        raise ConfigError(f"{source}: {dotted}: expected {limits.describe()}, got {value!r}")
    pattern = _PATTERNS.get((owner, key))
    if pattern is not None and not re.fullmatch(pattern[0], value):
        raise ConfigError(f"{source}: {dotted}: expected {pattern[1]}, got {value!r}")


def _check_database_url(url: str, where: str) -> None:
    """Only SQLite and PostgreSQL through psycopg 3 are supported: anything else would fail later, deep inside a
    migration or with a driver that is not installed, so it is refused here by name."""
    from app.db.engine import url_parts  # the database layer parses URLs; loaded only when a URL is checked

    try:
        drivername, database = url_parts(url)
    except ValueError:
        raise ConfigError(
            f"{where}: expected a database URL such as sqlite:///path/pickpack.db or "
            f"postgresql+psycopg://USER@HOST:5432/pickpack, got {url!r}"
        ) from None
    if drivername not in DATABASE_DRIVERS:
        raise ConfigError(f"{where}: unsupported database {drivername!r} (expected sqlite or postgresql+psycopg)")
    if drivername.startswith("sqlite") and database and not database.startswith("file:"):
        path = Path(database)
        if database != ":memory:" and path.is_dir():
            raise ConfigError(f"{where}: {path} is a folder, expected a database file")
        for parent in path.parents:
            if parent.exists() and not parent.is_dir():
                raise ConfigError(f"{where}: {parent} is a file, expected a folder for the database")


def _check_values(config: Config, source: str, url_from_env: bool) -> None:
    """Checks that involve more than one value or the file system (the per-key limits ran while building)."""
    if config.data_dir.exists() and not config.data_dir.is_dir():
        raise ConfigError(f"{source}: paths.data_dir: {config.data_dir} is a file, expected a folder")
    where = f"${ENV_DATABASE_URL} (or --db)" if url_from_env else f"{source}: database.url"
    if config.database.url:
        _check_database_url(config.database.url, where)
    else:
        _check_database_url(config.database_url, f"{source}: paths.data_dir")
    if config.layout_path.is_dir():
        raise ConfigError(f"{source}: paths.layout: {config.layout_path} is a folder, expected a layout file")
    known_roles = (roles.PICKER, roles.PACKER, roles.SUPERVISOR, roles.ADMIN)
    for i, role in enumerate(config.security.badge_requires_pin_roles):
        if role not in known_roles:
            raise ConfigError(
                f"{source}: security.badge_requires_pin_roles[{i}]: expected one of {', '.join(known_roles)}, "
                f"got {role!r}"
            )
    for i, country in enumerate(config.shipping.customs_area):
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise ConfigError(
                f"{source}: shipping.customs_area[{i}]: expected an ISO 3166 two-letter country code in capitals, "
                f"got {country!r}"
            )
    for name, printer in config.printers.items():
        if printer.kind == "file" and printer.path:
            folder = config.resolve(printer.path)
            if folder.exists() and not folder.is_dir():
                raise ConfigError(f"{source}: printers.{name}.path: {folder} is a file, expected a spool folder")


def _check_references(config: Config, source: str) -> None:
    levels = ("same_day", "express", "standard")
    for channel_name, channel in config.channels.items():
        if channel_name not in ("shopify", "woocommerce", "csv"):
            raise ConfigError(
                f"{source}: channels.{channel_name}: unknown channel (expected shopify, woocommerce, csv)"
            )
        for method, level in channel.service_levels.items():
            if level not in levels:
                raise ConfigError(
                    f"{source}: channels.{channel_name}.service_levels.{method}: expected one of "
                    f"{', '.join(levels)}, got {level!r}"
                )
    times = [("orders.default_cutoff", config.orders.default_cutoff)]
    for carrier_name, carrier in config.carriers.items():
        for service_name, service in carrier.services.items():
            times.append((f"carriers.{carrier_name}.services.{service_name}.cutoff", service.cutoff))
    for key, value in times:
        try:
            time.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"{source}: {key}: expected a time HH:MM, got {value!r}") from None
    for station_name, station in config.stations.items():
        for attr in ("label_printer", "document_printer"):
            printer = getattr(station, attr)
            if printer and printer not in config.printers:
                raise ConfigError(
                    f"{source}: stations.{station_name}.{attr}: no printer named {printer!r} "
                    f"(defined: {', '.join(sorted(config.printers)) or 'none'})"
                )
    for name, printer in config.printers.items():
        if printer.kind == "raw" and not printer.host:
            raise ConfigError(f"{source}: printers.{name}.host: expected a host for a raw printer")
        if printer.kind == "cups" and not printer.queue:
            raise ConfigError(f"{source}: printers.{name}.queue: expected a CUPS queue name")


def load_config(path: str | os.PathLike[str] | None = None, *, env: typing.Mapping[str, str] | None = None) -> Config:
    """Load and validate the configuration.

    ``path`` wins over ``$PICKPACK_CONFIG``, which wins over ``./config.toml``. A missing default file gives the
    built-in defaults; a missing file that was named explicitly is an error. ``$PICKPACK_DATABASE_URL`` overrides
    the database URL.
    """
    env = os.environ if env is None else env
    explicit = path is not None or bool(env.get(ENV_CONFIG))
    chosen = Path(path) if path is not None else Path(env.get(ENV_CONFIG) or DEFAULT_CONFIG)
    data: dict[str, Any] = {}
    source = str(chosen)
    if chosen.exists():
        try:
            with chosen.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{source}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
        except OSError as exc:
            raise ConfigError(f"{source}: cannot read: {exc.strerror}") from None
        base_dir = chosen.resolve().parent
    elif explicit:
        raise ConfigError(f"{source}: configuration file not found")
    else:
        base_dir = Path.cwd()
    config: Config = _build(Config, data, "", source)
    url = env.get(ENV_DATABASE_URL)
    database = config.database
    if url and _CONTROL.search(url):
        raise ConfigError(f"${ENV_DATABASE_URL} (or --db): expected a URL without control characters")
    if url:
        database = DatabaseConfig(url=url, sqlite_busy_timeout_ms=database.sqlite_busy_timeout_ms)
    config = Config(
        database=database,
        paths=config.paths,
        terminal=config.terminal,
        printers=config.printers,
        stations=config.stations,
        carriers=config.carriers,
        smtp=config.smtp,
        priority=config.priority,
        channels=config.channels,
        orders=config.orders,
        release=config.release,
        picking=config.picking,
        shipping=config.shipping,
        supervision=config.supervision,
        serve=config.serve,
        security=config.security,
        source=chosen.resolve() if chosen.exists() else None,
        base_dir=base_dir,
    )
    _check_references(config, source)
    _check_values(config, source, url_from_env=bool(url))
    return config
