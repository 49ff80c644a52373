"""A paced job sizes its next write transaction from what the last ones cost (``write_turns.Pacer``): an
expensive order or a loaded machine makes the next transactions smaller, cheap ones make them larger, within
the bounds the job set; and no garbage collection pauses a transaction while it holds its locks."""

from __future__ import annotations

import gc

import pytest

from app.services.write_turns import Pacer, in_turn


def test_a_pacer_starts_at_the_size_it_was_given() -> None:
    assert Pacer(25, 100, target_s=0.035).size == 25


def test_transactions_slower_than_the_target_make_the_next_one_smaller() -> None:
    pacer = Pacer(25, 100, target_s=0.035)
    pacer.took(0.095, 25)  # 3.8 ms an order: 25 orders held the lock 95 ms
    assert pacer.size == 9  # 9 x 3.8 ms = 34 ms


def test_cheap_transactions_grow_the_next_one_up_to_the_most_allowed() -> None:
    pacer = Pacer(25, 100, target_s=0.035)
    pacer.took(0.010, 25)
    assert pacer.size == 87
    for _ in range(Pacer.WINDOW):
        pacer.took(0.001, 25)
    assert pacer.size == 100


def test_one_very_slow_item_never_stops_the_job() -> None:
    pacer = Pacer(25, 100, target_s=0.035)
    pacer.took(2.0, 1)  # one huge order (or a pause of the process)
    assert pacer.size == 1
    for _ in range(Pacer.WINDOW):  # it ages out of the window
        pacer.took(0.002, 1)
    assert pacer.size > 1


def test_a_transaction_that_saw_nothing_changes_nothing() -> None:
    pacer = Pacer(25, 100, target_s=0.035)
    pacer.took(5.0, 0)
    assert pacer.size == 25


def test_bounds_must_make_sense() -> None:
    with pytest.raises(ValueError):
        Pacer(0, 10)
    with pytest.raises(ValueError):
        Pacer(20, 10)


class _Postgres:
    dialect = "postgresql"  # no pause after the transaction: the test does not sleep


def test_no_garbage_collection_runs_inside_a_turn_and_it_is_back_on_after() -> None:
    assert gc.isenabled()
    seen = in_turn(_Postgres(), gc.isenabled)  # type: ignore[arg-type]
    assert seen is False  # a collection cannot pause the transaction while it holds its locks
    assert gc.isenabled()


def test_a_failing_turn_still_turns_collection_back_on() -> None:
    def fails() -> None:
        raise ValueError("constraint")

    with pytest.raises(ValueError):
        in_turn(_Postgres(), fails)  # type: ignore[arg-type]
    assert gc.isenabled()
