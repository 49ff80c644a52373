"""The supervisor screen's tabs: the floor (orders at risk, batches, pickers), exceptions, search and KPIs.

The tables are rewritten only when their rows changed, so a live refresh keeps the supervisor's cursor; every
value is shown literally (``row``), never as markup. Rows carry a key (``order:ID``, ``batch:ID``,
``picker:NAME``) that the screen's actions read back through ``selected``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from app.services.supervision import FloorSnapshot, Kpis, SearchHit
from app.tui.literal import cell, literal, row

RISK_STYLE = {"late": "bold white on red", "critical": "bold red", "warning": "yellow", "ok": "green"}
SELECTABLE = ("risk", "exceptions", "results", "batches")
"""The tables an action looks in for a selected row, after the focused one."""


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

    def compose(self) -> ComposeResult:
        with TabbedContent(id="tabs"):
            with TabPane("Floor", id="floor"):
                yield Static("Orders at risk", classes="hint")
                yield _table("risk", "Order", "Status", "Service", "Ship by", "Left", "Level")
                yield Static("Batches", classes="hint")
                yield _table("batches", "Batch", "Status", "Picker", "Orders", "Stops", "Age", "Idle")
                yield Static("Pickers", classes="hint")
                yield _table("pickers", "Picker", "Batch", "At", "Picks/h", "Last hour", "Idle")
            with TabPane("Exceptions", id="exceptions-tab"):
                yield _table("exceptions", "Kind", "Ref", "Detail", "Since")
            with TabPane("Search", id="search-tab"):
                yield Input(placeholder="order number, customer, SKU, tote or tracking number", id="search")
                yield _table("results", "Kind", "Order", "Status", "Detail")
            with TabPane("KPIs", id="kpis-tab"):
                yield Static("", id="kpi-numbers")
                yield PlotextPlot(id="kpi-chart")

    def _fill(self, table_id: str, rows: list[tuple[object, ...]], keys: list[str]) -> None:
        """Rewrite a table when its rows changed; every value is shown literally (``row``), never as markup."""
        plain = tuple(tuple(str(value) for value in values) for values in rows)
        if self._rows.get(table_id) == plain:
            return  # unchanged: keep the table (and the supervisor's cursor) as it is
        self._rows[table_id] = plain
        table = self.query_one(f"#{table_id}", DataTable)
        cursor = table.cursor_row
        table.clear()
        for values, key in zip(rows, keys, strict=True):
            table.add_row(*row(*values), key=key)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    def show_floor(self, snapshot: FloorSnapshot) -> None:
        at_risk, batches, pickers = snapshot.at_risk, snapshot.batches, snapshot.pickers
        self._fill(
            "risk",
            [
                (
                    r.number,
                    r.status,
                    r.service_level,
                    str(r.ship_by),
                    f"{r.minutes_left} min",
                    cell(r.level, style=RISK_STYLE.get(r.level, "")),
                )
                for r in at_risk
            ],
            [f"order:{r.order_id}" for r in at_risk],
        )
        self._fill(
            "batches",
            [
                (
                    str(b.batch_id),
                    b.status,
                    b.picker or "-",
                    str(b.orders),
                    f"{b.stops_done}/{b.stops}",
                    f"{b.age_minutes} min",
                    "-" if b.idle_minutes is None else f"{b.idle_minutes} min",
                )
                for b in batches
            ],
            [f"batch:{b.batch_id}" for b in batches],
        )
        self._fill(
            "pickers",
            [
                (
                    p.name,
                    str(p.batch_id or "-"),
                    p.current_location or "-",
                    f"{p.picks_per_hour:.0f}",
                    str(p.picks_last_hour),
                    "-" if p.idle_minutes is None else f"{p.idle_minutes} min",
                )
                for p in pickers
            ],
            [f"picker:{p.name}" for p in pickers],
        )
        self._fill(
            "exceptions",
            [(e.kind, e.ref, e.detail, f"{e.at:%H:%M}") for e in snapshot.exceptions],
            [f"order:{e.order_id}" if e.order_id else f"x:{i}" for i, e in enumerate(snapshot.exceptions)],
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

    def show_results(self, hits: Sequence[SearchHit]) -> None:
        """The search's hits, focused so that the order actions apply to the row under the cursor."""
        table = self.query_one("#results", DataTable)
        table.clear()
        for i, hit in enumerate(hits):
            table.add_row(
                *row(hit.kind, hit.number, hit.status, hit.detail),
                key=f"order:{hit.order_id}" if hit.order_id else f"x:{i}",
            )
        self._rows.pop("results", None)
        if hits:
            table.focus()

    def open_search(self) -> None:
        self.query_one("#tabs", TabbedContent).active = "search-tab"
        self.query_one("#search", Input).focus()

    def selected(self, prefix: str, focused: Widget | None) -> str | None:
        """The id of the selected ``prefix`` row (``order:``, ``batch:``): the focused table's, else the first
        table that has one; None when the focused table's row is of another kind."""
        tables = [focused] if isinstance(focused, DataTable) else []
        tables += [self.query_one(f"#{name}", DataTable) for name in SELECTABLE]
        for table in tables:
            if table.row_count == 0:
                continue
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
            if key.startswith(prefix):
                return key[len(prefix) :]
            if table is focused:
                break
        return None
