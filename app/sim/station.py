"""One headless station child process: start it, send a line, read the one JSON answer, kill it, close it.

Why a thread per pipe: a station must answer every line with exactly one JSON line and write nothing to stderr,
and a killed or hung child must not freeze the simulator. Reader threads move stdout lines into a queue (read
with a timeout) and watch stderr as it comes, so a traceback is counted even from a station that keeps running.
The child gets the database URL and the PIN through its environment, never on its command line (``ps`` shows
command lines to everyone).
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import IO, Any

from app.sim import contract
from app.sim.stats import Stats, error_line

_EOF = object()
TRACEBACK = "Traceback (most recent call last)"


def _chained(chunk: list[str]) -> bool:
    """A chained exception goes on ("During handling..." / "The above exception..."): same report."""
    tail = [x for x in chunk[-3:] if x.strip()]
    return bool(tail) and ("During handling" in tail[-1] or "The above exception" in tail[-1])


class StationGone(Exception):
    """The child ended (killed, crashed, or closed its output) before answering."""


class NoAnswer(Exception):
    """The child did not answer within the timeout."""


def station_command(role: str, user: str) -> list[str]:
    return [sys.executable, "-m", "app", "station", role, "--user", user]


class StationProcess:
    """A station child; ``generation`` counts its starts (each start gets fresh pipes and reader threads)."""

    def __init__(
        self,
        label: str,
        role: str,
        user: str,
        env: Mapping[str, str],
        stats: Stats,
        *,
        cwd: str | None = None,
        answer_timeout_s: float = 60.0,
    ) -> None:
        self.label = label
        self.role = role
        self.user = user
        self.env = dict(env)
        self.cwd = cwd
        self.stats = stats
        self.answer_timeout_s = answer_timeout_s
        self.generation = 0
        self.killed = False
        self.transcript: Callable[[], list[tuple[str, Any]]] = list
        """Set by the driving thread: the last exchanges, attached to a traceback finding."""
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[object] = queue.Queue()
        self._readers: list[threading.Thread] = []

    # --- life cycle -----------------------------------------------------------------------------------

    def start(self) -> dict[str, Any]:
        """Start (or restart) the child and return its sign-in answer."""
        with self._lock:
            self.killed = False
            self.generation += 1
            self._lines = queue.Queue()
            self._proc = subprocess.Popen(
                station_command(self.role, self.user),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,  # Ctrl-C on the simulator must not reach the stations: it closes them itself
            )
            proc, lines = self._proc, self._lines
            assert proc.stdout is not None and proc.stderr is not None
            self._readers = [
                threading.Thread(target=self._read_stdout, args=(proc.stdout, lines), daemon=True),
                threading.Thread(target=self._read_stderr, args=(proc.stderr,), daemon=True),
            ]
            for reader in self._readers:
                reader.start()
        return self.read_answer(self.answer_timeout_s + 30.0)  # start-up imports the whole app: allow for it

    def kill(self) -> bool:
        """``kill -9`` the child now, wherever it is (mid-transaction too). False when it was not running."""
        with self._lock:
            proc = self._proc
            if proc is None or proc.poll() is not None:
                return False
            self.killed = True
            proc.kill()
            return True

    def wait(self, timeout_s: float = 30.0) -> int | None:
        """Wait for the child to end and for its pipes to drain; its exit code (None if it would not end)."""
        proc = self._proc
        if proc is None:
            return None
        try:
            code = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return None
        for reader in self._readers:
            reader.join(timeout=5.0)
        return code

    def close(self, timeout_s: float = 30.0) -> int | None:
        """End of input: close stdin (a station then exits 0, leaving its work to resume); kill it if it lingers."""
        proc = self._proc
        if proc is None:
            return None
        try:
            if proc.stdin is not None:
                proc.stdin.close()
        except OSError:
            pass
        code = self.wait(timeout_s)
        if code is None:
            self.kill()
            self.wait(5.0)
        return code

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    # --- talking ----------------------------------------------------------------------------------------

    def ask(self, line: str) -> dict[str, Any]:
        """Send one line and return the answer. Raises ``StationGone`` or ``NoAnswer``."""
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise StationGone("not started")
        self._drain_unsolicited()
        try:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise StationGone(str(exc)) from None
        return self.read_answer(self.answer_timeout_s)

    def read_answer(self, timeout_s: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        lines = self._lines
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise NoAnswer(f"no answer within {timeout_s:.0f} s")
            try:
                item = lines.get(timeout=left)
            except queue.Empty:
                continue
            if item is _EOF:
                raise StationGone("output closed")
            answer = contract.parse(str(item))
            if answer is not None:
                return answer
            self.stats.add("non_json_lines")
            self.stats.traceback(self.label, f"stdout line that is not a JSON object: {str(item)[:500]!r}")

    def _drain_unsolicited(self) -> None:
        """Lines nobody asked for (the contract is one answer per input): report them, keep the exchange aligned."""
        while True:
            try:
                item = self._lines.get_nowait()
            except queue.Empty:
                return
            if item is _EOF:
                self._lines.put(_EOF)
                return
            self.stats.add("unsolicited_lines")
            self.stats.finding("unsolicited_output", self.label, str(item)[:500], once=True)

    # --- reader threads -----------------------------------------------------------------------------------

    @staticmethod
    def _read_stdout(stream: IO[str], lines: queue.Queue[object]) -> None:
        try:
            for line in stream:
                lines.put(line.rstrip("\n"))
        except (OSError, ValueError):
            pass
        finally:
            lines.put(_EOF)

    def _read_stderr(self, stream: IO[str]) -> None:
        """Everything on stderr breaks the contract; a traceback also counts as one. Each distinct traceback
        (by its last line) becomes a finding with its full text and the exchanges that led to it."""
        chunk: list[str] = []
        try:
            for line in stream:
                self.stats.add("stderr_lines")
                if line.startswith(TRACEBACK) and not (chunk and _chained(chunk)):
                    if chunk:
                        self._report_stderr(chunk)
                    chunk = []
                    self.stats.add("tracebacks")
                chunk.append(line)
        except (OSError, ValueError):
            pass
        if chunk:
            self._report_stderr(chunk)

    def _report_stderr(self, chunk: list[str]) -> None:
        body = "".join(chunk)
        kind = "traceback" if TRACEBACK in body else "stderr_output"
        self.stats.finding(kind, self.label, body[-12000:], self.transcript(), key=f"{self.role}:{error_line(body)}")
