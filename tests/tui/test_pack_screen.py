"""The packing station through Pilot: a tote picked in the picker flow is packed by scans, weighed, shipped,
and its label decodes back to the tracking number and SSCC."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Input, Static

from app.config import Config
from app.db.models import Event
from app.db.unit_of_work import Database
from app.domain.layout import Layout
from app.printing.base import PrintJob, PrintResult
from app.printing.file import FilePrinter
from app.services import orders, shipping, users
from app.tui.app import build_app
from app.tui.screens.home import HomeScreen
from app.tui.screens.pack import PackScreen
from app.tui.widgets.scan_capture import ScanCapture
from app.tui.widgets.weigh_dialog import WeighDialog
from tests.picking_support import GTIN, add_users, pick_all, release_orders
from tests.tui.conftest import scan
from tests.tui.scanner import settle

SIZE = (60, 30)


@pytest.fixture
def spool_config(config: Config, tmp_path: Path) -> Config:
    return replace(config, paths=replace(config.paths, data_dir=str(tmp_path / "data")))


def test_pack_a_picked_tote_end_to_end(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool_config: Config
) -> None:
    db = sample_catalog
    people = add_users(db)
    release_orders(db, layout, tmp_path, [("W-1", "MUG-BLU-350", 2), ("W-1", "INFUSER-SS", 1)])
    totes = pick_all(db, layout, people["pia"])
    app = build_app(spool_config, db, station="station-1")
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PAUL")
            assert isinstance(app.screen, HomeScreen)
            await pilot.press("k")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PackScreen)
            await scan(pilot, totes[0])
            assert screen.state is not None and screen.state.order_number == "W-1"
            assert "Suggested: BOX-" in str(app.screen.query_one("#cartons", Static).render())
            for sku in ("MUG-BLU-350", "MUG-BLU-350", "INFUSER-SS"):  # the first opens the suggested box
                await scan(pilot, GTIN[sku])
            await scan(pilot, GTIN["INFUSER-SS"])  # one too many: refused
            assert rings == [1] and "already packed" in str(app.screen.query_one("#message", Static).render())
            assert screen.state.expect == "box" and "F2 takes" in str(app.screen.query_one("#prompt", Static).render())
            await pilot.press("f9")  # weighing before the box is confirmed: refused
            await settle(pilot)
            assert len(rings) == 2 and "Take the box first" in str(app.screen.query_one("#message", Static).render())
            await pilot.press("f2")
            await settle(pilot)
            assert screen.state.expect == "weight"
            expected = screen.state.open_carton.expected_weight_kg  # type: ignore[union-attr]
            await pilot.press("f9")
            await settle(pilot)
            assert isinstance(app.screen, WeighDialog)
            await pilot.press(*str(expected), "enter")
            await settle(pilot)
            assert isinstance(app.screen, PackScreen)
            message = str(app.screen.query_one("#message", Static).render())
            assert message.startswith("Shipped W-1") and "1Z" in message
            first_tracking = screen.state.cartons[0].tracking_number
            await pilot.press("f8")  # void the label (wrong address, say)
            await pilot.press(*"address", "enter")
            await settle(pilot)
            assert screen.state.status == "packed" and "voided" in str(
                app.screen.query_one("#message", Static).render()
            )
            await pilot.press("f9")  # ship the packed carton again
            await settle(pilot)
            assert screen.state.status == "shipped" and screen.state.cartons[0].tracking_number != first_tracking

    asyncio.run(run())
    assert orders.show_order(db, spool_config, "W-1").summary.status == "shipped"
    listed = [s for s in shipping.list_shipments(db, order_ref="W-1") if s.status == "shipped"]
    assert len(listed) == 1 and len(listed[0].tracking_numbers) == 1 and not listed[0].failed_prints
    spool = Path(spool_config.data_dir) / "spool" / "spool"
    label = next(p for p in spool.iterdir() if p.name.endswith(f"shipment-{listed[0].id}-carton-1-label.pdf"))
    from tests.support.pdfcheck import decode_pdf_barcodes

    codes = decode_pdf_barcodes(label.read_bytes(), tmp_path / "raster")[0]
    assert listed[0].tracking_numbers[0] in codes
    assert "00" + listed[0].sscc[0] in codes


def test_an_off_weight_needs_the_supervisors_badge_then_pin(
    sample_catalog: Database, layout: Layout, tmp_path: Path, spool_config: Config
) -> None:
    """The weighing dialog asks for the badge, then the PIN (masked); a wrong PIN is refused in words and the
    carton stays open; the right one closes it and names the supervisor."""
    db = sample_catalog
    people = add_users(db)
    release_orders(db, layout, tmp_path, [("W-2", "MUG-BLU-350", 1)])
    totes = pick_all(db, layout, people["pia"])
    app = build_app(spool_config, db, station="station-1")
    app.bell = lambda: None  # type: ignore[method-assign]

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PAUL")
            await pilot.press("k")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PackScreen)
            await scan(pilot, totes[0])
            await scan(pilot, GTIN["MUG-BLU-350"])
            await pilot.press("f2")
            await settle(pilot)
            assert screen.state is not None and screen.state.open_carton is not None
            heavy = screen.state.open_carton.expected_weight_kg + Decimal("0.5")
            await pilot.press("f9")
            await settle(pilot)
            await pilot.press(*str(heavy), "enter")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, WeighDialog) and dialog.needs_approval  # off tolerance: approval asked
            assert "supervisor must approve" in str(dialog.query_one("#weigh-error", Static).render())
            badge, pin = dialog.query_one("#badge", Input), dialog.query_one("#pin", Input)
            assert badge.password and pin.password and badge.has_focus
            await scan(pilot, "BADGE-SOFIA")  # the badge first: the PIN is asked next
            assert app.screen is dialog and pin.has_focus
            await pilot.press(*"0000", "enter")
            await settle(pilot)
            again = app.screen
            assert isinstance(again, WeighDialog) and again is not dialog
            assert "sofia's approval refused: wrong PIN" in str(again.query_one("#weigh-error", Static).render())
            assert screen.state.open_carton is not None and screen.state.status == "packing"
            await pilot.press("escape")  # the dialog closed, the supervisor scans at the screen instead
            await settle(pilot)
            assert app.screen is screen and screen.state.open_carton is not None
            await scan(pilot, "BADGE-SOFIA")
            taking = app.screen
            assert isinstance(taking, WeighDialog) and taking.query_one("#pin", Input).has_focus
            assert taking.query_one("#badge", Input).value == "BADGE-SOFIA"
            await pilot.press("enter")  # a badge alone is not enough
            await settle(pilot)
            third = app.screen
            assert isinstance(third, WeighDialog)
            assert "PIN needed: sofia" in str(third.query_one("#weigh-error", Static).render())
            await scan(pilot, "BADGE-SOFIA")
            await pilot.press(*"3333", "enter")
            await settle(pilot)
            assert isinstance(app.screen, PackScreen)
            assert screen.state.status == "shipped" and screen.state.cartons[0].status != "open"

    asyncio.run(run())
    assert users.lock_state(db, "sofia").failures == 0  # the right PIN ends the run of wrong ones
    with db.unit_of_work(readonly=True) as uow:
        approved = uow.session.scalars(select(Event).where(Event.kind == "pack.weight_approved")).all()
        assert [(e.actor, e.data["method"], e.data["packer"]) for e in approved] == [("sofia", "badge+pin", "paul")]
        refused = uow.session.scalars(select(Event).where(Event.kind == "pack.weight_approval_refused")).all()
        assert [(e.data["approver"], e.data["reason"]) for e in refused] == [("sofia", "pin"), ("sofia", "pin_needed")]


def test_the_screen_takes_keys_while_a_slow_printer_prints_and_runs_queued_scans_after_in_order(
    sample_catalog: Database,
    layout: Layout,
    tmp_path: Path,
    spool_config: Config,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Shipping prints on the station's printers, which may wait for a network timeout: the step runs in a worker,
    so keys typed meanwhile are drawn at once, and a scan sent meanwhile waits and runs once, after the shipment."""
    db = sample_catalog
    people = add_users(db)
    release_orders(db, layout, tmp_path, [("S-1", "MUG-BLU-350", 1)])
    totes = pick_all(db, layout, people["pia"])
    printing, release = threading.Event(), threading.Event()
    send = FilePrinter.send

    def slow_send(printer: FilePrinter, job: PrintJob) -> PrintResult:
        printing.set()
        assert release.wait(60), "the test never released the printer"
        return send(printer, job)

    monkeypatch.setattr(FilePrinter, "send", slow_send)
    app = build_app(spool_config, db, station="station-1")
    app.bell = lambda: None  # type: ignore[method-assign]
    shown: list[str] = []

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scan(pilot, "BADGE-PAUL")
            await pilot.press("k")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PackScreen)
            flash = screen.flash
            screen.flash = lambda text, ok=True: (shown.append(text), flash(text, ok))  # type: ignore[method-assign]
            await scan(pilot, totes[0])
            await scan(pilot, GTIN["MUG-BLU-350"])
            await pilot.press("f2")
            await settle(pilot)
            assert screen.state is not None and screen.state.open_carton is not None
            expected = screen.state.open_carton.expected_weight_kg
            await pilot.press("f9")
            await settle(pilot)
            try:
                await pilot.press(*str(expected), "enter")  # closes the last carton: ships and prints
                assert await asyncio.to_thread(printing.wait, 60), "shipping never reached the printer"
                assert not any(text.startswith("Shipped") for text in shown)  # still printing
                await pilot.press(*"NOPE")  # keys are handled while the printer blocks the worker
                assert screen.query_one("#scan", ScanCapture).buffer == "NOPE"
                await pilot.press("minus", "1", "enter")  # a whole scan: it waits for the shipment
                assert screen.query_one("#scan", ScanCapture).buffer == ""
                assert screen.steps.busy and not any("NOPE-1" in text for text in shown)
            finally:
                release.set()
            await settle(pilot)
            shipped = next(i for i, text in enumerate(shown) if text.startswith("Shipped S-1"))
            after = [i for i, text in enumerate(shown) if "NOPE-1" in text]
            assert len(after) == 1 and after[0] > shipped  # run once, after the shipment, in the order sent

    asyncio.run(run())
    assert orders.show_order(db, spool_config, "S-1").summary.status == "shipped"
