"""Printer adapters: a spool folder (``file``), CUPS (``lp -d QUEUE``) and raw ZPL over TCP (``host:9100``).

Callers build ``PrintJob`` values, pick a printer with ``printers_for_station`` and call ``send`` (raises
``PrintError``) or ``try_print`` (returns a ``PrintResult``); a failed job is still in the caller's hands to reprint.
"""

from app.printing.base import (
    DOCUMENT_KINDS,
    PDF,
    ZPL,
    Printer,
    PrintError,
    PrintJob,
    PrintResult,
    try_print,
)
from app.printing.cups import CupsPrinter
from app.printing.file import FilePrinter
from app.printing.raw import RawPrinter
from app.printing.registry import StationPrinters, build_printer, build_printers, printers_for_station

__all__ = [
    "DOCUMENT_KINDS",
    "PDF",
    "ZPL",
    "CupsPrinter",
    "FilePrinter",
    "PrintError",
    "PrintJob",
    "PrintResult",
    "Printer",
    "RawPrinter",
    "StationPrinters",
    "build_printer",
    "build_printers",
    "printers_for_station",
    "try_print",
]
