"""Hostile text in every field a screen shows, and a reader for what the screen really draws.

The values are written straight into the database after a normal import and release, the way data from an
older version or a channel that slipped past validation would be: the screens must show them literally whatever
the importers accept.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.segment import Segment
from sqlalchemy import select, update
from textual.app import App

from app.db.models import Batch, Order, OrderLine, PickTask, Product, Stock, User
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.services.users import UserView
from tests.picking_support import pick_all, release_orders

BROKEN = "oops [/] broken"
"""Closes a tag that was never opened: Textual's markup parser raises ``MarkupError``."""
EVIL = "[bold red]EVIL[/] [@click=app.quit]q[/]"
"""Styles and a click action that quits the app."""
LINK = "[link=http://x]y[/link]"
RTL = "abc\u202edcba"
"""A right-to-left override: shown as ``<U+202E>``, so ``abc`` + reversed text cannot pass for something else."""
RTL_SHOWN = "abc<U+202E>dcba"

SKU = BROKEN  # 15 characters: fits the 64-character SKU column
NAME = (EVIL + " " + "W" * 200)[:200]  # the longest product name the column holds
LOT = "[b]L1[/b]"
NUMBER = "#[/]H-1"
CUSTOMER = EVIL
SHIP_NAME = LINK
LINE1 = RTL
CITY = BROKEN
HOLD_REASON = f"{EVIL} {LINK} {BROKEN} " + "long " * 1000
PICKER = "[i]pia[/i] [@click=app.quit]x[/]"

HOSTILE = (BROKEN, EVIL, LINK, LOT, NUMBER, PICKER)


def seed_hostile_floor(db: Database, layout: Layout, tmp: Path, *, picked_by: UserView | None = None) -> list[str]:
    """Two orders released into one batch and one on hold, then every shown field replaced by hostile text.

    H-1 (MUG-BLU-350 renamed ``oops [/] broken``, TEA-EARL-100 with lot ``[b]L1[/b]``) gets the hostile number,
    customer and address; H-3 (an unknown SKU, so on hold) gets a 5,000-character hostile reason; the picker pia
    is renamed. With ``picked_by`` the batch is picked first (through the services, before the renaming);
    returns the totes used then.
    """
    release_orders(db, layout, tmp, [("H-1", "MUG-BLU-350", 1), ("H-1", "TEA-EARL-100", 1), ("H-2", "INFUSER-SS", 1)])
    release_orders(db, layout, tmp, [("H-3", "NO-SUCH-SKU", 1)])
    totes = pick_all(db, layout, picked_by) if picked_by is not None else []
    with db.unit_of_work() as uow:
        s = uow.session
        s.execute(update(Product).where(Product.sku == "MUG-BLU-350").values(sku=SKU, name=NAME))
        s.execute(update(OrderLine).where(OrderLine.sku == "MUG-BLU-350").values(sku=SKU, name=NAME))
        s.execute(update(Product).where(Product.sku == "TEA-EARL-100").values(name=f"{LINK} {RTL}"))
        s.execute(update(OrderLine).where(OrderLine.sku == "TEA-EARL-100").values(name=f"{LINK} {RTL}"))
        tea = s.scalar(select(Product.id).where(Product.sku == "TEA-EARL-100"))
        s.execute(update(Stock).where(Stock.product_id == tea, Stock.lot == "L2609C").values(lot=LOT))
        s.execute(update(PickTask).where(PickTask.product_id == tea, PickTask.lot == "L2609C").values(lot=LOT))
        s.execute(
            update(Order)
            .where(Order.number == "H-1")
            .values(number=NUMBER, customer_name=CUSTOMER, ship_name=SHIP_NAME, ship_line1=LINE1, ship_city=CITY)
        )
        on_hold = update(Order).where(Order.number == "H-3", Order.status == "on_hold")
        held = s.execute(on_hold.values(hold_reason=HOLD_REASON))
        assert held.rowcount == 1, "H-3 (an unknown SKU) should be on hold"
        s.execute(update(User).where(User.name == "pia").values(name=PICKER))
        uow.commit()
    return totes


def screen_text(app: App[object]) -> str:
    """The characters the terminal shows for the current screen, line by line (what a worker reads)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def click_actions(app: App[object]) -> list[str]:
    """Every ``@click`` action planted in what the current screen draws (none may come from data)."""
    found = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            assert isinstance(segment, Segment)
            meta = segment.style.meta if segment.style else {}
            if "@click" in meta:
                found.append(str(meta["@click"]))
    return found


def freeze_clock(db: Database, at: datetime) -> None:
    """Orders and batches dated ``at``, so ages and idle times measured from a fixed "now" never change between
    runs (for the supervisor's snapshot; the event log is append-only, so screens dated by events stay out of it)."""
    with db.unit_of_work() as uow:
        s = uow.session
        s.execute(update(Order).values(received_at=at, updated_at=at))
        s.execute(update(Batch).values(created_at=at))
        s.execute(update(Batch).where(Batch.claimed_at.is_not(None)).values(claimed_at=at, last_activity_at=at))
        uow.commit()
