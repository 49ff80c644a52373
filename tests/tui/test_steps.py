"""The serial step queue (``app.tui.steps``) on a bare Textual app: work runs in a thread worker one step at a
time, results come back on the UI thread in input order, the steps a result asks for go before the input that
waited, a dialog holds the queue, and a database that is down comes back as ``Unavailable``."""

from __future__ import annotations

import asyncio
import threading

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from app.services import runtime
from app.tui.steps import Steps, Unavailable, guarded
from tests.tui.scanner import settle


class QueueScreen(Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.steps = Steps(self, group="steps")
        self.seen: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("queue")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.steps.worker_changed(event)


class QueueApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(QueueScreen())


def work(screen: QueueScreen, name: str, gate: threading.Event | None = None) -> None:
    def run() -> str:
        assert threading.current_thread() is not threading.main_thread()  # never on the event loop
        if gate is not None:
            assert gate.wait(30)
        return name

    screen.steps.run(run, lambda result: screen.seen.append(f"done {result}"))


def test_steps_run_in_order_results_first_and_a_dialog_holds_the_queue() -> None:
    app = QueueApp()

    async def run() -> None:
        async with app.run_test() as pilot:
            screen = app.screen
            assert isinstance(screen, QueueScreen)
            gate = threading.Event()
            work(screen, "a", gate)  # runs, held at the gate
            work(screen, "b")
            screen.steps.ui(lambda: screen.seen.append("key c"))
            assert screen.seen == [] and screen.steps.busy
            gate.set()
            await settle(pilot)
            assert screen.seen == ["done a", "done b", "key c"]

            screen.seen.clear()

            def then_asks_more(result: str) -> None:  # a result that starts the next step (a finished batch)
                screen.seen.append(f"done {result}")
                work(screen, "follow-up")

            screen.steps.run(lambda: "first", then_asks_more)
            work(screen, "waiting")
            await settle(pilot)
            assert screen.seen == ["done first", "done follow-up", "done waiting"]

            screen.seen.clear()
            screen.steps.pause()  # a dialog is open
            work(screen, "after the dialog")
            await settle(pilot)
            assert screen.seen == [] and screen.steps.busy and not screen.steps.working
            screen.steps.resume(lambda: work(screen, "the answer"))
            await settle(pilot)
            assert screen.seen == ["done the answer", "done after the dialog"]

            screen.steps.close()  # the screen is left: nothing more runs
            work(screen, "never")
            await settle(pilot)
            assert screen.seen == ["done the answer", "done after the dialog"]

    asyncio.run(run())


def test_a_database_that_is_down_comes_back_as_unavailable_not_as_an_error() -> None:
    def down() -> str:
        raise runtime.DatabaseUnavailable("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    assert guarded(down) == Unavailable("server closed the connection unexpectedly")
    assert guarded(lambda: "saved") == "saved"
