"""CUPS printer: hands the document to ``lp -d QUEUE`` on stdin, the one interface every CUPS install has.

Using the ``lp`` command instead of a CUPS library keeps pickpack free of native dependencies and lets the tests
substitute a fake ``lp`` script. ZPL goes with ``-o raw`` so CUPS passes it to the thermal printer untouched
instead of rendering the ZPL source as text.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence

from app.printing.base import (
    CONTENT_TYPES,
    FORMAT_NAMES,
    PDF,
    ZPL,
    PrintError,
    PrintJob,
    PrintResult,
    refuse_unaccepted,
)

_REQUEST_ID = re.compile(r"request id is (\S+)")
_MAX_MESSAGE = 400


def _tail(text: str) -> str:
    """The end of a long error output (where the reason usually is), on one line."""
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else "..." + text[-_MAX_MESSAGE:]


class CupsPrinter:
    """Prints through a CUPS queue with ``lp``; ``lp_command`` replaces ``("lp",)`` (a full path, or a fake)."""

    kind = "cups"

    def __init__(
        self,
        name: str,
        queue: str,
        lp_command: Sequence[str] = ("lp",),
        *,
        content_type: str = PDF,
        timeout_s: float = 30.0,
    ) -> None:
        if not queue:
            raise ValueError(f"printer {name}: a CUPS queue name is required")
        if content_type not in CONTENT_TYPES:
            raise ValueError(f"content_type must be one of {', '.join(CONTENT_TYPES)}, got {content_type!r}")
        if not lp_command:
            raise ValueError("lp_command must name a program")
        self.name = name
        self.queue = queue
        self.lp_command = tuple(lp_command)
        self.content_type = content_type
        """The one format this queue takes: a PDF sent to a ZPL queue (or the reverse) prints garbage."""
        self.timeout_s = timeout_s

    def __repr__(self) -> str:
        return f"CupsPrinter({self.name!r}, queue={self.queue!r}, {FORMAT_NAMES[self.content_type]})"

    def accepts(self, content_type: str) -> bool:
        return content_type == self.content_type

    def command(self, job: PrintJob) -> list[str]:
        """The ``lp`` command line for ``job`` (the document itself goes on stdin)."""
        args = [*self.lp_command, "-d", self.queue, "-t", job.name]
        if job.content_type == ZPL:
            args += ["-o", "raw"]
        return args

    def send(self, job: PrintJob) -> PrintResult:
        refuse_unaccepted(self, job)
        program = self.lp_command[0]
        # C locale: "request id is ..." is parsed from stdout, and lp translates it otherwise.
        env = {**os.environ, "LC_ALL": "C"}
        try:
            completed = subprocess.run(
                self.command(job), input=job.data, capture_output=True, timeout=self.timeout_s, env=env, check=False
            )
        except FileNotFoundError as exc:
            raise PrintError(
                f"cannot print to {self.name}: lp not found ({program}); install the CUPS client "
                f"(package cups-client) or configure a file or raw printer",
                printer=self.name,
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise PrintError(
                f"printer {self.name}: lp did not finish within {self.timeout_s:g} s (is the CUPS server running?)",
                printer=self.name,
            ) from exc
        except OSError as exc:  # e.g. not executable
            raise PrintError(
                f"cannot print to {self.name}: cannot run {program}: {exc.strerror or exc}", printer=self.name
            ) from exc
        stdout = completed.stdout.decode(errors="replace")
        if completed.returncode != 0:
            reason = _tail(completed.stderr.decode(errors="replace")) or _tail(stdout)
            reason = reason or f"lp exited with status {completed.returncode}"
            raise PrintError(
                f"printer {self.name} (CUPS queue {self.queue}) refused the job: {reason}", printer=self.name
            )
        match = _REQUEST_ID.search(stdout)
        where = f"sent to CUPS queue {self.queue}"
        return PrintResult(ok=True, printer=self.name, detail=f"{where} as request {match[1]}" if match else where)
