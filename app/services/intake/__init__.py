"""Order intake from the sales channels: validate the whole file, then store it in short transactions of whole
orders; never a duplicate, never a dropped line, never a half-written order.

An order is keyed by (channel, external id). Importing it again updates it while it has not been released to
picking (its reservations are given back and it is allocated again); after that the import leaves it alone.

What a person can fix in one order imports that order ``on_hold`` with the reason (``hold_reason``), so the
rest of the file ships: an unknown or empty SKU, a missing or incomplete shipping address, a shipping method
that ``[channels.<name>] service_levels`` does not map, the channel's own "not yet" (payment pending, on
hold). The channel's own "cancelled"/"refunded" imports the order ``cancelled``. Values that cannot be read or
do not fit refuse the file (``applied=False``, nothing written) unless ``skip_invalid``.

Large files: the file is read twice, one order at a time (``OrderScan``): first to validate everything, then to
write ``WRITE_CHUNK`` orders per transaction. A crash in between leaves whole orders only, and running the
same import again completes it (orders already stored compare unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.config.settings import Config
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.parsers.channels.detect import OrderScan
from app.parsers.channels.model import IntakeOrder, IntakeProblem
from app.services.authz import authorize
from app.services.intake.rows import INTAKE_HOLDS, REIMPORT_UPDATES, SERVICE_LEVELS, UNKNOWN_SKU, is_intake_hold
from app.services.intake.store import KEEP_AT_MOST, Tally
from app.services.intake.store import store_chunk as _store

__all__ = [
    "INTAKE_HOLDS",
    "KEEP_AT_MOST",
    "KEEP_PARSED_BYTES",
    "REIMPORT_UPDATES",
    "SERVICE_LEVELS",
    "UNKNOWN_SKU",
    "WRITE_CHUNK",
    "IntakeReport",
    "import_orders",
    "is_intake_hold",
]

WRITE_CHUNK = 500
"""Orders per write transaction: short enough not to block the floor, long enough to be fast."""


@dataclass(frozen=True)
class IntakeReport:
    source: str
    channel: str | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    on_hold: int = 0
    left_alone: tuple[str, ...] = ()
    """Orders in the file that were already released to picking: reported, not changed."""
    problems: tuple[IntakeProblem, ...] = field(default_factory=tuple)
    """The first ``KEEP_AT_MOST`` problems; ``problem_count`` counts them all."""
    applied: bool = True
    order_ids: tuple[int, ...] = ()
    cancelled: int = 0
    """Orders stored ``cancelled`` because the channel says so."""
    refused_orders: int = 0
    """Orders with at least one problem (left out: the file was refused, or skipped with ``skip_invalid``)."""
    problem_count: int = 0
    holds: tuple[tuple[str, str], ...] = ()
    """(order number, hold reason) of orders this import put or kept on hold (the first ``KEEP_AT_MOST``)."""
    hold_count: int = 0
    file_problem_count: int = 0
    """Problems that belong to no order (the file's shape, its header, a syntax error)."""


def import_orders(
    db: Database,
    config: Config,
    path: Path,
    *,
    channel: str | None = None,
    skip_invalid: bool = False,
    actor: Actor,
) -> IntakeReport:
    """Validate the whole file, then (when nothing is wrong, or with ``skip_invalid``) store its good orders in
    transactions of ``WRITE_CHUNK`` whole orders. Only automation imports (the system user): the check comes
    before the file is read, and again in every write transaction."""
    with db.unit_of_work(readonly=True) as uow:
        authorize(uow, actor, "orders.import")
    source = str(path)
    scan = OrderScan(path, source, channel)
    problems: list[IntakeProblem] = []
    problem_count = refused = file_problems = 0
    kept: list[IntakeOrder] | None = [] if _size(path) <= KEEP_PARSED_BYTES else None
    for item in scan:
        if kept is not None and item.order is not None:
            kept.append(item.order)
        if not item.problems:
            continue
        problem_count += len(item.problems)
        if item.where:
            refused += 1
        else:
            file_problems += len(item.problems)
        problems.extend(item.problems[: max(0, KEEP_AT_MOST - len(problems))])
    counts = {"refused_orders": refused, "problem_count": problem_count, "file_problem_count": file_problems}
    if problem_count and (not skip_invalid or file_problems):  # a broken file is never half-imported
        return IntakeReport(source, scan.channel, problems=tuple(problems), applied=False, **counts)

    tally = Tally()
    good = kept if kept is not None else (item.order for item in scan if item.order is not None)
    for chunk in _chunks(good, WRITE_CHUNK):
        with db.unit_of_work() as uow:
            authorize(uow, actor, "orders.import")
            _store(uow, config, chunk, actor, tally)
            uow.commit()
    return IntakeReport(
        source,
        scan.channel,
        tally.created,
        tally.updated,
        tally.unchanged,
        tally.on_hold,
        tuple(tally.left_alone),
        tuple(problems),
        True,
        tuple(tally.order_ids),
        cancelled=tally.cancelled,
        holds=tuple(tally.holds),
        hold_count=tally.hold_count,
        **counts,
    )


KEEP_PARSED_BYTES = 16 * 1024 * 1024
"""Files up to this size keep the orders parsed by the checking pass for the writing pass (parsing is most of an
import's time); larger ones are parsed again as they are written, so memory stays bounded (issue 12)."""


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return KEEP_PARSED_BYTES + 1  # unreadable: the scan reports why; never keep


def _chunks(orders: Iterable[IntakeOrder], size: int) -> Iterator[list[IntakeOrder]]:
    chunk: list[IntakeOrder] = []
    for order in orders:
        chunk.append(order)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
