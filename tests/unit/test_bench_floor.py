"""`bench floor`'s arithmetic: who works each step, which answers count, and the answer-time summary the
simulator reports (the shift itself is exercised by tests/integration/test_simulate.py)."""

from __future__ import annotations

import argparse
from types import SimpleNamespace

import pytest

from app.bench import floor
from app.sim.stats import Stats
from app.sim.summary import answer_times


def test_crew_has_a_packer_for_every_three_pickers() -> None:
    assert floor.crew(1) == (1, 0)
    assert floor.crew(2) == (1, 1)
    assert floor.crew(4) == (3, 1)
    assert floor.crew(8) == (6, 2)


@pytest.mark.parametrize("text", ["", "0", "1,-2", "65", "a"])
def test_station_counts_refuse_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        floor.station_counts(text)


def test_station_counts_read_a_list() -> None:
    assert floor.station_counts("1, 2,8") == [1, 2, 8]


def test_steady_window_starts_when_the_last_station_signed_in() -> None:
    workers = [
        SimpleNamespace(signed_in_at=10.0),
        SimpleNamespace(signed_in_at=14.0),
        SimpleNamespace(signed_in_at=None),
    ]
    window = floor.steady_window(SimpleNamespace(workers=workers, stopped_at=34.0))
    assert (window.start, window.end, window.seconds) == (14.0, 34.0, 20.0)
    assert window.holds(14.0) and window.holds(34.0)
    assert not window.holds(13.9) and not window.holds(34.1)


def test_answer_times_are_nearest_rank_per_kind() -> None:
    stats = Stats()
    for n, ms in enumerate([5.0, 1.0, 3.0, 100.0, 2.0], start=1):
        stats.answered("pick.scan", float(n), ms)
    stats.answered("pack.key", 1.0, 7.0)
    times = answer_times(stats.snapshot()["answer_ms"])
    assert times["pick.scan"] == {"n": 5, "p50": 3.0, "p95": 100.0, "p99": 100.0, "max": 100.0}
    assert times["pack.key"]["n"] == 1


def test_render_reports_rates_over_the_steady_window_and_scaling() -> None:
    def step(stations: int, scans: int) -> floor.Step:
        return floor.Step(
            database="SQLite (WAL)",
            stations=stations,
            pickers=stations,
            packers=0,
            seconds=10.0,
            wall_s=20.0,
            claims=5,
            scans=scans,
            shipped=0,
            scan_p50=4.0,
            scan_p99=40.0,
            scan_max=90.0,
            station_cpu_s=10.0,
            bench_cpu_s=2.0,
            server_cpu_s=None,
            tracebacks=0,
            audit_ok=True,
        )

    text = floor.render([step(1, 100), step(2, 150)], argparse.Namespace(seconds=10.0, process_every=2.0))
    assert "| SQLite (WAL) | 1 (1+0) | 0.50 | 10 | 0 | 4 | 40 | 90 |" in text
    assert "1: x1.0, 2: x1.5" in text
    assert "Left out:" in text
