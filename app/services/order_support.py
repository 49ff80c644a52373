"""Shim: the pieces that lived here moved to ``order_status``, ``order_lookup`` and ``order_priority``."""

from app.services.order_lookup import OrderSummary, find_order, order_by_ref, summary
from app.services.order_priority import default_ship_by, priority_for, priority_of
from app.services.order_status import StatusChange, lock_orders, log_created, order_subject, set_status, set_statuses

__all__ = [
    "OrderSummary",
    "StatusChange",
    "default_ship_by",
    "find_order",
    "lock_orders",
    "log_created",
    "order_by_ref",
    "order_subject",
    "priority_for",
    "priority_of",
    "set_status",
    "set_statuses",
    "summary",
]
