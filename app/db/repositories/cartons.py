"""The repository of cartons being packed and their items."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.models import Carton, CartonItem, OrderLine, Product
from app.db.repositories.base import Repository


class CartonRepository(Repository[Carton]):
    model = Carton

    def of_shipment(
        self, shipment_id: int, *, statuses: tuple[str, ...] = (), excluding: str | None = None
    ) -> list[Carton]:
        """The shipment's cartons in carton order, only of ``statuses`` (all if empty), without ``excluding``."""
        query = select(Carton).where(Carton.shipment_id == shipment_id)
        if len(statuses) == 1:
            query = query.where(Carton.status == statuses[0])
        elif statuses:
            query = query.where(Carton.status.in_(statuses))
        if excluding is not None:
            query = query.where(Carton.status != excluding)
        return list(self.session.scalars(query.order_by(Carton.seq)))

    def tracking_numbers(self, shipment_id: int) -> list[str | None]:
        """The tracking numbers of the shipment's labelled cartons, in carton order."""
        return list(
            self.session.scalars(
                select(Carton.tracking_number)
                .where(Carton.shipment_id == shipment_id, Carton.status == "labelled")
                .order_by(Carton.seq)
            )
        )

    def labelled_id(self, shipment_id: int, seq: int) -> int | None:
        """The id of the labelled carton number ``seq`` of a shipment (a print job names the carton by id)."""
        return self.session.scalar(
            select(Carton.id).where(Carton.shipment_id == shipment_id, Carton.seq == seq, Carton.status == "labelled")
        )

    def next_seq(self, shipment_id: int) -> int:
        """The number the shipment's next carton gets (1 for the first)."""
        return (self.session.scalar(select(func.max(Carton.seq)).where(Carton.shipment_id == shipment_id)) or 0) + 1

    # --- items ------------------------------------------------------------------------------------------

    def items(self, carton_id: int) -> list[CartonItem]:
        return list(self.session.scalars(select(CartonItem).where(CartonItem.carton_id == carton_id)))

    def item(self, carton_id: int, order_line_id: int) -> CartonItem | None:
        """The carton's units of one order line, if it holds any."""
        return self.session.scalar(
            select(CartonItem).where(CartonItem.carton_id == carton_id, CartonItem.order_line_id == order_line_id)
        )

    def add_item(self, item: CartonItem) -> CartonItem:
        self.session.add(item)
        return item

    def contents(self, carton_id: int) -> list[tuple[str, int]]:
        """(SKU, units) of the carton in order-line order: what the packer sees in it."""
        rows = self.session.execute(
            select(OrderLine.sku, CartonItem.qty)
            .join(OrderLine, CartonItem.order_line_id == OrderLine.id)
            .where(CartonItem.carton_id == carton_id)
            .order_by(OrderLine.line_no)
        )
        return [(sku, qty) for sku, qty in rows]

    def product_quantities(self, carton_id: int) -> list[tuple[int, Product]]:
        """(units, product) of every item in the carton: what the cartonization must fit into its box."""
        rows = self.session.execute(
            select(CartonItem.qty, Product)
            .join(OrderLine, CartonItem.order_line_id == OrderLine.id)
            .join(Product, OrderLine.product_id == Product.id)
            .where(CartonItem.carton_id == carton_id)
        ).all()
        return [(qty, product) for qty, product in rows]
