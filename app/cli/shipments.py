"""`pickpack shipments list|reprint|void|manifest` and `pickpack pack ship` helpers for the office.

``void`` changes a shipment and acts as a signed-in user (``--user`` + PIN); ``reprint`` books nothing, prints the
same documents again and is logged as the built-in system user.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from app.cli import identity
from app.cli.lazy import lazy_module
from app.cli.output import emit_json, say, write_out
from app.services.errors import InvalidInput

shipping = lazy_module("app.services.shipping")
users = lazy_module("app.services.users")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = sub.add_parser("shipments", help="shipments: list, reprint, void, manifest")
    s_sub = s.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = s_sub.add_parser("list", help="shipments with carrier, service, tracking numbers and SSCCs")
    p.add_argument("--order", help="only this order (id, number or channel:external_id)")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_list)
    p = s_sub.add_parser(
        "reprint",
        help="render and print a shipment's documents again",
        description="Prints label(s), packing slip and customs forms again: the same documents, nothing is booked. "
        "With --out, writes the PDFs and the labels' ZPL into a folder instead of printing.",
    )
    p.add_argument("id", type=int)
    p.add_argument("--printer", help="print everything on this printer (default: the station's printers)")
    p.add_argument("--station", help="station whose printers to use (default from config)")
    p.add_argument("--kind", action="append", choices=["label", "slip", "customs", "invoice"], help="only these")
    p.add_argument("--out", type=Path, help="write the documents into this folder instead of printing")
    p.set_defaults(handler=handle_reprint)
    p = s_sub.add_parser(
        "void",
        help="cancel a shipment's labels (tracking numbers retired; order back to packed; packer, supervisor, admin)",
    )
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)
    identity.add_user_option(p)
    p.set_defaults(handler=handle_void)
    p = s_sub.add_parser("manifest", help="end-of-day manifest PDF of one carrier")
    p.add_argument("--carrier", required=True)
    p.add_argument("--date", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD (default today)")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=handle_manifest)


def handle_list(args: argparse.Namespace) -> int:
    rows = shipping.list_shipments(args.context.db, order_ref=args.order)
    if args.json:
        emit_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        failed = f"  PRINT FAILED ({len(r.failed_prints)})" if r.failed_prints else ""
        tracking = " ".join(r.tracking_numbers)
        print(f"{r.id:>5} {r.order:<12} {r.carrier:<12} {r.service:<9} {r.status:<8} {tracking}{failed}")
    return 0


def handle_reprint(args: argparse.Namespace) -> int:
    ctx = args.context
    if args.out:
        try:
            written = shipping.write_documents(
                ctx.db, ctx.config, args.id, args.out, kinds=tuple(args.kind) if args.kind else None
            )
        except OSError as exc:  # the user's folder, not a failure of the shipment
            raise InvalidInput(f"--out {args.out}: cannot write the documents: {exc.strerror or exc}") from None
        for path in written:
            print(path)
        say(f"shipment {args.id}: {len(written)} files written to {args.out}")
        return 0
    outcome = shipping.reprint(
        ctx.db,
        ctx.config,
        args.id,
        actor=users.system_actor(ctx.db),
        station=args.station or ctx.config.terminal.station,
        kinds=tuple(args.kind) if args.kind else None,
        printer_name=args.printer,
    )
    for p in outcome.prints:
        say(f"{p.kind}{f' carton {p.carton}' if p.carton else ''}: {'ok' if p.ok else 'FAILED'} ({p.detail})")
    return 0 if outcome.all_printed else 1


def handle_void(args: argparse.Namespace) -> int:
    ctx = args.context
    if not args.reason.strip():
        raise InvalidInput("a void needs a reason")
    me = identity.sign_in(args, "shipments.void")
    outcome = shipping.void_shipment(ctx.db, ctx.config, args.id, actor=me.actor, reason=args.reason)
    say(f"shipment {args.id} voided; order {outcome.order_number} is packed again")
    return 0


def handle_manifest(args: argparse.Namespace) -> int:
    ctx = args.context
    if args.out.suffix.lower() != ".pdf":
        raise InvalidInput(f"--out {args.out}: expected a .pdf file")
    pdf = shipping.manifest(ctx.db, ctx.config, args.carrier, args.date)
    write_out(args.out, pdf)
    say(f"{args.out}: manifest of {args.carrier} for {args.date}")
    return 0
