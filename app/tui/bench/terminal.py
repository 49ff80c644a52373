"""The terminal app as a benchmark runs it: every repaint is turned into terminal output and written out.

Why: Textual's headless driver (Pilot's default) skips the last step of a repaint, turning the screen's changes
into escape sequences and writing them to the terminal (``App._display`` returns early when the driver is
headless). A benchmark that stops its clock there leaves out work every real terminal pays for. ``SinkDriver``
is Textual's headless driver that says it is not headless, so each repaint is rendered to the byte string a
terminal would receive and written to ``/dev/null``; ``BenchApp`` notes when each repaint ended (Textual's
``post_display_hook``).

What is still left out: a pseudo-terminal or SSH link, and the terminal emulator parsing and drawing the bytes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from textual.drivers.headless_driver import HeadlessDriver

from app.config import Config
from app.services.runtime import Database
from app.tui.app import PickpackApp


class SinkDriver(HeadlessDriver):
    """Keys come only from the benchmark (as with Pilot); output is rendered in full and written to /dev/null."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (closed in stop_application_mode)
        self.bytes_written = 0

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self._sink.write(data)
        self.bytes_written += len(data)

    def flush(self) -> None:
        self._sink.flush()

    def stop_application_mode(self) -> None:
        super().stop_application_mode()
        self._sink.close()


class BenchApp(PickpackApp):
    """The terminal app with ``SinkDriver`` (run it with ``run_test(headless=False)``) and a repaint clock."""

    def __init__(self, config: Config, db: Database, *, station: str) -> None:
        super().__init__(config, db, station=station)
        self.driver_class = SinkDriver
        self.repaints = 0
        self.last_repaint: float = 0.0
        """``time.perf_counter()`` when the newest repaint had been written out."""
        self.last_repaint_wall: float = 0.0
        """The same moment on the wall clock (``time.time()``), to compare with another process's clock."""
        self.on_repaint: Callable[[], None] | None = None
        """Called on the UI thread after each repaint was written out (a benchmark's stop watch)."""

    def post_display_hook(self) -> None:
        self.repaints += 1
        self.last_repaint = time.perf_counter()
        self.last_repaint_wall = time.time()
        if self.on_repaint is not None:
            self.on_repaint()

    @property
    def bytes_written(self) -> int:
        driver = self._driver
        return driver.bytes_written if isinstance(driver, SinkDriver) else 0


def build_bench_app(config: Config, db: Database, *, station: str) -> BenchApp:
    return BenchApp(config, db, station=station)
