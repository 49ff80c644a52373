"""Printable sheets of location, tote and badge labels (Code 128) to stick on shelves, totes and badges.

Which labels go on a sheet is decided here from the database (active locations, active users) and the request;
``labels.sheet`` draws them. The CLI (`pickpack labels sheet`) only parses arguments and writes the file.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from app.db.unit_of_work import Database
from app.services import setup, users
from app.services.errors import InvalidInput

if TYPE_CHECKING:
    from labels.sheet import SheetLabel

PageSize = Literal["A4", "Letter"]


@dataclass(frozen=True)
class LabelSheet:
    pdf: bytes
    count: int
    """How many labels the sheet holds."""


def tote_codes(spec: str) -> list[str]:
    """The tote codes of a number range like ``1-40`` (``TOTE-0001`` .. ``TOTE-0040``)."""
    match = re.fullmatch(r"(\d+)-(\d+)", spec)
    if not match or int(match[1]) > int(match[2]) or int(match[1]) < 1:
        raise InvalidInput(f"--totes {spec!r}: expected a range like 1-40")
    return [f"TOTE-{n:04d}" for n in range(int(match[1]), int(match[2]) + 1)]


def location_sheet(
    db: Database,
    *,
    aisles: Collection[int] = (),
    levels: Collection[int] = (),
    reserve: bool = False,
    page_size: PageSize = "A4",
) -> LabelSheet:
    """The labels of the active pick faces (or ``reserve`` locations), only of ``aisles``/``levels`` when given."""
    from labels.sheet import SheetLabel

    items = []
    for loc in setup.list_locations(db, kind="reserve" if reserve else "pick"):
        if aisles and loc.aisle not in aisles:
            continue
        if levels and loc.level not in levels:
            continue
        items.append(SheetLabel.location(loc.code, None if loc.kind == "pick" else "reserve location"))
    return _sheet("locations", items, page_size)


def tote_sheet(totes: str, *, page_size: PageSize = "A4") -> LabelSheet:
    """The labels of the totes of the number range ``totes`` (no database needed)."""
    from labels.sheet import SheetLabel

    return _sheet("totes", [SheetLabel.tote(code, "pick tote") for code in tote_codes(totes)], page_size)


def badge_sheet(db: Database, *, page_size: PageSize = "A4") -> LabelSheet:
    """The badges of every active user (name and role under the barcode)."""
    from labels.sheet import SheetLabel

    items = [SheetLabel.badge(u.badge, u.name, u.role) for u in users.list_users(db) if u.active]
    return _sheet("badges", items, page_size)


def _sheet(kind: str, items: list[SheetLabel], page_size: PageSize) -> LabelSheet:
    from labels.sheet import render_label_sheet

    if not items:
        raise InvalidInput(f"no {kind} match the filters; nothing to print")
    return LabelSheet(render_label_sheet(items, page_size=page_size), len(items))
