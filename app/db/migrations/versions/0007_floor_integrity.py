"""floor integrity: inventory ledger, cancelled batches and stops, put-back totes, short approvals, system user

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00

Existing stock gets one ``opening`` move per row, so on hand equals the ledger from the first day.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stock_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("ref", sa.String(length=128), nullable=False),
        sa.CheckConstraint("qty <> 0", name=op.f("ck_stock_moves_qty_non_zero")),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"], name=op.f("fk_stock_moves_location_id_locations")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_stock_moves_product_id_products")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_stock_moves_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_moves")),
    )
    op.create_index("ix_stock_moves_product", "stock_moves", ["product_id", "id"])
    op.create_index("ix_stock_moves_place", "stock_moves", ["location_id", "product_id", "lot"])
    op.execute(
        "INSERT INTO stock_moves (at, product_id, location_id, lot, qty, reason, actor, user_id, ref) "
        "SELECT received_at, product_id, location_id, lot, quantity_on_hand, 'opening', 'system', NULL, "
        "'stock before the ledger' FROM stock WHERE quantity_on_hand <> 0"
    )

    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("short_pending", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("putback_tasks") as batch_op:
        batch_op.add_column(sa.Column("tote_code", sa.String(length=32), nullable=False, server_default=""))
    with op.batch_alter_table("cartons") as batch_op:
        batch_op.add_column(sa.Column("pack_step", sa.String(length=8), nullable=False, server_default="open"))
    with op.batch_alter_table("pick_tasks") as batch_op:
        batch_op.add_column(sa.Column("qty_awaiting_lot", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("item_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("lot_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("tote_code", sa.String(length=32), nullable=False, server_default=""))
        batch_op.drop_constraint(op.f("ck_pick_tasks_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_pick_tasks_status_known"), sa.text("status IN ('open', 'done', 'short', 'cancelled')")
        )
        batch_op.drop_constraint(op.f("ck_pick_tasks_no_over_pick"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_pick_tasks_no_over_pick"), sa.text("qty_in_hand + qty_picked + qty_awaiting_lot <= qty")
        )
    with op.batch_alter_table("batches") as batch_op:
        batch_op.add_column(sa.Column("split_of", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_batches_split_of_orders"), "orders", ["split_of"], ["id"])
        batch_op.drop_constraint(op.f("ck_batches_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_batches_status_known"), sa.text("status IN ('ready', 'picking', 'done', 'cancelled')")
        )
    with op.batch_alter_table("order_lines") as batch_op:
        batch_op.drop_constraint(op.f("ck_order_lines_qty_positive"), type_="check")
        batch_op.create_check_constraint(op.f("ck_order_lines_qty_positive"), sa.text("qty_ordered >= 0"))
    with op.batch_alter_table("totes") as batch_op:
        batch_op.drop_constraint(op.f("ck_totes_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_totes_status_known"), sa.text("status IN ('free', 'picking', 'packing', 'putback')")
        )
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_users_role_known"), sa.text("role IN ('picker', 'packer', 'supervisor', 'admin', 'system')")
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_users_role_known"), sa.text("role IN ('picker', 'packer', 'supervisor', 'admin')")
        )
    with op.batch_alter_table("totes") as batch_op:
        batch_op.drop_constraint(op.f("ck_totes_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_totes_status_known"), sa.text("status IN ('free', 'picking', 'packing')")
        )
    with op.batch_alter_table("batches") as batch_op:
        batch_op.drop_constraint(op.f("fk_batches_split_of_orders"), type_="foreignkey")
        batch_op.drop_column("split_of")
        batch_op.drop_constraint(op.f("ck_batches_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_batches_status_known"), sa.text("status IN ('ready', 'picking', 'done')")
        )
    with op.batch_alter_table("order_lines") as batch_op:
        batch_op.drop_constraint(op.f("ck_order_lines_qty_positive"), type_="check")
        batch_op.create_check_constraint(op.f("ck_order_lines_qty_positive"), sa.text("qty_ordered > 0"))
    with op.batch_alter_table("pick_tasks") as batch_op:
        batch_op.drop_constraint(op.f("ck_pick_tasks_no_over_pick"), type_="check")
        batch_op.create_check_constraint(op.f("ck_pick_tasks_no_over_pick"), sa.text("qty_in_hand + qty_picked <= qty"))
        batch_op.drop_constraint(op.f("ck_pick_tasks_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_pick_tasks_status_known"), sa.text("status IN ('open', 'done', 'short')")
        )
        for column in ("tote_code", "lot_confirmed", "item_confirmed", "qty_awaiting_lot"):
            batch_op.drop_column(column)
    with op.batch_alter_table("putback_tasks") as batch_op:
        batch_op.drop_column("tote_code")
    with op.batch_alter_table("cartons") as batch_op:
        batch_op.drop_column("pack_step")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("short_pending")
    op.drop_index("ix_stock_moves_place", table_name="stock_moves")
    op.drop_index("ix_stock_moves_product", table_name="stock_moves")
    op.drop_table("stock_moves")
