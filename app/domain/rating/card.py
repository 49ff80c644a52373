"""The rate card model: service levels, zones, weight breaks, surcharges, and the errors rating raises."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from app.domain.errors import DomainError

LEVELS: tuple[str, ...] = ("same_day", "express", "standard")
"""Service levels, fastest first: an order for ``express`` may always go ``same_day``, never ``standard``."""

CENT = Decimal("0.01")
EPS = 1e-9
SERVICE_CODE_RE = re.compile(r"^[A-Z0-9]{2}$")


def level_rank(level: str) -> int:
    """0 for the fastest level; lower is faster."""
    try:
        return LEVELS.index(level)
    except ValueError:
        raise ValueError(f"unknown service level {level!r} (expected one of {', '.join(LEVELS)})") from None


# --- errors -----------------------------------------------------------------------------------------------------


class InvalidRateCard(DomainError):
    """A rate card file cannot be used; names the file, the dotted key and what was expected."""

    def __init__(self, source: str, key: str, expected: str) -> None:
        super().__init__(f"{source}: {key}: expected {expected}")
        self.source = source
        self.key = key
        self.expected = expected


class ServiceUnavailable(DomainError):
    """A service cannot carry these cartons to this destination (no price for the zone, too heavy, too long)."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class NoServiceAvailable(DomainError):
    """Rate shopping had nothing to choose from."""


# --- rate card model --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeightBreak:
    """Price per zone for a carton whose billable weight is at most ``max_kg``."""

    max_kg: float
    prices: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class ServiceRates:
    """One service of a rate card. A zone without a price is a zone the service does not go to."""

    code: str
    name: str
    breaks: tuple[WeightBreak, ...]
    per_kg_above: Mapping[str, Decimal]
    """Price per billable kg above the last break, by zone (a zone missing here stops at the last break)."""
    transit_days: Mapping[str, int]
    """Working days from hand-over to delivery, by zone; a zone missing here uses the carrier config's value."""
    tracking_service_code: str = "03"
    """Two characters put into the tracking number to say which service it is (UPS-style: 01 air, 03 ground)."""

    @property
    def zones(self) -> frozenset[str]:
        return frozenset(self.breaks[0].prices) if self.breaks else frozenset()


@dataclass(frozen=True, slots=True)
class PostalZone:
    country: str
    prefix: str
    zone: str


@dataclass(frozen=True, slots=True)
class PostalSurcharge:
    """A per-carton charge for destinations starting with one of ``prefixes`` (remote areas, islands)."""

    name: str
    country: str
    prefixes: tuple[str, ...]
    per_carton: Decimal


@dataclass(frozen=True, slots=True)
class RateCard:
    carrier: str
    currency: str
    dim_divisor: float
    """cm³ per kg: a 40x30x20 cm carton weighs 24000/5000 = 4.8 kg for billing whatever the scale says."""
    weight_step_kg: float
    """Billable weight is rounded up to this step (0.5 = the next half kilo)."""
    default_zone: str
    countries: Mapping[str, str]
    postal_zones: tuple[PostalZone, ...]
    services: Mapping[str, ServiceRates]
    fuel_pct: Decimal
    """Fuel surcharge in percent of the base price plus the other surcharges (as parcel carriers apply it)."""
    postal_surcharges: tuple[PostalSurcharge, ...] = ()
    residential_per_carton: Decimal = Decimal(0)
    oversize_side_cm: float | None = None
    """A carton with a side longer than this pays ``oversize_per_carton``."""
    oversize_per_carton: Decimal = Decimal(0)
    max_weight_kg: float | None = None
    """Heaviest carton the carrier takes (actual weight)."""
    max_side_cm: float | None = None
    """Longest carton side the carrier takes."""

    def zone_for(self, country: str, postal_code: str = "") -> str:
        """The zone of a destination: the longest matching postal prefix of the country, else the country's
        zone, else the default zone."""
        country = country.strip().upper()
        postal = normalize_postal(postal_code)
        matches = [z for z in self.postal_zones if z.country == country and postal.startswith(z.prefix)]
        if matches:
            return max(matches, key=lambda z: len(z.prefix)).zone
        return self.countries.get(country, self.default_zone)


def normalize_postal(postal_code: str) -> str:
    """Postal codes compared without spaces or dashes and in capitals ("bt1 1aa" -> "BT11AA")."""
    return re.sub(r"[\s-]", "", postal_code).upper()
