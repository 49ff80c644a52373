"""Carrier rate cards, shipping quotes and rate shopping against the order's promised delivery date.

A rate card (``assets/rates/<carrier>.toml``) is what a carrier's sales rep hands a warehouse: zones by destination
country and postal prefix, a price per weight break and zone for each service, a per-kg rate above the last break,
a dimensional-weight divisor (light but bulky parcels pay for the space they take on the truck), surcharges (fuel as
a percentage, remote areas by postal prefix, oversize parcels) and transit days. Quoting from it offline gives the
same answer a carrier API would, so the rest of the system cannot tell the built-in carrier from a real one.

Money is ``Decimal`` throughout: every breakdown line is rounded to the cent and the total is their sum, so the
breakdown printed for a supervisor always adds up to the price.

The package: ``card`` (the rate card model and errors), ``loading`` (validating a card file), ``quoting`` (prices),
``dates`` (ship and delivery dates), ``shopping`` (choosing the service).
"""

from app.domain.rating.card import (
    CENT,
    EPS,
    LEVELS,
    SERVICE_CODE_RE,
    InvalidRateCard,
    NoServiceAvailable,
    PostalSurcharge,
    PostalZone,
    RateCard,
    ServiceRates,
    ServiceUnavailable,
    WeightBreak,
    level_rank,
    normalize_postal,
)
from app.domain.rating.dates import add_working_days, delivery_date, is_working_day, next_working_day, ship_date
from app.domain.rating.loading import load_rate_card
from app.domain.rating.quoting import Parcel, Quote, QuoteLine, billable_weight, quote
from app.domain.rating.shopping import Choice, ServiceOption, choose_service

__all__ = [
    "CENT",
    "EPS",
    "LEVELS",
    "SERVICE_CODE_RE",
    "Choice",
    "InvalidRateCard",
    "NoServiceAvailable",
    "Parcel",
    "PostalSurcharge",
    "PostalZone",
    "Quote",
    "QuoteLine",
    "RateCard",
    "ServiceOption",
    "ServiceRates",
    "ServiceUnavailable",
    "WeightBreak",
    "add_working_days",
    "billable_weight",
    "choose_service",
    "delivery_date",
    "is_working_day",
    "level_rank",
    "load_rate_card",
    "next_working_day",
    "normalize_postal",
    "quote",
    "ship_date",
]
