"""`pickpack labels sheet`: printable sheets of location, tote and badge labels (Code128)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from app.cli.lazy import lazy_module
from app.cli.output import say
from app.services.errors import InvalidInput

setup = lazy_module("app.services.setup")
users = lazy_module("app.services.users")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    lab = sub.add_parser("labels", help="print label sheets")
    lab_sub = lab.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = lab_sub.add_parser(
        "sheet",
        help="PDF sheet of location, tote and badge labels",
        description="Render a PDF of labels with Code128 barcodes to stick on shelves, totes and badges.",
    )
    p.add_argument("kind", choices=["locations", "totes", "badges"], help="which labels")
    p.add_argument("--out", type=Path, required=True, help="PDF file to write")
    p.add_argument("--aisle", type=int, action="append", help="locations: only this aisle (repeatable)")
    p.add_argument("--level", type=int, action="append", help="locations: only this level (repeatable)")
    p.add_argument("--reserve", action="store_true", help="locations: reserve locations instead of pick faces")
    p.add_argument("--totes", default="1-40", help="totes: number range, e.g. 1-40 (TOTE-0001..TOTE-0040)")
    p.add_argument("--page-size", choices=["A4", "Letter"], default="A4")
    p.set_defaults(handler=handle_sheet)


def handle_sheet(args: argparse.Namespace) -> int:
    from labels.sheet import SheetLabel, render_label_sheet

    items: list[SheetLabel] = []
    if args.kind == "locations":
        for loc in setup.list_locations(args.context.db, kind="reserve" if args.reserve else "pick"):
            if args.aisle and loc.aisle not in args.aisle:
                continue
            if args.level and loc.level not in args.level:
                continue
            items.append(SheetLabel.location(loc.code, None if loc.kind == "pick" else "reserve location"))
    elif args.kind == "totes":
        match = re.fullmatch(r"(\d+)-(\d+)", args.totes)
        if not match or int(match[1]) > int(match[2]) or int(match[1]) < 1:
            raise InvalidInput(f"--totes {args.totes!r}: expected a range like 1-40")
        for n in range(int(match[1]), int(match[2]) + 1):
            code = f"TOTE-{n:04d}"
            items.append(SheetLabel.tote(code, "pick tote"))
    else:
        for user in users.list_users(args.context.db):
            if user.active:
                items.append(SheetLabel.badge(user.badge, user.name, user.role))
    if not items:
        raise InvalidInput(f"no {args.kind} match the filters; nothing to print")
    pdf = render_label_sheet(items, page_size=args.page_size)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pdf)
    say(f"{args.out}: {len(items)} {args.kind} labels")
    return 0
