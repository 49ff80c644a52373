"""The configured carriers as adapters (``app.domain.carriers``), numbering their parcels from database counters."""

from __future__ import annotations

import tomllib
from functools import cache

from app.config.settings import Config
from app.db.unit_of_work import UnitOfWork
from app.domain import carriers as carrier_domain
from app.domain.rating import RateCard, load_rate_card
from app.services.errors import InvalidInput


@cache
def _rate_card(path: str, mtime: float) -> RateCard:
    with open(path, "rb") as fh:
        return load_rate_card(tomllib.load(fh), path)


def carriers_for(config: Config, uow: UnitOfWork) -> dict[str, carrier_domain.RateCardCarrier]:
    """Every carrier of ``[carriers]`` with a rate card, by name; its tracking numbers come from the counter
    ``tracking:NAME`` inside ``uow``'s transaction, so a number is never issued twice."""
    built = {}
    for name, carrier in config.carriers.items():
        if not carrier.rate_card:
            continue
        path = config.resolve(carrier.rate_card)
        try:
            card = _rate_card(str(path), path.stat().st_mtime)
        except FileNotFoundError:
            raise InvalidInput(f"carriers.{name}.rate_card: file not found: {path}") from None
        built[name] = carrier_domain.RateCardCarrier(
            name=name,
            card=card,
            account=carrier.account,
            next_sequence=lambda n=name: uow.shipments.next_number(f"tracking:{n}"),
            display_name=carrier.name or name,
        )
    if not built:
        raise InvalidInput("no carrier with a rate card is configured ([carriers.NAME] rate_card)")
    return built
