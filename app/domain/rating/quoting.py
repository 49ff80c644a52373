"""Quoting: what one service of a rate card costs for a set of cartons, with a breakdown that adds up."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from app.domain.rating.card import (
    CENT,
    EPS,
    PostalSurcharge,
    RateCard,
    ServiceRates,
    ServiceUnavailable,
    normalize_postal,
)


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
        weight = _price_carton(card, rates, service, zone, label, parcel, area_charges, residential, lines)
        total_billable += weight
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


def _price_carton(
    card: RateCard,
    rates: ServiceRates,
    service: str,
    zone: str,
    label: str,
    parcel: Parcel,
    area_charges: Sequence[PostalSurcharge],
    residential: bool,
    lines: list[QuoteLine],
) -> float:
    """Append one carton's base price and per-carton surcharges to ``lines``; return its billable kg.

    Raises ``ServiceUnavailable`` when the carton is over the card's weight or size limit.
    """
    longest = max(parcel[:3])
    if card.max_weight_kg is not None and parcel.weight_kg > card.max_weight_kg + EPS:
        raise ServiceUnavailable(
            service, f"{label} weighs {parcel.weight_kg:g} kg, over the {card.max_weight_kg:g} kg limit"
        )
    if card.max_side_cm is not None and longest > card.max_side_cm + EPS:
        raise ServiceUnavailable(service, f"{label} is {longest:g} cm long, over the {card.max_side_cm:g} cm limit")
    weight, by_volume = billable_weight(parcel, card)
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
    return weight


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
