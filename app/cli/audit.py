"""`pickpack audit` and `pickpack stock moves`: prove the floor's invariants and read the inventory ledger.

Both only read, so they act as the built-in system user and take no ``--user`` (conventions, "Identity on the
command line"). ``audit`` exits 0 when every check holds and 1 otherwise, so a script (or ``simulate``) can
gate on it; ``stock moves`` streams the ledger to stdout line by line.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from app.cli.lazy import lazy_module

audit = lazy_module("app.services.audit")
ledger = lazy_module("app.services.ledger")

EXIT_OK, EXIT_FAILED = 0, 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "audit",
        help="check every invariant of the floor (exit 0 when all hold, 1 otherwise)",
        description="Check stock, reservations, the inventory ledger, batches, stops, totes and every status "
        "against its last event, in one read-only snapshot. Each failing check lists the rows that break it "
        "(the first 100, with the count of all). Acts as the system user; changes nothing.",
    )
    p.add_argument("--json", action="store_true", help='print {"ok", "checks": [...]} on stdout')
    p.set_defaults(handler=handle_audit)


def register_stock_moves(stock_actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``moves`` to the ``stock`` command group (registered by ``app.cli.catalog``)."""
    p = stock_actions.add_parser(
        "moves",
        help="the inventory ledger, oldest first",
        description="Every change of units on hand: when, SKU, location, lot, signed quantity (+ arrived, "
        "- left), reason and who. A move between locations is -N at the source and +N at the destination.",
    )
    p.add_argument("--sku", help="only this SKU")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(handler=handle_stock_moves)


def handle_audit(args: argparse.Namespace) -> int:
    report = audit.run_audit(args.context.db)
    if args.json:
        json.dump(report.as_json(), sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        _print_report(report)
    return EXIT_OK if report.ok else EXIT_FAILED


def _print_report(report: audit.AuditReport) -> None:
    """One line per check, each failing check followed by the rows that break it, then the verdict."""
    width = max(len(c.name) for c in report.checks)
    for check in report.checks:
        verdict = "ok" if check.ok else f"FAILED ({check.count} violation{'s' if check.count != 1 else ''})"
        print(f"{check.name:<{width}}  {verdict}")
        for violation in check.violations:
            print(f"    - {violation['problem']}")
        if check.count > len(check.violations):
            print(f"    ... and {check.count - len(check.violations)} more")
    failed = len(report.failed)
    print("audit: all checks hold" if report.ok else f"audit: {failed} of {len(report.checks)} checks failed")


def handle_stock_moves(args: argparse.Namespace) -> int:
    """Stream the ledger: a JSON array written element by element, or a table, never the whole ledger in memory."""
    out = sys.stdout
    with ledger.stream_moves(args.context.db, sku=args.sku) as lines:
        if args.json:
            out.write("[")
            first = True
            for line in lines:
                out.write("\n  " if first else ",\n  ")
                out.write(json.dumps(line.as_json(), ensure_ascii=False))
                first = False
            out.write("\n]\n" if not first else "]\n")
            return EXIT_OK
        out.write(f"{'AT':<19}  {'SKU':<18} {'LOCATION':<12} {'LOT':<10} {'QTY':>6}  {'REASON':<10} {'BY':<12} REF\n")
        for line in lines:
            out.write(_row(line.as_json()))
    return EXIT_OK


def _row(move: dict[str, Any]) -> str:
    at = move["at"][:19].replace("T", " ")
    return (
        f"{at:<19}  {move['sku']:<18} {move['location']:<12} {move['lot'] or '':<10} {move['qty']:>+6}  "
        f"{move['reason']:<10} {move['by']:<12} {move['ref']}\n"
    )
