"""The supervisor's search box: find orders by number, customer, SKU, tote code or tracking number / SSCC."""

from __future__ import annotations

from dataclasses import dataclass

from app.db.queries.supervision import search as queries
from app.db.unit_of_work import Database, UnitOfWork
from app.domain.gtin import ascii_digits


@dataclass(frozen=True)
class SearchHit:
    kind: str
    """tracking | tote | order | sku | customer: what matched."""
    order_id: int | None
    """None only for a tote that holds no order."""
    number: str
    status: str
    """The order's status ("" for a tote without an order)."""
    detail: str


_SEARCH_ORDER = ("tracking", "tote", "order", "sku", "customer")


def search(db: Database, text: str, limit: int = 20) -> tuple[SearchHit, ...]:
    """Find orders by order number (with or without '#', prefix), customer name (contains, any case), SKU (exact,
    open orders first), tote code (the order it holds) or tracking number / SSCC (exact).

    Five ``LIMIT``ed queries; an order appears once, under its strongest match (identifiers before names).
    """
    term = text.strip()
    if not term or limit < 1:
        return ()
    with db.unit_of_work(readonly=True) as uow:
        found: dict[str, list[SearchHit]] = {
            "tracking": _by_tracking(uow, term, limit),
            "tote": _by_tote(uow, term, limit),
            "order": _by_number(uow, term, limit),
            "sku": _by_sku(uow, term, limit),
            "customer": [
                SearchHit("customer", m.order_id, m.number, m.status, m.detail)
                for m in queries.orders_by_customer(uow.session, term, limit)
            ],
        }
    hits: list[SearchHit] = []
    seen: set[int] = set()
    for kind in _SEARCH_ORDER:
        for hit in found[kind]:
            if hit.order_id is not None:
                if hit.order_id in seen:
                    continue
                seen.add(hit.order_id)
            hits.append(hit)
    return tuple(hits[:limit])


def _by_tracking(uow: UnitOfWork, term: str, limit: int) -> list[SearchHit]:
    """A tracking number as typed (upper case, no spaces) or an SSCC: 18 digits, or 20 with the (00) prefix."""
    code = term.upper().replace(" ", "")
    digits = "".join(ch for ch in term if ascii_digits(ch))
    sscc = digits[2:] if len(digits) == 20 and digits.startswith("00") else digits
    return [
        SearchHit(
            "tracking",
            c.order_id,
            c.number,
            c.status,
            f"{c.tracking_number or c.sscc}: carton {c.seq}, {c.carrier} {c.service} {c.carton_status}",
        )
        for c in queries.cartons_by_tracking(uow.session, code, sscc if len(sscc) == 18 else None, limit)
    ]


def _by_tote(uow: UnitOfWork, term: str, limit: int) -> list[SearchHit]:
    hits = []
    for t in queries.totes_by_code(uow.session, term.upper(), limit):
        if t.tote_status == "picking":
            detail = f"{t.code}: on the cart of batch {t.batch_id}"
        elif t.tote_status == "packing":
            detail = f"{t.code}: off the cart of batch {t.batch_id}, holding the order for packing"
        else:
            detail = f"{t.code}: free"
        if t.tote_status == "free" or t.order_id is None:
            hits.append(SearchHit("tote", None, "", "", detail))
        else:
            hits.append(SearchHit("tote", t.order_id, t.number or "", t.status or "", detail))
    return hits


def _by_number(uow: UnitOfWork, term: str, limit: int) -> list[SearchHit]:
    bare = term.lstrip("#").lower()
    if not bare:
        return []
    return [
        SearchHit("order", m.order_id, m.number, m.status, m.detail)
        for m in queries.orders_by_number(uow.session, bare, limit)
    ]


def _by_sku(uow: UnitOfWork, term: str, limit: int) -> list[SearchHit]:
    hits = []
    seen: set[int] = set()
    for line in queries.order_lines_by_sku(uow.session, {term, term.upper()}, limit):
        if line.order_id not in seen:
            seen.add(line.order_id)
            hits.append(SearchHit("sku", line.order_id, line.number, line.status, f"{line.qty} x {line.sku}"))
    return hits
