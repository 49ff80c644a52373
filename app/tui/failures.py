"""What the terminal does with an error nobody expected: the traceback goes to a log file, the worker gets a line.

Why: a worker on the floor can do nothing with a Python traceback, and before this the app printed one and
exited, leaving the handheld at a shell prompt. Every scan and every action commits its own transaction, so
after an unexpected error the work already done is saved; the terminal only has to say so, point to the log
for whoever fixes it, and go back to a screen that works.
"""

from __future__ import annotations

import secrets
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from textual.worker import WorkerFailed

from app import crash_log

LOG_NAME = crash_log.LOG_NAME
WORKER_MESSAGE = "Something went wrong — call your supervisor; your work is saved."


@dataclass(frozen=True)
class Failure:
    """One unexpected error as the terminal reported it."""

    ref: str
    """Short reference shown to the worker and written in the log header (UTC time and 4 hex digits)."""
    at: datetime
    log_path: Path | None
    """Where the traceback was written; None when the log could not be written (full disk, read-only)."""
    error: BaseException

    @property
    def message(self) -> str:
        return f"{WORKER_MESSAGE} (ref {self.ref})"


def error_log_path(data_dir: Path) -> Path:
    """The same log file as the command line's (``app.crash_log``): one place to look after any failure."""
    return crash_log.log_path(data_dir)


def original_error(error: BaseException) -> BaseException:
    """The exception that was raised: a failed worker arrives wrapped in ``WorkerFailed``."""
    if isinstance(error, WorkerFailed):
        return error.error
    return error


def record_failure(error: BaseException, data_dir: Path, context: dict[str, str]) -> Failure:
    """Append the traceback with a reference and its context (station, user, screen) to the error log.

    Never raises: a log that cannot be written (disk full) must not turn one error into a crash; the failure is
    still reported, without a log path.
    """
    at = datetime.now(UTC)
    ref = f"{at:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
    cause = original_error(error)
    header = " · ".join([f"ref {ref}", at.isoformat(timespec="seconds"), *(f"{k} {v}" for k, v in context.items())])
    body = "".join(traceback.format_exception(type(cause), cause, cause.__traceback__))
    path: Path | None = error_log_path(data_dir)
    try:
        assert path is not None
        crash_log.append(path, f"=== {header} ===\n{body}\n")  # rolls over at 5 MB, never follows a symlink
    except OSError:
        path = None
    return Failure(ref, at, path, cause)
