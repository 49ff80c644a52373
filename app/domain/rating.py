"""Carrier rate cards, shipping quotes and rate shopping against the order's promised delivery date.

A rate card (``assets/rates/<carrier>.toml``) is what a carrier's sales rep hands a warehouse: zones by destination
country and postal prefix, a price per weight break and zone for each service, a per-kg rate above the last break,
a dimensional-weight divisor (light but bulky parcels pay for the space they take on the truck), surcharges (fuel as
a percentage, remote areas by postal prefix, oversize parcels) and transit days. Quoting from it offline gives the
same answer a carrier API would, so the rest of the system cannot tell the built-in carrier from a real one.

Money is ``Decimal`` throughout: every breakdown line is rounded to the cent and the total is their sum, so the
breakdown printed for a supervisor always adds up to the price.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple

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


# --- loading ----------------------------------------------------------------------------------------------------


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
    """Validate a parsed rate card file; every error names the file and the dotted key."""
    r = _Reader(source)
    r.only(data, "", ("card", "zones", "services", "surcharges"))
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
    known_zones = {default_zone, *countries.values(), *(z.zone for z in postal_zones)}

    services_raw = r.table(data, "services", "services")
    if not services_raw:
        raise r.fail("services", "at least one [services.<name>] table")
    services: dict[str, ServiceRates] = {}
    for name, raw in services_raw.items():
        if not isinstance(raw, dict):
            raise r.fail(f"services.{name}", "a table")
        services[name] = _load_service(r, name, raw, known_zones)

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
    return RateCard(
        carrier=carrier,
        currency=currency,
        dim_divisor=dim_divisor,
        weight_step_kg=step,
        default_zone=default_zone,
        countries=countries,
        postal_zones=tuple(postal_zones),
        services=services,
        fuel_pct=fuel_pct,
        postal_surcharges=tuple(postal_surcharges),
        residential_per_carton=residential,
        oversize_side_cm=oversize_side,
        oversize_per_carton=oversize_amount,
        max_weight_kg=max_weight,
        max_side_cm=max_side,
    )


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


# --- quoting ----------------------------------------------------------------------------------------------------


class Parcel(NamedTuple):
    """A closed carton as the carrier measures it: outer size and gross weight (a plain 4-tuple works too)."""

    length_cm: float
    width_cm: float
    height_cm: float
    weight_kg: float


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One line of a price breakdown; ``amount`` is already rounded to the cent."""

    label: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Quote:
    """What one service costs for a set of cartons to one destination, and why."""

    carrier: str
    service: str
    service_name: str
    zone: str
    price: Decimal
    currency: str
    billable_weight_kg: float
    transit_days: int | None
    """Working days in transit for this zone per the card; None when the card leaves it to the carrier config."""
    lines: tuple[QuoteLine, ...]

    @property
    def breakdown(self) -> str:
        return "\n".join(f"{line.label}: {line.amount} {self.currency}" for line in self.lines)


def billable_weight(parcel: Parcel, card: RateCard) -> tuple[float, bool]:
    """(billable kg rounded up to the card's step, True when dimensional weight decided it)."""
    actual = parcel.weight_kg
    dimensional = parcel.length_cm * parcel.width_cm * parcel.height_cm / card.dim_divisor
    heavier = max(actual, dimensional)
    step = card.weight_step_kg
    rounded = math.ceil(heavier / step - EPS) * step
    return round(max(rounded, step), 6), dimensional > actual


def quote(
    card: RateCard,
    service: str,
    cartons: Sequence[Parcel | tuple[float, float, float, float]],
    dest_country: str,
    dest_postal: str = "",
    *,
    residential: bool = False,
) -> Quote:
    """Price ``cartons`` (outer cm and gross kg) to a destination with one service of the card.

    Each carton is priced on its own (parcel carriers bill per piece): billable weight = the larger of actual and
    dimensional weight, rounded up; base price from the weight break, per-kg above the last break; then per-carton
    surcharges; then fuel on the lot. Raises ``ServiceUnavailable`` when the service cannot take the shipment.
    """
    rates = card.services.get(service)
    if rates is None:
        raise ServiceUnavailable(
            service, f"not on the {card.carrier} rate card (has {', '.join(sorted(card.services))})"
        )
    parcels = [Parcel(*c) for c in cartons]
    if not parcels:
        raise ServiceUnavailable(service, "no cartons to quote")
    zone = card.zone_for(dest_country, dest_postal)
    if zone not in rates.zones:
        raise ServiceUnavailable(service, f"does not deliver to {dest_country.upper()} {dest_postal} (zone {zone})")
    postal = normalize_postal(dest_postal)
    country = dest_country.strip().upper()
    area_charges = [
        s for s in card.postal_surcharges if s.country == country and any(postal.startswith(p) for p in s.prefixes)
    ]
    lines: list[QuoteLine] = []
    total_billable = 0.0
    for n, parcel in enumerate(parcels, start=1):
        label = f"carton {n}" if len(parcels) > 1 else "carton"
        longest = max(parcel[:3])
        if card.max_weight_kg is not None and parcel.weight_kg > card.max_weight_kg + EPS:
            raise ServiceUnavailable(
                service, f"{label} weighs {parcel.weight_kg:g} kg, over the {card.max_weight_kg:g} kg limit"
            )
        if card.max_side_cm is not None and longest > card.max_side_cm + EPS:
            raise ServiceUnavailable(service, f"{label} is {longest:g} cm long, over the {card.max_side_cm:g} cm limit")
        weight, by_volume = billable_weight(parcel, card)
        total_billable += weight
        base = _base_price(rates, zone, weight, service)
        how = "dimensional" if by_volume else "actual"
        lines.append(QuoteLine(f"{label}: {rates.name}, zone {zone}, {weight:g} kg billable ({how})", base))
        if card.oversize_side_cm is not None and longest > card.oversize_side_cm + EPS:
            lines.append(
                QuoteLine(
                    f"{label}: oversize ({longest:g} cm > {card.oversize_side_cm:g} cm)",
                    _cents(card.oversize_per_carton),
                )
            )
        for charge in area_charges:
            lines.append(QuoteLine(f"{label}: {charge.name}", _cents(charge.per_carton)))
        if residential and card.residential_per_carton:
            lines.append(QuoteLine(f"{label}: residential delivery", _cents(card.residential_per_carton)))
    if card.fuel_pct:
        subtotal = sum((line.amount for line in lines), Decimal(0))
        lines.append(QuoteLine(f"fuel surcharge {card.fuel_pct}%", _cents(subtotal * card.fuel_pct / 100)))
    return Quote(
        carrier=card.carrier,
        service=service,
        service_name=rates.name,
        zone=zone,
        price=sum((line.amount for line in lines), Decimal(0)),
        currency=card.currency,
        billable_weight_kg=round(total_billable, 6),
        transit_days=rates.transit_days.get(zone),
        lines=tuple(lines),
    )


def _base_price(rates: ServiceRates, zone: str, weight: float, service: str) -> Decimal:
    for wb in rates.breaks:
        if weight <= wb.max_kg + EPS:
            return _cents(wb.prices[zone])
    last = rates.breaks[-1]
    per_kg = rates.per_kg_above.get(zone)
    if per_kg is None:
        raise ServiceUnavailable(
            service, f"{weight:g} kg is over its last weight break ({last.max_kg:g} kg) to zone {zone}"
        )
    extra = Decimal(str(round(weight - last.max_kg, 6)))
    return _cents(last.prices[zone] + extra * per_kg)


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


# --- delivery dates ---------------------------------------------------------------------------------------------


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: Collection[date] = ()) -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """``start`` plus ``days`` working days (Saturdays, Sundays and holidays do not count)."""
    day = start
    for _ in range(days):
        day = next_working_day(day, holidays)
    return day


def ship_date(now: datetime, cutoff: time, holidays: Collection[date] = ()) -> date:
    """When a carton handed over ``now`` leaves: today if it is a working day and before the cut-off (the cut-off
    itself is too late: the truck is leaving), else the next working day."""
    today = now.date()
    if is_working_day(today, holidays) and now.time().replace(tzinfo=None) < cutoff:
        return today
    return next_working_day(today, holidays)


def delivery_date(now: datetime, cutoff: time, transit_days: int, holidays: Collection[date] = ()) -> date:
    """Expected delivery: the ship date plus ``transit_days`` working days (0 = delivered the day it ships)."""
    return add_working_days(ship_date(now, cutoff, holidays), transit_days, holidays)


# --- rate shopping ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceOption:
    """A quoted service with what the clock needs: its level, its transit days and today's cut-off."""

    quote: Quote
    level: str
    transit_days: int
    cutoff: time

    @property
    def service(self) -> str:
        return self.quote.service

    @classmethod
    def from_quote(cls, quote: Quote, *, level: str, cutoff: time, default_transit_days: int) -> ServiceOption:
        """Use the card's transit days for the quote's zone, or the carrier config's when the card has none."""
        transit = quote.transit_days if quote.transit_days is not None else default_transit_days
        return cls(quote, level, transit, cutoff)


@dataclass(frozen=True, slots=True)
class Choice:
    """The service rate shopping picked, and a sentence for the order's timeline saying why."""

    service: str
    reason: str
    upgraded: bool
    """True when the chosen service is of a faster level than the order asked for."""
    delivery_date: date
    meets_promise: bool
    """False only when a promised date was given and no service can make it."""
    option: ServiceOption


def choose_service(
    options: Sequence[ServiceOption],
    *,
    promised_delivery: date | None,
    ordered_level: str,
    now: datetime,
    holidays: Collection[date] = (),
) -> Choice:
    """Pick the service to ship with.

    With a promised delivery date: the cheapest service that arrives by then, whatever its level (a slower, cheaper
    service that still arrives in time is the point of rate shopping). If the service the order asked for would
    be late, that is said and the choice counts as an upgrade. If nothing arrives in time, the fastest service
    (earliest delivery, then cheapest), saying so. Without a promised date: the cheapest service of the ordered
    level or faster; when the destination has no such service, the fastest there is.
    """
    if not options:
        raise NoServiceAvailable("no carrier service can take this shipment")
    ordered_rank = level_rank(ordered_level)
    dates = {id(o): delivery_date(now, o.cutoff, o.transit_days, holidays) for o in options}

    def cheapest(o: ServiceOption) -> tuple[Decimal, date, int, str]:
        return (o.quote.price, dates[id(o)], level_rank(o.level), o.service)

    def fastest(o: ServiceOption) -> tuple[date, Decimal, int, str]:
        return (dates[id(o)], o.quote.price, level_rank(o.level), o.service)

    def describe(o: ServiceOption) -> str:
        return f"{o.service} (arrives {dates[id(o)].isoformat()}, {o.quote.price} {o.quote.currency})"

    def make(o: ServiceOption, reason: str, meets: bool = True) -> Choice:
        return Choice(o.service, reason, level_rank(o.level) < ordered_rank, dates[id(o)], meets, o)

    ordered = [o for o in options if o.level == ordered_level]
    ordered_best = min(ordered, key=cheapest) if ordered else None

    if promised_delivery is None:
        eligible = [o for o in options if level_rank(o.level) <= ordered_rank]
        if eligible:
            chosen = min(eligible, key=cheapest)
            return make(chosen, f"no promised date: cheapest {ordered_level} or faster service is {describe(chosen)}")
        chosen = min(options, key=fastest)
        return make(chosen, f"no {ordered_level} service to this destination: fastest available is {describe(chosen)}")

    promised = promised_delivery.isoformat()
    on_time = [o for o in options if dates[id(o)] <= promised_delivery]
    if not on_time:
        chosen = min(options, key=fastest)
        return make(chosen, f"no service meets the promised {promised}: fastest is {describe(chosen)}", meets=False)
    chosen = min(on_time, key=cheapest)
    if ordered_best is not None and dates[id(ordered_best)] > promised_delivery:
        late = dates[id(ordered_best)].isoformat()
        verb = "upgraded to" if level_rank(chosen.level) < ordered_rank else "switched to"
        return make(
            chosen,
            f"{ordered_best.service} would arrive {late}, after the promised {promised}: {verb} {describe(chosen)}",
        )
    prefix = f"no {ordered_level} service to this destination; " if ordered_best is None else ""
    return make(chosen, f"{prefix}cheapest service arriving by the promised {promised} is {describe(chosen)}")
