"""Rate cards: zones, weight breaks, dimensional weight, surcharges; delivery dates and rate shopping."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.config import load_config
from app.domain.rating import (
    InvalidRateCard,
    NoServiceAvailable,
    Parcel,
    Quote,
    RateCard,
    ServiceOption,
    ServiceUnavailable,
    billable_weight,
    choose_service,
    delivery_date,
    load_rate_card,
    quote,
    ship_date,
)

ROOT = Path(__file__).resolve().parents[2]
CARD_PATH = ROOT / "assets" / "rates" / "demo-parcel.toml"

# 2026-11-23 is a Monday.
MON = date(2026, 11, 23)
FRI = date(2026, 11, 27)


@pytest.fixture(scope="module")
def card_data() -> dict[str, Any]:
    with CARD_PATH.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def card(card_data: dict[str, Any]) -> RateCard:
    return load_rate_card(card_data, str(CARD_PATH))


def small_card(**overrides: Any) -> dict[str, Any]:
    """A minimal card whose numbers are easy to check by hand."""
    data: dict[str, Any] = {
        "card": {"carrier": "t", "currency": "EUR", "dim_divisor": 5000, "weight_step_kg": 0.5},
        "zones": {
            "default": "world",
            "countries": {"AT": "home", "DE": "near"},
            "postal": [
                {"country": "AT", "prefix": "1", "zone": "city"},
                {"country": "AT", "prefix": "12", "zone": "home"},  # longer prefix beats "1"
            ],
        },
        "services": {
            "standard": {
                "breaks": [
                    {"max_kg": 1, "prices": {"city": 4, "home": 5, "near": 9, "world": 20}},
                    {"max_kg": 5, "prices": {"city": 6, "home": 7, "near": 14, "world": 40}},
                ],
                "per_kg_above": {"city": 0.5, "home": 0.5, "near": 1.0},
                "transit_days": {"city": 1, "home": 2, "near": 3, "world": 6},
            }
        },
    }
    for key, value in overrides.items():
        data[key] = value
    return data


def option(service: str, level: str, price: str, transit: int, cutoff: str) -> ServiceOption:
    q = Quote("demo", service, service, "z", Decimal(price), "EUR", 1.0, transit, ())
    return ServiceOption(q, level, transit, time.fromisoformat(cutoff))


# The demo carrier's services as config.toml defines them (transit days: its defaults).
def demo_options() -> list[ServiceOption]:
    return [
        option("same_day", "same_day", "14.90", 0, "12:00"),
        option("express", "express", "9.90", 1, "16:00"),
        option("standard", "standard", "4.90", 3, "17:30"),
    ]


# --- loading ----------------------------------------------------------------------------------------------------


def test_demo_card_matches_config(card: RateCard) -> None:
    config = load_config(ROOT / "config.toml", env={})
    services = config.carriers["demo-parcel"].services
    assert set(card.services) == set(services) == {"same_day", "express", "standard"}
    assert card.carrier == "demo-parcel"
    assert card.dim_divisor == 5000
    assert config.resolve(config.carriers["demo-parcel"].rate_card) == CARD_PATH


def test_demo_card_zones(card: RateCard) -> None:
    assert card.zone_for("AT", "8010") == "domestic"
    assert card.zone_for("AT", "1010") == "vienna"
    assert card.zone_for("at", " 1150 ") == "vienna"
    for country in ("DE", "CZ", "SK", "SI"):
        assert card.zone_for(country, "12345") == "eu1"
    assert card.zone_for("PL", "00-001") == card.zone_for("FR", "75001") == "eu2"
    assert card.zone_for("GB", "SW1A 1AA") == "gb"
    assert card.zone_for("GB", "BT1 1AA") == "eu2"
    assert card.zone_for("US", "10001") == card.zone_for("JP", "100-0001") == "world"


def test_longest_postal_prefix_wins() -> None:
    card = load_rate_card(small_card(), "t.toml")
    assert card.zone_for("AT", "1010") == "city"
    assert card.zone_for("AT", "1230") == "home"
    assert card.zone_for("AT", "4020") == "home"
    assert card.zone_for("DE", "10115") == "near"
    assert card.zone_for("BR", "01000") == "world"


def test_card_errors_name_the_key(card_data: dict[str, Any]) -> None:
    bad_divisor = small_card(card={"carrier": "t", "currency": "EUR"})
    with pytest.raises(InvalidRateCard) as err:
        load_rate_card(bad_divisor, "t.toml")
    assert err.value.key == "card.dim_divisor"
    assert str(err.value).startswith("t.toml: card.dim_divisor: expected")

    unknown_zone = small_card()
    unknown_zone["services"]["standard"]["breaks"][0]["prices"]["mars"] = 1
    with pytest.raises(InvalidRateCard, match=r"services\.standard\.breaks\[0\]\.prices\.mars"):
        load_rate_card(unknown_zone, "t.toml")

    descending = small_card()
    descending["services"]["standard"]["breaks"][1]["max_kg"] = 0.5
    with pytest.raises(InvalidRateCard, match=r"breaks\[1\]\.max_kg: expected more than the previous break"):
        load_rate_card(descending, "t.toml")

    typo = small_card()
    typo["services"]["standard"]["transit_dayz"] = 3
    with pytest.raises(InvalidRateCard, match=r"services\.standard\.transit_dayz"):
        load_rate_card(typo, "t.toml")

    negative = {**card_data, "surcharges": {"fuel_pct": -2}}
    with pytest.raises(InvalidRateCard, match=r"surcharges\.fuel_pct"):
        load_rate_card(negative, "t.toml")


# --- quotes -----------------------------------------------------------------------------------------------------


def test_weight_breaks() -> None:
    card = load_rate_card(small_card(), "t.toml")

    def price(kg: float) -> Decimal:
        return quote(card, "standard", [(10, 10, 10, kg)], "DE").price

    assert price(0.3) == Decimal("9.00")  # first break
    assert price(1.0) == Decimal("9.00")  # a break's upper bound is inclusive
    assert price(1.2) == Decimal("14.00")  # 1.5 kg billable: next break
    assert price(5.0) == Decimal("14.00")
    assert price(7.3) == Decimal("16.50")  # 7.5 kg: last break 14 + 2.5 kg x 1.00
    with pytest.raises(ServiceUnavailable, match="over its last weight break"):
        quote(card, "standard", [(10, 10, 10, 7.0)], "BR")  # no per-kg rate for "world"


def test_dimensional_weight_beats_actual(card: RateCard) -> None:
    light_bulky = Parcel(40, 30, 20, 2.0)  # 24000 cm³ / 5000 = 4.8 kg
    assert billable_weight(light_bulky, card) == (5.0, True)
    assert billable_weight(Parcel(20, 15, 10, 2.2), card) == (2.5, False)
    q = quote(card, "standard", [light_bulky], "DE", "80331")
    assert q.billable_weight_kg == 5.0
    assert q.lines[0].amount == Decimal("13.90")  # the 5 kg break, not the 2 kg one
    assert "dimensional" in q.lines[0].label


def test_surcharges_and_breakdown_adds_up(card: RateCard) -> None:
    plain = quote(card, "standard", [(30, 20, 10, 1.8)], "AT", "8010")
    assert [line.amount for line in plain.lines] == [Decimal("5.50"), Decimal("0.52")]  # base + 9.5% fuel
    assert plain.price == Decimal("6.02")

    remote = quote(card, "standard", [(30, 20, 10, 1.8)], "AT", "9900")  # Lienz, East Tyrol
    assert any("Remote area" in line.label and line.amount == Decimal("3.50") for line in remote.lines)
    assert remote.price == Decimal("9.86")  # 5.50 + 3.50 + fuel 0.855 rounded half up to 0.86
    assert remote.price == sum(line.amount for line in remote.lines)

    island = quote(card, "express", [(30, 20, 10, 1.0)], "DE", "27498")  # Helgoland
    assert any(line.label.endswith("Island delivery") for line in island.lines)

    oversize = quote(card, "standard", [(120, 20, 10, 4.0), (30, 20, 10, 1.0)], "AT", "8010")
    labels = [line.label for line in oversize.lines]
    assert "carton 1: oversize (120 cm > 100 cm)" in labels
    assert not any(label.startswith("carton 2: oversize") for label in labels)
    assert oversize.price == sum(line.amount for line in oversize.lines)
    assert oversize.lines[-1].label == "fuel surcharge 9.5%"


def test_residential_surcharge() -> None:
    data = small_card(surcharges={"residential_per_carton": 1.25})
    card = load_rate_card(data, "t.toml")
    business = quote(card, "standard", [(10, 10, 10, 0.5)], "DE")
    home = quote(card, "standard", [(10, 10, 10, 0.5)], "DE", residential=True)
    assert home.price - business.price == Decimal("1.25")


def test_services_that_cannot_go(card: RateCard) -> None:
    assert quote(card, "same_day", [(20, 20, 10, 1.0)], "AT", "1030").transit_days == 0
    with pytest.raises(ServiceUnavailable, match="does not deliver to AT 8010"):
        quote(card, "same_day", [(20, 20, 10, 1.0)], "AT", "8010")
    with pytest.raises(ServiceUnavailable, match=r"over the 31\.5 kg limit"):
        quote(card, "standard", [(40, 30, 30, 32.0)], "AT", "8010")
    with pytest.raises(ServiceUnavailable, match="over the 175 cm limit"):
        quote(card, "standard", [(180, 10, 10, 3.0)], "AT", "8010")
    with pytest.raises(ServiceUnavailable, match="not on the demo-parcel rate card"):
        quote(card, "overnight", [(10, 10, 10, 1.0)], "AT", "8010")


def test_transit_days_by_zone(card: RateCard) -> None:
    assert quote(card, "standard", [(10, 10, 10, 1)], "AT", "8010").transit_days == 2
    assert quote(card, "standard", [(10, 10, 10, 1)], "US", "10001").transit_days == 7
    assert quote(card, "express", [(10, 10, 10, 1)], "DE", "10115").transit_days == 1


# --- delivery dates ---------------------------------------------------------------------------------------------


def test_ship_today_only_before_cutoff() -> None:
    cutoff = time(16, 0)
    assert ship_date(datetime(2026, 11, 23, 15, 59), cutoff) == MON
    assert ship_date(datetime(2026, 11, 23, 16, 0), cutoff) == date(2026, 11, 24)
    assert delivery_date(datetime(2026, 11, 23, 9, 0), cutoff, 1) == date(2026, 11, 24)
    assert delivery_date(datetime(2026, 11, 23, 17, 0), cutoff, 1) == date(2026, 11, 25)


def test_weekends_and_holidays_are_skipped() -> None:
    cutoff = time(16, 0)
    # Friday after the cut-off ships Monday and arrives Tuesday.
    assert ship_date(datetime(2026, 11, 27, 16, 30), cutoff) == date(2026, 11, 30)
    assert delivery_date(datetime(2026, 11, 27, 16, 30), cutoff, 1) == date(2026, 12, 1)
    # Friday morning, 3 days' transit: Mon, Tue, Wed.
    assert delivery_date(datetime(2026, 11, 27, 9, 0), cutoff, 3) == date(2026, 12, 2)
    # Saturday is never a ship day, whatever the time.
    assert ship_date(datetime(2026, 11, 28, 8, 0), cutoff) == date(2026, 11, 30)
    # Same-day service: delivered the day it ships.
    assert delivery_date(datetime(2026, 11, 23, 11, 0), time(12, 0), 0) == MON
    # A holiday (8 December, Austria) is skipped like a weekend.
    holidays = {date(2026, 12, 8)}
    assert delivery_date(datetime(2026, 12, 7, 9, 0), cutoff, 1, holidays) == date(2026, 12, 9)


# --- rate shopping ----------------------------------------------------------------------------------------------


def test_upgrade_when_ordered_service_would_be_late() -> None:
    now = datetime(2026, 11, 23, 18, 0)  # Monday, after every cut-off: everything ships Tuesday
    choice = choose_service(demo_options(), promised_delivery=date(2026, 11, 26), ordered_level="standard", now=now)
    assert choice.service == "express"
    assert choice.upgraded and choice.meets_promise
    assert choice.delivery_date == date(2026, 11, 25)
    assert choice.reason.startswith(
        "standard would arrive 2026-11-27, after the promised 2026-11-26: upgraded to express"
    )


def test_ordered_service_kept_when_in_time() -> None:
    now = datetime(2026, 11, 23, 10, 0)  # Monday morning: standard ships today, arrives Thursday
    choice = choose_service(demo_options(), promised_delivery=date(2026, 11, 26), ordered_level="standard", now=now)
    assert (choice.service, choice.upgraded, choice.delivery_date) == ("standard", False, date(2026, 11, 26))
    assert "cheapest service arriving by the promised 2026-11-26 is standard" in choice.reason


def test_cutoff_decides_the_upgrade() -> None:
    promised = date(2026, 11, 26)
    before = choose_service(
        demo_options(), promised_delivery=promised, ordered_level="standard", now=datetime(2026, 11, 23, 17, 29)
    )
    after = choose_service(
        demo_options(), promised_delivery=promised, ordered_level="standard", now=datetime(2026, 11, 23, 17, 30)
    )
    assert (before.service, before.upgraded) == ("standard", False)
    assert (after.service, after.upgraded) == ("express", True)


def test_rate_shopping_may_pick_a_slower_cheaper_service() -> None:
    # Ordered express, but the promise is a week out: standard arrives in time for less.
    now = datetime(2026, 11, 23, 10, 0)
    choice = choose_service(demo_options(), promised_delivery=FRI, ordered_level="express", now=now)
    assert choice.service == "standard" and not choice.upgraded and choice.meets_promise


def test_weekend_pushes_the_upgrade() -> None:
    # Thursday after 17:30: standard ships Friday, 3 working days -> Wednesday; promised Tuesday.
    now = datetime(2026, 11, 26, 18, 0)
    choice = choose_service(demo_options(), promised_delivery=date(2026, 12, 1), ordered_level="standard", now=now)
    assert choice.service == "express" and choice.upgraded
    assert choice.delivery_date == date(2026, 11, 30)  # ships Friday, arrives Monday
    assert "standard would arrive 2026-12-02" in choice.reason


def test_no_service_meets_the_promise() -> None:
    now = datetime(2026, 11, 23, 17, 0)  # Monday 17:00: the noon and 16:00 cut-offs are gone
    choice = choose_service(demo_options(), promised_delivery=MON, ordered_level="standard", now=now)
    assert not choice.meets_promise
    # same_day ships Tuesday and arrives Tuesday; express arrives Wednesday; standard Friday.
    assert choice.service == "same_day" and choice.delivery_date == date(2026, 11, 24)
    assert choice.upgraded
    assert choice.reason.startswith("no service meets the promised 2026-11-23: fastest is same_day (arrives 2026-11-24")


def test_same_day_before_noon() -> None:
    now = datetime(2026, 11, 23, 11, 30)
    choice = choose_service(demo_options(), promised_delivery=MON, ordered_level="same_day", now=now)
    assert choice.service == "same_day" and choice.meets_promise and not choice.upgraded


def test_no_promised_date_cheapest_of_at_least_the_ordered_level() -> None:
    now = datetime(2026, 11, 23, 10, 0)
    express = choose_service(demo_options(), promised_delivery=None, ordered_level="express", now=now)
    assert express.service == "express" and not express.upgraded  # standard is cheaper but slower than ordered
    standard = choose_service(demo_options(), promised_delivery=None, ordered_level="standard", now=now)
    assert standard.service == "standard"
    # Ordered same-day to a place the courier does not go: the fastest there is.
    outside_vienna = [o for o in demo_options() if o.service != "same_day"]
    fallback = choose_service(outside_vienna, promised_delivery=None, ordered_level="same_day", now=now)
    assert fallback.service == "express" and "no same_day service" in fallback.reason


def test_rate_shopping_on_real_quotes(card: RateCard) -> None:
    config = load_config(ROOT / "config.toml", env={})
    services = config.carriers["demo-parcel"].services
    cartons = [(31, 22, 16, 2.4)]
    options = []
    for name, svc in services.items():
        try:
            q = quote(card, name, cartons, "DE", "80331")
        except ServiceUnavailable:
            continue
        options.append(
            ServiceOption.from_quote(
                q, level=svc.level, cutoff=time.fromisoformat(svc.cutoff), default_transit_days=svc.transit_days
            )
        )
    assert {o.service for o in options} == {"express", "standard"}  # no same-day courier to Munich
    now = datetime(2026, 11, 23, 15, 0)
    # eu1 standard: 3 days -> Thursday; express: 1 day -> Tuesday.
    late = choose_service(options, promised_delivery=date(2026, 11, 25), ordered_level="standard", now=now)
    assert late.service == "express" and late.upgraded
    relaxed = choose_service(options, promised_delivery=date(2026, 11, 26), ordered_level="standard", now=now)
    assert relaxed.service == "standard"


def test_nothing_to_choose_from() -> None:
    with pytest.raises(NoServiceAvailable):
        choose_service([], promised_delivery=None, ordered_level="standard", now=datetime(2026, 11, 23, 10, 0))
