"""The old home of the supervisor's actions, kept so existing imports work: they live in
``app.services.supervision.actions`` now, beside the read models of the same screen."""

from __future__ import annotations

from app.services.supervision.actions import (
    MAX_PRIORITY,
    SHORT_DECISIONS,
    approve_short,
    cancel,
    hold,
    reassign_batch,
    release_batch,
    release_hold,
    release_wave,
    set_priority,
)

__all__ = [
    "MAX_PRIORITY",
    "SHORT_DECISIONS",
    "approve_short",
    "cancel",
    "hold",
    "reassign_batch",
    "release_batch",
    "release_hold",
    "release_wave",
    "set_priority",
]
