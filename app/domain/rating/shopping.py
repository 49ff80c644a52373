"""Rate shopping: picking the service to ship with against the order's promised delivery date and level."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from app.domain.rating.card import NoServiceAvailable, level_rank
from app.domain.rating.dates import delivery_date
from app.domain.rating.quoting import Quote


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
