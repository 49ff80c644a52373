"""Where an unexpected error's traceback goes: a log file in the data folder, never the user's screen.

A worker at a scanner cannot act on a traceback, and a traceback on a shared screen can show data it should not;
the person who can act (whoever looks after the installation) needs the whole of it. So the CLI (and the terminal
app) write it here and show one short line naming this file. When the data folder cannot be written (a full disk,
a read-only mount, the very problem being reported) the system temp folder takes the log instead.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

LOG_NAME = "pickpack-errors.log"
MAX_BYTES = 5_000_000
"""Beyond this the log is moved to ``pickpack-errors.log.1`` (one old copy kept), so a crash loop cannot fill the
disk it is trying to report on."""

_SECRET_OPTIONS = ("--db", "--pin")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def log_path(data_dir: Path | None) -> Path:
    """The log file in ``<data_dir>/logs`` (the temp folder when there is no data folder)."""
    if data_dir is None:
        return fallback_path()
    return data_dir / "logs" / LOG_NAME


def fallback_path() -> Path:
    """A per-user file in the system temp folder (per user so one user's log cannot be another's symlink)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"pickpack-errors-{uid}.log"


def redact(argv: Sequence[str]) -> list[str]:
    """The command line with database URLs and PINs blanked: a log is read by people who must not learn them."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            out.append("***")
            hide_next = False
            continue
        name, eq, _ = arg.partition("=")
        if name in _SECRET_OPTIONS:
            if eq:
                out.append(f"{name}=***")
            else:
                out.append(arg)
                hide_next = True
            continue
        out.append(_URL_PASSWORD.sub(r"\1***@", arg))
    return out


def _entry(exc: BaseException, argv: Sequence[str]) -> str:
    when = datetime.now(UTC).isoformat(timespec="seconds")
    command = " ".join(["pickpack", *redact(argv)])
    trace = _URL_PASSWORD.sub(r"\1***@", "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    return f"=== {when} pid {os.getpid()} python {sys.version.split()[0]}\n{command}\n{trace}\n"


def append(path: Path, text: str) -> None:
    """Append to one log file: its folder made, rolled over past ``MAX_BYTES``, never through a symlink."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.stat().st_size > MAX_BYTES:
            path.replace(path.with_name(path.name + ".1"))
    except FileNotFoundError:
        pass
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(text)


def write_crash_log(exc: BaseException, data_dir: Path | None, argv: Sequence[str] = ()) -> Path | None:
    """Append ``exc`` with its traceback to the log; returns the file written, or None when nothing could be."""
    text = _entry(exc, argv)
    for path in (log_path(data_dir), fallback_path()):
        try:
            append(path, text)
            return path
        except OSError:
            continue
    return None
