"""What every configuration key accepts, as tables beside the field names rather than scattered ``if``s.

One look shows what a key accepts (a choice, a numeric range, a text form), and a new key gets its limits by adding
one line; ``app.config.loader`` applies them while it builds the dataclasses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
