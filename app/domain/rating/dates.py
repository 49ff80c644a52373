"""Working-day arithmetic: when a carton ships and when it arrives (weekends and holidays do not count)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: Collection[date] = ()) -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """``start`` plus ``days`` working days (Saturdays, Sundays and holidays do not count)."""
    day = start
    for _ in range(days):
        day = next_working_day(day, holidays)
    return day


def ship_date(now: datetime, cutoff: time, holidays: Collection[date] = ()) -> date:
    """When a carton handed over ``now`` leaves: today if it is a working day and before the cut-off (the cut-off
    itself is too late: the truck is leaving), else the next working day."""
    today = now.date()
    if is_working_day(today, holidays) and now.time().replace(tzinfo=None) < cutoff:
        return today
    return next_working_day(today, holidays)


def delivery_date(now: datetime, cutoff: time, transit_days: int, holidays: Collection[date] = ()) -> date:
    """Expected delivery: the ship date plus ``transit_days`` working days (0 = delivered the day it ships)."""
    return add_working_days(ship_date(now, cutoff, holidays), transit_days, holidays)
