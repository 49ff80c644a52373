"""The inventory ledger's one writer: every change of units on hand is a stock move with a reason and a user.

On hand per location, product and lot always equals the sum of its moves, which ``pickpack audit`` checks.
Reservations are not moves: they are the open allocations, and the audit checks that they add up too.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Stock, StockMove
from app.domain.actor import Actor

REASONS = ("opening", "import", "pick", "put_back", "short", "damaged", "count", "adjustment")
"""Why units moved: ``pick`` leaves a shelf for a tote, ``put_back`` returns from a tote, ``short`` and
``damaged`` are write-offs a picker counted, ``count`` corrects the books to a count, ``import`` sets a counted
quantity from a file."""


def lock_stock(session: Session, stock_ids: list[int] | set[int]) -> dict[int, Stock]:
    """The stock rows, re-read and locked in primary-key order (PostgreSQL ``FOR UPDATE``; SQLite's writers already
    take turns), so two pickers taking from one shelf at once never write back a stale count."""
    if not stock_ids:
        return {}
    query = select(Stock).where(Stock.id.in_(sorted(stock_ids))).order_by(Stock.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Stock)
    rows = session.scalars(query.execution_options(populate_existing=True))
    return {s.id: s for s in rows}


def stock_row(session: Session, location_id: int, product_id: int, lot: str) -> Stock:
    """The stock row of a product and lot at a location, created empty when there is none yet."""
    query = select(Stock).where(Stock.location_id == location_id, Stock.product_id == product_id, Stock.lot == lot)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Stock)
    stock = session.scalar(query.execution_options(populate_existing=True))
    if stock is None:
        stock = Stock(location_id=location_id, product_id=product_id, lot=lot, quantity_on_hand=0, quantity_reserved=0)
        session.add(stock)
        session.flush()
    return stock


def move(session: Session, stock: Stock, qty: int, reason: str, actor: Actor, ref: str = "") -> None:
    """Change the units on hand of ``stock`` by ``qty`` (signed) and write the ledger line in this transaction."""
    if reason not in REASONS:
        raise ValueError(f"stock move reason {reason!r}: expected one of {', '.join(REASONS)}")
    if qty == 0:
        return
    stock.quantity_on_hand += qty
    session.add(
        StockMove(
            product_id=stock.product_id,
            location_id=stock.location_id,
            lot=stock.lot,
            qty=qty,
            reason=reason,
            actor=actor.name,
            user_id=actor.user_id,
            ref=ref[:128],
        )
    )


def set_counted(session: Session, stock: Stock, counted: int, reason: str, actor: Actor, ref: str = "") -> int:
    """Set on hand to a counted quantity through one move of the difference; returns that difference."""
    difference = counted - stock.quantity_on_hand
    move(session, stock, difference, reason, actor, ref)
    return difference
