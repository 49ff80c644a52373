"""Time helpers the supervisor's read models share: "now" in UTC, whole minutes, an order's cut-off moment."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from app.config.settings import Config


def now_utc(now: datetime | None) -> datetime:
    """``now`` in UTC (the current time for None); a naive time is refused, it would be read in the wrong zone."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (UTC)")
    return now.astimezone(UTC)


def whole_minutes(delta: timedelta) -> int:
    """Whole minutes, rounded down (so -30 s is -1: late is late)."""
    return math.floor(delta.total_seconds() / 60)


def cutoff_at(config: Config, ship_by: date, service_level: str) -> datetime:
    """The latest moment an order can leave: its ship-by day at the carrier cut-off of its service level (UTC)."""
    return datetime.combine(ship_by, config.cutoff_for(service_level), tzinfo=UTC)


def duration(minutes: int) -> str:
    """A length of time as a person reads it: ``45 min``, ``3 h 12 min``, ``10 d 22 h`` (the sign is dropped)."""
    m = abs(int(minutes))
    if m < 60:
        return f"{m} min"
    if m < 24 * 60:
        hours, rest = divmod(m, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, rest = divmod(m, 24 * 60)
    hours = rest // 60
    return f"{days} d {hours} h" if hours else f"{days} d"


def time_left(minutes_left: int) -> str:
    """Time to an order's cut-off: ``3 h 12 min``, or ``late 10 d 22 h`` once it has passed (never ``-15747 min``)."""
    return f"late {duration(minutes_left)}" if minutes_left < 0 else duration(minutes_left)
