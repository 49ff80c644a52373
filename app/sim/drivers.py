"""What a person at a headless station would send next, given the station's last JSON answer.

Why pure functions of the answer: the stations' contract ("Headless stations" in the conventions) puts
everything a worker needs on the answer (``expect``, ``stop``, ``order``...), so a driver that reads nothing
else proves the answers are enough to work from. Drivers never touch a process or the database; tote codes and
packing work come from injected sources, randomness from one seeded ``random.Random``, so every decision,
including each injected mistake, is unit-tested with plain dicts.

A ``Move`` says what to send and why: ``intent`` (what the line is meant as) and ``fault`` (the kind of
deliberate wrong scan, which the station must refuse). Shorts are not wrong scans: they are a picker's honest
report that the shelf holds fewer units than the books.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.domain.scans import gtin14

Answer = Mapping[str, Any]

FAULTS = ("wrong_location", "wrong_item", "wrong_lot", "wrong_tote", "over_pick")
"""Deliberate wrong scans; each must be answered ``ok: false``."""
SHORT_REASONS = (("missing", 0.6), ("damaged", 0.2), ("empty", 0.2))
GS1_PREFIX = "]C1"


@dataclass(frozen=True)
class Move:
    """One line for the station (empty: send nothing, wait ``wait_s`` and decide again)."""

    line: str = ""
    intent: str = ""
    fault: str | None = None
    wait_s: float = 0.0
    code: str = ""
    """What the line refers to, for bookkeeping (the tote taken, the order id opened)."""


@dataclass(frozen=True)
class Catalog:
    """What drivers know of the warehouse to make realistic mistakes: every product's unit GTIN, shelves that
    hold nothing (a wrong location that can never be the right one by chance) and the lots in stock."""

    gtins: tuple[tuple[str, str], ...]
    """(sku, unit GTIN) of every product with a GTIN."""
    empty_locations: tuple[str, ...]
    lots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """sku -> lots of that product in stock."""

    def other_gtin(self, rng: random.Random, not_skus: set[str]) -> str | None:
        choices = [gtin for sku, gtin in self.gtins if sku not in not_skus]
        return rng.choice(choices) if choices else None


class ToteSource(Protocol):
    def take(self) -> str: ...
    def in_use(self, code: str) -> None: ...
    def registered(self, code: str, batch: object) -> None: ...
    def other_cart(self, batch: object) -> str: ...


@dataclass(frozen=True)
class PackJob:
    """An order waiting on the packing shelf: its id, number and one of its totes."""

    order_id: int
    number: str
    tote: str | None


class PackSource(Protocol):
    def take(self, packer: str) -> PackJob | None: ...
    def release(self, packer: str) -> None: ...
    def refused(self, packer: str) -> None: ...


def wrong_lot(rng: random.Random, catalog: Catalog, sku: str, lot: str) -> str:
    """Another lot of the same product when one is in stock, else the right lot with its last character changed."""
    others = [x for x in catalog.lots.get(sku, ()) if x != lot]
    if others:
        return rng.choice(others)
    last = lot[-1:] or "A"
    swap = "Z" if last != "Z" else "Y"
    return lot[:-1] + swap if lot else "LOT-X"


def gs1_item(gtin: str, lot: str, *, prefixed: bool = False) -> str:
    """A unit label's GS1 string: (01) GTIN-14 then (10) lot (variable length, last: no separator needed)."""
    return f"{GS1_PREFIX if prefixed else ''}01{gtin14(gtin)}10{lot}"


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class PickDriver:
    """A picker: claims batches, sets up the cart, walks the stops, drops into totes; now and then a mistake."""

    role = "pick"

    def __init__(
        self,
        name: str,
        rng: random.Random,
        catalog: Catalog,
        totes: ToteSource,
        *,
        wrong_rate: float = 0.05,
        short_rate: float = 0.02,
        qty_key_rate: float = 0.15,
        plain_lot_rate: float = 0.3,
    ) -> None:
        self.name = name
        self.rng = rng
        self.catalog = catalog
        self.totes = totes
        self.wrong_rate = wrong_rate
        self.short_rate = short_rate
        self.qty_key_rate = qty_key_rate
        self.plain_lot_rate = plain_lot_rate
        self.reset()

    def reset(self) -> None:
        """Forget what was in the worker's head (after a station restart the answer says where things are)."""
        self._claim_failed = False
        self._after_location = False
        self._proven: tuple[object, object] | None = None
        self._short_count: int | None = None
        self._done_batch: object = None

    def _roll(self, rate: float) -> bool:
        return rate > 0 and self.rng.random() < rate

    # --- deciding -----------------------------------------------------------------------------------

    def next_move(self, answer: Answer) -> Move:
        expect = answer.get("expect")
        stop = answer.get("stop") if isinstance(answer.get("stop"), Mapping) else None
        if expect == "done" and self._done_batch is not None and self._done_batch == answer.get("batch"):
            # "done" came back after !claim for the same batch: a person would end it by hand.
            return Move("!finish", "finish")
        if expect in ("claim", "done"):
            wait = self.rng.uniform(0.5, 1.0) if self._claim_failed and expect == "claim" else 0.0
            return Move("!claim", "claim", wait_s=wait)
        if expect == "tote" and stop is None:
            code = self.totes.take()
            return Move(code, "tote_setup", code=code)
        if stop is None or expect not in ("tote", "location", "item", "lot", "quantity"):
            # Not something a picker can act on (the contract puts a stop on these answers): ask again.
            return Move("!claim", "confused", wait_s=1.0)
        if expect == "tote":
            return self._drop(answer, stop)
        if expect == "location":
            return self._location(stop)
        if expect == "item":
            return self._item(answer, stop)
        if expect == "lot":
            return self._lot(stop)
        return self._quantity(stop)

    def _need(self, stop: Mapping[str, Any]) -> int:
        """Units still to confirm at the stop (the contract's ``qty_picked`` already counts those in hand)."""
        return _int(stop.get("qty")) - _int(stop.get("qty_picked"))

    def _location(self, stop: Mapping[str, Any]) -> Move:
        location = str(stop.get("location") or "")
        if self._roll(self.wrong_rate):
            others = [x for x in self.catalog.empty_locations if x != location]
            if others:
                return Move(self.rng.choice(others), "location", fault="wrong_location")
        return Move(location, "location")

    def _item(self, answer: Answer, stop: Mapping[str, Any]) -> Move:
        need = self._need(stop)
        sku = str(stop.get("sku") or "")
        gtin = str(stop.get("gtin") or "")
        lot = stop.get("lot") or ""
        if (
            stop.get("kind") == "pick"
            and self._after_location
            and _int(stop.get("qty_in_hand")) == 0
            and need > 0
            and self._roll(self.short_rate)
        ):
            reason = self.rng.choices([r for r, _ in SHORT_REASONS], [w for _, w in SHORT_REASONS])[0]
            self._short_count = 0 if reason == "empty" else self.rng.randint(0, need - 1)
            return Move(f"!short {reason}", "short")
        if self._roll(self.wrong_rate):
            kinds = ["wrong_item"] + (["wrong_lot"] if lot else [])
            kind = self.rng.choice(kinds)
            if kind == "wrong_lot":
                return Move(gs1_item(gtin, wrong_lot(self.rng, self.catalog, sku, lot)), "item", fault="wrong_lot")
            other = self.catalog.other_gtin(self.rng, {sku})
            if other is not None:
                return Move(other, "item", fault="wrong_item")
        if lot:
            if self._roll(self.plain_lot_rate):
                return Move(gtin, "item")  # the station then asks for the lot
            return Move(gs1_item(gtin, lot, prefixed=self._roll(0.2)), "item")
        here = (answer.get("batch"), stop.get("seq"))
        if self._proven == here and need > 1 and self._roll(self.qty_key_rate):
            return Move(f"!qty {need}", "qty")
        return Move(gtin, "item")

    def _lot(self, stop: Mapping[str, Any]) -> Move:
        lot = str(stop.get("lot") or "")
        sku = str(stop.get("sku") or "")
        if lot and self._roll(self.wrong_rate):
            return Move(wrong_lot(self.rng, self.catalog, sku, lot), "lot", fault="wrong_lot")
        if lot and self._roll(0.3):
            return Move(gs1_item(str(stop.get("gtin") or ""), lot), "lot")
        return Move(lot, "lot")

    def _quantity(self, stop: Mapping[str, Any]) -> Move:
        count = self._short_count
        if count is None:
            count = self.rng.randint(0, max(0, self._need(stop) - 1))
        return Move(f"!qty {count}", "short_qty")

    def _drop(self, answer: Answer, stop: Mapping[str, Any]) -> Move:
        tote = str(stop.get("tote") or "")
        if self._roll(self.wrong_rate):
            if self.rng.random() < 0.5:
                return Move(self.totes.other_cart(answer.get("batch")), "drop", fault="wrong_tote")
            gtin = str(stop.get("gtin") or "")
            if gtin:
                return Move(gtin, "item", fault="over_pick")
        if not tote:
            return Move("!claim", "confused", wait_s=1.0)  # a drop without a tote to name: ask again
        return Move(tote, "drop")

    # --- learning from the answer -------------------------------------------------------------------

    def observe(self, move: Move, answer: Answer) -> None:
        ok = answer.get("ok") is True
        expect = answer.get("expect")
        self._claim_failed = move.intent == "claim" and (not ok or expect == "claim")
        self._done_batch = answer.get("batch") if move.intent == "claim" and expect == "done" else None
        if move.intent == "tote_setup":
            if ok:
                self.totes.registered(move.code, answer.get("batch"))
            else:
                self.totes.in_use(move.code)
        self._after_location = ok and move.intent == "location" and not move.fault
        stop = answer.get("stop") if isinstance(answer.get("stop"), Mapping) else None
        if ok and move.intent == "item" and not move.fault and stop is not None:
            self._proven = (answer.get("batch"), stop.get("seq"))
        if move.intent == "location" or expect in ("claim", "done"):
            self._proven = None  # a freed or handed-over stop starts again: its item must be scanned again
        if move.intent == "short" and not (ok and expect == "quantity"):
            self._short_count = None
        if move.intent == "short_qty":
            self._short_count = None


class PackDriver:
    """A packer: takes an order from the packing shelf (tote or order number), packs every picked unit, boxes,
    weighs and ships; now and then scans an item that is not in the order."""

    role = "pack"

    def __init__(
        self,
        name: str,
        rng: random.Random,
        catalog: Catalog,
        queue: PackSource,
        *,
        wrong_rate: float = 0.05,
        by_number_rate: float = 0.2,
        named_box_rate: float = 0.2,
    ) -> None:
        self.name = name
        self.rng = rng
        self.catalog = catalog
        self.queue = queue
        self.wrong_rate = wrong_rate
        self.by_number_rate = by_number_rate
        self.named_box_rate = named_box_rate
        self.reset()

    def reset(self) -> None:
        self._carton_full = False

    def _roll(self, rate: float) -> bool:
        return rate > 0 and self.rng.random() < rate

    def next_move(self, answer: Answer) -> Move:
        expect = answer.get("expect")
        order = answer.get("order") if isinstance(answer.get("order"), Mapping) else None
        if expect == "order":
            job = self.queue.take(self.name)
            if job is None:
                return Move("", "idle", wait_s=self.rng.uniform(0.5, 1.0))
            by_number = job.tote is None or self._roll(self.by_number_rate)
            return Move(job.number if by_number else str(job.tote), "order", code=str(job.order_id))
        if expect == "item" and order is not None:
            return self._item(order)
        if expect == "box":
            box = answer.get("suggested_box")
            if isinstance(box, str) and box and self._roll(self.named_box_rate):
                return Move(f"!box {box}", "box")
            return Move("!box", "box")
        if expect == "weight":
            return Move(f"!weight {answer.get('expected_weight_kg')}", "weight")
        if expect == "ship":
            return Move("!ship", "ship")
        return Move("", "confused", wait_s=1.0)

    def _item(self, order: Mapping[str, Any]) -> Move:
        lines: Sequence[Mapping[str, Any]] = [x for x in order.get("lines") or () if isinstance(x, Mapping)]
        if self._carton_full:
            return Move("!close", "close")
        if self._roll(self.wrong_rate):
            other = self.catalog.other_gtin(self.rng, {str(x.get("sku")) for x in lines})
            if other is not None:
                return Move(other, "item", fault="wrong_item")
        todo = [x for x in lines if _int(x.get("qty_packed")) < _int(x.get("qty"))]
        if not todo:
            return Move("!close", "close")
        return Move(str(self.rng.choice(todo).get("gtin") or ""), "item")

    def observe(self, move: Move, answer: Answer) -> None:
        ok = answer.get("ok") is True
        if move.intent == "order" and not ok:
            self.queue.refused(self.name)
        if move.intent == "item" and not ok and not move.fault and answer.get("expect") == "item":
            message = str(answer.get("message") or "").lower()
            if "room" in message or "close" in message:
                self._carton_full = True  # the box is full: close it and take another for the rest
        if move.intent in ("close", "weight", "box"):
            self._carton_full = False
        if answer.get("expect") == "order" and move.intent != "order":
            self.queue.release(self.name)  # shipped, or the order was taken off the station
