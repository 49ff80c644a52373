"""Benchmarks that drive the real screens (`pickpack bench scan`, `pickpack bench live`): they live with the screens.

``app.bench`` prepares the database and prints the tables; what runs a screen and reads its clock is here, so the
benchmarks use the screens' own seams (the step queue, the repaint) instead of reaching into them from outside.
"""

from app.tui.bench.terminal import BenchApp, SinkDriver, build_bench_app

__all__ = ["BenchApp", "SinkDriver", "build_bench_app"]
