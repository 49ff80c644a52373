"""`pickpack batches list|claim|stops|release|reassign`: the picking queue from the command line.

``claim``, ``release`` and ``reassign`` act as a signed-in user (``--user`` + PIN, see ``app.cli.identity``), so
the batch's events name a real user and the role policy decides who may do what.
"""

from __future__ import annotations

import argparse

from app.cli import identity
from app.cli.lazy import lazy_module
from app.cli.output import emit_json, say

picking = lazy_module("app.services.picking")
supervisor_actions = lazy_module("app.services.supervision.actions")


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
    identity.add_user_option(p, help_extra="; picker, supervisor or admin")
    p.add_argument("--terminal", default=identity.TERMINAL)
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_claim)
    p = b_sub.add_parser("stops", help="the stops of a batch in walking order")
    p.add_argument("batch", type=int)
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_stops)
    p = b_sub.add_parser(
        "release",
        help="give a stalled batch back to the queue (supervisor, admin)",
        description="Only a batch idle longer than [picking] idle_release_minutes, unless --force. What was picked "
        "stays picked; the next picker resumes at the first open stop.",
    )
    p.add_argument("batch", type=int)
    p.add_argument("--force", action="store_true", help="even if it was active recently")
    identity.add_user_option(p)
    p.set_defaults(handler=handle_release)
    p = b_sub.add_parser(
        "reassign",
        help="give a batch to another picker (supervisor, admin)",
        description="The new picker resumes the batch at the same stop with the same counts.",
    )
    p.add_argument("batch", type=int)
    p.add_argument("--to", required=True, metavar="PICKER", help="the user who picks it from now on")
    identity.add_user_option(p)
    p.set_defaults(handler=handle_reassign)


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
    user = identity.sign_in(args, "batches.claim", terminal=args.terminal).user
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
    me = identity.sign_in(args, "batches.release")
    state = picking.release_batch(
        ctx.db,
        args.batch,
        actor=me.actor,
        idle_minutes=ctx.config.picking.idle_release_minutes,
        force=args.force,
    )
    say(f"batch {state.batch_id} is free again ({state.stops_left} stops left)")
    return 0


def handle_reassign(args: argparse.Namespace) -> int:
    me = identity.sign_in(args, "batches.reassign")
    supervisor_actions.reassign_batch(args.context.db, me.user, args.batch, args.to, terminal=identity.TERMINAL)
    say(f"batch {args.batch} now belongs to {args.to}")
    return 0
