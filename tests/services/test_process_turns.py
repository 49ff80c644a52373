"""A pass allocates in paced turns (``order_processing.allocate_in_turns``): however the transactions are sized,
every new order is allocated once, the most urgent first, and a pass asked for N orders takes exactly N."""

from __future__ import annotations

from sqlalchemy import select

from app.config import Config
from app.db.models import Order
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.services import intake, order_processing

SKUS = ("MUG-RED-350", "INFUSER-SS", "TEA-SENCHA-100", "COASTER-CORK-4")


def statuses(db: Database) -> dict[str, str]:
    with db.unit_of_work(readonly=True) as uow:
        return {number: status for number, status in uow.session.execute(select(Order.number, Order.status))}


def test_allocating_in_turns_takes_the_most_urgent_and_each_order_once(
    sample_catalog: Database, config: Config, orders_csv, system: Actor
) -> None:  # type: ignore[no-untyped-def]
    db = sample_catalog
    lines = [(f"T-{k:02d}", SKUS[k % len(SKUS)], 1) for k in range(12)]
    intake.import_orders(db, config, orders_csv(*lines), actor=system)
    with db.unit_of_work(readonly=True) as uow:
        by_urgency = list(uow.session.scalars(select(Order.number).order_by(Order.priority.desc(), Order.id)))

    first = order_processing.allocate_in_turns(db, system, most_new=5, chunk=2)

    assert first.allocated == 5
    after = statuses(db)
    assert sorted(n for n, s in after.items() if s == "allocated") == sorted(by_urgency[:5])
    rest = order_processing.allocate_in_turns(db, system, chunk=1)
    assert rest.allocated == 7  # the others, each once, whatever size the pacer chose
    assert set(statuses(db).values()) == {"allocated"}
