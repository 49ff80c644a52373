"""Spool-folder printer: each job becomes one file that another program (or a person) picks up.

Files appear atomically: the document is written to a hidden temporary file in the same folder and only then
given its final name, so a folder watcher never sees half a label. Names start with a UTC timestamp so the folder
sorts in print order, and never overwrite an earlier job (a reprint of the same label gets its own file).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from app.printing.base import CONTENT_TYPES, FORMAT_NAMES, PDF, PrintError, PrintJob, PrintResult, refuse_unaccepted

_MAX_ATTEMPTS = 1000
# errno values meaning "this file system has no hard links": fall back to os.replace.
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK, errno.EXDEV}


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FilePrinter:
    """Writes each job to ``<folder>/<UTC timestamp>-<job name>.<pdf|zpl>``; the folder is created on demand."""

    kind = "file"

    def __init__(
        self, name: str, folder: Path, *, content_type: str = PDF, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        if content_type not in CONTENT_TYPES:
            raise ValueError(f"content_type must be one of {', '.join(CONTENT_TYPES)}, got {content_type!r}")
        self.name = name
        self.folder = Path(folder)
        self.content_type = content_type
        """What documents should be rendered as; the folder itself takes either format."""
        self._clock = clock

    def __repr__(self) -> str:
        return f"FilePrinter({self.name!r}, {str(self.folder)!r}, {FORMAT_NAMES[self.content_type]})"

    def accepts(self, content_type: str) -> bool:
        # A folder stores whatever it is given; the extension tells the consumer what it is.
        return content_type in CONTENT_TYPES

    def send(self, job: PrintJob) -> PrintResult:
        refuse_unaccepted(self, job)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PrintError(
                f"printer {self.name}: cannot create spool folder {self.folder}: {exc.strerror or exc}",
                printer=self.name,
            ) from exc
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        stem = f"{stamp}-{job.name}"
        try:
            final = self._write_new(stem, job.extension, job.data)
        except OSError as exc:
            raise PrintError(
                f"printer {self.name}: cannot write to spool folder {self.folder}: {exc.strerror or exc}",
                printer=self.name,
            ) from exc
        return PrintResult(ok=True, printer=self.name, detail=f"saved to {final}")

    def _write_new(self, stem: str, extension: str, data: bytes) -> Path:
        """Write ``data`` to a temp file, then publish it under the first free name ``stem[-N].extension``."""
        fd, tmp_name = tempfile.mkstemp(dir=self.folder, prefix=f".{stem}.", suffix=".tmp")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())  # the label survives a power cut once we have said "saved"
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; a print daemon running as another user must read it
            for attempt in range(1, _MAX_ATTEMPTS + 1):
                final = self.folder / (f"{stem}.{extension}" if attempt == 1 else f"{stem}-{attempt}.{extension}")
                if self._publish(tmp, final):
                    return final
            raise FileExistsError(errno.EEXIST, f"{_MAX_ATTEMPTS} files named {stem}* already exist")
        finally:
            tmp.unlink(missing_ok=True)

    @staticmethod
    def _publish(tmp: Path, final: Path) -> bool:
        """Give ``tmp``'s content the name ``final`` atomically, unless ``final`` exists; True when done.

        A hard link is atomic *and* refuses to overwrite, so two terminals sharing one spool folder cannot replace
        each other's file. Where links are unsupported (some network shares) ``os.replace`` is used after an
        existence check, which is atomic for readers but leaves a tiny window between check and rename.
        """
        try:
            os.link(tmp, final)
            return True
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
        if final.exists():
            return False
        os.replace(tmp, final)
        return True
