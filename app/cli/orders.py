"""`pickpack orders list|show|hold|unhold|cancel|edit|priority|approve-short|approve-weight`,
`pickpack process`.

Commands that change an order act as a signed-in user (``--user`` + PIN, see ``app.cli.identity``); imports and
processing act as the built-in system user. (`pickpack import orders` lives in ``app.cli.catalog`` with the
other imports.)
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

from app.cli import identity
from app.cli.lazy import lazy_module
from app.cli.output import emit_json, say
from app.domain.gtin import ascii_digits
from app.domain.orders import STATUSES
from app.services.errors import InvalidInput

orders = lazy_module("app.services.orders")
order_listing = lazy_module("app.services.order_listing")  # `orders list` loads only this (no ORM, see there)
order_processing = lazy_module("app.services.order_processing")
supervisor_actions = lazy_module("app.services.supervision.actions")
users = lazy_module("app.services.users")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``orders ACTION`` and ``process``; the actions are added in the order ``--help`` lists them."""
    o = sub.add_parser("orders", help="list, show and change orders")
    o_sub = o.add_subparsers(dest="action", metavar="ACTION", required=True)
    _add_view_actions(o_sub)
    _add_status_actions(o_sub)
    _add_approval_actions(o_sub)
    _add_edit_action(o_sub)

    p = sub.add_parser("process", help="allocate, retry backorders and release orders to picking")
    p.add_argument("--watch", action="store_true", help="keep going (interval from config [release])")
    p.add_argument("--json", action="store_true", help="print each pass's counts as JSON")
    p.set_defaults(handler=handle_process)


def _add_view_actions(o_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``orders list`` and ``orders show``: read-only, no user needed."""
    p = o_sub.add_parser("list", help="orders by priority (highest first)")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--limit", type=int, metavar="N", help="a page of at most N orders (N >= 1); without it, stream all")
    p.add_argument("--after", type=int, metavar="ID", help="continue after the order with this id (the last one shown)")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_list)
    p = o_sub.add_parser("show", help="one order: lines, timeline and the priority explained")
    p.add_argument("ref", help="order id, order number, or channel:external_id")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_show)


def _add_status_actions(o_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``orders hold|cancel|unhold|priority``: a supervisor changes an order's status or priority."""
    for name, helptext in (("hold", "put an order on hold"), ("cancel", "cancel an order")):
        p = o_sub.add_parser(name, help=f"{helptext} (supervisor, admin)")
        p.add_argument("ref")
        p.add_argument("--reason", required=True)
        identity.add_user_option(p)
        p.set_defaults(handler=handle_hold if name == "hold" else handle_cancel)
    p = o_sub.add_parser("unhold", help="release an order from hold (allocates it again; supervisor, admin)")
    p.add_argument("ref")
    p.add_argument("--reason", default="")
    identity.add_user_option(p)
    p.set_defaults(handler=handle_unhold)
    p = o_sub.add_parser(
        "priority",
        help="pin an order's priority, or go back to the computed score (supervisor, admin)",
        description="--set N pins the priority (higher is picked first); --clear recomputes it at once.",
    )
    p.add_argument("ref")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--set", type=float, metavar="N", dest="priority", help="pin the priority to N")
    which.add_argument("--clear", action="store_true", help="back to the computed score")
    identity.add_user_option(p)
    p.set_defaults(handler=handle_priority)


def _add_approval_actions(o_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``orders approve-short|approve-weight``: a supervisor decides what picking or packing could not."""
    p = o_sub.add_parser(
        "approve-short",
        help="decide an order picking came up short on (supervisor, admin)",
        description="Picking could not find every unit and no other location had them: ship what was picked and "
        "either backorder the rest (--rest backorder) or drop it from the order (--rest cancel).",
    )
    p.add_argument("ref")
    p.add_argument("--rest", required=True, choices=["backorder", "cancel"], help="what happens to the missing units")
    identity.add_user_option(p)
    p.set_defaults(handler=handle_approve_short)
    p = o_sub.add_parser(
        "approve-weight",
        help="approve an out-of-tolerance carton weight away from the packer's keyboard (supervisor, admin)",
        description="Approves KG (plus or minus the weight tolerance) for the order's open carton; the packer's next "
        "weighing of that weight (!weight KG at a headless station, or the terminal's dialog) closes the carton and "
        "names you as the approver. Use it when the packer works at a station that cannot ask for your PIN.",
    )
    p.add_argument("ref", help="order id, order number (quote '#D1033' in a shell), or channel:external_id")
    p.add_argument("--kg", required=True, metavar="KG", help="the weight the scale shows, e.g. 2.45")
    identity.add_user_option(p)
    p.set_defaults(handler=handle_approve_weight)


def _add_edit_action(o_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``orders edit``: change lines, address or service level until picking starts."""
    p = o_sub.add_parser(
        "edit",
        help="change lines, address or service level (until picking starts)",
        description="Examples: --line MUG-RED-350=3 (set quantity; 0 removes), --address city=Graz, "
        "--service express. Reservations are given back and taken again.",
    )
    p.add_argument("ref")
    p.add_argument("--line", action="append", default=[], metavar="SKU=QTY")
    p.add_argument("--address", action="append", default=[], metavar="FIELD=VALUE")
    p.add_argument("--service", choices=["same_day", "express", "standard"])
    identity.add_user_option(p)
    p.set_defaults(handler=handle_edit)


def handle_list(args: argparse.Namespace) -> int:
    """A page (``--limit N``, continued with ``--after ID``), or every order streamed as it is read."""
    if args.limit is not None and args.limit < 1:
        raise InvalidInput(f"--limit {args.limit}: must be at least 1 (leave it out to list every order)")
    db = args.context.db
    if args.limit is not None:
        rows: Iterator[Any] = iter(
            order_listing.list_orders(db, status=args.status, limit=args.limit, after=args.after)
        )
    else:
        rows = order_listing.iter_orders(db, status=args.status, after=args.after)
    first = next(rows, None)  # bad arguments fail here, before a byte of output
    rows = itertools.chain([] if first is None else [first], rows)
    if args.json:
        _emit_json_array(r.as_json() for r in rows)
        return 0
    print(f"{'ID':>6} {'NUMBER':<14} {'STATUS':<12} {'PRIO':>8} {'SERVICE':<9} {'SHIP BY':<10} CUSTOMER")
    for r in rows:
        ship_by = r.ship_by.isoformat() if r.ship_by else ""
        print(
            f"{r.id:>6} {r.number:<14} {r.status:<12} {r.priority:>8.1f} {r.service_level:<9} {ship_by:<10} "
            f"{r.customer_name}"
        )
    return 0


def _emit_json_array(items: Iterable[Any]) -> None:
    """A JSON array written item by item in the layout of ``emit_json``, so a long listing never sits in memory;
    stdout is flushed every few hundred items, so a reader sees the array grow."""
    out = sys.stdout
    out.write("[")
    written = 0
    for item in items:
        out.write(",\n  " if written else "\n  ")
        out.write(json.dumps(item, indent=2, ensure_ascii=False, default=str).replace("\n", "\n  "))
        written += 1
        if written % 500 == 0:
            out.flush()
    out.write("\n]\n" if written else "]\n")


def handle_show(args: argparse.Namespace) -> int:
    detail = orders.show_order(args.context.db, args.context.config, args.ref)
    if args.json:
        emit_json(detail.as_json())
        return 0
    s = detail.summary
    print(f"Order {s.number} ({s.channel}:{s.external_id}, id {s.id}) - {s.status}")
    if s.hold_reason:
        print(f"  hold: {s.hold_reason}")
    a = detail.address
    print(f"  ship to: {a['name']}, {a['line1']} {a['line2']}, {a['postal_code']} {a['city']}, {a['country']}")
    print(f"  service {s.service_level}, ship by {s.ship_by}, value {detail.order_value} {detail.currency}")
    print(f"  priority {s.priority:.1f}:")
    for part in detail.priority_parts:
        print(f"    {part['points']:>7} {part['part']:<9} {part['why']}")
    print("  lines:")
    for line in detail.lines:
        flag = "" if line.known else "  (unknown SKU)"
        print(
            f"    {line.sku:<18} {line.qty:>4} ordered {line.qty_allocated:>4} allocated {line.qty_picked:>4} "
            f"picked {line.qty_packed:>4} packed{flag}"
        )
    print("  timeline:")
    for e in detail.events:
        move = f"{e.from_status or '-'} -> {e.to_status}" if e.to_status else e.kind
        print(f"    {e.at:%Y-%m-%d %H:%M:%S} {move:<26} {e.by:<10} {e.reason}")
    return 0


def handle_hold(args: argparse.Namespace) -> int:
    me = identity.sign_in(args, "orders.hold")
    s = orders.hold(args.context.db, args.context.config, args.ref, args.reason, actor=me.actor)
    say(f"order {s.number}: {s.status} ({s.hold_reason})")
    return 0


def handle_unhold(args: argparse.Namespace) -> int:
    me = identity.sign_in(args, "orders.unhold")
    s = orders.unhold(args.context.db, args.context.config, args.ref, actor=me.actor, reason=args.reason)
    say(f"order {s.number}: {s.status}")
    return 0


def handle_cancel(args: argparse.Namespace) -> int:
    me = identity.sign_in(args, "orders.cancel")
    s = orders.cancel(args.context.db, args.context.config, args.ref, args.reason, actor=me.actor)
    say(f"order {s.number}: {s.status}")
    return 0


def handle_priority(args: argparse.Namespace) -> int:
    ctx = args.context
    me = identity.sign_in(args, "orders.priority")
    priority = None if args.clear else args.priority
    s = supervisor_actions.set_priority(ctx.db, ctx.config, me.user, args.ref, priority, terminal=identity.TERMINAL)
    say(f"order {s.number}: priority {s.priority:.1f}{' (computed)' if priority is None else ' (pinned)'}")
    return 0


def handle_approve_short(args: argparse.Namespace) -> int:
    me = identity.sign_in(args, "orders.approve_short")
    s = supervisor_actions.approve_short(args.context.db, me.user, args.ref, rest=args.rest, terminal=identity.TERMINAL)
    rest = "backordered" if args.rest == "backorder" else "cancelled"
    say(f"order {s.number}: short approved, the rest {rest}; {s.status}")
    return 0


def handle_approve_weight(args: argparse.Namespace) -> int:
    from app.services import packing
    from app.stations.pack import MAX_KG, parse_weight

    kg = parse_weight(args.kg)
    if kg is None:
        raise InvalidInput(f"--kg {args.kg[:20]!r}: expected kilograms from 0.001 to {MAX_KG}, e.g. --kg 2.45")
    me = identity.sign_in(args, "cartons.approve_weight")
    ctx = args.context
    done = packing.approve_weight(ctx.db, ctx.config, args.ref, kg, actor=me.actor)
    say(
        f"order {done.order_number}: carton {done.carton_seq} approved at {done.approved_kg} kg "
        f"(± {done.allowed_kg:.3f} kg; expected {done.expected_kg} kg) by {done.approver}: "
        "the packer weighs it again to close it"
    )
    return 0


def _pairs(items: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidInput(f"{what} {item!r}: expected KEY=VALUE")
        pairs[key.strip()] = value.strip()
    return pairs


def handle_edit(args: argparse.Namespace) -> int:
    ctx = args.context
    if not (args.line or args.address or args.service):
        raise InvalidInput("nothing to change: give --line, --address or --service")
    lines: dict[str, int] = {}
    for sku, qty in _pairs(args.line, "--line").items():
        if not ascii_digits(qty):
            raise InvalidInput(f"--line {sku}={qty}: quantity must be a whole number")
        lines[sku] = int(qty)
    address = _pairs(args.address, "--address")
    actor = identity.sign_in(args, "orders.edit").actor
    result = None
    if lines:
        result = orders.edit_lines(ctx.db, ctx.config, args.ref, lines, actor=actor)
    if address:
        result = orders.edit_address(ctx.db, ctx.config, args.ref, address, actor=actor)
    if args.service:
        result = orders.set_service_level(ctx.db, ctx.config, args.ref, args.service, actor=actor)
    assert result is not None
    say(f"order {result.number}: {result.status}, priority {result.priority:.1f}")
    return 0


def handle_process(args: argparse.Namespace) -> int:
    ctx = args.context
    actor = users.system_actor(ctx.db, "process")
    while True:
        report = order_processing.process_once(ctx.db, ctx.config, actor=actor, layout=ctx.layout)
        if args.json:
            emit_json(report.as_json())
        say(
            f"process: {report.allocated} allocated ({report.split} split), {report.backordered} backordered, "
            f"{report.released} released, {report.held_for_review} held for review, {report.batches} batches planned"
        )
        if not args.watch:
            return 0
        time.sleep(ctx.config.release.watch_interval_seconds)
