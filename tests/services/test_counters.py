"""Serial numbers (SSCC, tracking) are unique and never reused, and on PostgreSQL one booking does not wait for
another's commit to get its number (the counter row is not held by the shipping transaction)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from app.db import counters
from app.db.unit_of_work import Database


def test_numbers_count_up_from_one_and_a_rolled_back_number_is_not_handed_out_again(db: Database) -> None:
    with db.unit_of_work() as uow:
        first = uow.shipments.next_number("sscc")
        uow.commit()
    with db.unit_of_work() as uow:  # rolled back: SQLite takes the number back, PostgreSQL leaves a gap
        rolled_back = uow.shipments.next_number("sscc")
    with db.unit_of_work() as uow:
        after = uow.shipments.next_number("sscc")
        other = uow.shipments.next_number("tracking:ups")
        uow.commit()
    assert first == 1 and other == 1
    assert after > first and after >= rolled_back
    if db.dialect == "postgresql":
        assert after == rolled_back + 1  # never the same number twice, even after a rollback
    else:
        assert after == rolled_back  # the rollback undid the increment itself


def test_a_booking_does_not_wait_for_another_bookings_commit(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has one writer: the second booking waits by design")
    with db.unit_of_work() as first:
        a = first.shipments.next_number("sscc")
        with db.unit_of_work() as second:  # another packer, while the first shipment is still open
            second.session.execute(text("SET LOCAL lock_timeout = '2s'"))
            counters.forget_reserved()  # as if it were another process, with no numbers of its own yet
            b = second.shipments.next_number("sscc")
            second.commit()
        first.commit()
    assert a != b


def test_processes_never_hand_out_the_same_number(db: Database, db_url: str) -> None:
    script = (
        "import sys\n"
        "from app.db.engine import make_engine\n"
        "from app.db.unit_of_work import Database\n"
        "db = Database(make_engine(sys.argv[1]))\n"
        "numbers = []\n"
        "for _ in range(30):\n"
        "    with db.unit_of_work() as uow:\n"
        "        numbers.append(uow.shipments.next_number('sscc'))\n"
        "        uow.commit()\n"
        "print(' '.join(map(str, numbers)))\n"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script, db_url], stdout=subprocess.PIPE, text=True) for _ in range(3)
    ]
    numbers = [int(n) for run in runs for n in run.communicate(timeout=120)[0].split()]
    assert all(run.returncode == 0 for run in runs)
    assert len(numbers) == 90 and len(set(numbers)) == 90
