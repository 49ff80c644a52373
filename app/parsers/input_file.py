"""Open an import file only when it is a plain file of a sane size, and read its lines with a bound.

``pickpack import products /dev/zero`` used to read until memory ran out (MemoryError, exit 1), a FIFO made the
import wait forever, and a 5 GB file without a line break was read into one string. A warehouse's own files are
far below these caps (a 100,000-product catalog is ~15 MB of CSV, a year of Shopify orders a few hundred MB),
so a file beyond them is the wrong file, not a big catalog, and is refused before a byte is read.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

MB = 1 << 20
MAX_CSV_BYTES = 512 * MB
"""Products, stock and CSV order files: at most 512 MB (a 100,000-product catalog is ~15 MB)."""
MAX_ORDER_EXPORT_BYTES = 2048 * MB
"""Shopify/WooCommerce JSON exports: at most 2 GB (they are streamed one order at a time)."""
MAX_LINE_BYTES = 1 * MB
"""One physical line of a CSV file: at most 1 MB. Every column of every CSV format holds at most a few hundred
characters, so a longer line cannot be a valid row; it is refused after reading 1 MB of it, not the whole line."""


_SAVE_AS_UTF8 = "save the file as UTF-8 (in Excel: 'CSV UTF-8')"


class InputError(ValueError):
    """The file cannot be imported as it is: ``line`` says where (0: the file as a whole)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _size_text(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size:,} bytes"


def file_problem(path: Path, max_bytes: int, kind: str) -> str | None:
    """Why ``path`` must not be read (not a regular file, or larger than ``max_bytes``), or None.

    Checked with ``stat`` before the file is opened: opening a FIFO would block until someone writes to it.
    A file that cannot be stat'ed (missing, no permission) is left to the reader, which reports it as before.
    """
    try:
        info = path.stat()
    except OSError:
        return None
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a device, pipe or socket); save the data to a file and import that"
    if info.st_size > max_bytes:
        return (
            f"is {_size_text(info.st_size)}, larger than the {_size_text(max_bytes)} any {kind} may be; "
            "check that this is the right file (or split it)"
        )
    return None


def read_lines(path: Path, max_bytes: int, *, what: str = "line") -> Iterator[str]:
    """The lines of a UTF-8 file (BOM dropped, line endings kept, as ``csv`` wants), one at a time.

    Raises ``InputError`` for a line longer than ``MAX_LINE_BYTES`` (after reading that much of it), for bytes
    that are not UTF-8 (naming their line) and when the file grows past ``max_bytes`` while being read.
    """
    total = 0
    with path.open("rb") as fh:
        number = 0
        while True:
            raw = fh.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            total += len(raw)
            if total > max_bytes:
                raise InputError(number, f"the file is larger than {_size_text(max_bytes)}")
            if len(raw) > MAX_LINE_BYTES:
                raise InputError(number, f"a {what} longer than {_size_text(MAX_LINE_BYTES)}: not a row of this file")
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                byte = f"byte 0x{raw[error.start]:02X}"
                raise InputError(number, f"not UTF-8 text ({byte}); {_SAVE_AS_UTF8}") from None
            yield text
