"""The office during the shift: a supervisor who cancels, holds, edits, releases holds, re-prioritises, reassigns
and frees batches, approves shorts and imports new orders, at random, through the same services the screens use.

Why through the services and as a signed-in supervisor: the floor must stay consistent when the office changes
orders under the pickers' feet, and every change must carry the supervisor's user id like a real one. A
``ServiceError`` is the service saying no (an order that moved on meanwhile): expected and counted as refused.
Any other exception is a bug and is counted as a traceback. Busy databases are retried as ``process`` does.
"""

from __future__ import annotations

import random
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from app.config.settings import Config
from app.domain.actor import Actor
from app.domain.orders import ALLOCATED, BACKORDERED, NEW, ON_HOLD, PACKING, PICKED, PICKING, RELEASED
from app.services import orders
from app.services.errors import ServiceError
from app.services.runtime import Database, with_busy_retry
from app.services.supervision import actions as supervisor_actions
from app.services.users import UserView
from app.sim import floor
from app.sim.feed import OrderFeeder, available_stock
from app.sim.stats import Stats

TERMINAL = "office"
OPEN_BEFORE_PICKING = (NEW, ALLOCATED, BACKORDERED, RELEASED)
ACTIONS: tuple[tuple[str, float], ...] = (
    ("import", 3.0),
    ("priority", 2.0),
    ("hold", 1.5),
    ("unhold", 1.5),
    ("edit", 1.5),
    ("cancel", 1.0),
    ("reassign", 1.0),
    ("free", 1.0),
)
"""Office actions and their relative weights (approving shorts is not drawn: the office does it whenever one
waits, or packing would stall)."""


class Office:
    def __init__(
        self,
        db: Database,
        config: Config,
        user: UserView,
        rng: random.Random,
        stats: Stats,
        feeder: OrderFeeder,
        pickers: Sequence[str],
    ) -> None:
        self.db = db
        self.config = config
        self.user = user
        self.actor = Actor(user.name, TERMINAL, user.id)
        self.rng = rng
        self.stats = stats
        self.feeder = feeder
        self.pickers = tuple(pickers)

    def tick(self) -> None:
        """One visit of the office: decide every short waiting for a supervisor, then one act drawn at random."""
        for order in floor.orders_in(self.db, (PICKING, PICKED), short_pending=True, limit=5):
            self._do("approve_short", lambda n=order.number: self._decide_short(n))
        action = self.rng.choices([a for a, _ in ACTIONS], [w for _, w in ACTIONS])[0]
        acts: dict[str, Callable[[], None]] = {
            "import": self._import_few,
            "priority": self._priority,
            "hold": self._hold,
            "unhold": self._unhold,
            "edit": self._edit,
            "cancel": self._cancel,
            "reassign": self._reassign,
            "free": self._free,
        }
        acts[action]()

    def _do(self, action: str, fn: Callable[[], Any]) -> None:
        try:
            with_busy_retry(fn)
        except ServiceError as exc:
            self.stats.office_action(action, "refused", str(exc))
        except Exception:
            self.stats.office_action(action, "error")
            self.stats.traceback(f"office:{action}", traceback.format_exc())
        else:
            self.stats.office_action(action, "done")

    def _decide_short(self, number: str) -> None:
        """Ship what was picked (the rest as a backorder or cancelled); with nothing picked, cancel the order."""
        rest = "backorder" if self.rng.random() < 0.5 else "cancel"
        if not floor.anything_picked(self.db, number):
            supervisor_actions.cancel(
                self.db, self.config, self.user, number, "short: nothing found", terminal=TERMINAL
            )
            return
        supervisor_actions.approve_short(self.db, self.user, number, rest=rest, terminal=TERMINAL)

    def _pick(self, statuses: Sequence[str]) -> floor.OrderRef | None:
        found = floor.orders_in(self.db, statuses, limit=100)
        return self.rng.choice(found) if found else None

    # --- the acts ----------------------------------------------------------------------------------------

    def _import(self, count: int) -> None:
        self.stats.add("orders_imported", self.feeder.import_orders(count))

    def _import_few(self) -> None:
        self._do("import", lambda: self._import(self.rng.randint(1, 4)))

    def _priority(self) -> None:
        order = self._pick((*OPEN_BEFORE_PICKING, ON_HOLD))
        if order is not None:
            value = None if self.rng.random() < 0.3 else float(self.rng.randint(0, 500))
            self._do(
                "priority",
                lambda: supervisor_actions.set_priority(
                    self.db, self.config, self.user, order.number, value, terminal=TERMINAL
                ),
            )

    def _hold(self) -> None:
        order = self._pick(OPEN_BEFORE_PICKING)
        if order is not None:
            self._do(
                "hold",
                lambda: supervisor_actions.hold(
                    self.db, self.config, self.user, order.number, "customer asked to wait", terminal=TERMINAL
                ),
            )

    def _unhold(self) -> None:
        order = self._pick((ON_HOLD,))
        if order is not None:
            self._do(
                "unhold",
                lambda: supervisor_actions.release_hold(
                    self.db, self.config, self.user, order.number, terminal=TERMINAL
                ),
            )

    def _edit(self) -> None:
        order = self._pick((*OPEN_BEFORE_PICKING, ON_HOLD))
        if order is None:
            return
        stock = available_stock(self.db)
        lines = floor.order_lines(self.db, order.id)
        changes: dict[str, int] = {}
        if lines and (self.rng.random() < 0.6 or not stock):
            sku, qty = self.rng.choice(lines)
            changes[sku] = max(0, qty + self.rng.choice((-1, 1))) if len(lines) > 1 else qty + 1
        elif stock:
            changes[self.rng.choice(sorted(stock))] = 1
        if changes:
            self._do("edit", lambda: orders.edit_lines(self.db, self.config, order.number, changes, actor=self.actor))

    def _cancel(self) -> None:
        order = self._pick((*OPEN_BEFORE_PICKING, ON_HOLD, PICKING, PICKED, PACKING))
        if order is not None:
            self._do(
                "cancel",
                lambda: supervisor_actions.cancel(
                    self.db, self.config, self.user, order.number, "customer cancelled", terminal=TERMINAL
                ),
            )

    def _reassign(self) -> None:
        batches = floor.open_batches(self.db)
        if batches and self.pickers:
            batch = self.rng.choice(batches)
            picker = self.rng.choice(self.pickers)
            self._do(
                "reassign",
                lambda: supervisor_actions.reassign_batch(self.db, self.user, batch.id, picker, terminal=TERMINAL),
            )

    def _free(self) -> None:
        batches = [b for b in floor.open_batches(self.db) if b.status == "picking"]
        if batches:
            batch = self.rng.choice(batches)
            self._do(
                "free",
                lambda: supervisor_actions.release_batch(self.db, self.config, self.user, batch.id, terminal=TERMINAL),
            )
