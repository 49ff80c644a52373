"""Packing and shipping in memory: shipments with their print records and counters, cartons with their items,
and ``FakeShippingReads`` (``uow.shipping_reads``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.db.models import Carton, CartonItem, Event, Order, OrderLine, PrintJobRecord, Product, Shipment, Tote
from tests.fakes.store import FakeRows, FakeStore

if TYPE_CHECKING:
    from tests.fakes.uow import FakeDatabase


class FakeShipmentRepository(FakeRows[Shipment]):
    model = Shipment

    def __init__(self, store: FakeStore) -> None:
        super().__init__(store)
        self.counters: dict[str, int] = {}

    def _of_order(self, order_id: int, *statuses: str) -> list[Shipment]:
        return self.store.rows(Shipment, lambda s: s.order_id == order_id and s.status in statuses)

    def current_for_order(self, order_id: int) -> Shipment | None:
        found = self._of_order(order_id, "packing", "shipped")
        return found[-1] if found else None

    def packing_for_order(self, order_id: int) -> Shipment | None:
        found = self._of_order(order_id, "packing")
        return found[0] if found else None

    def latest_shipped_id(self, order_id: int) -> int | None:
        found = self._of_order(order_id, "shipped")
        return found[-1].id if found else None

    def print_record(self, shipment_id: int, kind: str, carton_id: int | None) -> PrintJobRecord | None:
        found = self.store.rows(
            PrintJobRecord, lambda r: (r.shipment_id, r.kind, r.carton_id) == (shipment_id, kind, carton_id)
        )
        return found[0] if found else None

    def add_print_record(self, record: PrintJobRecord) -> PrintJobRecord:
        return self.store.add(record)

    def failed_prints(self, shipment_id: int) -> list[tuple[str, str]]:
        records = self.store.rows(PrintJobRecord, lambda r: r.shipment_id == shipment_id and r.status == "failed")
        return [(r.kind, r.detail) for r in records]

    def next_number(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]


class FakeCartonRepository(FakeRows[Carton]):
    model = Carton

    def __init__(self, store: FakeStore, lines: Callable[[], list[OrderLine]]) -> None:
        super().__init__(store)
        self._lines = lines
        """Every order line (they live with their orders in ``FakeOrderRepository``)."""

    def of_shipment(
        self, shipment_id: int, *, statuses: tuple[str, ...] = (), excluding: str | None = None
    ) -> list[Carton]:
        found = self.store.rows(
            Carton,
            lambda c: c.shipment_id == shipment_id and (not statuses or c.status in statuses) and c.status != excluding,
        )
        return sorted(found, key=lambda c: c.seq)

    def tracking_numbers(self, shipment_id: int) -> list[str | None]:
        return [c.tracking_number for c in self.of_shipment(shipment_id, statuses=("labelled",))]

    def labelled_id(self, shipment_id: int, seq: int) -> int | None:
        return next((c.id for c in self.of_shipment(shipment_id, statuses=("labelled",)) if c.seq == seq), None)

    def next_seq(self, shipment_id: int) -> int:
        return max((c.seq for c in self.of_shipment(shipment_id)), default=0) + 1

    def items(self, carton_id: int) -> list[CartonItem]:
        return self.store.rows(CartonItem, lambda i: i.carton_id == carton_id)

    def item(self, carton_id: int, order_line_id: int) -> CartonItem | None:
        return next((i for i in self.items(carton_id) if i.order_line_id == order_line_id), None)

    def add_item(self, item: CartonItem) -> CartonItem:
        return self.store.add(item)

    def _line(self, line_id: int) -> OrderLine:
        return next(x for x in self._lines() if x.id == line_id)

    def contents(self, carton_id: int) -> list[tuple[str, int]]:
        items = sorted(self.items(carton_id), key=lambda i: self._line(i.order_line_id).line_no)
        return [(self._line(i.order_line_id).sku, i.qty) for i in items]

    def product_quantities(self, carton_id: int) -> list[tuple[int, Product]]:
        result = []
        for item in self.items(carton_id):
            product = self.store.get(Product, self._line(item.order_line_id).product_id)
            assert product is not None
            result.append((item.qty, product))
        return result


class FakeShippingReads:
    """``uow.shipping_reads`` (``app.db.queries.shipping.ShippingReads``) over the fake database."""

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.store = db.store

    def _lines(self, order_id: int) -> list[OrderLine]:
        order = self.db.orders.get(order_id)
        return sorted(order.lines, key=lambda x: x.line_no) if order is not None else []

    def _product(self, line: OrderLine) -> Product | None:
        return self.store.get(Product, line.product_id)

    def picked_lots(self, order_id: int) -> dict[int, list[tuple[str, int]]]:
        lots: dict[int, list[tuple[str, int]]] = {}
        for line in self._lines(order_id):
            for a in line.allocations:
                lot = a.stock.lot if a.stock is not None else ""
                if a.qty_picked > 0 and lot:
                    lots.setdefault(line.id, []).append((lot, a.qty_picked))
        return lots

    def lines_with_gtins(self, order_id: int) -> list[tuple[OrderLine, str | None]]:
        return [(x, p.gtin if (p := self._product(x)) is not None else None) for x in self._lines(order_id)]

    def lines_with_products(self, order_id: int) -> list[tuple[OrderLine, Product | None]]:
        return [(x, self._product(x)) for x in self._lines(order_id)]

    def lines_of_known_products(self, order_id: int) -> list[tuple[OrderLine, Product]]:
        return [(x, p) for x, p in self.lines_with_products(order_id) if p is not None]

    def line_of_product(self, order_id: int, product_id: int) -> OrderLine | None:
        return next((x for x in self._lines(order_id) if x.product_id == product_id), None)

    def totes_at_packing(self, order_id: int) -> list[Tote]:
        return self.store.rows(Tote, lambda t: t.order_id == order_id and t.status == "packing")

    def last_packed_order_id(self, user_id: int) -> int | None:
        def packing(e: Event) -> bool:
            kind = e.kind.startswith("pack.") or e.kind == "order.status"
            return e.user_id == user_id and kind and e.subject.startswith("order:")

        found = [e for e in self.db.events if packing(e)]
        return int(found[-1].subject.split(":", 1)[1]) if found else None

    def shipments_with_order_numbers(self, order_id: int | None = None) -> list[tuple[Shipment, str]]:
        shipments = self.store.rows(Shipment, lambda s: order_id is None or s.order_id == order_id)
        return [(s, self._number(s.order_id)) for s in shipments]

    def _number(self, order_id: int) -> str:
        order = self.db.orders.get(order_id)
        return order.number if order is not None else ""

    def shipped_with_orders(self, carrier: str) -> list[tuple[Shipment, Order]]:
        shipped = self.store.rows(Shipment, lambda s: s.carrier == carrier and s.status == "shipped")
        return [(s, order) for s in shipped if (order := self.db.orders.get(s.order_id)) is not None]
