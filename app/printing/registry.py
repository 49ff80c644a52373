"""config.toml ``[printers.NAME]`` and ``[stations.NAME]`` -> printer objects, per packing station.

Building printers does no I/O (no folder is created, no host contacted), so the terminal starts even when a
printer is off; problems show up as a ``PrintError`` on the first print, where a reprint can be offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.config.errors import ConfigError
from app.config.settings import Config, PrinterConfig
from app.printing.base import CONTENT_TYPE_FOR_FORMAT, PDF, Printer
from app.printing.cups import CupsPrinter
from app.printing.file import FilePrinter
from app.printing.raw import RawPrinter


@dataclass(frozen=True)
class StationPrinters:
    """The printers one packing station uses; None when the station has none configured for that role."""

    label: Printer | None
    """Shipping labels."""
    documents: Printer | None
    """Packing slips, customs forms, invoices, manifests."""

    def for_kind(self, document_kind: str) -> Printer | None:
        """The printer a document of ``document_kind`` ("label", "slip", ...) goes to at this station."""
        return self.label if document_kind == "label" else self.documents


def _where(config: Config) -> str:
    return f"{config.source}: " if config.source else ""


def build_printer(config: Config, name: str, printer: PrinterConfig) -> Printer:
    """One ``[printers.NAME]`` table -> its adapter. Raw printers always take ZPL, whatever ``format`` says."""
    content_type = CONTENT_TYPE_FOR_FORMAT.get(printer.format, PDF)
    if printer.kind == "file":
        folder = config.resolve(printer.path) if printer.path else config.data_dir / "spool" / name
        return FilePrinter(name, folder, content_type=content_type)
    if printer.kind == "cups":
        if not printer.queue:
            raise ConfigError(f"{_where(config)}printers.{name}.queue: expected a CUPS queue name")
        return CupsPrinter(name, printer.queue, content_type=content_type)
    if printer.kind == "raw":
        if not printer.host:
            raise ConfigError(f"{_where(config)}printers.{name}.host: expected a host for a raw printer")
        if not 0 < printer.port < 65536:
            raise ConfigError(f"{_where(config)}printers.{name}.port: expected 1-65535, got {printer.port}")
        return RawPrinter(name, printer.host, printer.port)
    raise ConfigError(f"{_where(config)}printers.{name}.kind: expected one of file, cups, raw, got {printer.kind!r}")


def build_printers(config: Config) -> dict[str, Printer]:
    """Every configured printer by name."""
    return {name: build_printer(config, name, printer) for name, printer in config.printers.items()}


def printers_for_station(
    config: Config, station: str, printers: Mapping[str, Printer] | None = None
) -> StationPrinters:
    """The label and document printers of ``station``; ``printers`` reuses already built adapters.

    Raises ``ConfigError`` (exit code 2 in the CLI) naming the station or printer and what is defined, because a
    terminal started for a station that cannot print should say so before the first parcel is packed.
    """
    if station not in config.stations:
        defined = ", ".join(sorted(config.stations)) or "none"
        raise ConfigError(
            f"{_where(config)}stations.{station}: unknown station (defined: {defined}); "
            f"add a [stations.{station}] table with label_printer and document_printer"
        )
    printers = build_printers(config) if printers is None else printers
    settings = config.stations[station]

    def lookup(attr: str) -> Printer | None:
        printer_name: str = getattr(settings, attr)
        if not printer_name:
            return None
        if printer_name not in printers:
            defined = ", ".join(sorted(printers)) or "none"
            raise ConfigError(
                f"{_where(config)}stations.{station}.{attr}: no printer named {printer_name!r} (defined: {defined})"
            )
        return printers[printer_name]

    return StationPrinters(label=lookup("label_printer"), documents=lookup("document_printer"))
