"""`pickpack labels sheet`: printable sheets of location, tote and badge labels (Code128)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.lazy import lazy_module
from app.cli.output import say, write_out

label_sheets = lazy_module("app.services.label_sheets")


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
    if args.kind == "locations":
        sheet = label_sheets.location_sheet(
            args.context.db,
            aisles=args.aisle or (),
            levels=args.level or (),
            reserve=args.reserve,
            page_size=args.page_size,
        )
    elif args.kind == "totes":
        sheet = label_sheets.tote_sheet(args.totes, page_size=args.page_size)
    else:
        sheet = label_sheets.badge_sheet(args.context.db, page_size=args.page_size)
    write_out(args.out, sheet.pdf)
    say(f"{args.out}: {sheet.count} {args.kind} labels")
    return 0
