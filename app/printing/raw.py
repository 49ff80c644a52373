"""Raw network printer: ZPL straight to a thermal printer's TCP port (JetDirect / "port 9100" printing).

No driver and no CUPS: the printer reads the bytes until the connection closes. The only feedback is whether the
connection and the send worked, so each network failure is turned into a sentence naming the printer, its address
and the likely cause.
"""

from __future__ import annotations

import socket

from app.printing.base import ZPL, PrintError, PrintJob, PrintResult, refuse_unaccepted


class RawPrinter:
    """Sends ZPL jobs to ``host:port``; ``timeout_s`` bounds the connect and, separately, the whole send."""

    kind = "raw"
    content_type = ZPL
    """Raw printers take ZPL only: PDF would come out as pages of garbage (or nothing)."""

    def __init__(self, name: str, host: str, port: int = 9100, timeout_s: float = 5.0) -> None:
        if not host:
            raise ValueError(f"printer {name}: a host is required for a raw printer")
        if not 0 < port < 65536:
            raise ValueError(f"printer {name}: port must be 1-65535, got {port}")
        self.name = name
        self.host = host
        self.port = port
        self.timeout_s = timeout_s

    def __repr__(self) -> str:
        return f"RawPrinter({self.name!r}, {self.address!r})"

    @property
    def address(self) -> str:
        """``host:port`` as people write it (IPv6 literals in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def accepts(self, content_type: str) -> bool:
        return content_type == ZPL

    def send(self, job: PrintJob) -> PrintResult:
        refuse_unaccepted(self, job)
        where = f"printer {self.name} at {self.address}"
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout_s) as sock:
                sock.sendall(job.data)  # since Python 3.5 the timeout bounds the whole sendall
                sock.shutdown(socket.SHUT_WR)  # end of job: the printer prints what it has read
        except socket.gaierror as exc:
            raise PrintError(
                f"printer {self.name}: cannot find host {self.host!r} ({exc.strerror}); "
                f"check printers.{self.name}.host in config.toml",
                printer=self.name,
            ) from exc
        except ConnectionRefusedError as exc:
            raise PrintError(f"{where} refused the connection (is it on?)", printer=self.name) from exc
        except TimeoutError as exc:  # socket.timeout is TimeoutError since 3.10
            raise PrintError(
                f"{where} did not answer within {self.timeout_s:g} s (is it on and connected to the network?)",
                printer=self.name,
            ) from exc
        except (ConnectionResetError, BrokenPipeError) as exc:
            raise PrintError(
                f"{where} dropped the connection before the label was sent (is it busy or out of labels?)",
                printer=self.name,
            ) from exc
        except OSError as exc:  # no route to host, network unreachable, ...
            raise PrintError(f"{where}: {exc.strerror or exc}", printer=self.name) from exc
        return PrintResult(ok=True, printer=self.name, detail=f"sent {len(job.data)} bytes to {self.address}")
