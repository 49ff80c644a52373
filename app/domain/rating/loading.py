"""Loading a rate card: validating the parsed TOML into a ``RateCard``, every error naming the file and dotted key."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.rating.card import (
    SERVICE_CODE_RE,
    InvalidRateCard,
    PostalSurcharge,
    PostalZone,
    RateCard,
    ServiceRates,
    WeightBreak,
    normalize_postal,
)


class _Reader:
    """Typed access to a parsed TOML table that reports the dotted key of anything wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, expected: str) -> InvalidRateCard:
        return InvalidRateCard(self.source, key, expected)

    def table(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> Mapping[str, Any]:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, "a table")
        return value

    def text(self, data: Mapping[str, Any], key: str, path: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"a non-empty string, got {value!r}")
        return value.strip()

    def number(self, value: Any, path: str, *, positive: bool = True) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(path, f"a number, got {value!r}")
        if value < 0 or (positive and value == 0):
            raise self.fail(path, f"a {'positive' if positive else 'non-negative'} number, got {value!r}")
        return float(value)

    def money(self, value: Any, path: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(path, f"an amount, got {value!r}")
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(path, f"an amount, got {value!r}") from None
        if not amount.is_finite() or amount < 0:
            raise self.fail(path, f"a non-negative amount, got {value!r}")
        return amount

    def days(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(path, f"a whole number of days >= 0, got {value!r}")
        return value

    def only(self, data: Mapping[str, Any], path: str, allowed: Collection[str]) -> None:
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            where = f"{path}.{unknown[0]}" if path else unknown[0]
            raise self.fail(where, f"one of {', '.join(sorted(allowed))} (unknown key)")


def load_rate_card(data: Mapping[str, Any], source: str = "<rate card>") -> RateCard:
    """Validate a parsed rate card file; every error names the file and the dotted key.

    Sections are checked in file order (card, zones, services, surcharges), so the first error reported is the
    first one a reader of the file meets.
    """
    r = _Reader(source)
    r.only(data, "", ("card", "zones", "services", "surcharges"))
    header = _load_header(r, data)
    zones = _load_zones(r, data)
    known_zones = {zones["default_zone"], *zones["countries"].values(), *(z.zone for z in zones["postal_zones"])}
    services = _load_services(r, data, known_zones)
    surcharges = _load_surcharges(r, data)
    return RateCard(**header, **zones, services=services, **surcharges)


def _load_header(r: _Reader, data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``[card]`` table: carrier, currency, dimensional divisor, weight step and carrier limits."""
    card = r.table(data, "card", "card")
    r.only(card, "card", ("carrier", "currency", "dim_divisor", "weight_step_kg", "max_weight_kg", "max_side_cm"))
    carrier = r.text(card, "carrier", "card.carrier")
    currency = r.text(card, "currency", "card.currency")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise r.fail("card.currency", f"an ISO 4217 code such as EUR, got {currency!r}")
    dim_divisor = r.number(card.get("dim_divisor"), "card.dim_divisor")
    step = r.number(card.get("weight_step_kg", 0.1), "card.weight_step_kg")
    max_weight = r.number(card["max_weight_kg"], "card.max_weight_kg") if "max_weight_kg" in card else None
    max_side = r.number(card["max_side_cm"], "card.max_side_cm") if "max_side_cm" in card else None
    return {
        "carrier": carrier,
        "currency": currency,
        "dim_divisor": dim_divisor,
        "weight_step_kg": step,
        "max_weight_kg": max_weight,
        "max_side_cm": max_side,
    }


def _load_zones(r: _Reader, data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``[zones]`` table: the default zone, zones by country, and ``[[zones.postal]]`` zones by postal prefix."""
    zones = r.table(data, "zones", "zones")
    r.only(zones, "zones", ("default", "countries", "postal"))
    default_zone = r.text(zones, "default", "zones.default")
    countries_raw = r.table(zones, "countries", "zones.countries", required=False)
    countries: dict[str, str] = {}
    for country in countries_raw:
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise r.fail(f"zones.countries.{country}", "an ISO 3166 two-letter country code in capitals")
        countries[country] = r.text(countries_raw, country, f"zones.countries.{country}")
    postal_raw = zones.get("postal", [])
    if not isinstance(postal_raw, list):
        raise r.fail("zones.postal", "an array of tables ([[zones.postal]])")
    postal_zones: list[PostalZone] = []
    for i, entry in enumerate(postal_raw):
        path = f"zones.postal[{i}]"
        if not isinstance(entry, dict):
            raise r.fail(path, "a table")
        r.only(entry, path, ("country", "prefix", "zone"))
        prefix = normalize_postal(r.text(entry, "prefix", f"{path}.prefix"))
        postal_zones.append(
            PostalZone(
                r.text(entry, "country", f"{path}.country").upper(), prefix, r.text(entry, "zone", f"{path}.zone")
            )
        )
    return {"default_zone": default_zone, "countries": countries, "postal_zones": tuple(postal_zones)}


def _load_services(r: _Reader, data: Mapping[str, Any], known_zones: set[str]) -> dict[str, ServiceRates]:
    services_raw = r.table(data, "services", "services")
    if not services_raw:
        raise r.fail("services", "at least one [services.<name>] table")
    services: dict[str, ServiceRates] = {}
    for name, raw in services_raw.items():
        if not isinstance(raw, dict):
            raise r.fail(f"services.{name}", "a table")
        services[name] = _load_service(r, name, raw, known_zones)
    return services


def _load_surcharges(r: _Reader, data: Mapping[str, Any]) -> dict[str, Any]:
    """The optional ``[surcharges]`` table: fuel, residential, oversize and ``[[surcharges.postal]]`` areas."""
    sur = r.table(data, "surcharges", "surcharges", required=False)
    r.only(sur, "surcharges", ("fuel_pct", "residential_per_carton", "oversize", "postal"))
    fuel_pct = r.money(sur.get("fuel_pct", 0), "surcharges.fuel_pct")
    residential = r.money(sur.get("residential_per_carton", 0), "surcharges.residential_per_carton")
    oversize = r.table(sur, "oversize", "surcharges.oversize", required=False)
    r.only(oversize, "surcharges.oversize", ("side_cm", "per_carton"))
    oversize_side = r.number(oversize["side_cm"], "surcharges.oversize.side_cm") if "side_cm" in oversize else None
    oversize_amount = r.money(oversize.get("per_carton", 0), "surcharges.oversize.per_carton")
    postal_sur_raw = sur.get("postal", [])
    if not isinstance(postal_sur_raw, list):
        raise r.fail("surcharges.postal", "an array of tables ([[surcharges.postal]])")
    postal_surcharges: list[PostalSurcharge] = []
    for i, entry in enumerate(postal_sur_raw):
        path = f"surcharges.postal[{i}]"
        if not isinstance(entry, dict):
            raise r.fail(path, "a table")
        r.only(entry, path, ("name", "country", "prefixes", "per_carton"))
        prefixes = entry.get("prefixes")
        if not isinstance(prefixes, list) or not prefixes or not all(isinstance(p, str) and p for p in prefixes):
            raise r.fail(f"{path}.prefixes", "a non-empty array of postal code prefixes (strings)")
        postal_surcharges.append(
            PostalSurcharge(
                r.text(entry, "name", f"{path}.name"),
                r.text(entry, "country", f"{path}.country").upper(),
                tuple(normalize_postal(p) for p in prefixes),
                r.money(entry.get("per_carton"), f"{path}.per_carton"),
            )
        )
    return {
        "fuel_pct": fuel_pct,
        "postal_surcharges": tuple(postal_surcharges),
        "residential_per_carton": residential,
        "oversize_side_cm": oversize_side,
        "oversize_per_carton": oversize_amount,
    }


def _load_service(r: _Reader, name: str, raw: Mapping[str, Any], known_zones: set[str]) -> ServiceRates:
    path = f"services.{name}"
    r.only(raw, path, ("name", "tracking_service_code", "breaks", "per_kg_above", "transit_days"))
    code = str(raw.get("tracking_service_code", "03"))
    if not SERVICE_CODE_RE.match(code):
        raise r.fail(f"{path}.tracking_service_code", f"two capital letters or digits, got {code!r}")
    breaks_raw = raw.get("breaks")
    if not isinstance(breaks_raw, list) or not breaks_raw:
        raise r.fail(f"{path}.breaks", f"one or more [[{path}.breaks]] tables")
    breaks: list[WeightBreak] = []
    zones: frozenset[str] | None = None
    for i, entry in enumerate(breaks_raw):
        bpath = f"{path}.breaks[{i}]"
        if not isinstance(entry, dict):
            raise r.fail(bpath, "a table")
        r.only(entry, bpath, ("max_kg", "prices"))
        max_kg = r.number(entry.get("max_kg"), f"{bpath}.max_kg")
        if breaks and max_kg <= breaks[-1].max_kg:
            raise r.fail(f"{bpath}.max_kg", f"more than the previous break ({breaks[-1].max_kg:g} kg)")
        prices_raw = r.table(entry, "prices", f"{bpath}.prices")
        prices = {zone: r.money(v, f"{bpath}.prices.{zone}") for zone, v in prices_raw.items()}
        for zone in prices:
            if zone not in known_zones:
                raise r.fail(
                    f"{bpath}.prices.{zone}", f"a zone defined under [zones] ({', '.join(sorted(known_zones))})"
                )
        if zones is not None and frozenset(prices) != zones:
            raise r.fail(
                f"{bpath}.prices", f"prices for the same zones as the first break ({', '.join(sorted(zones))})"
            )
        zones = frozenset(prices)
        breaks.append(WeightBreak(max_kg, prices))
    per_kg_raw = r.table(raw, "per_kg_above", f"{path}.per_kg_above", required=False)
    per_kg = {zone: r.money(v, f"{path}.per_kg_above.{zone}") for zone, v in per_kg_raw.items()}
    transit_raw = raw.get("transit_days", {})
    transit: dict[str, int]
    if isinstance(transit_raw, int) and not isinstance(transit_raw, bool):
        transit = dict.fromkeys(zones or (), r.days(transit_raw, f"{path}.transit_days"))
    elif isinstance(transit_raw, dict):
        transit = {zone: r.days(v, f"{path}.transit_days.{zone}") for zone, v in transit_raw.items()}
    else:
        raise r.fail(f"{path}.transit_days", "a number of days or a table of days by zone")
    for table_name, table in (("per_kg_above", per_kg), ("transit_days", transit)):
        for zone in table:
            if zones is not None and zone not in zones:
                raise r.fail(
                    f"{path}.{table_name}.{zone}", f"a zone the service has prices for ({', '.join(sorted(zones))})"
                )
    return ServiceRates(
        code=name,
        name=r.text(raw, "name", f"{path}.name", default=name),
        breaks=tuple(breaks),
        per_kg_above=per_kg,
        transit_days=transit,
        tracking_service_code=code,
    )
