"""config.toml -> frozen, documented dataclasses, validated on load so a typo stops the app with a clear message.

Every key is checked: an unknown key, a value of the wrong type, a number outside its range (``_RANGES``), a text
that does not have its form (``_PATTERNS``), an invalid choice (``_CHOICES``), NaN or infinity anywhere, or a
missing file raises ``ConfigError`` naming the file, the dotted key and what was expected; the CLI turns that into
exit code 2 (never a traceback). The limits sit in tables beside the fields rather than in scattered ``if``s so
that one look shows what every key accepts, and a new key gets its range by adding one line.
Relative paths in the file are resolved against the file's own folder, so the app works from any directory.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import time
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from app.domain import roles
from app.domain.priority import PriorityWeights

ENV_CONFIG = "PICKPACK_CONFIG"
ENV_DATABASE_URL = "PICKPACK_DATABASE_URL"
DEFAULT_CONFIG = Path("config.toml")


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file, key and what was expected."""


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = ""
    """SQLAlchemy URL. Empty: a SQLite file ``pickpack.db`` in the data folder."""
    sqlite_busy_timeout_ms: int = 5000
    """How long a SQLite writer waits for another terminal's transaction before giving up."""


@dataclass(frozen=True)
class PathsConfig:
    data_dir: str = "data"
    """Folder for the SQLite database, print spool and generated documents."""
    layout: str = "assets/layouts/demo.toml"
    """Warehouse layout file (aisles, bays, levels, depot); locations are generated from it."""


@dataclass(frozen=True)
class TerminalConfig:
    station: str = "station-1"
    """Default station name recorded in the event log when ``--station`` is not given."""
    scanner_suffix: str = "enter"
    """Key the scanners send after a code: "enter" (recommended) or "tab"."""
    badge_prefix: str = "BADGE-"
    """Badge codes start with this; a scan starting with it on the sign-in screen signs a user in."""
    idle_sign_out_minutes: int = 30
    """Sign a user out after this many minutes without a key press (0 = never)."""
    kiosk: bool = True
    """Station terminal: the command palette offers no Quit and Ctrl+Q does not close the app (a worker cannot
    leave the app by accident); only signing out is offered. False on a desk where closing the app is fine."""


@dataclass(frozen=True)
class PrinterConfig:
    kind: str = "file"
    """"file" (write into a spool folder), "cups" (``lp -d QUEUE``) or "raw" (ZPL to host:port)."""
    path: str = ""
    """Spool folder for kind "file" (relative to this file); empty: <data_dir>/spool/<printer name>."""
    queue: str = ""
    """CUPS queue name for kind "cups"."""
    host: str = ""
    """Printer host for kind "raw"."""
    port: int = 9100
    """TCP port for kind "raw" (9100 on most thermal printers)."""
    format: str = "pdf"
    """"pdf" or "zpl" (thermal label printers)."""


@dataclass(frozen=True)
class StationConfig:
    label_printer: str = ""
    """Printer name (a [printers.NAME] table) for shipping labels at this station."""
    document_printer: str = ""
    """Printer name for packing slips and customs forms at this station."""


@dataclass(frozen=True)
class CarrierServiceConfig:
    name: str = ""
    """Human name of the service, e.g. "Express 24"."""
    level: str = "standard"
    """Service level it satisfies: "same_day", "express" or "standard"."""
    transit_days: int = 3
    """Working days from pick-up to delivery."""
    cutoff: str = "17:00"
    """Latest hand-over time (HH:MM, warehouse local time) for same-day dispatch."""


@dataclass(frozen=True)
class CarrierConfig:
    name: str = ""
    """Human name of the carrier."""
    rate_card: str = ""
    """Rate card file under assets/ (zones, weight breaks, surcharges)."""
    tracking_format: str = "ups"
    """Tracking number scheme the built-in carrier issues ("ups" = 1Z with check digit)."""
    account: str = "PP0001"
    """Shipper account (6 letters or digits); the built-in carrier starts every tracking number with 1Z + it."""
    services: dict[str, CarrierServiceConfig] = field(default_factory=dict)


@dataclass(frozen=True)
class SmtpConfig:
    host: str = ""
    """SMTP server for customer notifications; empty disables e-mail."""
    port: int = 25
    username: str = ""
    password_env: str = "PICKPACK_SMTP_PASSWORD"
    """Name of the environment variable holding the password (never put secrets in this file)."""
    sender: str = "warehouse@example.com"
    starttls: bool = False


@dataclass(frozen=True)
class ChannelConfig:
    ship_complete: bool = True
    """True: an order waits (backordered) until every line can be reserved. False: reserve what is there and
    release it (a split shipment); the rest stays backordered."""
    default_service_level: str = "standard"
    """Service level when the order's shipping method is not in ``service_levels``."""
    service_levels: dict[str, str] = field(default_factory=dict)
    """Channel shipping method (code or title, case-insensitive) -> "same_day", "express" or "standard"."""


@dataclass(frozen=True)
class OrdersConfig:
    ship_by_days_same_day: int = 0
    """Ship-by date when the channel sends none: days after the order arrived, by service level."""
    ship_by_days_express: int = 0
    ship_by_days_standard: int = 1
    default_cutoff: str = "17:00"
    """Carrier cut-off (HH:MM, UTC) for a service level no carrier service in [carriers] covers."""


@dataclass(frozen=True)
class ReleaseConfig:
    hold_value_above: float = 0.0
    """Orders worth more than this go on hold for review instead of being released (0 = never)."""
    same_day_first: bool = True
    """Release every same-day order before any other, whatever the scores say."""
    max_orders_per_pass: int = 500
    """At most this many orders are released to picking per `pickpack process` pass."""
    watch_interval_seconds: float = 10.0
    """Pause between passes of `pickpack process --watch`."""


@dataclass(frozen=True)
class PickingConfig:
    cart_totes: int = 8
    """Totes on one picking cart: the most orders one batch can carry."""
    tote_volume_cm3: float = 40000.0
    """Usable volume of one tote (e.g. 40 x 30 x 33 cm)."""
    tote_weight_kg: float = 15.0
    """Most weight one tote may carry."""
    batching_budget_seconds: float = 2.0
    """Time the batch optimizer may spend improving one wave."""
    idle_release_minutes: int = 20
    """A claimed batch without a scan for this long may be released by a supervisor."""


EU_CUSTOMS_UNION = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
    "LV", "MC", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip


@dataclass(frozen=True)
class ShippingConfig:
    boxes: str = "assets/boxes.toml"
    """Box catalog (inner dimensions, maximum weight, cost) for box suggestions."""
    gs1_company_prefix: str = "9520000"
    """GS1 company prefix for SSCC-18 carton numbers (952 is GS1's prefix for examples and demos)."""
    sscc_extension_digit: int = 0
    weight_tolerance_pct: float = 5.0
    """A weighed carton may differ from the expected weight by this much ..."""
    weight_tolerance_min_kg: float = 0.05
    """... or by at least this many kilograms; beyond, a supervisor must approve."""
    slip_page_size: str = "A4"
    """Packing slip paper: "A4" or "Letter"."""
    customs_area: list[str] = field(default_factory=lambda: list(EU_CUSTOMS_UNION))
    """Countries inside the customs area; shipments elsewhere get CN22/CN23 and a commercial invoice."""
    return_instructions: str = "Returns within 30 days: pack the items with this slip and use the prepaid label."
    ship_from_name: str = "pickpack Demo DC"
    ship_from_line1: str = "Lagerstrasse 1"
    ship_from_city: str = "Wien"
    ship_from_postal_code: str = "1100"
    ship_from_country: str = "AT"
    ship_from_phone: str = "+43 1 000 0000"


@dataclass(frozen=True)
class SupervisionConfig:
    stuck_minutes: int = 60
    """Released orders nobody started and packed orders not shipped for this long show as exceptions."""


@dataclass(frozen=True)
class SecurityConfig:
    max_pin_failures: int = 5
    """Wrong PINs in a row that lock a user (for ``lockout_minutes``, or until an admin unlocks them)."""
    lockout_minutes: int = 15
    """How long a PIN lockout lasts; 0 = until an admin runs ``pickpack users unlock NAME``."""
    badge_requires_pin_roles: tuple[str, ...] = ("supervisor", "admin")
    """Roles whose badge alone does not sign in: a found badge must not make anyone a supervisor."""


@dataclass(frozen=True)
class ServeConfig:
    host: str = "127.0.0.1"
    """Address `pickpack serve` listens on: localhost unless you mean to expose the terminal on the network."""
    port: int = 8000


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``source`` is the file it came from (None when built from defaults)."""

    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    terminal: TerminalConfig = field(default_factory=TerminalConfig)
    printers: dict[str, PrinterConfig] = field(default_factory=dict)
    stations: dict[str, StationConfig] = field(default_factory=dict)
    carriers: dict[str, CarrierConfig] = field(default_factory=dict)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    priority: PriorityWeights = field(default_factory=PriorityWeights)
    channels: dict[str, ChannelConfig] = field(default_factory=dict)
    orders: OrdersConfig = field(default_factory=OrdersConfig)
    release: ReleaseConfig = field(default_factory=ReleaseConfig)
    picking: PickingConfig = field(default_factory=PickingConfig)
    shipping: ShippingConfig = field(default_factory=ShippingConfig)
    supervision: SupervisionConfig = field(default_factory=SupervisionConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)
    security: SecurityConfig = field(default_factory=SecurityConfig)
    source: Path | None = None
    base_dir: Path = field(default_factory=Path.cwd)

    # --- derived paths ------------------------------------------------------------------------------
    def resolve(self, path: str) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else (self.base_dir / p)

    @property
    def data_dir(self) -> Path:
        return self.resolve(self.paths.data_dir)

    @property
    def layout_path(self) -> Path:
        return self.resolve(self.paths.layout)

    def channel(self, name: str) -> ChannelConfig:
        return self.channels.get(name, ChannelConfig())

    def cutoff_for(self, level: str) -> time:
        """The earliest carrier cut-off among services of ``level``: the latest moment an order can leave today."""
        cutoffs = [
            time.fromisoformat(service.cutoff)
            for carrier in self.carriers.values()
            for service in carrier.services.values()
            if service.level == level
        ]
        return min(cutoffs) if cutoffs else time.fromisoformat(self.orders.default_cutoff)

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.data_dir / 'pickpack.db'}"


_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("TerminalConfig", "scanner_suffix"): ("enter", "tab"),
    ("PrinterConfig", "kind"): ("file", "cups", "raw"),
    ("PrinterConfig", "format"): ("pdf", "zpl"),
    ("CarrierServiceConfig", "level"): ("same_day", "express", "standard"),
    ("ChannelConfig", "default_service_level"): ("same_day", "express", "standard"),
    ("ShippingConfig", "slip_page_size"): ("A4", "Letter"),
    ("CarrierConfig", "tracking_format"): ("ups",),
}


@dataclass(frozen=True, slots=True)
class Range:
    """The values one numeric key accepts: ``low <= value <= high``, or ``low < value`` when ``above`` is set.

    Why an upper bound on nearly everything: a huge value is almost always a typo (an extra zero, milliseconds
    where minutes were meant) and some crash far away from the file (``timedelta(minutes=10**12)`` overflows in
    the middle of a shift); refusing it at start-up names the key instead.
    """

    low: float
    high: float
    above: bool = False
    unit: str = ""

    def admits(self, value: float) -> bool:
        return (value > self.low if self.above else value >= self.low) and value <= self.high

    def describe(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.above:
            return f"a number more than {_number(self.low)} and at most {_number(self.high)}{unit}"
        return f"{_number(self.low)} to {_number(self.high)}{unit}"


def _number(value: float) -> str:
    """1000000 -> "1,000,000" (not "1e+06"): limits are read by people."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


PORT = Range(1, 65535)
MINUTES_A_WEEK = 7 * 24 * 60
MINUTES_A_YEAR = 365 * 24 * 60
POINTS = Range(0, 1_000_000, unit="points")

_RANGES: dict[tuple[str, str], Range] = {
    ("DatabaseConfig", "sqlite_busy_timeout_ms"): Range(0, 600_000, unit="ms"),
    ("TerminalConfig", "idle_sign_out_minutes"): Range(0, MINUTES_A_WEEK, unit="minutes"),
    ("PrinterConfig", "port"): PORT,
    ("CarrierServiceConfig", "transit_days"): Range(0, 365, unit="days"),
    ("SmtpConfig", "port"): PORT,
    ("PriorityWeights", "deadline"): POINTS,
    ("PriorityWeights", "service_same_day"): POINTS,
    ("PriorityWeights", "service_express"): POINTS,
    ("PriorityWeights", "service_standard"): POINTS,
    ("PriorityWeights", "vip"): POINTS,
    ("PriorityWeights", "value_per_100"): POINTS,
    ("PriorityWeights", "value_cap"): POINTS,
    ("PriorityWeights", "age_per_hour"): POINTS,
    ("OrdersConfig", "ship_by_days_same_day"): Range(0, 365, unit="days"),
    ("OrdersConfig", "ship_by_days_express"): Range(0, 365, unit="days"),
    ("OrdersConfig", "ship_by_days_standard"): Range(0, 365, unit="days"),
    ("ReleaseConfig", "hold_value_above"): Range(0, 1e12),
    ("ReleaseConfig", "max_orders_per_pass"): Range(1, 1_000_000, unit="orders"),
    ("ReleaseConfig", "watch_interval_seconds"): Range(0, 86_400, above=True, unit="seconds"),
    ("PickingConfig", "cart_totes"): Range(1, 99, unit="totes"),
    ("PickingConfig", "tote_volume_cm3"): Range(0, 10_000_000, above=True, unit="cm3"),
    ("PickingConfig", "tote_weight_kg"): Range(0, 1000, above=True, unit="kg"),
    ("PickingConfig", "batching_budget_seconds"): Range(0, 3600, above=True, unit="seconds"),
    ("PickingConfig", "idle_release_minutes"): Range(0, MINUTES_A_WEEK, unit="minutes"),
    ("ShippingConfig", "sscc_extension_digit"): Range(0, 9),
    ("ShippingConfig", "weight_tolerance_pct"): Range(0, 100, unit="%"),
    ("ShippingConfig", "weight_tolerance_min_kg"): Range(0, 1000, unit="kg"),
    ("SupervisionConfig", "stuck_minutes"): Range(1, MINUTES_A_YEAR, unit="minutes"),
    ("SecurityConfig", "max_pin_failures"): Range(1, 1000, unit="wrong PINs"),
    ("SecurityConfig", "lockout_minutes"): Range(0, MINUTES_A_YEAR, unit="minutes"),
    ("ServeConfig", "port"): PORT,
}
"""Numeric keys and the values they accept. Every int and float key of the configuration is listed here (a unit
test checks that none is forgotten)."""

_PATTERNS: dict[tuple[str, str], tuple[str, str]] = {
    # sscc() in app/domain/tracking.py takes a 7 to 10 digit prefix: the config accepts exactly what shipping can use
    ("ShippingConfig", "gs1_company_prefix"): (r"[0-9]{7,10}", "a GS1 company prefix of 7 to 10 digits"),
    # the built-in "ups" tracking format puts the account after 1Z: 6 letters or digits (ACCOUNT_RE)
    ("CarrierConfig", "account"): (r"[0-9A-Za-z]{6}", "a shipper account of 6 letters or digits (1Z + account + ...)"),
    ("ShippingConfig", "ship_from_country"): (r"[A-Z]{2}", "an ISO 3166 two-letter country code in capitals"),
    ("TerminalConfig", "station"): (r"\S+", "a station name without spaces"),
    ("TerminalConfig", "badge_prefix"): (r"\S+", "a badge prefix without spaces"),
    ("ServeConfig", "host"): (r"[0-9A-Za-z.:_-]+", "a host name or IP address"),
    ("PrinterConfig", "host"): (r"[0-9A-Za-z.:_-]*", "a host name or IP address"),
}
"""Text keys that must have a form: (regular expression the whole value must match, what to tell the user)."""

DATABASE_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg")
"""The SQLAlchemy URL schemes pickpack runs on: SQLite, and PostgreSQL through psycopg 3."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


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
