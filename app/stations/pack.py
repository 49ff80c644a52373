"""The packing step engine: order -> item... -> box -> weight -> ship, shared by the packing screen's flow and
`pickpack station pack`."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from app.config.settings import Config
from app.domain.actor import Actor
from app.domain.gtin import gtin14
from app.domain.scans import classify
from app.services import packing, shipping, weight_approval
from app.services.errors import ServiceError
from app.services.packing import PackResult, PackState
from app.services.runtime import Database
from app.services.users import UserView
from app.stations.answer import Answer, split_key

KEYS = "!box [CODE], !weight KG, !close, !ship, !reprint, !void REASON"
MAX_KG = 1000
WEIGHT_RE = re.compile(r"^\d{1,4}([.,]\d{1,3})?$")


def parse_weight(text: str) -> Decimal | None:
    """A scale reading as a person or a scale types it (``1.25``, ``1,25``); anything else (``nan``, ``1e400``,
    ``4_03``, negative) is refused rather than read by Python's number syntax."""
    text = text.strip()
    if not WEIGHT_RE.match(text):
        return None
    weight = Decimal(text.replace(",", "."))
    return weight if Decimal("0") < weight <= MAX_KG else None


def order_json(state: PackState) -> dict[str, Any]:
    """The order at the station: one line per SKU and lot, ``qty`` = units picked, packed units counted against
    the lots in the order they were picked."""
    lines: list[dict[str, Any]] = []
    for line in state.lines:
        gtin = gtin14(line.gtin) if line.gtin else None
        if not line.lots:
            lines.append(
                {"sku": line.sku, "gtin": gtin, "lot": None, "qty": line.qty_picked, "qty_packed": line.qty_packed}
            )
            continue
        packed = line.qty_packed
        for lot, qty in line.lots:
            here = min(qty, packed)
            packed -= here
            lines.append({"sku": line.sku, "gtin": gtin, "lot": lot, "qty": qty, "qty_packed": here})
    return {"number": state.order_number, "status": state.status, "lines": lines}


def sku_label_hint(state: PackState) -> str:
    """What to tell the packer when items to pack have no barcode (their ``gtin`` is null): scan the SKU label."""
    skus = sorted({line.sku for line in state.lines if line.to_pack and not line.gtin})
    return f"; no barcode, scan the SKU label of {', '.join(skus)}" if skus else ""


def shipped_told(state: PackState) -> str:
    """A shipped order scanned at packing: refused, and what may still be done with it."""
    tracking = ", ".join(c.tracking_number for c in state.cartons if c.tracking_number)
    booked = f" ({state.service} {tracking})" if tracking else ""
    return (
        f"order {state.order_number} is shipped; !reprint prints its labels again, !void REASON cancels them, "
        f"or scan the next order{booked}"
    )


def box_told(state: PackState) -> str:
    """The box the station suggests now, by code and catalog name ("BOX-FL1 Flat mailer M"), or ""."""
    carton = state.open_carton
    if state.expect == "box" and carton is not None:
        return state.box_label(carton.box_code)
    if state.suggestion and carton is None and state.units_to_pack:
        return " + ".join(state.box_label(code) for code in state.suggestion)
    return ""


class PackEngine:
    """One packer's station: ``start()`` after sign-in, then ``handle(line)`` for every scan or key."""

    def __init__(self, db: Database, config: Config, user: UserView, *, terminal: str) -> None:
        self.db = db
        self.config = config
        self.user = user
        self.terminal = terminal
        self.state: PackState | None = None
        self.pending_weight: Decimal | None = None
        self.shipment: dict[str, Any] | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.user.name, self.terminal, self.user.id)

    def answer(self, ok: bool, message: str) -> Answer:
        state = self.state
        extra: dict[str, Any] = {"order": None, "suggested_box": None, "expected_weight_kg": None}
        extra["shipment"] = self.shipment
        if state is None:
            return Answer(ok, message, "order", extra=extra)
        expect = state.expect
        extra["order"] = order_json(state)
        carton = state.open_carton
        if expect == "box" and carton is not None:
            extra["suggested_box"] = f"BOX-{carton.box_code}"
        elif state.suggestion and carton is None:
            extra["suggested_box"] = f"BOX-{state.suggestion[0]}"
        if expect == "weight" and carton is not None:
            extra["expected_weight_kg"] = float(carton.expected_weight_kg)
        return Answer(ok, message, expect, extra=extra)

    def start(self) -> Answer:
        """After sign-in: the order this packer was packing, if any (a restarted station resumes it)."""
        who = f"Signed in as {self.user.name} ({self.user.role})"
        self.state = packing.order_in_hand(self.db, self.config, self.user.id)
        if self.state is not None:
            return self.answer(True, f"{who}: order {self.state.order_number} resumed")
        return self.answer(True, f"{who}: scan a tote or an order number")

    def handle(self, line: str) -> Answer:
        key, arg = split_key(line)
        try:
            if key:
                return self._key(key, arg)
            return self._scan(line)
        except ServiceError as exc:
            return self.answer(False, str(exc))

    def _took(self, result: PackResult) -> Answer:
        self.state = result.state
        return self.answer(result.accepted, result.message)

    def waiting_weight(self) -> Decimal | None:
        """The out-of-tolerance weight a supervisor may approve now: the last one weighed here, or after a restart
        the one recorded on the open carton (only while the carton waits to be weighed)."""
        state = self.state
        carton = state.open_carton if state is not None else None
        if state is None or carton is None or state.expect != "weight":
            return None
        return self.pending_weight or carton.measured_weight_kg

    def approve_weight(self, badge: str, pin: str | None) -> Answer:
        """A supervisor approves the weight just refused, with their badge and (for the roles of
        ``[security] badge_requires_pin_roles``) their PIN. The terminal's dialog calls this; a headless station
        reaches it with a badge scan only (it never reads a PIN), see ``_scan``."""
        state = self.state
        weight = self.waiting_weight()
        if state is None or weight is None:
            return self.answer(False, "No weight waits for approval: weigh the carton first (!weight KG)")
        try:
            result = packing.close_carton(
                self.db, self.config, state.order_id, weight, actor=self.actor, approver_badge=badge, approver_pin=pin
            )
        except ServiceError as exc:
            return self.answer(False, str(exc))
        self.pending_weight = weight if result.needs_approval else None
        answer = self._took(result)
        if result.pin_needed:
            who = result.approver or "the supervisor"
            hint = weight_approval.command_hint(state.order_number, weight, result.approver or "NAME")
            message = (
                f"{result.message}: a station does not read PINs; {who} approves with `{hint}` (PIN from "
                f"$PICKPACK_PIN or the prompt) or with badge and PIN at a packing terminal, then send !weight {weight}"
            )
            return self.answer(False, message)
        return answer

    def _scan(self, line: str) -> Answer:
        state = self.state
        is_badge = classify(line, badge_prefix=self.config.terminal.badge_prefix).kind == "badge"
        if is_badge and self.waiting_weight() is not None:
            return self.approve_weight(line.strip(), None)
        if state is None or state.expect == "order":
            self.shipment = None
            self.state = packing.start_packing(self.db, self.config, line, actor=self.actor)
            if self.state.status == "shipped":  # opened for !reprint or !void only: nothing to pack
                return self.answer(False, shipped_told(self.state))
            message = f"Order {self.state.order_number}: {self.state.units_to_pack} unit(s) to pack"
            box = box_told(self.state)
            if box:
                message += f", suggested box {box}"
            return self.answer(True, message + sku_label_hint(self.state))
        if state.expect == "ship" or (state.units_to_pack == 0 and state.open_carton is None):
            return self.answer(False, f"Wrong input: expected !ship for order {state.order_number}, scanned {line}")
        answer = self._took(packing.handle_scan(self.db, self.config, state.order_id, line, actor=self.actor))
        return answer if answer.ok else self.answer(False, answer.message + self._how_now())

    def _how_now(self) -> str:
        """After a refused scan, the key that does what is expected now (every key named here is taken now)."""
        state = self.state
        if state is None:
            return ""
        if state.expect == "box":
            return f"; !box takes {box_told(state)}, or scan another BOX label"
        if state.expect == "weight":
            return "; weigh the carton: !weight KG"
        return ""

    def _key(self, key: str, arg: str) -> Answer:
        handler = {
            "box": self._box,
            "weight": self._weight,
            "close": self._close,
            "ship": self._ship,
            "reprint": self._reprint,
            "void": self._void,
        }.get(key)
        if handler is None:
            return self.answer(False, f"Unknown key !{key}: expected one of {KEYS}")
        if self.state is None:
            return self.answer(False, f"!{key}: scan a tote or an order number first")
        return handler(arg)

    def _box(self, code: str) -> Answer:
        state = self.state
        assert state is not None
        if state.expect == "box":
            return self._took(packing.confirm_box(self.db, self.config, state.order_id, code or None, actor=self.actor))
        if state.open_carton is None and state.units_to_pack and (code or state.suggestion):
            chosen = code or state.suggestion[0]
            return self._took(packing.open_carton(self.db, self.config, state.order_id, chosen, actor=self.actor))
        return self.answer(False, f"!box: no box is asked for now (next: {state.expect})")

    def _weight(self, arg: str) -> Answer:
        state = self.state
        assert state is not None
        weight = parse_weight(arg)
        if weight is None:
            return self.answer(
                False, f"!weight {arg[:20]}: expected kilograms from 0.001 to {MAX_KG}, e.g. !weight 1.25"
            )
        if state.expect != "weight":
            return self.answer(False, f"!weight: expected {state.expect} first")
        result = packing.close_carton(self.db, self.config, state.order_id, weight, actor=self.actor)
        self.pending_weight = weight if result.needs_approval else None
        return self._took(result)

    def _close(self, _arg: str) -> Answer:
        state = self.state
        assert state is not None
        return self._took(packing.close_items(self.db, self.config, state.order_id, actor=self.actor))

    def _ship(self, _arg: str) -> Answer:
        state = self.state
        assert state is not None
        outcome = shipping.ship_order(self.db, self.config, state.order_id, actor=self.actor, station=self.terminal)
        self.state = packing.pack_state(self.db, self.config, state.order_id)
        self.shipment = self._shipment_json(outcome.shipment_id, outcome.tracking_numbers)
        return self.answer(outcome.all_printed, outcome.summary)

    def _shipment_json(self, shipment_id: int, tracking: tuple[str, ...]) -> dict[str, Any]:
        line = (
            next(
                (
                    s
                    for s in shipping.list_shipments(self.db, order_ref=str(self.state.order_id))
                    if s.id == shipment_id
                ),
                None,
            )
            if self.state
            else None
        )
        return {
            "id": shipment_id,
            "tracking_numbers": list(tracking),
            "sscc": list(line.sscc) if line is not None else [],
        }

    def _reprint(self, _arg: str) -> Answer:
        state = self.state
        assert state is not None
        if state.shipment_id is None or state.status != "shipped":
            return self.answer(False, "!reprint: this order has no shipped labels to print again")
        outcome = shipping.reprint(self.db, self.config, state.shipment_id, actor=self.actor, station=self.terminal)
        return self.answer(outcome.all_printed, outcome.reprint_summary)

    def _void(self, reason: str) -> Answer:
        state = self.state
        assert state is not None
        if state.shipment_id is None or state.status != "shipped":
            return self.answer(False, "!void: this order has no shipped labels to void")
        if not reason.strip():
            return self.answer(False, "!void needs a reason (what is wrong with the labels), e.g. !void wrong address")
        retired = ", ".join(c.tracking_number for c in state.cartons if c.tracking_number)
        shipping.void_shipment(self.db, self.config, state.shipment_id, actor=self.actor, reason=reason)
        self.state = packing.pack_state(self.db, self.config, state.order_id)
        self.shipment = None
        return self.answer(
            True,
            f"Labels of {state.order_number} voided ({retired} retired): the cartons stay packed; "
            "!ship books and prints new labels",
        )
