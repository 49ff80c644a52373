"""`pickpack import products|stock|orders`, `pickpack stock show`, `pickpack locations list`.

Imports act as the built-in system user. Exit codes: 0 imported (orders a person must look at are imported on
hold and listed), 2 refused: every problem is printed as ``file:line: column: reason`` and nothing was written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.lazy import lazy_module
from app.cli.output import emit_json, report_import, say

catalog = lazy_module("app.services.catalog")
intake = lazy_module("app.services.intake")
setup = lazy_module("app.services.setup")
stock = lazy_module("app.services.stock")
users = lazy_module("app.services.users")

SHOW_HOLDS = 20
"""Orders put on hold listed one by one after an import; the rest are counted."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    imp = sub.add_parser("import", help="import products, stock or orders from files")
    what = imp.add_subparsers(dest="what", metavar="WHAT", required=True)
    for name, handler, columns in (
        (
            "products",
            handle_import_products,
            "sku,name,gtin,case_gtin,case_qty,weight_kg,length_cm,width_cm,height_cm,hs_code,origin_country,"
            "unit_value,currency,track_lot,track_expiry[,track_serial]",
        ),
        ("stock", handle_import_stock, "location,sku,qty[,lot,expiry]  (qty sets the counted quantity)"),
    ):
        p = what.add_parser(
            name,
            help=f"import {name} from a CSV file",
            description=f"CSV columns: {columns}. "
            "Every row is checked; a file with any bad row imports nothing unless "
            "--skip-invalid is given. Importing the same file again changes nothing.",
        )
        p.add_argument("file", type=Path, metavar="FILE.csv")
        p.add_argument("--skip-invalid", action="store_true", help="import the good rows, report the bad ones")
        p.set_defaults(handler=handler)
    _register_order_import(what)

    st = sub.add_parser("stock", help="stock queries")
    st_sub = st.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = st_sub.add_parser(
        "show",
        help="where a SKU is stocked",
        description="Stock rows of a SKU: location, qty on hand, reserved, lot, expiry.",
    )
    p.add_argument("sku")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_stock_show)
    _register_stock_moves(st_sub)

    loc = sub.add_parser("locations", help="warehouse locations")
    loc_sub = loc.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = loc_sub.add_parser("list", help="list locations generated from the layout")
    p.add_argument("--kind", choices=["pick", "reserve"], help="only this kind")
    p.add_argument("--all", action="store_true", help="include deactivated locations")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_locations_list)


def _register_stock_moves(stock_actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from app.cli import audit

    audit.register_stock_moves(stock_actions)


def _register_order_import(what: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = what.add_parser(
        "orders",
        help="import orders (Shopify, WooCommerce or CSV; detected)",
        description="Import orders from a Shopify or WooCommerce REST API JSON export or webhook body, or the "
        "documented CSV. The whole file is checked first, then stored in short transactions of whole orders; "
        "running it again completes an interrupted import and never duplicates. Orders a person must complete "
        "(unknown or empty SKU, missing or incomplete shipping address, unmapped shipping method, payment "
        "pending) are imported on hold with the reason; orders the shop cancelled or refunded are imported "
        "cancelled. A value that cannot be read or does not fit refuses the file (exit 2, nothing imported) "
        "unless --skip-invalid.",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--channel", choices=["shopify", "woocommerce", "csv"], help="format (detected when omitted)")
    p.add_argument("--skip-invalid", action="store_true", help="import the good orders, report the bad ones")
    p.set_defaults(handler=handle_import_orders)


def handle_import_orders(args: argparse.Namespace) -> int:
    ctx = args.context
    report = intake.import_orders(
        ctx.db,
        ctx.config,
        args.file,
        channel=args.channel,
        skip_invalid=args.skip_invalid,
        actor=users.system_actor(ctx.db),
    )
    return report_order_import(report)


def report_order_import(report: intake.IntakeReport) -> int:
    """Problems as ``file:line: ...``, counted per order; held orders with their reasons; exit 0 or 2."""
    for problem in report.problems:
        say(str(problem))
    if report.problem_count > len(report.problems):
        say(f"{report.source}: ... and {report.problem_count - len(report.problems)} more problem(s)")
    parts = []
    if report.problem_count > report.file_problem_count:
        parts.append(
            f"{report.problem_count - report.file_problem_count} problem(s) in {report.refused_orders} order(s)"
        )
    if report.file_problem_count:
        parts.append(f"{report.file_problem_count} problem(s) with the file itself")
    counted = " and ".join(parts)
    if not report.applied:
        hint = "" if report.file_problem_count else " (use --skip-invalid to import the good ones)"
        say(f"{report.source}: refused: {counted}; nothing imported{hint}")
        return 2
    for note in report.left_alone:
        say(f"{report.source}: {note}: already on the floor, not changed")
    for number, reason in report.holds[:SHOW_HOLDS]:
        say(f"{report.source}: {number}: on hold: {reason}")
    if report.hold_count > SHOW_HOLDS:
        more = report.hold_count - SHOW_HOLDS
        say(f"{report.source}: ... and {more} more on hold (pickpack orders list --status on_hold)")
    skipped = f", {counted} skipped" if report.problem_count else ""
    say(
        f"{report.source}: {report.channel or 'orders'}: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.on_hold} on hold, {report.cancelled} cancelled{skipped}"
    )
    return 0


def handle_import_products(args: argparse.Namespace) -> int:
    report = catalog.import_products(
        args.context.db, args.file, skip_invalid=args.skip_invalid, actor=users.system_actor(args.context.db)
    )
    return report_import(report, "products")


def handle_import_stock(args: argparse.Namespace) -> int:
    report = catalog.import_stock(
        args.context.db, args.file, skip_invalid=args.skip_invalid, actor=users.system_actor(args.context.db)
    )
    return report_import(report, "stock rows")


def handle_stock_show(args: argparse.Namespace) -> int:
    lines = stock.stock_for_sku(args.context.db, args.sku)
    if args.json:
        emit_json([line.as_json() for line in lines])
        return 0
    if not lines:
        say(f"{args.sku}: no stock")
        return 0
    print(f"{'LOCATION':<12} {'QTY':>5} {'RESERVED':>8}  {'LOT':<10} EXPIRY")
    for line in lines:
        expiry = line.expiry.isoformat() if line.expiry else ""
        print(f"{line.location:<12} {line.qty:>5} {line.reserved:>8}  {line.lot:<10} {expiry}")
    return 0


def handle_locations_list(args: argparse.Namespace) -> int:
    rows = setup.list_locations(args.context.db, kind=args.kind, include_inactive=args.all)
    if args.json:
        emit_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        print(f"{r.code:<12} {r.kind:<8} {'' if r.active else 'inactive'}")
    say(f"{len(rows)} locations")
    return 0
