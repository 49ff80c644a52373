"""Cart batching: group released orders into carts of N totes so that the walk per order is short.

Why this shape: a picker walking one cart route for several orders shares the long legs (to the back of the
warehouse, along the cross aisles) between them, so the only real decision is *which* orders ride together.
Orders never mix across carrier cut-offs (``cutoff_key``): a cart is finished for one truck. An order stays in
one tote, or takes several totes when its volume or weight does not fit one (``totes_needed``).

A cart never carries more than ``CartSpec.totes`` totes. An order too big for one cart is split into cart loads
(``Batch.part`` of ``Batch.parts``): its picks are laid out along their shortest walk and cut into consecutive
runs that each fill at most a cart, so every part covers a compact stretch of the warehouse and each part rides
alone. When the caller gives an order's picks (``BatchOrder.picks``), every tote of the result lists what goes
into it (``ToteAssignment.picks``), so the caller can put each pick into its tote and batch; a pick is kept whole
unless ``split_picks`` allows cutting it by units (the caller must then be able to split its reservation).

The method (``batch_orders``) is seed-and-greedy construction followed by local search, both measured with the
exact routing DP (``app.domain.routing``), which is fast enough for cart-sized pick lists:

1. seed a cart with the unbatched order whose own route is longest (the most remote work goes first), then add
   the order that lengthens the cart's route least; candidates are pre-screened by a cheap proximity score
   (how far each of the order's stops is from the cart's stops) and the best few are routed exactly;
2. improve by moving and swapping orders between carts of the same cut-off while that shortens the sum of
   routes, trying for each order only the carts it is close to; bounded by a time budget.

Baselines for the benchmark: ``single_order_batches`` (one order per trip), ``arrival_batches`` (fill carts in
arrival order) and ``seed_greedy_batches`` (step 1 alone). Everything is pure Python and deterministic for a
given seed and input.

The package: ``model`` (the inputs and results), ``totes`` (one order into totes and cart loads), ``context``
(per-call state and the finished batches), ``search`` (construction and local search), ``planning`` (the entry
points and baselines).
"""

from app.domain.batching.model import Batch, BatchOrder, CartSpec, PickPart, PickUnit, ToteAssignment, totes_needed
from app.domain.batching.planning import arrival_batches, batch_orders, seed_greedy_batches, single_order_batches

__all__ = [
    "Batch",
    "BatchOrder",
    "CartSpec",
    "PickPart",
    "PickUnit",
    "ToteAssignment",
    "arrival_batches",
    "batch_orders",
    "seed_greedy_batches",
    "single_order_batches",
    "totes_needed",
]
