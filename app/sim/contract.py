"""Checks each station answer against "Headless stations" in the conventions, as a front end would rely on it.

Why check in the simulator: a driver that silently copes with a missing key would hide exactly the contract
breaks an RF-gun client would trip over. Each problem is a short sentence; the worker reports it as a finding
(once per distinct problem) with the lines that led to it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from app.domain.gtin import ascii_digits

COMMON_KEYS = ("ok", "message", "expect", "batch", "stop")
PACK_KEYS = ("order", "suggested_box", "expected_weight_kg", "shipment")
STOP_KEYS = (
    "seq",
    "kind",
    "location",
    "sku",
    "gtin",
    "lot",
    "qty",
    "qty_picked",
    "qty_in_hand",
    "slot",
    "tote",
    "order",
)
STOP_KINDS = ("pick", "put_back", "replenish")
EXPECTS = {
    "pick": frozenset({"claim", "tote", "location", "item", "lot", "quantity", "done"}),
    "pack": frozenset({"order", "item", "box", "weight", "ship"}),
}
ORDER_LINE_KEYS = ("sku", "gtin", "lot", "qty", "qty_packed")


def parse(line: str) -> dict[str, Any] | None:
    """The answer on one stdout line, or None when the line is not one JSON object."""
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def problems(role: str, answer: Mapping[str, Any], *, sign_in: bool = False) -> list[str]:
    """What is wrong with ``answer`` for a ``role`` station (empty when it keeps the contract). ``expect: null``
    belongs to a refused sign-in only: any later answer must say what comes next."""
    found = [f"missing key {key!r}" for key in COMMON_KEYS if key not in answer]
    if role == "pack":
        found += [f"missing key {key!r} at packing" for key in PACK_KEYS if key not in answer]
    if found:
        return found
    if not isinstance(answer["ok"], bool):
        found.append(f"ok is {answer['ok']!r}, not true/false")
    if not isinstance(answer["message"], str):
        found.append("message is not a string")
    expect = answer["expect"]
    if expect is None:
        if answer["ok"] is not False or not sign_in:
            found.append("expect null after sign-in (the answer must say what comes next)")
    elif expect not in EXPECTS.get(role, frozenset()):
        found.append(f"expect {expect!r} is not a {role} expect value")
    batch = answer["batch"]
    if batch is not None and not isinstance(batch, int):
        found.append(f"batch {batch!r} is not an id or null")
    found += _pick_problems(answer) if role == "pick" else _pack_problems(answer)
    return found


def _pick_problems(answer: Mapping[str, Any]) -> list[str]:
    expect, stop = answer["expect"], answer["stop"]
    found: list[str] = []
    if expect == "claim" and answer["batch"] is not None:
        found.append("expect 'claim' while a batch is in hand")
    if expect in ("location", "item", "lot", "quantity") or (expect == "tote" and stop is not None):
        if not isinstance(stop, Mapping):
            return [*found, f"expect {expect!r} without a stop"]
        found += [f"stop lacks {key!r}" for key in STOP_KEYS if key not in stop]
        if stop.get("kind") not in STOP_KINDS:
            found.append(f"stop kind {stop.get('kind')!r} is not pick, put_back or replenish")
        gtin = str(stop.get("gtin") or "")
        if not ascii_digits(gtin):
            found.append(f"stop gtin {gtin!r} is not a GTIN")
        if expect == "lot" and not stop.get("lot"):
            found.append("expect 'lot' with no lot on the stop")
        if expect == "tote" and not stop.get("tote"):
            found.append("expect 'tote' at a drop with no tote on the stop")
    if expect == "tote" and stop is None:
        setup = answer.get("setup")
        if not isinstance(setup, Mapping) or "slot" not in setup or "slots" not in setup:
            found.append("cart set-up without setup {slot, slots}")
    if answer["batch"] is None and expect in ("tote", "location", "item", "lot", "quantity"):
        found.append(f"expect {expect!r} with batch null")
    return found


def _pack_problems(answer: Mapping[str, Any]) -> list[str]:
    expect, order = answer["expect"], answer["order"]
    found: list[str] = []
    if expect in ("item", "box", "weight", "ship"):
        if not isinstance(order, Mapping) or "number" not in order or not isinstance(order.get("lines"), list):
            return [f"expect {expect!r} without order {{number, lines}}"]
        for line in order["lines"]:
            missing = [key for key in ORDER_LINE_KEYS if not isinstance(line, Mapping) or key not in line]
            if missing:
                found.append(f"order line lacks {', '.join(map(repr, missing))}")
                break
    if expect == "weight" and answer["expected_weight_kg"] is None:
        found.append("expect 'weight' without expected_weight_kg")
    return found


def shipment_problems(answer: Mapping[str, Any]) -> list[str]:
    """``!ship`` answered ok: the shipment must be named with its tracking numbers and SSCCs."""
    shipment = answer.get("shipment")
    if not isinstance(shipment, Mapping):
        return ["!ship answered ok without a shipment"]
    return [f"shipment lacks {key!r}" for key in ("id", "tracking_numbers", "sscc") if key not in shipment]
