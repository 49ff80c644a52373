"""`pickpack route --layout FILE`: shortest visiting order for locations read as JSON from stdin.

Contract (conventions): stdin ``{"locations": [codes]}`` -> stdout ``{"sequence": [codes], "distance": m}``
with every distinct code once and the distance in metres rounded to 0.001. Bad input (malformed JSON, malformed
or unknown codes, a missing or invalid layout file) exits 2 with one message on stderr naming everything wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the routing modules load when a route is asked for, not when any command builds the parser
    from app.domain.layout import Layout

PROG = "pickpack route"
EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _BadInput(Exception):
    """Input the command refuses; the message is printed as is after the program name."""


def register(subparsers: Any) -> None:
    """Add the ``route`` subcommand to the main CLI's subparsers."""
    parser = subparsers.add_parser(
        "route",
        help="shortest picking route for locations read as JSON from stdin",
        description='Reads {"locations": [codes]} on stdin, prints {"sequence": [...], "distance": m}.',
    )
    add_arguments(parser)
    # it reads a layout file and stdin, never config.toml nor the database: main() loads neither (checking the
    # database URL alone would import SQLAlchemy), so answering a route takes no more than the routing itself
    parser.set_defaults(handler=handle, needs_config=False)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--layout", required=True, metavar="FILE", help="warehouse layout file (TOML)")


def handle(args: argparse.Namespace) -> int:
    """Run the command: 0 ok, 2 bad input (message on stderr)."""
    from app.domain.errors import InvalidLayout
    from app.domain.routing import InvalidRouteLocations, shortest_route

    try:
        layout = load_layout(Path(args.layout))
        codes = _read_locations(sys.stdin.read())
        route = shortest_route(layout, codes)
    except (_BadInput, InvalidLayout, InvalidRouteLocations) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    json.dump({"sequence": list(route.sequence), "distance": round(route.distance, 3)}, sys.stdout)
    sys.stdout.write("\n")
    return EXIT_OK


def load_layout(path: Path) -> Layout:
    """Read and validate a layout file; every failure names the file (and the key when there is one)."""
    from app.domain.layout import Layout

    try:
        with path.open("rb") as handle_:
            data = tomllib.load(handle_)
    except FileNotFoundError:
        raise _BadInput(f"layout file {str(path)!r} not found") from None
    except OSError as exc:
        raise _BadInput(f"cannot read layout file {str(path)!r}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise _BadInput(f"layout file {str(path)!r} is not valid TOML: {exc}") from None
    return Layout.from_mapping(data, source=str(path))


def _read_locations(text: str) -> list[str]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadInput(f'stdin is not valid JSON ({exc}); expected {{"locations": [codes]}}') from None
    if not isinstance(document, dict) or "locations" not in document:
        raise _BadInput('expected a JSON object {"locations": [codes]} on stdin')
    locations = document["locations"]
    if not isinstance(locations, list):
        raise _BadInput(f'"locations" must be a list of location codes, got {type(locations).__name__}')
    bad = [item for item in locations if not isinstance(item, str)]
    if bad:
        shown = ", ".join(json.dumps(item) for item in bad)
        raise _BadInput(f'"locations" must hold location code strings; not codes: {shown}')
    return locations


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (``python -m app.cli.route``) until the main CLI wires ``register``."""
    parser = argparse.ArgumentParser(prog=PROG)
    add_arguments(parser)
    return handle(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
