"""order listing and supervisor snapshot at volume: keyset indexes, orders.status_changed_at

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 20:30:00

``orders list --limit/--after`` walks ``ix_orders_listing`` (priority descending, id) from the cursor instead of
sorting every order; the release queue and ``--status`` pages walk ``ix_orders_status_listing``, which replaces
``ix_orders_status_priority`` (its prefix). ``status_changed_at`` dates an order's last status change, so the
supervisor's "stuck since" is one index range (``ix_orders_status_changed``), not a search of the event log per
order; existing orders take their newest ``order.status`` event (else ``updated_at``). The "at risk" list reads
each service level's open orders by ship-by day from ``ix_orders_open_level_ship_by`` and stops at its limit.
``priority_scored_at`` lets a ``process`` pass re-score only the orders whose score the clock moved (scored an
hour or more ago, ``ix_orders_status_scored``) instead of every open order on every pass; existing orders count
as never scored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status NOT IN ('shipped', 'cancelled')"


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("status_changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("priority_scored_at", sa.DateTime(), nullable=True))
    _backfill_status_changed_at()
    op.execute("UPDATE orders SET priority_scored_at = '1970-01-01 00:00:00'")  # never: the next pass scores it
    with op.batch_alter_table("orders") as batch_op:
        batch_op.alter_column("status_changed_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column("priority_scored_at", existing_type=sa.DateTime(), nullable=False)
    # plain CREATE INDEX (not batch mode: SQLite's table copy cannot reflect a descending key)
    op.drop_index("ix_orders_status_priority", table_name="orders")
    op.create_index("ix_orders_listing", "orders", [sa.text("priority DESC"), "id"], unique=False)
    op.create_index("ix_orders_status_listing", "orders", ["status", sa.text("priority DESC"), "id"], unique=False)
    op.create_index("ix_orders_status_changed", "orders", ["status", "status_changed_at", "id"], unique=False)
    op.create_index("ix_orders_status_scored", "orders", ["status", "priority_scored_at"], unique=False)
    op.create_index(
        "ix_orders_open_level_ship_by",
        "orders",
        ["service_level", "ship_by", "id"],
        unique=False,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def _backfill_status_changed_at() -> None:
    """Newest ``order.status`` event per order, grouped once into a keyed scratch table (a correlated search of
    the log per order is what this column replaces), else ``updated_at``."""
    op.create_table(
        "tmp_last_status_change",
        sa.Column("subject", sa.String(128), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO tmp_last_status_change (subject, at) "
        "SELECT subject, MAX(at) FROM events WHERE kind = 'order.status' GROUP BY subject"
    )
    op.execute(
        "UPDATE orders SET status_changed_at = COALESCE((SELECT t.at FROM tmp_last_status_change t "
        "WHERE t.subject = 'order:' || CAST(orders.id AS VARCHAR(20))), updated_at)"
    )
    op.drop_table("tmp_last_status_change")


def downgrade() -> None:
    op.drop_index("ix_orders_open_level_ship_by", table_name="orders")
    op.drop_index("ix_orders_status_scored", table_name="orders")
    op.drop_index("ix_orders_status_changed", table_name="orders")
    op.drop_index("ix_orders_status_listing", table_name="orders")
    op.drop_index("ix_orders_listing", table_name="orders")
    op.create_index("ix_orders_status_priority", "orders", ["status", "priority"], unique=False)
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("priority_scored_at")
        batch_op.drop_column("status_changed_at")
