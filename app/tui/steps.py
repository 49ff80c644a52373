"""A screen's blocking work (database, printers) runs in a thread worker, one step at a time, in input order.

Why: a step may wait for seconds (a busy database retried, a label printer with a 30 s network timeout) while
the event loop must keep drawing and taking keys. Scanners send bursts: a scan or key that arrives while a step
runs waits here and runs next, in order and exactly once. Keys that need no database (open a dialog, refuse
at once) take their turn too, so a key pressed after a scan acts on the state that scan produced; while a
dialog is open (``pause``) the queue waits for its answer (``resume``).

The work runs in Textual's thread worker; its result comes back to the screen as the worker's
``Worker.StateChanged`` message (the screen hands it to ``worker_changed``), so everything shown is drawn on
the UI thread. An unexpected error in a step reaches the app's safety net (``PickpackApp._handle_exception``),
which takes the worker back to a safe screen; the steps still waiting are dropped with the screen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from app.services.runtime import DatabaseUnavailable, driver_message, with_busy_retry

T = TypeVar("T")


@dataclass(frozen=True)
class Unavailable:
    """A step that found the database busy after every retry, or unreachable: nothing was recorded."""

    detail: str
    """What the database driver said."""


def guarded(step: Callable[[], T], on_retry: Callable[[int], None] | None = None) -> T | Unavailable:
    """Run one transaction (or station step) in a worker thread, again while the database is busy; a database
    that stays busy or is down comes back as ``Unavailable`` for the screen to say so, never as a traceback."""
    try:
        return with_busy_retry(step, on_retry=on_retry)
    except DatabaseUnavailable as exc:
        return Unavailable(driver_message(exc))


@dataclass
class _Step(Generic[T]):
    work: Callable[[], T] | None
    """Runs in a thread worker; None for a step that only runs ``then`` on the UI thread."""
    then: Callable[..., None]
    """Runs on the UI thread: with the work's result, or with no argument for a UI-only step."""


class Steps:
    """The serial queue of one screen (``node``): ``run`` blocking work, ``ui`` a key's action, in order."""

    def __init__(self, node: DOMNode, *, group: str) -> None:
        self._node = node
        self._group = group
        self._queue: deque[_Step[Any]] = deque()
        self._running: Worker[Any] | None = None
        self._then: Callable[..., None] | None = None
        self._held = False
        self._closed = False
        self._nested: list[_Step[Any]] | None = None
        self.answered = 0
        """How many steps' results have been drawn (``then`` ran): a benchmark stops its clock at the first repaint
        after this moved."""

    @property
    def busy(self) -> bool:
        """A step is running, waiting, or a dialog holds the queue."""
        return self._running is not None or self._held or bool(self._queue)

    @property
    def working(self) -> bool:
        """A step runs, or waits to run; input held by an open dialog waits for a person, so it does not count."""
        return self._running is not None or (bool(self._queue) and not self._held)

    def run(self, work: Callable[[], T], then: Callable[[T], None]) -> None:
        """``work()`` in a thread worker once the steps before it are done; then ``then(result)`` on the UI thread.

        Asked for while a step's ``then`` (or a UI step) runs, it goes first: before the input already waiting.
        """
        self._add(_Step(work, then))

    def ui(self, action: Callable[[], None]) -> None:
        """``action()`` on the UI thread once the steps before it are done (at once when nothing runs)."""
        self._add(_Step(None, action))

    def pause(self) -> None:
        """A dialog is open: the input that arrives meanwhile waits until ``resume``."""
        self._held = True

    def resume(self, answered: Callable[[], None] | None = None) -> None:
        """The dialog closed: ``answered()`` runs on the UI thread and the steps it asks for go first, then the
        input that waited."""
        self._held = False
        if answered is not None and not self._closed:
            self._call(answered)
        self._next()

    def close(self) -> None:
        """The screen is being left: drop what waits; a step still running finishes, its result is not shown."""
        self._closed = True
        self._queue.clear()

    def worker_changed(self, event: Worker.StateChanged) -> bool:
        """Hand over the screen's ``Worker.StateChanged``; True when it was this queue's step (then handled)."""
        if event.worker is not self._running:
            return False
        if event.state == WorkerState.SUCCESS:
            then = self._then
            self._running = self._then = None
            if not self._closed and then is not None:
                self._call(then, event.worker.result)
                self.answered += 1
            self._next()
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self._running = self._then = None  # the app's safety net reports an error and leaves the screen
            self.close()
        return True

    def _add(self, step: _Step[Any]) -> None:
        if self._closed:
            return
        if self._nested is not None:
            self._nested.append(step)
            return
        self._queue.append(step)
        self._next()

    def _call(self, fn: Callable[..., None], *args: Any) -> None:
        """Run UI code; the steps it asks for go to the front of the queue, in the order it asked."""
        self._nested = []
        try:
            fn(*args)
        finally:
            nested, self._nested = self._nested, None
            self._queue.extendleft(reversed(nested))

    def _next(self) -> None:
        while self._running is None and not self._held and not self._closed and self._queue:
            step = self._queue.popleft()
            if step.work is None:
                self._call(step.then)
                continue
            self._then = step.then
            self._running = self._node.run_worker(step.work, group=self._group, thread=True, exit_on_error=True)
