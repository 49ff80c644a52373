"""`orders list` at volume (issue 14): keyset pages (``--limit N --after ID``, priority descending then id) that
neither repeat nor skip an order while the floor changes between pages, a stream of every order, and the index
that lets a page stop early instead of sorting every order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text, update

from app.db.models import Order
from app.db.unit_of_work import Database
from app.services import orders as order_service
from app.services.errors import InvalidInput

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def add_orders(db: Database, count: int, *, start: int = 0, status: str = "new") -> list[int]:
    """``count`` orders with few distinct priorities (many ties, so the id decides within a priority)."""
    rows = [
        {
            "channel": "csv",
            "external_id": f"L{start + k}",
            "number": f"#L{start + k}",
            "status": status,
            "priority": float((start + k) * 7 % 5 * 10),
            "received_at": NOW - timedelta(minutes=k),
        }
        for k in range(count)
    ]
    with db.unit_of_work() as uow:
        uow.session.execute(insert(Order), rows)
        uow.commit()
        query = select(Order.id).where(Order.external_id.in_([r["external_id"] for r in rows])).order_by(Order.id)
        return list(uow.session.scalars(query))


def listing_ids(db: Database) -> list[int]:
    return [o.id for o in order_service.list_orders(db)]


def test_pages_continue_after_the_last_id_and_together_are_the_whole_listing(db: Database) -> None:
    add_orders(db, 47)
    whole = order_service.list_orders(db)
    assert [(o.priority, -o.id) for o in whole] == sorted(((o.priority, -o.id) for o in whole), reverse=True)
    paged, after = [], None
    while page := order_service.list_orders(db, limit=10, after=after):
        assert len(page) <= 10
        paged.extend(page)
        after = page[-1].id
    assert [o.id for o in paged] == [o.id for o in whole]
    assert [o.id for o in order_service.iter_orders(db, after=whole[20].id)] == [o.id for o in whole[21:]]


def test_no_order_is_repeated_or_skipped_while_the_floor_changes_between_pages(db: Database) -> None:
    """Between pages: new orders arrive, orders move on (status), a processing pass raises every score by the
    same amount (the clock), and the anchor's own status changes. Every order that was there from the start
    comes exactly once, in listing order; new orders come at most once."""
    original = add_orders(db, 60)
    seen: list[int] = []
    after = None
    round_no = 0
    while page := order_service.list_orders(db, limit=7, after=after):
        seen.extend(o.id for o in page)
        after = page[-1].id
        round_no += 1
        add_orders(db, 3, start=1000 + 3 * round_no)
        with db.unit_of_work() as uow:
            uow.session.execute(update(Order).values(priority=Order.priority + 2.5))  # a pass: every score moves
            uow.session.execute(update(Order).where(Order.id == after).values(status="allocated"))
            uow.session.execute(update(Order).where(Order.id == original[round_no]).values(status="released"))
            uow.commit()
    assert len(seen) == len(set(seen))  # no order twice
    assert set(original) <= set(seen)  # none of the orders there from the start left out
    final = listing_ids(db)
    assert [i for i in seen if i in original] == [i for i in final if i in original]  # in listing order


def test_a_status_page_and_the_stream_filter_the_same_way(db: Database) -> None:
    add_orders(db, 30)
    add_orders(db, 12, start=500, status="released")
    released = [o.id for o in order_service.iter_orders(db, status="released")]
    assert len(released) == 12
    first = order_service.list_orders(db, status="released", limit=5)
    rest = order_service.list_orders(db, status="released", limit=50, after=first[-1].id)
    assert [o.id for o in first + rest] == released


def test_bad_page_arguments_are_refused_before_any_output(db: Database) -> None:
    add_orders(db, 3)
    with pytest.raises(InvalidInput, match="at least 1"):
        order_service.list_orders(db, limit=0)
    with pytest.raises(InvalidInput, match="no order with that id"):
        order_service.list_orders(db, limit=5, after=999_999)
    with pytest.raises(InvalidInput, match="no order with that id"):
        next(order_service.iter_orders(db, after=999_999))
    with pytest.raises(InvalidInput, match="status"):
        next(order_service.iter_orders(db, status="lost"))


def _plan(db: Database, sql: str, params: dict[str, object]) -> str:
    """The query plan as text; on PostgreSQL with sequential scans and sorts priced out, so a tiny test table
    still shows whether the index can serve the statement at all."""
    with db.unit_of_work(readonly=True) as uow:
        session = uow.session
        if session.get_bind().dialect.name == "sqlite":
            rows = session.execute(text(f"EXPLAIN QUERY PLAN {sql}"), params)
            return "\n".join(str(row[-1]) for row in rows)
        session.execute(text("SET LOCAL enable_seqscan = off"))
        session.execute(text("SET LOCAL enable_sort = off"))
        return "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {sql}"), params))


@pytest.mark.parametrize(
    ("status", "index"), [(None, "ix_orders_listing"), ("new", "ix_orders_status_listing")], ids=["all", "status"]
)
def test_a_page_walks_the_listing_index_from_the_cursor_without_sorting(
    db: Database, status: str | None, index: str
) -> None:
    add_orders(db, 40)
    where = "status = :status AND " if status else ""
    sql = (
        f"SELECT id FROM orders WHERE {where}priority <= :p AND (priority < :p OR id > :i) "
        "ORDER BY priority DESC, id LIMIT 10"
    )
    plan = _plan(db, sql, {"status": status, "p": 20.0, "i": 5})
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # no sort of the remaining orders
    # and the service's own statement has that shape: the page it returns is the listing's next ten
    whole = listing_ids(db)
    assert [o.id for o in order_service.list_orders(db, limit=10, after=whole[4])] == whole[5:15]


def test_the_listing_columns_are_the_models_columns() -> None:
    """The listing reads through a Core table of its own (``app.db.queries.listing.ORDERS``: it loads no ORM);
    each column must exist on the model with the same type, so values convert exactly as the ORM converts them."""
    from app.db.queries.listing import ORDERS

    model = Order.__table__.c
    for column in ORDERS.c:
        assert column.name in model, column.name
        mapped = model[column.name].type
        assert type(column.type) is type(mapped), column.name
        assert getattr(column.type, "length", None) == getattr(mapped, "length", None), column.name


def test_a_listing_inside_one_transaction_sees_its_uncommitted_orders(db: Database) -> None:
    """``one_transaction`` (the demo seed) lists orders it has not committed yet: the listing's plain connection
    must be the transaction's own."""
    from app.db.savepoints import one_transaction

    with pytest.raises(RuntimeError), one_transaction(db) as inner:
        ids = add_orders(inner, 3, start=500)
        assert set(ids) <= {o.id for o in order_service.list_orders(inner)}
        assert set(ids) <= {o.id for o in order_service.list_orders(inner, limit=100)}
        raise RuntimeError("roll it back")
    assert not {o.id for o in order_service.list_orders(db)} & set(ids)
