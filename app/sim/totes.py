"""The simulated floor's tote shelf: which ``TOTE-`` codes pickers take for cart set-up, shared by all drivers.

Why a pool instead of fresh codes: real warehouses reuse a fixed set of totes, and reuse is what proves that a
tote is freed when its order ships (or its put-back is done). A code stays lent from the moment a driver takes
it until the database says the tote is free again (``refresh``, run with every ``process`` pass); a tote that
a station refuses as in use simply stays lent, and the driver takes another. The pool also remembers which
batch each tote was put on, so a driver can scan a tote of another cart as a deliberate wrong drop.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable

FIRST_CODE = 2000
"""Pool codes are TOTE-2000 upwards: clear of the demo's TOTE-09xx and of the wrong-drop codes TOTE-9xxx."""
FOREIGN_FIRST = 9000
"""Codes from here up are never handed out: a scan of one at a drop is always a wrong tote."""
REFRESH_GRACE_S = 10.0
"""A code taken this recently is not handed back, even if the database does not know it yet: the driver that
took it may be about to scan it."""


def code_of(number: int) -> str:
    return f"TOTE-{number:04d}"


class TotePool:
    """Thread-safe shelf of tote codes: ``take`` lends one, ``refresh`` returns those the database calls free."""

    def __init__(self, rng: random.Random, *, size: int = 200, clock: Callable[[], float] = time.monotonic) -> None:
        self._rng = rng
        self._clock = clock
        self._lock = threading.Lock()
        self._next = FIRST_CODE + size
        self._free: list[str] = [code_of(FIRST_CODE + n) for n in range(size)]
        self._lent: dict[str, float] = {}
        self._on_batch: dict[str, object] = {}

    def take(self) -> str:
        """Lend a code nobody holds (the shelf grows when every code is out, up to the foreign range)."""
        with self._lock:
            if not self._free and self._next < FOREIGN_FIRST:
                self._free.append(code_of(self._next))
                self._next += 1
            if self._free:
                code = self._free.pop(self._rng.randrange(len(self._free)))
            else:  # every pool code is out: an old one; the station says if it is still in use
                code = self._rng.choice(sorted(self._lent))
            self._lent[code] = self._clock()
            return code

    def in_use(self, code: str) -> None:
        """The station refused ``code`` as being in use: keep it lent until the database frees it."""
        with self._lock:
            self._lent[code] = self._clock()

    def registered(self, code: str, batch: object) -> None:
        """``code`` went onto ``batch``'s cart (the station accepted it at set-up)."""
        with self._lock:
            self._lent[code] = self._clock()
            self._on_batch[code] = batch

    def refresh(self, in_use: Iterable[str]) -> int:
        """Hand back every lent code the database no longer uses (a tote that is free or was never registered);
        returns how many came back."""
        busy = set(in_use)
        now = self._clock()
        back = 0
        with self._lock:
            for code, since in list(self._lent.items()):
                if code in busy or now - since < REFRESH_GRACE_S:
                    continue
                del self._lent[code]
                self._on_batch.pop(code, None)
                self._free.append(code)
                back += 1
        return back

    def other_cart(self, batch: object) -> str:
        """A tote that is surely not on ``batch``'s cart: one another cart holds, else a code no cart ever gets."""
        with self._lock:
            others = sorted(c for c, b in self._on_batch.items() if b != batch and c in self._lent)
            if others:
                return self._rng.choice(others)
            return code_of(FOREIGN_FIRST + self._rng.randrange(1000))

    def lent(self) -> int:
        with self._lock:
            return len(self._lent)
