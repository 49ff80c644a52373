"""The picking step engine: claim, cart set-up, then location -> item (or lot) -> tote at every stop.

It keeps only what a person at the station has in mind (the batch in hand, the stop last shown, a short being
reported); everything else is re-read from the database by the services, so a restarted station resumes exactly.
"""

from __future__ import annotations

from typing import Any

from app.domain.actor import Actor
from app.domain.gtin import ascii_digits, gtin14
from app.domain.layout import Layout
from app.services import picking
from app.services.errors import ServiceError
from app.services.picking import PickState, ScanResult
from app.services.runtime import Database
from app.services.users import UserView
from app.stations.answer import Answer, split_key

EXPECT_OF_PHASE = {
    "setup": "tote",
    "location": "location",
    "item": "item",
    "lot": "lot",
    "tote": "tote",
    "finish": "done",
    "done": "done",
}
KEYS = "!claim, !qty N, !short empty|damaged|missing, !skip, !undo, !finish, !leave"


def stop_json(state: PickState) -> dict[str, Any] | None:
    """The stop in hand as the contract names it (``qty_picked`` counts units in hand and dropped)."""
    stop = state.stop
    if stop is None:
        return None
    return {
        "seq": stop.seq,
        "kind": "put_back" if stop.kind == "putback" else "pick",
        "location": stop.location,
        "sku": stop.sku,
        "gtin": gtin14(stop.gtin) if stop.gtin else None,
        "lot": stop.lot if stop.lot_required else None,
        "qty": stop.qty,
        "qty_picked": stop.qty_picked + stop.qty_in_hand,
        "qty_in_hand": stop.qty_in_hand,
        "slot": stop.slot,
        "tote": stop.tote_code,
        "order": stop.order_number or None,
        "expiry": stop.expiry.isoformat() if stop.expiry else None,
    }


class PickEngine:
    """One picker's station: ``start()`` after sign-in, then ``handle(line)`` for every scan or key."""

    def __init__(self, db: Database, layout: Layout, user: UserView, *, terminal: str, badge_prefix: str) -> None:
        self.db = db
        self.layout = layout
        self.user = user
        self.terminal = terminal
        self.badge_prefix = badge_prefix
        self.state: PickState | None = None
        self.short_reason: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.user.name, self.terminal, self.user.id)

    # --- answers ---------------------------------------------------------------------------------------------
    def answer(self, ok: bool, message: str) -> Answer:
        state = self.state
        if state is None:
            return Answer(ok, message, "claim")
        if self.short_reason is not None:
            return Answer(ok, message, "quantity", state.batch_id, stop_json(state))
        expect = EXPECT_OF_PHASE[state.phase]
        extra: dict[str, Any] = {}
        if state.phase == "setup":
            extra["setup"] = {"slot": state.setup_slot, "slots": len(state.slots)}
        stop = None if state.phase in ("setup", "finish", "done") else stop_json(state)
        if expect == "item" and state.stop is not None and state.stop.sku_label and "SKU label" not in message:
            message += f" · {state.stop.sku} has no barcode: scan its SKU label"
        return Answer(ok, message, expect, state.batch_id, stop, extra)

    def start(self) -> Answer:
        """After sign-in: the batch this picker holds is shown at once (a restarted station resumes it)."""
        self.state = picking.held_batch(self.db, self.user.id)
        who = f"Signed in as {self.user.name} ({self.user.role})"
        if self.state is None:
            return self.answer(True, f"{who}: send !claim for the next batch")
        return self.answer(True, f"{who}: batch {self.state.batch_id} resumed")

    # --- input -----------------------------------------------------------------------------------------------
    def handle(self, line: str, *, typed: bool = False) -> Answer:
        """One scan (exactly as the scanner sent it; ``typed`` when it came at human speed) or one ``!key``."""
        key, arg = split_key(line)
        try:
            if key:
                return self._key(key, arg)
            return self._scan(line, typed)
        except picking.LeaseLost as exc:
            self.state = None
            self.short_reason = None
            return self.answer(False, str(exc))
        except ServiceError as exc:
            return self.answer(False, str(exc))

    def _took(self, result: ScanResult) -> Answer:
        self.state = result.state
        return self.answer(result.accepted, result.message)

    def _scan(self, line: str, typed: bool = False) -> Answer:
        state = self.state
        shown = line.replace("\x1d", "<GS>")
        if state is None:
            return self.answer(False, f"Wrong input: expected !claim (no batch in hand), scanned {shown}")
        if state.phase == "done":
            return self.answer(False, f"Batch {state.batch_id} is finished: send !claim for the next, scanned {shown}")
        if self.short_reason is not None:
            return self.answer(False, f"Wrong input: expected !qty N (good units counted for the short), got {shown}")
        return self._took(
            picking.handle_scan(
                self.db,
                state.batch_id,
                line,
                actor=self.actor,
                typed=typed,
                task_id=state.stop.task_id if state.stop else None,
                badge_prefix=self.badge_prefix,
            )
        )

    def _key(self, key: str, arg: str) -> Answer:
        handler = {
            "claim": self._claim,
            "qty": self._qty,
            "short": self._short,
            "skip": self._skip,
            "undo": self._undo,
            "finish": self._finish,
            "leave": self._leave,
        }.get(key)
        if handler is None:
            return self.answer(False, f"Unknown key !{key}: expected one of {KEYS}")
        return handler(arg)

    def _claim(self, _arg: str) -> Answer:
        before = self.state
        held = picking.held_batch(self.db, self.user.id)  # the lease is checked here too, not only on scans
        if held is not None:
            self.state = held
            return self.answer(True, f"Batch {held.batch_id} is still in hand: carry on")
        if before is not None and before.phase != "done":
            self.state = None
            self.short_reason = None
            return self.answer(False, f"Batch {before.batch_id} is no longer yours (freed or reassigned): !claim again")
        self.short_reason = None
        self.state = picking.claim_batch(self.db, self.user, terminal=self.terminal)
        if self.state is None:
            return self.answer(False, "No batch is waiting for picking: send !claim again later")
        slots = len(self.state.slots)
        if self.state.phase == "setup":
            return self.answer(True, f"Batch {self.state.batch_id} claimed: set up the cart ({slots} tote(s))")
        return self.answer(True, f"Batch {self.state.batch_id} claimed")

    def _needs_batch(self) -> PickState:
        if self.state is None or self.state.phase == "done":
            raise picking.Refused("no batch in hand: send !claim first")
        return self.state

    def _qty(self, arg: str) -> Answer:
        state = self._needs_batch()
        if not ascii_digits(arg):
            return self.answer(False, f"!qty {arg}: expected a whole number")
        qty = int(arg)
        if self.short_reason is not None:
            if state.stop is None:
                self.short_reason = None
                return self.answer(False, "The stop has moved on; nothing recorded")
            result = picking.short_pick(
                self.db, self.layout, state.batch_id, state.stop.task_id, self.short_reason, qty, actor=self.actor
            )
            self.short_reason = None  # only once recorded: a retried input must still be the short's count
            return self._took(result)
        if state.stop is None:
            return self.answer(False, f"!qty {qty}: no stop in hand")
        return self._took(
            picking.add_typed_quantity(self.db, state.batch_id, state.stop.task_id, qty, actor=self.actor)
        )

    def short_refusal(self) -> str | None:
        """Why a short cannot be reported now (None when it can): it is counted at a pick stop's shelf."""
        state = self.state
        if state is None or state.phase == "done":
            return "No batch in hand: send !claim first"
        stop = state.stop
        if stop is None or stop.kind != "pick" or state.phase not in ("location", "item", "tote", "lot"):
            return "A short is reported at a pick stop, after its location scan"
        if not stop.location_confirmed:
            return f"Scan location {stop.location} first: a short is counted at the shelf"
        if stop.qty_in_hand or stop.qty_awaiting_lot:
            return f"Drop the {stop.qty_in_hand + stop.qty_awaiting_lot} in hand into {stop.tote_code} first"
        return None

    def _short(self, arg: str) -> Answer:
        reason = arg.lower()
        if reason not in picking.SHORT_REASONS:
            return self.answer(False, f"!short {arg}: expected {' or '.join(picking.SHORT_REASONS)}")
        refusal = self.short_refusal()
        if refusal is not None:
            return self.answer(False, refusal)
        stop = self.state.stop if self.state else None
        assert stop is not None
        self.short_reason = reason
        return self.answer(True, f"Short ({reason}) at {stop.location}: how many good {stop.sku} are there? !qty N")

    def _skip(self, _arg: str) -> Answer:
        state = self._needs_batch()
        if state.stop is None:
            return self.answer(False, "No stop to skip")
        self.short_reason = None
        return self._took(picking.skip_stop(self.db, state.batch_id, state.stop.task_id, actor=self.actor))

    def _undo(self, _arg: str) -> Answer:
        """Take back the last count or drop at this stop (a short being asked about is simply dropped)."""
        state = self._needs_batch()
        if self.short_reason is not None:
            self.short_reason = None
            return self.answer(True, "Short cancelled: nothing recorded")
        if state.stop is None:
            return self.answer(False, "Nothing to undo: no stop in hand")
        return self._took(picking.undo_last(self.db, state.batch_id, state.stop.task_id, actor=self.actor))

    def _finish(self, _arg: str) -> Answer:
        state = self._needs_batch()
        self.short_reason = None
        self.state = picking.finish_early(self.db, self.layout, state.batch_id, actor=self.actor)
        return self.answer(True, f"Batch {state.batch_id} ended: its open stops went back to the queue")

    def _leave(self, _arg: str) -> Answer:
        state = self._needs_batch()
        self.short_reason = None
        picking.leave_batch(self.db, state.batch_id, actor=self.actor)
        self.state = None
        return self.answer(True, f"Batch {state.batch_id} is back in the queue")
