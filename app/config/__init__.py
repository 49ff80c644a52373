"""The configuration: ``config.toml`` read into frozen dataclasses, checked on load.

Where things are: the dataclasses in ``app.config.settings`` (what services, stations and printing import), the
error in ``app.config.errors``, the limits of every key in ``app.config.limits`` and the reading and checking in
``app.config.loader``. Every name stays importable from ``app.config`` for the CLI, the bootstrap and the tests.
"""

from app.config.errors import ConfigError
from app.config.limits import (
    _CHOICES,
    _PATTERNS,
    _RANGES,
    DATABASE_DRIVERS,
    MINUTES_A_WEEK,
    MINUTES_A_YEAR,
    POINTS,
    PORT,
    Range,
)
from app.config.loader import DEFAULT_CONFIG, ENV_CONFIG, ENV_DATABASE_URL, load_config
from app.config.settings import (
    EU_CUSTOMS_UNION,
    CarrierConfig,
    CarrierServiceConfig,
    ChannelConfig,
    Config,
    DatabaseConfig,
    OrdersConfig,
    PathsConfig,
    PickingConfig,
    PrinterConfig,
    ReleaseConfig,
    SecurityConfig,
    ServeConfig,
    ShippingConfig,
    SmtpConfig,
    StationConfig,
    SupervisionConfig,
    TerminalConfig,
)

__all__ = [
    "DATABASE_DRIVERS",
    "DEFAULT_CONFIG",
    "ENV_CONFIG",
    "ENV_DATABASE_URL",
    "EU_CUSTOMS_UNION",
    "MINUTES_A_WEEK",
    "MINUTES_A_YEAR",
    "POINTS",
    "PORT",
    "_CHOICES",
    "_PATTERNS",
    "_RANGES",
    "CarrierConfig",
    "CarrierServiceConfig",
    "ChannelConfig",
    "Config",
    "ConfigError",
    "DatabaseConfig",
    "OrdersConfig",
    "PathsConfig",
    "PickingConfig",
    "PrinterConfig",
    "Range",
    "ReleaseConfig",
    "SecurityConfig",
    "ServeConfig",
    "ShippingConfig",
    "SmtpConfig",
    "StationConfig",
    "SupervisionConfig",
    "TerminalConfig",
    "load_config",
]
