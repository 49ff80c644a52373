"""Benchmarks run by `pickpack bench NAME`: each module has ``add_arguments(parser)`` and ``run(args) -> int``.

Performance goals live here and in the README's tables, never in timed unit tests.
"""

from __future__ import annotations

BENCHMARKS: dict[str, str] = {
    "routing": "app.bench.routing",
    "batching": "app.bench.batching",
    "intake": "app.bench.intake",
    "scan": "app.bench.scan",
    "labels": "app.bench.labels",
    "live": "app.bench.live",
    "floor": "app.bench.floor",
    "process": "app.bench.process",
    "snapshot": "app.bench.snapshot",
}
"""Benchmark name -> module path (imported only when that benchmark runs)."""
