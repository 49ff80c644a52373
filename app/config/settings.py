"""The configuration as frozen, documented dataclasses: what services, stations and printing read.

Pure data with defaults and a few derived paths; reading and checking ``config.toml`` is ``app.config.loader``'s
job, so code that only needs the values does not import the TOML reader or its limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from app.domain.priority import PriorityWeights


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
