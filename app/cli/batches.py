"""`pickpack batches list|claim|stops|release`: the picking queue from the command line."""

from __future__ import annotations

import argparse

from app.cli.output import emit_json, say
from app.db.unit_of_work import Actor
from app.services import picking, users


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    b = sub.add_parser("batches", help="pick batches: list, claim, stops, release")
    b_sub = b.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = b_sub.add_parser("list", help="open batches (with --all also finished ones)")
    p.add_argument("--all", action="store_true")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_list)
    p = b_sub.add_parser(
        "claim",
        help="claim the next batch for a user (headless)",
        description='Prints {"batch","orders":[...],"stops":[...]}, or null when no batch is free. A user who '
        "already holds a batch gets that one back.",
    )
    p.add_argument("--user", required=True)
    p.add_argument("--terminal", default="cli")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_claim)
    p = b_sub.add_parser("stops", help="the stops of a batch in walking order")
    p.add_argument("batch", type=int)
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_stops)
    p = b_sub.add_parser("release", help="give a stalled batch back to the queue (supervisor)")
    p.add_argument("batch", type=int)
    p.add_argument("--by", required=True, help="the supervisor doing it")
    p.add_argument("--force", action="store_true", help="even if it was active recently")
    p.set_defaults(handler=handle_release)


def handle_list(args: argparse.Namespace) -> int:
    rows = picking.list_batches(args.context.db, include_done=args.all)
    if args.json:
        emit_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        print(f"{r.id:>5} {r.status:<8} {r.picker or '-':<10} {r.stops_done:>3}/{r.stops:<3} {', '.join(r.orders)}")
    return 0


def handle_claim(args: argparse.Namespace) -> int:
    db = args.context.db
    user = users.get_user(db, args.user)
    if "pick" not in user.activities:
        say(f"pickpack: user {user.name} ({user.role}) may not pick")
        return 1
    state = picking.claim_batch(db, user, terminal=args.terminal)
    if state is None:
        if args.json:
            emit_json(None)
        say("no batch is free")
        return 0
    stops = picking.batch_stops(db, state.batch_id)
    data = {
        "batch": state.batch_id,
        "orders": [s.order_number for s in state.slots if s.order_number],
        "stops": [s.as_json() for s in stops],
        "planned_distance_m": round(state.planned_distance_m, 1),
    }
    if args.json:
        emit_json(data)
    else:
        say(f"batch {state.batch_id} claimed for {user.name}: {len(data['orders'])} orders, {len(stops)} stops")
    return 0


def handle_stops(args: argparse.Namespace) -> int:
    stops = picking.batch_stops(args.context.db, args.batch)
    if args.json:
        emit_json([s.as_json() for s in stops])
        return 0
    for s in stops:
        print(f"{s.seq:>3} {s.location:<12} {s.sku:<18} {s.qty_picked}/{s.qty} slot {s.slot or '-'} {s.status}")
    return 0


def handle_release(args: argparse.Namespace) -> int:
    ctx = args.context
    state = picking.release_batch(
        ctx.db,
        args.batch,
        actor=Actor(args.by, "cli"),
        idle_minutes=ctx.config.picking.idle_release_minutes,
        force=args.force,
    )
    say(f"batch {state.batch_id} is free again ({state.stops_left} stops left)")
    return 0
