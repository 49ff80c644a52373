"""What every printer adapter shares: the job it is handed, the result it reports and the error a packer reads.

A printer either prints (``send`` returns an ok ``PrintResult`` saying where the job went) or raises ``PrintError``
with a sentence the person at the packing bench can act on. The ``PrintJob`` is a plain value: when a print fails
the caller still holds it and can offer a reprint, so nothing about the shipment is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

PDF = "application/pdf"
"""Content type of rendered documents (labels on sheet/label printers, slips, customs forms, invoices)."""
ZPL = "application/zpl"
"""Content type of Zebra Programming Language labels for thermal printers."""
CONTENT_TYPES: tuple[str, ...] = (PDF, ZPL)
EXTENSIONS: dict[str, str] = {PDF: "pdf", ZPL: "zpl"}
"""File extension per content type (spool file names)."""
FORMAT_NAMES: dict[str, str] = {PDF: "PDF", ZPL: "ZPL"}
"""Short names used in messages ("raw printer zebra1 takes ZPL, not PDF")."""
CONTENT_TYPE_FOR_FORMAT: dict[str, str] = {"pdf": PDF, "zpl": ZPL}
"""``[printers.NAME] format`` in config.toml -> content type."""

DOCUMENT_KINDS: tuple[str, ...] = ("label", "slip", "customs", "invoice", "manifest")
"""What a job is; a station sends labels to its label printer and everything else to its document printer."""

_FILE_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")


class PrintError(Exception):
    """A print failed; the message names the printer and says why in words a packer understands.

    Raised instead of returning a failed result so a caller cannot forget to look; ``try_print`` turns it into a
    ``PrintResult(ok=False)`` for screens that show the reason and offer a reprint.
    """

    def __init__(self, message: str, *, printer: str = "") -> None:
        super().__init__(message)
        self.printer = printer


@dataclass(frozen=True)
class PrintJob:
    """One document to print. ``name`` becomes part of a file name and a CUPS title, hence file-safe only."""

    document_kind: str
    """"label", "slip", "customs", "invoice" or "manifest"."""
    name: str
    """File-safe identifier, e.g. "shipment-12-carton-1-label" (letters, digits, '.', '_', '-')."""
    data: bytes
    """The rendered document, exactly as the printer should receive it."""
    content_type: str
    """"application/pdf" or "application/zpl"."""

    def __post_init__(self) -> None:
        # A malformed job is a programming error, not a printer problem: fail loudly before anything is sent.
        if self.document_kind not in DOCUMENT_KINDS:
            raise ValueError(f"document_kind must be one of {', '.join(DOCUMENT_KINDS)}, got {self.document_kind!r}")
        if not _FILE_SAFE.fullmatch(self.name):
            raise ValueError(
                f"job name must be 1-120 letters, digits, '.', '_' or '-' and start with a letter or digit, "
                f"got {self.name!r}"
            )
        if self.content_type not in CONTENT_TYPES:
            raise ValueError(f"content_type must be one of {', '.join(CONTENT_TYPES)}, got {self.content_type!r}")
        if not isinstance(self.data, bytes):
            raise TypeError(f"data must be bytes, got {type(self.data).__name__}")
        if not self.data:
            # An empty job "prints" nothing and the packer would believe the label came out.
            raise ValueError(f"job {self.name!r} has no data")

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.content_type]


@dataclass(frozen=True)
class PrintResult:
    """What happened to a job: ``detail`` says where it went (ok) or why it did not (not ok)."""

    ok: bool
    printer: str
    detail: str


@runtime_checkable
class Printer(Protocol):
    """A configured printer. ``send`` either returns an ok result or raises ``PrintError``; it never half-fails."""

    name: str
    """The ``[printers.NAME]`` key in config.toml."""
    kind: str
    """"file", "cups" or "raw"."""
    content_type: str
    """What documents for this printer should be rendered as (from ``format`` in config.toml)."""

    def accepts(self, content_type: str) -> bool:
        """True when ``send`` would take a job of this content type."""
        ...

    def send(self, job: PrintJob) -> PrintResult:
        """Print ``job``; raises ``PrintError`` with a reason a packer understands."""
        ...


def refuse_unaccepted(printer: Printer, job: PrintJob) -> None:
    """Raise ``PrintError`` when ``printer`` cannot take ``job``'s format (a PDF sent to a ZPL printer prints
    pages of garbage, so it is stopped before anything is sent)."""
    if not printer.accepts(job.content_type):
        wanted = FORMAT_NAMES.get(printer.content_type, printer.content_type)
        raise PrintError(
            f"{printer.kind} printer {printer.name} takes {wanted}, not {job.format_name}", printer=printer.name
        )


def try_print(printer: Printer, job: PrintJob) -> PrintResult:
    """Send ``job`` and report the outcome instead of raising, for screens that show the reason and offer a
    reprint. The job itself is untouched either way, so the caller can send it again."""
    try:
        return printer.send(job)
    except PrintError as exc:
        return PrintResult(ok=False, printer=printer.name, detail=str(exc))
