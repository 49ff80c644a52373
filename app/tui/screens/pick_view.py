"""How the picker screen draws a ``PickState``: the header with what is left, the location and quantity in big
text, the item with its lot and expiry, the tote, and the prompt for the next scan; and the peek at the
previous or next stop (F7/F8) shown in the message line without leaving the stop in hand.

Every row keeps its height whatever it says (the message line is always there, blank when there is nothing to
say), so the location never jumps when a refusal appears. Nothing relies on colour alone: the big text is box
characters, refusals start with "Wrong" and ring the bell, so the screen reads the same on a monochrome
handheld, under ``NO_COLOR`` and with the ``textual-ansi`` theme.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.dom import DOMNode
from textual.widgets import Static

from app.services.picking import PickState, StopLine, StopView
from app.tui.literal import literal
from app.tui.widgets.big_text import BigText

PROMPTS = {
    "location": "Scan the LOCATION label",
    "item": "Scan the ITEM",
    "lot": "Scan the LOT (GS1 label or the lot printed on the item)",
    "tote": "Scan the TOTE",
    "finish": "All stops done: press F10 to finish",
}

PICK_CSS = """
PickScreen #where {
    height: 1;
    padding: 0 1;
    text-style: bold;
}
PickScreen #location {
    height: 3;
    padding: 0 1;
}
PickScreen #stop-info {
    height: auto;
    padding: 0 1;
}
PickScreen #product {
    height: auto;
    min-height: 2;
}
PickScreen #qty-row {
    height: 3;
}
PickScreen #qty-big {
    width: auto;
    min-width: 12;
    max-width: 50%;
}
PickScreen #quantity {
    width: 1fr;
    height: 3;
    padding: 1 0 0 2;
    text-style: bold;
}
PickScreen #message {
    height: 3;
    padding: 0 1;
}
PickScreen #message.note {
    text-style: bold reverse;
}
"""


def header(state: PickState) -> str:
    """The title: the batch, which stop of how many, and what is still left (stops and units)."""
    if state.phase == "setup":
        return f"Batch {state.batch_id} · cart set-up · {state.stops_total} stops, {state.units_left} units"
    current = min(state.stops_done + 1, state.stops_total)
    left = f"{state.stops_left} stop(s), {state.units_left} unit(s) left"
    return f"Batch {state.batch_id} · stop {current}/{state.stops_total} · {left}"


def _one(screen: DOMNode, selector: str) -> Static:
    return screen.query_one(selector, Static)


def render_stop(screen: DOMNode, state: PickState) -> None:
    """The big location, the item, the quantity and the prompt of the stop in hand (or set-up, or done)."""
    where, location = _one(screen, "#where"), screen.query_one("#location", BigText)
    prompt = _one(screen, "#prompt")
    if state.phase == "setup":
        where.update(literal(f"CART SET-UP · SLOT {state.setup_slot}"))
        location.update(f"SLOT {state.setup_slot}")
        prompt.update(literal(f"Scan a free TOTE for slot {state.setup_slot}"))
        return
    stop = state.stop
    if stop is None:
        where.update(literal("BATCH DONE" if state.phase == "done" else "ALL STOPS DONE"))
        location.update("DONE")
        prompt.update(literal(PROMPTS.get(state.phase, "")))
        return
    where.update(literal("PUT BACK AT" if stop.kind == "putback" else "GO TO"))
    location.update(stop.location)
    _one(screen, "#product").update(literal(f"{stop.name}\n{item_line(stop)}"))
    done = stop.qty_picked + stop.qty_in_hand
    screen.query_one("#qty-big", BigText).update(f"{done}/{stop.qty}")
    _one(screen, "#quantity").update(literal(quantity_line(stop)))
    _one(screen, "#tote").update(literal(tote_line(stop)))
    prompt.update(literal(prompt_line(state, stop)))


def item_line(stop: StopView) -> str:
    """SKU, lot (and whether it must still be scanned) and the expiry of the stock picked."""
    parts = [stop.sku]
    if stop.lot:
        parts.append(f"lot {stop.lot}" + (" (scan it)" if stop.lot_required else ""))
    if stop.expiry:
        parts.append(f"best before {stop.expiry:%Y-%m-%d}")
    return " · ".join(parts)


def quantity_line(stop: StopView) -> str:
    """What the big "done/needed" counts, and the units not yet in the tote."""
    text = "put back / to put back" if stop.kind == "putback" else "picked / to pick"
    if stop.qty_in_hand:
        text += f"  ({stop.qty_in_hand} in hand)"
    if stop.qty_awaiting_lot:
        text += f"  ({stop.qty_awaiting_lot} waiting for the lot)"
    return text


def tote_line(stop: StopView) -> str:
    if stop.kind == "putback":
        return f"from {stop.tote_code or 'the packing area'} · cancelled order {stop.order_number}"
    return f"→ slot {stop.slot}: {stop.tote_code} ({stop.order_number})"


def prompt_line(state: PickState, stop: StopView) -> str:
    text = PROMPTS[state.phase]
    if state.phase == "item" and stop.sku_label:
        text = f"No barcode: scan the SKU label {stop.sku}"
    if state.phase == "item" and stop.kind == "putback":
        text = f"Scan each {stop.sku} you put back"
    if state.phase == "tote" or (state.phase == "item" and stop.qty_in_hand):
        item = f"SKU label {stop.sku}" if stop.sku_label else "ITEM"
        text = f"{text if state.phase == 'tote' else f'Scan {item}, or TOTE to drop'} {stop.tote_code}"
    return text


@dataclass
class StopPeek:
    """Which stop F7/F8 show, as an offset from the stop in hand (0: none shown); reset by every answer."""

    offset: int = 0

    def reset(self) -> None:
        self.offset = 0

    def move(self, step: int, lines: list[StopLine], current_seq: int | None) -> str:
        """Move the offset by ``step`` and describe the stop there (or say there is none that way)."""
        seqs = [line.seq for line in lines]
        here = seqs.index(current_seq) if current_seq in seqs else len([s for s in lines if s.status != "open"])
        target = here + self.offset + step
        if not 0 <= target < len(lines):
            return "No stop before this one" if step < 0 else "No stop after this one: it is the last"
        self.offset += step
        line = lines[target]
        if self.offset == 0:
            return f"This stop: {line.location} · {line.sku}"
        which = "Next" if self.offset > 0 else "Previous"
        status = "" if line.status == "open" else f" ({line.status})"
        left = (
            f"{line.qty - line.qty_picked} of {line.qty}"
            if line.status == "open"
            else f"{line.qty_picked} of {line.qty}"
        )
        left = f"put back {left}" if line.kind == "putback" else left
        order = f" · {line.order}" if line.order else ""
        return f"{which} stop {target + 1}/{len(lines)}{status}: {line.location} · {line.sku} × {left}{order}"
