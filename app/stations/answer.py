"""What a station says after each input: the contract of "Headless stations" in the conventions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One answer: ``ok`` (the input was taken), the worker's message, what comes next (``expect``), the batch and
    stop in hand, and flow-specific top-level keys (``setup`` at cart set-up; ``order``, ``suggested_box``,
    ``expected_weight_kg``, ``shipment`` at packing)."""

    ok: bool
    message: str
    expect: str | None
    batch: int | None = None
    stop: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ok": self.ok,
            "message": self.message,
            "expect": self.expect,
            "batch": self.batch,
            "stop": self.stop,
        }
        data.update(self.extra)
        return data


KEY_PREFIX = "!"
"""A line starting with this is a key (``!claim``, ``!qty 3``), anything else is a scan exactly as typed."""


def split_key(line: str) -> tuple[str, str]:
    """``"!qty 3"`` -> ``("qty", "3")``; a scan gives ``("", line)``."""
    if not line.startswith(KEY_PREFIX):
        return "", line
    name, _, rest = line[1:].strip().partition(" ")
    return name.lower(), rest.strip()
