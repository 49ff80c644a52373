"""The supervisor screen's keys: the bindings, which of them the footer shows on each tab, and the full list the
help dialog (F1 or ?) shows.

Why by tab: every key does not fit in 100 columns (the footer was cut at ``… b Free batch  n R▏``, hiding
Reassign and Wave). The footer shows the keys that act on what the current tab lists; every key still works on
every tab (with no row chosen it asks which), and F1 lists them all.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widget import Widget

TABS = Binding.Group("Tabs", compact=True)

BINDINGS = [
    Binding("f1", "help", "Help", key_display="F1"),
    Binding("question_mark", "help", "Help", show=False),
    Binding("1", "tab('floor')", "Floor", group=TABS),
    Binding("2", "tab('exceptions-tab')", "Exceptions", group=TABS),
    Binding("3", "tab('search-tab')", "Search", group=TABS),
    Binding("4", "tab('kpis-tab')", "KPIs", group=TABS),
    Binding("down", "into_list", "Into the list", show=False),
    Binding("slash", "search", "Search"),
    Binding("t", "timeline", "Timeline"),
    Binding("h", "act('hold')", "Hold"),
    Binding("r", "act('release_hold')", "Release"),
    Binding("c", "act('cancel')", "Cancel"),
    Binding("p", "act('priority')", "Priority"),
    Binding("a", "act('approve_short')", "Approve short"),
    Binding("b", "act('release_batch')", "Free batch"),
    Binding("n", "act('reassign')", "Reassign"),
    Binding("w", "act('wave')", "Wave"),
    Binding("escape", "leave", "Back", key_display="Esc"),
]

ALWAYS = frozenset({"help", "tab", "search", "leave"})
ORDER_KEYS = frozenset({"timeline", "act('hold')", "act('release_hold')", "act('cancel')", "act('priority')"})
BATCH_KEYS = frozenset({"act('release_batch')", "act('reassign')", "act('wave')"})
SHOWN_ON = {
    ("floor", "orders"): ORDER_KEYS | {"act('wave')"},
    ("floor", "batches"): BATCH_KEYS,
    ("exceptions-tab", "orders"): ORDER_KEYS | {"act('approve_short')"},
    ("search-tab", "orders"): ORDER_KEYS,
    ("kpis-tab", "orders"): frozenset({"act('wave')"}),
}
"""(tab, what the focused list holds) -> the action keys the footer shows there."""

HELP = (
    (
        "Tabs and lists",
        (
            ("1 2 3 4", "Floor (orders at risk, batches, pickers) · Exceptions · Search · KPIs"),
            ("Tab ↓ ↑", "move into a list and choose a row; an action acts on it"),
            ("/", "search orders by number, customer, SKU, tote or tracking number"),
            ("Esc", "from search: back to the list; else back to the home screen"),
            ("F1 ?", "this list"),
        ),
    ),
    (
        "Orders (the row chosen on this tab; with none, a list to choose from)",
        (
            ("t", "the order's timeline"),
            ("h", "hold: keep it out of picking and packing (asks why)"),
            ("r", "release a hold: back to the queue"),
            ("c", "cancel the order (asks why)"),
            ("p", "priority: shows the score and its parts; pin a number or 'auto'"),
            ("a", "approve a short pick (Exceptions): backorder or cancel the missing units"),
        ),
    ),
    (
        "Batches (Floor: a batch or a picker's row)",
        (
            ("b", "free the batch: back to the queue for any picker"),
            ("n", "reassign the batch to a signed-in picker"),
            ("w", "run a wave now: allocate, release, plan batches"),
        ),
    ),
)


def shown(action: str, tab: str, holds: str) -> bool:
    """Whether the footer shows ``action`` on ``tab`` while the focused list holds ``holds`` (orders/batches)."""
    name = action.split("(")[0]
    return name in ALWAYS or action in SHOWN_ON.get((tab, holds), frozenset())


def holds_of(focused: Widget | None) -> str:
    """What the focused list holds: ``batches`` for the batches and pickers tables, else ``orders``."""
    return "batches" if focused is not None and focused.id in ("batches", "pickers") else "orders"
