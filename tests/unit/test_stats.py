"""The one percentile helper: nearest rank, an actual value, never an interpolation."""

from __future__ import annotations

import pytest

from app.domain.stats import percentile


def test_nearest_rank_on_ten_values() -> None:
    values = [float(v) for v in range(10, 0, -1)]  # any order
    assert percentile(values, 50) == 5.0
    assert percentile(values, 90) == 9.0
    assert percentile(values, 95) == 10.0
    assert percentile(values, 100) == 10.0
    assert percentile(values, 10) == 1.0
    assert percentile(values, 0) == 1.0


def test_always_a_measured_value() -> None:
    values = [1.0, 100.0]
    assert percentile(values, 50) == 1.0
    assert percentile(values, 51) == 100.0
    assert percentile([3.5], 99) == 3.5


def test_whole_percents_have_no_float_rounding_error() -> None:
    values = [float(v) for v in range(1, 101)]
    assert [percentile(values, p) for p in (7, 29, 57, 99)] == [7.0, 29.0, 57.0, 99.0]


def test_no_values_or_out_of_range_is_an_error() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)
    with pytest.raises(ValueError):
        percentile([1.0], -1)
