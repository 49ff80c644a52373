"""Who is acting, and where: the identity every use case receives and every event records.

A value object of the domain (not of the database) so that screens, stations and the command line can name the
person at the terminal without importing the persistence layer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """``user_id`` is None for the command line and background jobs acting as the built-in system user."""

    name: str
    terminal: str = ""
    user_id: int | None = None

    @classmethod
    def system(cls, terminal: str = "cli") -> Actor:
        return cls(name="system", terminal=terminal)
