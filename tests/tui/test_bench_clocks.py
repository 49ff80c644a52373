"""The clocks of `pickpack bench scan` and `pickpack bench live` (``app.tui.bench``): what they include and when
they stop. No timing is asserted; these check what is counted."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.config import Config
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.tui.bench.live import shown_at, staleness_ms
from app.tui.bench.scan import pick_scans
from tests.picking_support import release_orders


def test_a_scan_is_shown_at_the_first_repaint_after_the_snapshot_that_contains_it() -> None:
    applied = [(10, 100.0), (12, 101.0)]  # (change marker, applied at)
    repaints = [99.5, 100.2, 100.9, 101.3]
    assert shown_at(10, applied, repaints) == 100.2  # not at the apply: after the repaint that drew it
    assert shown_at(11, applied, repaints) == 101.3  # marker 11 is first in the snapshot of marker 12
    assert shown_at(13, applied, repaints) is None
    assert shown_at(12, [(12, 102.0)], repaints) is None  # applied, never repainted: not shown


def test_a_scan_the_screen_never_shows_counts_as_late_until_the_end_not_dropped() -> None:
    commits = [{"marker": 10, "at": 99.0}, {"marker": 13, "at": 100.5}]
    staleness, never = staleness_ms(commits, [(10, 100.0)], [100.2], end=104.0)
    assert never == 1
    assert len(staleness) == 2  # both scans are in the percentiles
    assert round(staleness[0]) == 1200
    assert round(staleness[1]) == 3500


def test_every_scan_is_timed_to_a_repaint_written_as_terminal_output(
    config: Config, terminal_db: Database, layout: Layout, tmp_path: Path
) -> None:
    """The bench's terminal renders every repaint to escape sequences (a headless one writes nothing), and each
    scan of a real batch on the picker screen is timed to one of those repaints."""
    release_orders(terminal_db, layout, tmp_path, [("B-1", "MUG-BLU-350", 2), ("B-1", "TEA-EARL-100", 1)])
    run = asyncio.run(pick_scans(terminal_db, config, badge="BADGE-PIA", scans=6))
    assert len(run.latencies_ms) == 6 and run.unpainted == 0
    assert all(ms > 0 for ms in run.latencies_ms)
    assert run.batches == 1
    assert run.bytes_written > 0 and run.repaints >= 6
