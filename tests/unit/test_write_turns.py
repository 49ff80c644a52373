"""A paced job sizes its next write transaction from what the last ones cost (``write_turns.Pacer``): an
expensive order or a loaded machine makes the next transactions smaller, cheap ones make them larger, within
the bounds the job set."""

from __future__ import annotations

import pytest

from app.services.write_turns import Pacer


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
