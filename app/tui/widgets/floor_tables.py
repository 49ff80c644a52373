"""The supervisor screen's tabs: the floor (orders at risk, batches, pickers), exceptions, search and KPIs.

The tables are rewritten only when their rows changed, so a live refresh keeps the supervisor's cursor; every
value is shown literally (``row``), never as markup. Rows carry a key (``order:ID``, ``batch:ID``,
``picker:NAME``) that the screen's actions read back through ``selected``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from app.services.supervision import FloorSnapshot, Kpis, SearchHit
from app.services.supervision.times import duration, time_left
from app.tui.literal import cell, literal, row

RISK_STYLE = {"late": "bold white on red", "critical": "bold red", "warning": "yellow", "ok": "green"}
TABS = (("floor", "Floor"), ("exceptions-tab", "Exceptions"), ("search-tab", "Search"), ("kpis-tab", "KPIs"))
"""(pane id, name) of each tab, in the order of their hotkeys 1-4."""
TABLES_OF = {"floor": ("risk", "batches", "pickers"), "exceptions-tab": ("exceptions",), "search-tab": ("results",)}
"""The tables of each tab: an action takes its row from the current tab's tables only."""


@dataclass(frozen=True)
class Row:
    """A row an action can act on: its key (``order:ID``, ``batch:ID``), what a chooser shows, and its state
    (an order's status, an exception's kind) for choosers that list only the rows an action fits."""

    key: str
    cells: tuple[str, ...]
    state: str


def _table(table_id: str, *columns: str) -> DataTable[Text]:
    """A table with its columns from the start: the live worker may fill it before the tabs finish mounting."""
    table: DataTable[Text] = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
    table.add_columns(*columns)
    return table


class FloorTabs(Widget):
    """What the supervisor reads; it holds no data of its own beyond what was last shown."""

    DEFAULT_CSS = """
    FloorTabs {
        height: 1fr;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, tuple[tuple[str, ...], ...]] = {}
        self.rows: dict[str, list[Row]] = {}
        """The actionable rows of each table, as last shown."""
        self.batch_of_picker: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        with TabbedContent(id="tabs"):
            with TabPane("1 Floor", id="floor"):
                yield Static("Orders at risk (nearest cut-off first)", classes="hint")
                yield _table("risk", "Order", "Status", "Service", "Ship by", "Left", "Level")
                yield Static("Batches", classes="hint")
                yield _table("batches", "Batch", "Status", "Picker", "Orders", "Stops", "Age", "Idle")
                yield Static("Pickers", classes="hint")
                yield _table("pickers", "Picker", "Batch", "At", "Picks/h", "Last hour", "Idle")
            with TabPane("2 Exceptions", id="exceptions-tab"):
                yield _table("exceptions", "Kind", "Order", "Detail", "Since")
            with TabPane("3 Search", id="search-tab"):
                yield Input(placeholder="order number, customer, SKU, tote or tracking number", id="search")
                yield _table("results", "Kind", "Order", "Status", "Detail")
            with TabPane("4 KPIs", id="kpis-tab"):
                yield Static("", id="kpi-numbers")
                yield PlotextPlot(id="kpi-chart")

    @property
    def current(self) -> str:
        """The id of the tab the supervisor is looking at."""
        return self.query_one("#tabs", TabbedContent).active

    def show_tab(self, pane_id: str) -> None:
        self.query_one("#tabs", TabbedContent).active = pane_id

    def _fill(self, table_id: str, rows: list[tuple[object, ...]], keys: list[str]) -> None:
        """Rewrite a table when its rows changed; every value is shown literally (``row``), never as markup.
        The cursor stays on the same row (by key) when that row is still there."""
        plain = tuple(tuple(str(value) for value in values) for values in rows)
        if self._rows.get(table_id) == plain and len(keys) == len(plain):
            return  # unchanged: keep the table (and the supervisor's cursor) as it is
        self._rows[table_id] = plain
        table = self.query_one(f"#{table_id}", DataTable)
        was = self._key_at_cursor(table)
        cursor = table.cursor_row
        table.clear()
        for values, key in zip(rows, keys, strict=True):
            table.add_row(*row(*values), key=key)
        if rows:
            table.move_cursor(row=keys.index(was) if was in keys else min(cursor, len(rows) - 1))

    @staticmethod
    def _key_at_cursor(table: DataTable[Text]) -> str | None:
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def show_floor(self, snapshot: FloorSnapshot) -> None:
        self._show_risk(snapshot)
        self._show_batches(snapshot)
        self._show_exceptions(snapshot)

    def _show_risk(self, snapshot: FloorSnapshot) -> None:
        at_risk = snapshot.at_risk
        cells = [
            (r.number, r.status.replace("_", " "), r.service_level, str(r.ship_by), time_left(r.minutes_left), r.level)
            for r in at_risk
        ]
        keys = [f"order:{r.order_id}" for r in at_risk]
        self.rows["risk"] = [Row(k, (c[0], c[1], c[4]), r.status) for k, c, r in zip(keys, cells, at_risk, strict=True)]
        self._fill("risk", [(*c[:5], cell(c[5], style=RISK_STYLE.get(c[5], ""))) for c in cells], keys)

    def _show_batches(self, snapshot: FloorSnapshot) -> None:
        batches, pickers = snapshot.batches, snapshot.pickers
        cells = [
            (
                str(b.batch_id),
                b.status,
                b.picker or "-",
                str(b.orders),
                f"{b.stops_done}/{b.stops}",
                duration(b.age_minutes),
                "-" if b.idle_minutes is None else duration(b.idle_minutes),
            )
            for b in batches
        ]
        keys = [f"batch:{b.batch_id}" for b in batches]
        self.rows["batches"] = [
            Row(k, (f"Batch {c[0]}", c[1], c[2], f"{c[3]} orders, stops {c[4]}"), c[1])
            for k, c in zip(keys, cells, strict=True)
        ]
        self._fill("batches", list(cells), keys)
        self.batch_of_picker = {p.name: p.batch_id for p in pickers if p.batch_id is not None}
        self._fill(
            "pickers",
            [
                (
                    p.name,
                    str(p.batch_id or "-"),
                    p.current_location or "-",
                    f"{p.picks_per_hour:.0f}",
                    str(p.picks_last_hour),
                    "-" if p.idle_minutes is None else duration(p.idle_minutes),
                )
                for p in pickers
            ],
            [f"picker:{p.name}" for p in pickers],
        )

    def _show_exceptions(self, snapshot: FloorSnapshot) -> None:
        found = snapshot.exceptions
        keys = [f"order:{e.order_id}" if e.order_id else f"x:{i}" for i, e in enumerate(found)]
        self.rows["exceptions"] = [
            Row(k, (e.ref, e.kind.replace("_", " "), e.detail), e.kind)
            for k, e in zip(keys, found, strict=True)
            if e.order_id
        ]
        self._fill(
            "exceptions", [(e.kind.replace("_", " "), e.ref, e.detail, f"{e.at:%m-%d %H:%M}") for e in found], keys
        )

    def show_kpis(self, k: Kpis) -> None:
        accuracy = "-" if k.pick_accuracy is None else f"{k.refused_scans} refused / {k.item_scans} item scans"
        on_time = "-" if k.on_time_rate is None else f"{k.on_time_rate * 100:.0f}%"
        cycle = (
            "-"
            if k.cycle_time_minutes_p50 is None
            else f"{k.cycle_time_minutes_p50:.0f} min (p90 {k.cycle_time_minutes_p90:.0f})"
        )
        self.query_one("#kpi-numbers", Static).update(
            literal(
                f"shipped {k.orders_shipped} · units picked {k.units_picked} · refused scans: {accuracy} · "
                f"cycle time p50 {cycle} · on time {on_time}"
            )
        )
        chart = self.query_one("#kpi-chart", PlotextPlot)
        plot = chart.plt
        plot.clear_data()
        hours = [f"{h.hour_start:%H}h" for h in k.throughput_per_hour]
        plot.bar(hours, [h.orders_shipped for h in k.throughput_per_hour], label="orders shipped")
        plot.title("Throughput per hour")
        chart.refresh()

    def show_results(self, hits: Sequence[SearchHit], *, live: bool = False) -> None:
        """The search's hits; a new search focuses them (the order actions then apply to the row under the
        cursor), a live refresh keeps the cursor on its row and the focus where it is."""
        keys = [f"order:{hit.order_id}" if hit.order_id else f"x:{i}" for i, hit in enumerate(hits)]
        self.rows["results"] = [
            Row(k, (h.number, h.status, h.detail), h.status) for k, h in zip(keys, hits, strict=True) if h.order_id
        ]
        if not live:
            self._rows.pop("results", None)
        self._fill("results", [(h.kind, h.number, h.status.replace("_", " "), h.detail) for h in hits], keys)
        if hits and not live:
            self.query_one("#results", DataTable).focus()

    def open_search(self) -> None:
        self.show_tab("search-tab")
        self.query_one("#search", Input).focus()

    def chosen(self, prefix: str, focused: Widget | None) -> str | None:
        """The id of the ``prefix`` row (``order:``, ``batch:``) the supervisor chose: the row under the cursor of
        the focused table, when that table is on the current tab. None when no table there has the focus (a row
        is never taken for granted) or its row is of another kind. A picker's row stands for their batch."""
        if not isinstance(focused, DataTable) or focused.id not in TABLES_OF.get(self.current, ()):
            return None
        key = self._key_at_cursor(focused) or ""
        if key.startswith(prefix):
            return key[len(prefix) :]
        if prefix == "batch:" and key.startswith("picker:"):
            batch = self.batch_of_picker.get(key[len("picker:") :])
            return None if batch is None else str(batch)
        return None

    def candidates(self, prefix: str, fits: Callable[[Row], bool]) -> list[Row]:
        """The rows to choose from when none was chosen: the current tab's rows of the kind that the action
        fits; when the tab has none, those of every tab (an explicit list, so nothing is taken for granted)."""

        def of(tables: Sequence[str]) -> list[Row]:
            seen: dict[str, Row] = {}
            for table in tables:
                for r in self.rows.get(table, []):
                    if r.key.startswith(prefix) and fits(r):
                        seen.setdefault(r.key, r)
            return list(seen.values())

        here = of(TABLES_OF.get(self.current, ()))
        return here or of(("risk", "exceptions", "batches", "results"))
