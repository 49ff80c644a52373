"""What a shift starts from: the simulator's own users and a stream of demo-like orders for what is in stock.

Why generated orders: a shift needs work that can be picked on whatever catalog the database holds, so the
orders are drawn from products with unreserved stock and go through the real CSV intake (``import_orders``),
exactly as a channel export would. Users are reused when they exist (a second run on the same database signs in
as the same people), and checked before any station starts, so a wrong PIN never reaches the lockout.
"""

from __future__ import annotations

import itertools
import random
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.config.settings import Config
from app.domain.actor import Actor
from app.services import intake, users
from app.services.errors import InvalidInput
from app.services.runtime import Database
from app.services.supervision import lookups
from app.services.supervision.lookups import available_stock
from app.services.users import UserView

CSV_HEADER = (
    "order_number,customer_name,email,phone,address1,address2,city,region,postal_code,country,service,ship_by,sku,qty\n"
)
DESTINATIONS = (
    ("Wien", "1010", "AT"),
    ("Graz", "8010", "AT"),
    ("Bratislava", "81101", "SK"),
    ("Berlin", "10115", "DE"),
)
SERVICES = (("standard", 0.7), ("express", 0.2), ("same_day", 0.1))
SIM_ROLES = {"picker": "sim-picker", "packer": "sim-packer", "supervisor": "sim-office"}


@dataclass(frozen=True)
class Crew:
    pickers: tuple[UserView, ...]
    packers: tuple[UserView, ...]
    office: UserView


def _user(db: Database, name: str, role: str, pin: str, actor: Actor) -> UserView:
    """The simulator's user ``name``: created when missing, else checked (role, active, PIN) without signing in,
    so a mismatch is reported before a station could count a wrong PIN towards the lockout."""
    found = lookups.user_fit(db, name, pin)
    if found is None:
        return users.add_user(db, name, role, f"BADGE-{name.upper()}", pin, actor=actor)
    if found.role != role or not found.active or not found.pin_ok:
        why = "another role" if found.role != role else "disabled" if not found.active else "another PIN"
        raise InvalidInput(f"user {name} exists with {why}: the simulator cannot act as them")
    if users.lock_state(db, name).locked:
        raise InvalidInput(f"user {name} is locked after wrong PINs: an admin must unlock them first")
    return users.get_user(db, name)


def ensure_crew(db: Database, pickers: int, packers: int, pin: str, *, actor: Actor) -> Crew:
    return Crew(
        tuple(_user(db, f"{SIM_ROLES['picker']}-{n}", "picker", pin, actor) for n in range(1, pickers + 1)),
        tuple(_user(db, f"{SIM_ROLES['packer']}-{n}", "packer", pin, actor) for n in range(1, packers + 1)),
        _user(db, SIM_ROLES["supervisor"], "supervisor", pin, actor),
    )


class OrderFeeder:
    """Writes generated orders as a CSV export and imports them; numbers are unique per run (``#S<tag>-<n>``)."""

    def __init__(self, db: Database, config: Config, rng: random.Random, actor: Actor, tag: str) -> None:
        self.db = db
        self.config = config
        self.rng = rng
        self.actor = actor
        self.tag = tag
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def rows(self, count: int, stock: dict[str, int], today: date) -> str:
        """CSV rows for ``count`` orders of 1-3 lines of 1-2 units each, never more than ``stock`` has free."""
        left = dict(stock)
        lines: list[str] = []
        for _ in range(count):
            skus = [sku for sku, free in left.items() if free > 0]
            if not skus:
                break
            with self._lock:
                number = f"#S{self.tag}-{next(self._numbers):04d}"
            city, postal, country = self.rng.choice(DESTINATIONS)
            service = self.rng.choices([s for s, _ in SERVICES], [w for _, w in SERVICES])[0]
            ship_by = today + timedelta(days=self.rng.randint(0, 2))
            for sku in self.rng.sample(skus, k=min(len(skus), self.rng.choice((1, 1, 2, 3)))):
                qty = min(left[sku], self.rng.choice((1, 1, 1, 2)))
                left[sku] -= qty
                lines.append(
                    f"{number},Sim Customer,sim@example.com,,Simstrasse 1,,{city},,{postal},{country},"
                    f"{service},{ship_by.isoformat()},{sku},{qty}\n"
                )
        return "".join(lines)

    def import_orders(self, count: int) -> int:
        """Import up to ``count`` new orders; returns how many were created."""
        body = self.rows(count, available_stock(self.db), datetime.now(UTC).date())
        if not body:
            return 0
        with tempfile.TemporaryDirectory(prefix="pickpack-sim-") as tmp:
            path = Path(tmp) / "orders.csv"
            path.write_text(CSV_HEADER + body, encoding="utf-8")
            report = intake.import_orders(self.db, self.config, path, channel="csv", actor=self.actor)
        if not report.applied:
            raise InvalidInput("generated orders did not import: " + "; ".join(map(str, report.problems[:3])))
        return report.created
