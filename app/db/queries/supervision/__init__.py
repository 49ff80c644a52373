"""The SQL behind the supervisor's screens and the simulator's looks at the floor, split by what each part reads.

- ``floor``: order and batch counts, open batches, pickers' activity, orders by carrier cut-off, the change marker;
- ``exceptions``: the events and order states that make the exceptions queue;
- ``kpis``: the shift's shipments, picked units and scan counts in a time window;
- ``search``: orders by tracking number, tote, number, SKU or customer;
- ``lookups``: small reads by name or id for the supervisor's actions, the simulator and the benchmarks.

Every function takes a ``Session`` and returns plain rows (named tuples or dataclasses); wording, thresholds and
the shape of the screens' read models stay in ``app.services.supervision``.
"""
