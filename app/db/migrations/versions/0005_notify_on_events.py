"""notify listeners when events are written (PostgreSQL); indexes for the supervisor screen

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 06:30:00

Every change in pickpack appends to the event log, so a statement-level trigger on ``events`` that calls
``pg_notify('pickpack_changes', ...)`` tells every LISTENing supervisor screen that something changed, as soon as
the writing transaction commits (NOTIFY is delivered on commit). SQLite has no NOTIFY: screens poll the newest
event id there, which is one indexed query.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OPEN = "status NOT IN ('shipped', 'cancelled')"


def upgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.create_index("ix_events_kind_at", ["kind", "at"], unique=False)
    with op.batch_alter_table("orders") as batch_op:
        batch_op.create_index(
            "ix_orders_open_ship_by",
            ["ship_by"],
            unique=False,
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )
    with op.batch_alter_table("order_lines") as batch_op:
        batch_op.create_index("ix_order_lines_sku", ["sku"], unique=False)
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.create_index("ix_print_jobs_status_updated", ["status", "updated_at"], unique=False)
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION pickpack_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('pickpack_changes', ''); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER events_notify_change AFTER INSERT ON events "
        "FOR EACH STATEMENT EXECUTE FUNCTION pickpack_notify_change()"
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_notify_change ON events")
        op.execute("DROP FUNCTION IF EXISTS pickpack_notify_change()")
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.drop_index("ix_print_jobs_status_updated")
    with op.batch_alter_table("order_lines") as batch_op:
        batch_op.drop_index("ix_order_lines_sku")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_index("ix_orders_open_ship_by")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_index("ix_events_kind_at")
