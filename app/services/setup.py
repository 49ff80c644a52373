"""Database set-up: apply migrations, make sure the built-in ``system`` user exists, and generate the locations
the layout file describes (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import migrate
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.domain.layout import Layout
from app.services import users


@dataclass(frozen=True)
class InitReport:
    revision_before: str | None
    revision_after: str | None
    locations_created: int
    locations_reactivated: int
    locations_deactivated: int
    locations_total: int
    system_user: str = "present"
    """``created``, ``present``, or ``conflict`` (a person already holds the name ``system``; left alone)."""


@dataclass(frozen=True)
class LocationView:
    code: str
    kind: str
    aisle: int | None
    bay: int | None
    side: str | None
    level: int | None
    active: bool

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code, "kind": self.kind, "aisle": self.aisle, "bay": self.bay,
            "side": self.side, "level": self.level, "active": self.active,
        }  # fmt: skip


def initialise(db: Database, layout: Layout, *, actor: Actor) -> InitReport:
    """Migrate to the newest schema, create the built-in ``system`` user, then make the locations table match the
    layout.

    The system user comes first so automation (this very call included, when ``actor`` is the plain
    ``Actor.system()``) records its id on events. Locations that left the layout are deactivated (never deleted:
    stock and history point at them); a location that still holds stock stays active so nothing becomes invisible.
    """
    before, after = migrate.upgrade(db.engine)
    wanted: dict[str, dict[str, object]] = {}
    for code in layout.pick_face_codes():
        wanted[str(code)] = {
            "kind": "pick",
            "aisle": code.aisle,
            "bay": code.bay,
            "side": code.side,
            "level": code.level,
        }
    for code in layout.reserve_codes():
        wanted[code] = {"kind": "reserve", "aisle": None, "bay": None, "side": None, "level": None}
    created = reactivated = deactivated = 0
    with db.unit_of_work() as uow:
        system_user = users.ensure_system_user(uow, actor)
        if actor.name == users.SYSTEM_NAME and actor.user_id is None:
            actor = Actor(actor.name, actor.terminal, users.system_user_id(uow.session))
        existing = {loc.code: loc for loc in uow.locations.all()}
        stocked = uow.stock.location_ids_with_stock()
        new_rows = [{"code": code, "active": True, **attrs} for code, attrs in wanted.items() if code not in existing]
        uow.locations.insert_many(new_rows)
        created = len(new_rows)
        for code, loc in existing.items():
            if code in wanted and not loc.active:
                loc.active = True
                reactivated += 1
            elif code not in wanted and loc.active and loc.id not in stocked:
                loc.active = False
                deactivated += 1
        if created or reactivated or deactivated:
            uow.record(
                actor,
                "locations.synced",
                subject=f"layout:{layout.name}",
                message=f"{created} locations created, {reactivated} reactivated, {deactivated} deactivated",
                created=created,
                reactivated=reactivated,
                deactivated=deactivated,
            )
        if before != after:
            uow.record(
                actor, "database.migrated", subject="schema", message=f"{before} -> {after}", before=before, after=after
            )
        uow.commit()
    return InitReport(before, after, created, reactivated, deactivated, len(existing) + created, system_user)


def list_locations(db: Database, *, kind: str | None = None, include_inactive: bool = False) -> list[LocationView]:
    with db.unit_of_work(readonly=True) as uow:
        return [
            LocationView(loc.code, loc.kind, loc.aisle, loc.bay, loc.side, loc.level, loc.active)
            for loc in uow.locations.listed(kind=kind, include_inactive=include_inactive)
        ]
