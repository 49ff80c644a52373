"""The inventory ledger's one writer: every change of units on hand is a stock move with a reason and a user.

On hand per location, product and lot always equals the sum of its moves, which ``pickpack audit`` checks.
Reservations are not moves: they are the open allocations, and the audit checks that they add up too.
"""

from __future__ import annotations

from app.db.models import Stock, StockMove
from app.db.repositories import StockRepository
from app.db.unit_of_work import Session
from app.domain.actor import Actor

REASONS = ("opening", "import", "pick", "put_back", "short", "damaged", "count", "adjustment")
"""Why units moved: ``pick`` leaves a shelf for a tote, ``put_back`` returns from a tote, ``short`` and
``damaged`` are write-offs a picker counted, ``count`` corrects the books to a count, ``import`` sets a counted
quantity from a file."""


def _rows(where: Session | StockRepository) -> StockRepository:
    """The unit of work's stock repository (``uow.stock``), or one over a caller's session."""
    return StockRepository(where) if isinstance(where, Session) else where


def lock_stock(session: Session | StockRepository, stock_ids: list[int] | set[int]) -> dict[int, Stock]:
    """The stock rows, re-read and locked in primary-key order (PostgreSQL ``FOR UPDATE``; SQLite's writers already
    take turns), so two pickers taking from one shelf at once never write back a stale count."""
    return {s.id: s for s in _rows(session).locked(stock_ids)}


def stock_row(session: Session | StockRepository, location_id: int, product_id: int, lot: str) -> Stock:
    """The stock row of a product and lot at a location, created empty when there is none yet."""
    rows = _rows(session)
    stock = rows.at(location_id, product_id, lot, locked=True)
    if stock is None:
        stock = rows.add(
            Stock(location_id=location_id, product_id=product_id, lot=lot, quantity_on_hand=0, quantity_reserved=0)
        )
        rows.flush()
    return stock


def move(session: Session | StockRepository, stock: Stock, qty: int, reason: str, actor: Actor, ref: str = "") -> None:
    """Change the units on hand of ``stock`` by ``qty`` (signed) and write the ledger line in this transaction."""
    if reason not in REASONS:
        raise ValueError(f"stock move reason {reason!r}: expected one of {', '.join(REASONS)}")
    if qty == 0:
        return
    stock.quantity_on_hand += qty
    _rows(session).add_move(
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


def set_counted(
    session: Session | StockRepository, stock: Stock, counted: int, reason: str, actor: Actor, ref: str = ""
) -> int:
    """Set on hand to a counted quantity through one move of the difference; returns that difference."""
    difference = counted - stock.quantity_on_hand
    move(session, stock, difference, reason, actor, ref)
    return difference
