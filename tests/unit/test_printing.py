"""Printer adapters: spool folder, CUPS through a fake ``lp``, raw ZPL against real loopback TCP listeners, and the
config.toml registry. Every failure must be a ``PrintError`` a packer can read, and the job must survive it."""

from __future__ import annotations

import errno
import os
import socket
import stat
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.config import Config, ConfigError, PrinterConfig, StationConfig, load_config
from app.printing import (
    PDF,
    ZPL,
    CupsPrinter,
    FilePrinter,
    Printer,
    PrintError,
    PrintJob,
    RawPrinter,
    build_printers,
    printers_for_station,
    try_print,
)

ZPL_LABEL = b"^XA^FO50,50^A0N,40,40^FDShipment 12 carton 1^FS^BCN,100,Y,N,N^FD>;00012345678901234567^FS^XZ"
PDF_DOC = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIXED = datetime(2025, 3, 14, 10, 15, 2, 123456, tzinfo=UTC)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="fake lp is a POSIX shell script")


def label_job(data: bytes = ZPL_LABEL, name: str = "shipment-12-carton-1-label") -> PrintJob:
    return PrintJob(document_kind="label", name=name, data=data, content_type=ZPL)


def slip_job(data: bytes = PDF_DOC, name: str = "shipment-12-slip") -> PrintJob:
    return PrintJob(document_kind="slip", name=name, data=data, content_type=PDF)


# --- jobs ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"document_kind": "sticker"}, "document_kind"),
        ({"name": "../etc/passwd"}, "job name"),
        ({"name": "shipment 12"}, "job name"),
        ({"name": ".hidden"}, "job name"),
        ({"content_type": "text/plain"}, "content_type"),
        ({"data": b""}, "no data"),
    ],
)
def test_malformed_jobs_are_refused_before_printing(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"document_kind": "label", "name": "ok-name", "data": b"x", "content_type": ZPL}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        PrintJob(**args)  # type: ignore[arg-type]


def test_every_adapter_is_a_printer(tmp_path: Path) -> None:
    for printer in (FilePrinter("f", tmp_path), CupsPrinter("c", "q"), RawPrinter("r", "127.0.0.1")):
        assert isinstance(printer, Printer)


# --- file ----------------------------------------------------------------------------------------------------


def test_file_printer_writes_exact_bytes_under_timestamped_name(tmp_path: Path) -> None:
    folder = tmp_path / "spool" / "desk"  # does not exist yet
    printer = FilePrinter("desk", folder, clock=lambda: FIXED)

    result = printer.send(slip_job())

    target = folder / "20250314T101502.123456Z-shipment-12-slip.pdf"
    assert result.ok and result.printer == "desk"
    assert result.detail == f"saved to {target}"
    assert sorted(folder.iterdir()) == [target]  # no temp file left behind
    assert target.read_bytes() == PDF_DOC
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # readable by a print daemon running as someone else


def test_file_printer_never_overwrites_jobs_in_the_same_instant(tmp_path: Path) -> None:
    printer = FilePrinter("desk", tmp_path, clock=lambda: FIXED)

    first = printer.send(label_job(b"^XA^FDfirst^FS^XZ"))
    second = printer.send(label_job(b"^XA^FDsecond^FS^XZ"))  # a reprint of the same label, same clock reading

    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "20250314T101502.123456Z-shipment-12-carton-1-label-2.zpl",
        "20250314T101502.123456Z-shipment-12-carton-1-label.zpl",
    ]
    assert first.detail != second.detail
    assert (tmp_path / names[1]).read_bytes() == b"^XA^FDfirst^FS^XZ"
    assert (tmp_path / names[0]).read_bytes() == b"^XA^FDsecond^FS^XZ"


def test_file_printer_real_clock_gives_unique_names(tmp_path: Path) -> None:
    printer = FilePrinter("desk", tmp_path)
    for i in range(5):
        printer.send(slip_job(PDF_DOC + str(i).encode()))
    files = list(tmp_path.iterdir())
    assert len(files) == 5
    assert {f.read_bytes() for f in files} == {PDF_DOC + str(i).encode() for i in range(5)}


def test_file_printer_publishes_only_complete_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At the moment a job gets its final name, the whole document is already on disk in a hidden temp file."""
    seen: list[tuple[str, bytes, bool]] = []
    real_link = os.link

    def spying_link(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        seen.append((Path(src).name, Path(src).read_bytes(), Path(dst).exists()))
        real_link(src, dst)

    monkeypatch.setattr(os, "link", spying_link)
    FilePrinter("desk", tmp_path, clock=lambda: FIXED).send(slip_job())

    ((temp_name, content_at_publish, target_existed),) = seen
    assert temp_name.startswith(".") and temp_name.endswith(".tmp")
    assert content_at_publish == PDF_DOC
    assert not target_existed


def test_file_printer_without_hard_links_falls_back_to_replace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    printer = FilePrinter("share", tmp_path, clock=lambda: FIXED)
    printer.send(slip_job(b"%PDF-one"))
    printer.send(slip_job(b"%PDF-two"))

    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == [
        "20250314T101502.123456Z-shipment-12-slip-2.pdf",
        "20250314T101502.123456Z-shipment-12-slip.pdf",
    ]
    assert [f.read_bytes() for f in files] == [b"%PDF-two", b"%PDF-one"]


def test_file_printer_failure_keeps_the_job_for_a_reprint(tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    folder.write_text("not a folder")  # someone put a file where the spool folder should be
    printer = FilePrinter("desk", folder)
    job = slip_job()

    failed = try_print(printer, job)

    assert not failed.ok and failed.printer == "desk"
    assert f"printer desk: cannot create spool folder {folder}" in failed.detail
    with pytest.raises(PrintError) as err:
        printer.send(job)
    assert err.value.printer == "desk"

    folder.unlink()  # the packer fixes it and presses "reprint" with the same job
    again = try_print(printer, job)
    assert again.ok
    assert [p.read_bytes() for p in folder.iterdir()] == [PDF_DOC]


# --- cups ----------------------------------------------------------------------------------------------------


def fake_lp(tmp_path: Path, body: str) -> Path:
    """An executable ``lp`` stand-in that records its argv (one per line) and stdin, then runs ``body``."""
    script = tmp_path / "lp"
    script.write_text(
        "#!/bin/sh\n"
        f"for a in \"$@\"; do printf '%s\\n' \"$a\"; done > '{tmp_path / 'argv.txt'}'\n"
        f"cat > '{tmp_path / 'stdin.bin'}'\n"
        f"{body}\n"
    )
    script.chmod(0o755)
    return script


@posix_only
def test_cups_sends_document_on_stdin_to_queue(tmp_path: Path) -> None:
    script = fake_lp(tmp_path, 'echo "request id is Office_Laser-42 (1 file(s))"')
    printer = CupsPrinter("office", "Office_Laser", lp_command=(str(script),))

    result = printer.send(slip_job())

    assert result.ok and result.printer == "office"
    assert result.detail == "sent to CUPS queue Office_Laser as request Office_Laser-42"
    assert (tmp_path / "argv.txt").read_text().splitlines() == ["-d", "Office_Laser", "-t", "shipment-12-slip"]
    assert (tmp_path / "stdin.bin").read_bytes() == PDF_DOC


@posix_only
def test_cups_zpl_queue_gets_raw_option(tmp_path: Path) -> None:
    script = fake_lp(tmp_path, "exit 0")  # some lp versions print nothing
    printer = CupsPrinter("zebra", "Zebra_GK420", lp_command=(str(script),), content_type=ZPL)

    result = printer.send(label_job())

    assert result.detail == "sent to CUPS queue Zebra_GK420"
    assert (tmp_path / "argv.txt").read_text().splitlines() == [
        *("-d", "Zebra_GK420", "-t", "shipment-12-carton-1-label"),
        *("-o", "raw"),
    ]
    assert (tmp_path / "stdin.bin").read_bytes() == ZPL_LABEL


@posix_only
def test_cups_failure_says_why(tmp_path: Path) -> None:
    script = fake_lp(tmp_path, "echo 'lp: The printer or class does not exist.' >&2\nexit 1")
    printer = CupsPrinter("office", "Nope", lp_command=(str(script),))

    with pytest.raises(PrintError) as err:
        printer.send(slip_job())

    assert "printer office (CUPS queue Nope) refused the job" in str(err.value)
    assert "The printer or class does not exist." in str(err.value)


@posix_only
def test_cups_timeout(tmp_path: Path) -> None:
    script = fake_lp(tmp_path, "exec sleep 5")
    printer = CupsPrinter("office", "Slow", lp_command=(str(script),), timeout_s=0.3)
    with pytest.raises(PrintError, match=r"lp did not finish within 0.3 s"):
        printer.send(slip_job())


def test_cups_without_lp_binary(tmp_path: Path) -> None:
    printer = CupsPrinter("office", "Office_Laser", lp_command=(str(tmp_path / "no-such-lp"),))
    with pytest.raises(PrintError, match="lp not found"):
        printer.send(slip_job())


def test_cups_refuses_the_wrong_format(tmp_path: Path) -> None:
    printer = CupsPrinter("office", "Office_Laser", lp_command=(str(tmp_path / "never-run"),))
    assert printer.accepts(PDF) and not printer.accepts(ZPL)
    with pytest.raises(PrintError, match="cups printer office takes PDF, not ZPL"):
        printer.send(label_job())


# --- raw -----------------------------------------------------------------------------------------------------


@dataclass
class Listener:
    """A loopback TCP server standing in for a thermal printer: collects what each connection sent."""

    sock: socket.socket
    received: list[bytes] = field(default_factory=list)
    thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def serve(self, connections: int) -> None:
        for _ in range(connections):
            conn, _addr = self.sock.accept()
            with conn:
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                self.received.append(b"".join(chunks))


@pytest.fixture
def listener() -> Iterator[Listener]:
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(5)
    server = Listener(sock)
    yield server
    sock.close()
    if server.thread is not None:
        server.thread.join(timeout=5)


def start(server: Listener, connections: int = 1) -> None:
    server.thread = threading.Thread(target=server.serve, args=(connections,), daemon=True)
    server.thread.start()


def test_raw_printer_delivers_exactly_the_zpl(listener: Listener) -> None:
    start(listener, connections=2)
    printer = RawPrinter("zebra1", "127.0.0.1", listener.port)
    big = b"^XA" + b"^FO10,10^FDline^FS" * 20000 + b"^XZ"  # ~360 kB: several sendall rounds

    first = printer.send(label_job())
    second = printer.send(label_job(big))
    assert listener.thread is not None
    listener.thread.join(timeout=5)

    assert first.ok and first.detail == f"sent {len(ZPL_LABEL)} bytes to 127.0.0.1:{listener.port}"
    assert second.ok
    assert listener.received == [ZPL_LABEL, big]


def test_raw_printer_refuses_pdf_without_connecting(listener: Listener) -> None:
    printer = RawPrinter("zebra1", "127.0.0.1", listener.port)
    assert printer.accepts(ZPL) and not printer.accepts(PDF)
    with pytest.raises(PrintError, match="raw printer zebra1 takes ZPL, not PDF"):
        printer.send(slip_job())
    listener.sock.setblocking(False)
    with pytest.raises(BlockingIOError):
        listener.sock.accept()  # nobody connected


def test_raw_printer_switched_off() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = RawPrinter("zebra1", "127.0.0.1", port)

    with pytest.raises(PrintError) as err:
        printer.send(label_job())

    assert str(err.value) == f"printer zebra1 at 127.0.0.1:{port} refused the connection (is it on?)"
    result = try_print(printer, label_job())
    assert not result.ok and "refused" in result.detail


def test_raw_printer_that_stops_reading_times_out() -> None:
    """A printer that accepts the connection but never reads (jammed, paused): the send gives up in time."""
    with socket.socket() as stalled:
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.bind(("127.0.0.1", 0))
        stalled.listen(1)  # never accepted, never read: the kernel buffers fill and sendall blocks
        printer = RawPrinter("zebra1", "127.0.0.1", stalled.getsockname()[1], timeout_s=0.3)
        huge = b"^XA" + b"x" * (32 * 1024 * 1024) + b"^XZ"

        with pytest.raises(PrintError, match=r"printer zebra1 at 127.0.0.1:\d+ did not answer within 0.3 s"):
            printer.send(label_job(huge))


def test_raw_printer_unknown_host(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(address: tuple[str, int], timeout: float | None = None) -> socket.socket:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "create_connection", no_such_host)  # no real DNS lookups in tests
    with pytest.raises(PrintError) as err:
        RawPrinter("zebra1", "zebra-one.local").send(label_job())
    assert "cannot find host 'zebra-one.local' (Name or service not known)" in str(err.value)
    assert "printers.zebra1.host" in str(err.value)


def test_raw_printer_ipv6_address_is_bracketed() -> None:
    assert RawPrinter("z", "::1", 9100).address == "[::1]:9100"


# --- registry ------------------------------------------------------------------------------------------------

CONFIG = """
[paths]
data_dir = "var"

[printers.spool]
kind = "file"

[printers.shared]
kind = "file"
path = "out/labels"
format = "zpl"

[printers.office]
kind = "cups"
queue = "Office_Laser"

[printers.zebra1]
kind = "raw"
host = "127.0.0.1"
port = 9101
format = "zpl"

[stations.pack-1]
label_printer = "zebra1"
document_printer = "office"

[stations.pack-2]
label_printer = "shared"
"""


def test_registry_builds_each_kind_from_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    config = load_config(path, env={})

    printers = build_printers(config)

    assert {name: p.kind for name, p in printers.items()} == {
        "spool": "file",
        "shared": "file",
        "office": "cups",
        "zebra1": "raw",
    }
    spool, shared, office, zebra = printers["spool"], printers["shared"], printers["office"], printers["zebra1"]
    assert isinstance(spool, FilePrinter) and spool.folder == tmp_path / "var" / "spool" / "spool"
    assert spool.content_type == PDF
    assert isinstance(shared, FilePrinter) and shared.folder == tmp_path / "out" / "labels"
    assert shared.content_type == ZPL
    assert isinstance(office, CupsPrinter) and office.queue == "Office_Laser" and office.lp_command == ("lp",)
    assert isinstance(zebra, RawPrinter) and (zebra.host, zebra.port, zebra.content_type) == ("127.0.0.1", 9101, ZPL)
    assert not (tmp_path / "var").exists()  # building printers touches nothing


def test_station_printers(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    config = load_config(path, env={})
    printers = build_printers(config)

    pack1 = printers_for_station(config, "pack-1", printers)
    pack2 = printers_for_station(config, "pack-2")

    assert pack1.label is printers["zebra1"] and pack1.documents is printers["office"]
    assert pack1.for_kind("label") is pack1.label and pack1.for_kind("customs") is pack1.documents
    assert pack2.label is not None and pack2.label.name == "shared"
    assert pack2.documents is None  # no document printer at this station


def test_unknown_station_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    config = load_config(path, env={})
    with pytest.raises(ConfigError) as err:
        printers_for_station(config, "pack-9")
    assert str(path) in str(err.value)
    assert "stations.pack-9: unknown station (defined: pack-1, pack-2)" in str(err.value)


def test_station_naming_an_unknown_printer(tmp_path: Path) -> None:
    config = Config(
        printers={"spool": PrinterConfig(kind="file")},
        stations={"pack-1": StationConfig(label_printer="zebra9", document_printer="spool")},
        base_dir=tmp_path,
    )
    with pytest.raises(
        ConfigError, match=r"stations.pack-1.label_printer: no printer named 'zebra9' \(defined: spool\)"
    ):
        printers_for_station(config, "pack-1")


def test_shipped_config_prints_to_the_spool_folder() -> None:
    root = Path(__file__).resolve().parents[2]
    config = load_config(root / "config.toml", env={})
    station = printers_for_station(config, config.terminal.station)
    assert isinstance(station.label, FilePrinter)
    assert station.label.folder == root / "data" / "spool" / "spool"
    assert station.documents is station.label
