"""`pickpack serve`: the same terminal app in a web browser (textual-serve), on localhost unless configured.

Three things make it safe to run in a warehouse:
- It listens on a loopback address unless ``--allow-remote`` is given: anyone who can reach the port gets the
  sign-in screen, and the connection is plain HTTP, so exposing it is a decision, made knowingly, with a warning.
- The page works offline. textual-serve's own page template loads the Roboto Mono font from Google Fonts; warehouse
  networks are often cut off from the internet (and a page that phones out tells the world who uses it). We serve
  a copy of the template that takes the same font from textual-serve's own static folder, and refuse to start if
  the template still names any other host (a future textual-serve could add one).
- The database URL (which may carry a password) never appears on a command line, where ``ps`` shows it to every
  user of the machine: each browser tab's ``pickpack terminal`` child gets it through ``$PICKPACK_DATABASE_URL``.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import shlex
import socket
import sys
import tempfile
from pathlib import Path

from app.cli.output import say
from app.config import ENV_DATABASE_URL, Config
from app.services.errors import InvalidInput, Refused

FONT_FACE = (
    "<style>\n"
    '      @font-face { font-family: "Roboto Mono"; font-weight: 100 700;\n'
    '        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }\n'
    "    </style>"
)
"""Replaces the Google Fonts stylesheet: the same font, from the variable-weight file textual-serve ships."""

_REMOTE_STYLESHEET = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>", re.IGNORECASE | re.DOTALL)
_SVG_NAMESPACE = re.compile(r"\s+xmlns=\"http://www\.w3\.org/2000/svg\"")
"""An inline SVG's namespace attribute: an identifier, never fetched, and not needed inside HTML; removed so the
page names no other host at all and the check below stays simple."""
_ANY_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'<>)]*")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve",
        help="serve the terminal app to a web browser",
        description="Each browser tab runs its own `pickpack terminal` process on this machine. Listens on "
        "[serve] host/port from config.toml (127.0.0.1:8000 by default); an address other than loopback needs "
        "--allow-remote.",
    )
    p.add_argument("--host", help="address to listen on (default from config)")
    p.add_argument("--port", type=int, help="port (default from config)")
    p.add_argument("--station", default=None, help="station name for the served terminals (a [stations.NAME] table)")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="listen on a non-loopback address: anyone who reaches it gets the sign-in screen (plain HTTP)",
    )
    p.set_defaults(handler=handle)


def is_loopback(host: str) -> bool:
    """True when ``host`` only ever means this machine (127.0.0.0/8, ::1, or a name resolving only to those)."""
    name = host.strip().strip("[]")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, None)
    except (OSError, UnicodeError):
        return False  # unresolvable: treat as remote, never as safe
    addresses = {info[4][0].split("%")[0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def child_command(config: Config, station: str | None) -> list[str]:
    """The command each browser tab runs. No database URL here: the child reads ``$PICKPACK_DATABASE_URL``."""
    command = [sys.executable, "-m", "app"]
    if config.source is not None:
        command += ["--config", str(config.source)]
    command.append("terminal")
    if station:
        command += ["--station", station]
    return command


def offline_page(template: str) -> str:
    """textual-serve's page template with nothing loaded from another host; raises ``Refused`` if that cannot be
    achieved (the template changed in a way this function does not know)."""
    page = _REMOTE_STYLESHEET.sub(FONT_FACE, template)
    page = _SVG_NAMESPACE.sub("", page)
    remote = sorted(set(_ANY_URL.findall(page)))
    if remote:
        raise Refused(
            "textual-serve's page would load from the internet (" + ", ".join(remote[:3]) + "); pickpack serves "
            "only pages that work offline: install the textual-serve version in pyproject.toml"
        )
    return page


def write_offline_templates(folder: Path) -> Path:
    """Write the offline page template where textual-serve's ``templates_path`` will find it."""
    import textual_serve

    original = Path(textual_serve.__file__).resolve().parent / "templates" / "app_index.html"
    (folder / "app_index.html").write_text(offline_page(original.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def handle(args: argparse.Namespace) -> int:
    from app.cli.terminal import check_station

    ctx = args.context
    # every browser tab starts a terminal for this station: refuse an unknown one here (exit 2), not per tab
    check_station(ctx.config, args.station)
    host = args.host or ctx.config.serve.host
    port = args.port if args.port is not None else ctx.config.serve.port
    if not 1 <= port <= 65535:
        raise InvalidInput(f"--port: expected 1 to 65535, got {port}")
    remote = not is_loopback(host)
    if remote and not args.allow_remote:
        raise InvalidInput(
            f"refusing to serve on {host}: it is not a loopback address, so anyone on the network could open the "
            "terminal. Use --allow-remote if that is what you want (behind a firewall or VPN), or --host 127.0.0.1"
        )
    ctx.db  # noqa: B018 - checks the schema now (exit 2), rather than in every browser tab
    ctx.close()

    from textual_serve.server import Server

    os.environ[ENV_DATABASE_URL] = ctx.config.database_url  # inherited by every tab's process; never on argv
    if remote:
        say(
            f"pickpack: warning: serving on {host}:{port} to the network over plain HTTP. The app's sign-in "
            "(badge and PIN) is the only protection: keep this port behind a firewall or VPN."
        )
    say(f"serving the pickpack terminal on http://{host}:{port}/ (Ctrl+C stops)")
    with tempfile.TemporaryDirectory(prefix="pickpack-serve-") as folder:
        templates = write_offline_templates(Path(folder))
        server = Server(
            shlex.join(child_command(ctx.config, args.station)),
            host=host,
            port=port,
            title="pickpack",
            templates_path=templates,
        )
        try:
            server.serve()
        except OSError as exc:  # e.g. the port is taken, or the address is not on this machine
            raise Refused(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return 0
