"""One station's thread: ask its driver what to send, send it, account for the answer, restart after a kill.

Why the accounting lives here: only the worker sees a line and its answer together, so it is the one place that
can tell an injected mistake that was refused (expected) from one that was accepted (a finding), check every
answer against the contract, and judge whether a restarted station resumed the work it had in hand.
"""

from __future__ import annotations

import random
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from app.sim import contract
from app.sim.drivers import Move
from app.sim.station import NoAnswer, StationGone, StationProcess
from app.sim.stats import Stats

TRANSCRIPT = 12
"""Exchanges kept per station for findings."""
STUCK_AFTER = 30
"""Lines in a row that moved nothing on (injected mistakes do not count) while work is in hand: reported stuck."""
EXPLAINED = ("was freed by", "was given to", "was removed", "has moved on", "no longer open", "was finished by")
"""Refusals of a right line that the office's changes explain (lease taken, stop removed): not findings."""


class Driver(Protocol):
    role: str
    name: str

    def next_move(self, answer: Mapping[str, Any]) -> Move: ...
    def observe(self, move: Move, answer: Mapping[str, Any]) -> None: ...
    def reset(self) -> None: ...


def work_in_hand(role: str, answer: Mapping[str, Any]) -> object:
    """What a station shows it holds: the batch id at picking, the order number at packing (None: nothing)."""
    if role == "pick":
        return answer.get("batch")
    order = answer.get("order")
    if isinstance(order, Mapping) and answer.get("expect") != "order":
        return order.get("number")
    return None


def _units(role: str, answer: Mapping[str, Any]) -> int:
    """Units confirmed so far: at the stop in hand (picking) or packed for the order in hand (packing)."""
    if role == "pick":
        stop = answer.get("stop")
        return int(stop.get("qty_picked") or 0) if isinstance(stop, Mapping) else 0
    order = answer.get("order")
    lines = order.get("lines") if isinstance(order, Mapping) else None
    return sum(int(x.get("qty_packed") or 0) for x in lines or () if isinstance(x, Mapping))


def _same_work(role: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    if role == "pick":
        a, b = before.get("stop"), after.get("stop")
        return (
            isinstance(a, Mapping)
            and isinstance(b, Mapping)
            and before.get("batch") == after.get("batch")
            and a.get("seq") == b.get("seq")
        )
    return work_in_hand(role, before) is not None and work_in_hand(role, before) == work_in_hand(role, after)


class StationWorker(threading.Thread):
    def __init__(
        self,
        driver: Driver,
        process: StationProcess,
        stats: Stats,
        stop: threading.Event,
        *,
        still_open: Callable[[str, str, object], bool],
        rng: random.Random,
    ) -> None:
        super().__init__(name=process.label, daemon=True)
        self.driver = driver
        self.process = process
        self.stats = stats
        self.stop = stop
        self.still_open = still_open
        self.rng = rng
        self.transcript: deque[tuple[str, Any]] = deque(maxlen=TRANSCRIPT)
        self.work: object = None
        self.no_progress = 0
        self.rescan: object = None
        """A packer's order the restarted station did not show: resumed when the packer's rescan shows it."""
        self.alive = True
        self.signed_in_at: float | None = None
        """``time.perf_counter()`` of the first sign-in answer (benchmarks leave the start-up out)."""
        process.transcript = lambda: list(self.transcript)

    @property
    def role(self) -> str:
        return self.driver.role

    def run(self) -> None:
        try:
            self._run()
        except Exception:  # a bug in the simulator itself: counted like any traceback, never silent
            self.stats.traceback(f"simulate:{self.name}", traceback.format_exc())
        finally:
            self.alive = False

    def _run(self) -> None:
        answer = self._start(restart=False)
        while answer is not None and not self.stop.is_set():
            move = self.driver.next_move(answer)
            if move.wait_s and self.stop.wait(move.wait_s):
                break
            if not move.line:
                continue
            sent = time.perf_counter()
            try:
                new = self.process.ask(move.line)
            except StationGone:
                answer = self._start(restart=True)
                continue
            except NoAnswer as exc:
                self.stats.add("hangs")
                self.stats.finding("hang", self.name, f"{exc} to {move.line!r}", list(self.transcript))
                self.process.kill()
                answer = self._start(restart=True, counted=False)
                continue
            kind = "key" if move.line.startswith("!") else "scan"
            answered = time.perf_counter()
            self.stats.answered(f"{self.role}.{kind}", answered, (answered - sent) * 1000.0)
            self.transcript.append((move.line, new))
            self._account(move, new)
            self._check_counted_once(move, answer, new)
            if move.intent == "claim" and answer.get("expect") == "done" and new.get("expect") == "done":
                self.stats.add("contract_violations")
                self.stats.finding(
                    "contract",
                    self.name,
                    "after expect 'done', !claim did not take a new batch",
                    list(self.transcript),
                    once=True,
                )
            self.driver.observe(move, new)
            self.work = work_in_hand(self.role, new)
            answer = new

    # --- starting and resuming ----------------------------------------------------------------------------

    def _start(self, *, restart: bool, counted: bool = True) -> dict[str, Any] | None:
        """Start the child; after a kill, check that it shows the work it had (the resume)."""
        if restart:
            killed = self.process.killed
            code = self.process.wait()
            if not killed:
                self.stats.add("station_crashes")
                self.stats.finding(
                    "station_exit", self.name, f"ended by itself with exit code {code}", list(self.transcript)
                )
            self.driver.reset()
        while not self.stop.is_set():
            try:
                answer = self.process.start()
            except (StationGone, NoAnswer) as exc:
                if isinstance(exc, StationGone) and self.process.killed:
                    self.process.wait()
                    continue  # our kill -9 hit it while it was signing in: start it again
                self.stats.add("station_crashes")
                self.stats.finding("start_failed", self.name, f"no sign-in answer: {exc}")
                self.process.kill()
                code = self.process.wait(5.0)
                if code == 2 or self.stop.wait(2.0):
                    return None
                continue
            self._check(answer, sign_in=True)
            if answer.get("ok") is not True:
                self.stats.add("station_crashes")
                self.stats.finding("sign_in_refused", self.name, str(answer.get("message")))
                return None
            if restart and counted:
                self._judge_resume(answer)
            self.work = work_in_hand(self.role, answer)
            self.transcript.append(("(sign-in)", answer))
            if self.signed_in_at is None:
                self.signed_in_at = time.perf_counter()
            return answer
        return None

    def _judge_resume(self, answer: Mapping[str, Any]) -> None:
        before, after = self.work, work_in_hand(self.role, answer)
        if before is None:
            return
        self.stats.add("kills_with_work")
        if after == before:
            self.stats.add("resumes")
            return
        if self.role == "pack" and after is None and self.still_open(self.role, self.driver.name, before):
            self.rescan = before  # a packing station starts empty: the packer scans the tote again
            return
        if self.still_open(self.role, self.driver.name, before):
            self.stats.add("resume_lost")
            self.stats.finding(
                "resume_lost",
                self.name,
                f"had {before!r} in hand when killed (it is still open); the restarted station shows {after!r}",
                [*self.transcript, ("(sign-in after kill -9)", dict(answer))],
            )
        else:
            self.stats.add("resume_work_ended")  # the work ended meanwhile (finished, freed, cancelled): fine

    def _judge_rescan(self, answer: Mapping[str, Any]) -> None:
        """The packer scanned an order after a restart that showed nothing: the same order is a resume by rescan
        (what the packing station offers); another order while the killed one is still open loses it."""
        before, self.rescan = self.rescan, None
        if answer.get("ok") is True and work_in_hand(self.role, answer) == before:
            self.stats.add("resumed_by_rescan")
            self.stats.finding(
                "pack_resume_needs_rescan",
                self.name,
                f"the restarted packing station showed nothing in hand; rescanning {before} resumed it",
                list(self.transcript),
                key="pack",
            )
            return
        if not self.still_open(self.role, self.driver.name, before):
            self.stats.add("resume_work_ended")
            return
        self.stats.add("resume_lost")
        self.stats.finding("resume_lost", self.name, f"{before!r} not resumed after kill -9", list(self.transcript))

    # --- accounting ------------------------------------------------------------------------------------

    def _check(self, answer: Mapping[str, Any], *, sign_in: bool = False) -> None:
        for problem in contract.problems(self.role, answer, sign_in=sign_in):
            self.stats.add("contract_violations")
            self.stats.finding("contract", self.name, problem, [*self.transcript, ("?", dict(answer))], once=True)

    def _check_counted_once(self, move: Move, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        """One unit scan must count one unit: a stop's ``qty_picked`` (or an order's packed units) growing by more
        is a scan applied twice, which no audit can see (the books agree with themselves)."""
        if move.fault or move.intent not in ("item", "lot") or after.get("ok") is not True:
            return
        grew = _units(self.role, after) - _units(self.role, before)
        if _same_work(self.role, before, after) and grew > 1:
            self.stats.add("scans_counted_twice")
            self.stats.finding(
                "scan_counted_twice",
                self.name,
                f"one scan {move.line!r} counted {grew} units",
                list(self.transcript),
                key=self.role,
            )

    def _account(self, move: Move, answer: Mapping[str, Any]) -> None:
        stats = self.stats
        stats.add("scans")
        stats.add(f"scans_{self.role}")
        if move.line.startswith("!"):
            stats.add("keys")
        self._check(answer)
        ok = answer.get("ok") is True
        if self.rescan is not None and move.intent == "order":
            self._judge_rescan(answer)
        if move.fault:
            stats.fault(move.fault, refused=not ok)
            if ok:
                stats.finding(
                    "wrong_scan_accepted",
                    self.name,
                    f"injected {move.fault} {move.line!r} was answered ok:true",
                    list(self.transcript),
                )
            return
        progress = ok and move.intent not in ("claim", "confused", "idle", "order")
        self.no_progress = 0 if progress else self.no_progress + 1
        if self.no_progress >= STUCK_AFTER and (answer.get("batch") is not None or work_in_hand(self.role, answer)):
            stats.add("stuck")
            detail = f"no progress in {STUCK_AFTER} lines"
            stats.finding("stuck", self.name, detail, list(self.transcript), key=self.name)
            self.no_progress = 0
            self.stop.wait(2.0)  # a person would wait for help rather than hammer the scanner
        if not ok:
            kind = f"{self.role}.{move.intent}"
            message = str(answer.get("message"))
            stats.refusal(kind, message)
            if move.intent not in ("claim", "order", "tote_setup", "idle") and not any(
                reason in message for reason in EXPLAINED
            ):
                stats.finding("right_scan_refused", self.name, message, list(self.transcript), key=kind)
            return
        if move.intent == "short_qty":
            stats.add("shorts")
        if move.intent == "claim" and answer.get("batch") is not None:
            stats.stamp("claims", time.perf_counter())
        if move.intent == "ship":
            stats.stamp("orders_shipped", time.perf_counter())
            for problem in contract.shipment_problems(answer):
                stats.add("contract_violations")
                stats.finding("contract", self.name, problem, list(self.transcript), once=True)
        if self.role == "pick" and answer.get("expect") == "done":
            stats.add("batches_finished")
