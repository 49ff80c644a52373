"""The floor audit use case: run every invariant check in one read-only snapshot and say what breaks, per row.

``pickpack audit`` (and ``pickpack simulate`` after a shift) call ``run_audit``. Each check has a stable
snake_case name that scripts may rely on; each violation is a plain JSON dict naming the row the way an operator
finds it on the floor (location code, SKU, lot, order number, tote, picker) plus a ``problem`` sentence. The SQL
lives in ``app.db.audit``; this module only orders the checks, words the problems and shapes the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.db import audit as queries
from app.db.unit_of_work import Database

RULES: Mapping[str, str] = {
    "reserved_within_on_hand": "reserved <= on hand, both >= 0, on every stock row",
    "reserved_equals_allocations": "stock reserved = sum of (allocation qty - qty picked) over its allocations",
    "line_allocated_equals_allocations": "order line qty_allocated = sum of its allocations' qty",
    "on_hand_equals_ledger": "on hand = sum of stock moves per location, product and lot",
    "order_in_one_open_batch": "no order in two open batches (cart slots or open pick stops)",
    "allocation_in_one_open_task": "no allocation on two open stops",
    "putback_in_one_open_task": "no put-back on two open stops",
    "task_not_over_picked": "no stop with picked + in hand + awaiting lot above its quantity",
    "no_open_stop_for_closed_order": "no open pick stop in an open batch for an order not released or closed",
    "tote_belongs_to_open_order": "every tote in use holds an open order, or an open put-back when in putback",
    "picker_one_open_batch": "no picker with two batches being picked",
    "status_legal": "every status is one of its state machine's statuses",
    "status_matches_last_event": "every status equals its last status event (or the initial status without one)",
    "event_chain_unbroken": "every status event starts where the subject's previous one ended",
}
"""What each check verifies, in words; the keys are the stable check names."""


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, how many rows break it, and the first of them (``violations``)."""

    name: str
    rule: str
    count: int
    violations: tuple[dict[str, Any], ...]

    @property
    def ok(self) -> bool:
        return self.count == 0

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "violations": [dict(v) for v in self.violations],
            "count": self.count,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class AuditReport:
    """Every check's result, in the order they ran; ``ok`` only when all hold."""

    checks: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.checks if not c.ok)

    def check(self, name: str) -> CheckResult:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [c.as_json() for c in self.checks]}


def run_audit(db: Database, *, limit: int = queries.DEFAULT_LIMIT) -> AuditReport:
    """Run every check in one read-only transaction, so all of them judge the same moment of the floor.

    Nothing is written (not even an event): an audit must be safe to run at any time, on a busy floor too.
    """
    results = []
    with db.unit_of_work(readonly=True) as uow:
        queries.repeatable_snapshot(uow.session)
        for name, query in queries.CHECKS:
            found = query(uow.session, limit)
            word = _WORDING[name]
            violations = tuple(_plain({**row, "problem": word(row)}) for row in found.rows)
            results.append(CheckResult(name, RULES[name], found.count, violations))
    return AuditReport(tuple(results))


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values: an untracked lot ("") is null, times are ISO 8601."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key == "lot" and value == "":
            value = None
        elif isinstance(value, datetime):
            value = value.isoformat()
        out[key] = value
    return out


def _lot(row: Mapping[str, Any]) -> str:
    return f" lot {row['lot']}" if row.get("lot") else ""


def _place(row: Mapping[str, Any]) -> str:
    return f"{row['sku']}{_lot(row)} at {row['location']}"


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids)


def _reserved_within(row: Mapping[str, Any]) -> str:
    if row["on_hand"] < 0:
        return f"{_place(row)}: on hand is negative ({row['on_hand']})"
    if row["reserved"] < 0:
        return f"{_place(row)}: reserved is negative ({row['reserved']})"
    return f"{_place(row)}: {row['reserved']} reserved but only {row['on_hand']} on hand"


def _reserved_equals(row: Mapping[str, Any]) -> str:
    return f"{_place(row)}: {row['reserved']} reserved but its allocations leave {row['allocations']} unit(s) to pick"


def _line_allocated(row: Mapping[str, Any]) -> str:
    return (
        f"order {row['order']} line {row['line']} ({row['sku']}): {row['qty_allocated']} allocated on the line "
        f"but its allocations add up to {row['allocations']}"
    )


def _ledger(row: Mapping[str, Any]) -> str:
    if row["stock"] is None:
        return f"{_place(row)}: no stock row, but the ledger adds up to {row['ledger']}"
    return f"{_place(row)}: {row['on_hand']} on hand but the ledger adds up to {row['ledger']}"


def _order_batches(row: Mapping[str, Any]) -> str:
    return f"order {row['order']} ({row['status']}) is in {len(row['batches'])} open batches: {_ids(row['batches'])}"


def _allocation_stops(row: Mapping[str, Any]) -> str:
    return (
        f"allocation {row['allocation']} ({_place(row)} for order {row['order']}) is on "
        f"{len(row['stops'])} open stops: {_ids(row['stops'])} (batches {_ids(row['batches'])})"
    )


def _putback_stops(row: Mapping[str, Any]) -> str:
    tote = f" in {row['tote']}" if row.get("tote") else ""
    return (
        f"put-back {row['putback']} ({_place(row)}{tote}, order {row['order']}) is on {len(row['stops'])} open "
        f"stops: {_ids(row['stops'])} (batches {_ids(row['batches'])})"
    )


def _over_picked(row: Mapping[str, Any]) -> str:
    return (
        f"stop {row['stop']} of batch {row['batch']} ({_place(row)}) asks for {row['qty']} but holds "
        f"{row['qty_picked']} picked + {row['qty_in_hand']} in hand + {row['qty_awaiting_lot']} awaiting lot"
    )


def _stop_for_closed(row: Mapping[str, Any]) -> str:
    return (
        f"stop {row['stop']} in open batch {row['batch']} still asks to pick {_place(row)} for order "
        f"{row['order']}, which is {row['order_status']}"
    )


def _tote(row: Mapping[str, Any]) -> str:
    if row["status"] == queries.TOTE_PUTBACK:
        return f"tote {row['tote']} waits for a put-back but no open put-back is in it"
    if row["order"] is None:
        return f"tote {row['tote']} is {row['status']} but belongs to no order"
    return f"tote {row['tote']} is {row['status']} for order {row['order']}, which is {row['order_status']}"


def _picker(row: Mapping[str, Any]) -> str:
    return f"picker {row['picker']} holds {len(row['batches'])} batches being picked: {_ids(row['batches'])}"


def _status_legal(row: Mapping[str, Any]) -> str:
    return f"{row['what']} {row['ref']} has status {row['status']!r}, which is not one of the {row['what']} statuses"


def _status_event(row: Mapping[str, Any]) -> str:
    if row["event"] is None:
        return (
            f"{row['what']} {row['ref']} is {row['status']} but has no status event, so it should still be "
            f"{row['initial']}"
        )
    return (
        f"{row['what']} {row['ref']} is {row['status']} but its last status event ({row['event']}) says "
        f"{row['last_event']}"
    )


def _chain(row: Mapping[str, Any]) -> str:
    return (
        f"event {row['event']} moves {row['subject']} from {row['from']} to {row['to']}, but the previous status "
        f"event ({row['previous_event']}) left it at {row['previous_to']}"
    )


_WORDING: Mapping[str, Callable[[Mapping[str, Any]], str]] = {
    "reserved_within_on_hand": _reserved_within,
    "reserved_equals_allocations": _reserved_equals,
    "line_allocated_equals_allocations": _line_allocated,
    "on_hand_equals_ledger": _ledger,
    "order_in_one_open_batch": _order_batches,
    "allocation_in_one_open_task": _allocation_stops,
    "putback_in_one_open_task": _putback_stops,
    "task_not_over_picked": _over_picked,
    "no_open_stop_for_closed_order": _stop_for_closed,
    "tote_belongs_to_open_order": _tote,
    "picker_one_open_batch": _picker,
    "status_legal": _status_legal,
    "status_matches_last_event": _status_event,
    "event_chain_unbroken": _chain,
}
assert set(_WORDING) == set(RULES) == {name for name, _ in queries.CHECKS}
