"""The simulator's drivers decide from a station's JSON answer alone: what a person sends next, and when and how
to make a deliberate mistake. Plain dicts stand in for the stations (issue 11)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from app.sim import contract, summary
from app.sim.drivers import Catalog, Move, PackDriver, PackJob, PickDriver, gs1_item, wrong_lot
from app.sim.floor import PackQueue
from app.sim.totes import FOREIGN_FIRST, TotePool

CATALOG = Catalog(
    gtins=(("MUG", "09520000010003"), ("TEA", "09520000010027"), ("KETTLE", "09520000010041")),
    empty_locations=("A09-01-L-1", "A09-02-L-1"),
    lots={"TEA": ("L2611A", "L2609C")},
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def stop(**over: Any) -> dict[str, Any]:
    base = {
        "seq": 3,
        "kind": "pick",
        "location": "A01-03-L-1",
        "sku": "MUG",
        "gtin": "09520000010003",
        "lot": None,
        "qty": 3,
        "qty_picked": 0,
        "qty_in_hand": 0,
        "slot": 1,
        "tote": "TOTE-2001",
        "order": "#D1001",
    }
    base.update(over)
    return base


def answer(expect: str | None, ok: bool = True, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"ok": ok, "message": "", "expect": expect, "batch": 7, "stop": None}
    base.update(over)
    return base


def picker(wrong: float = 0.0, short: float = 0.0, qty_key: float = 0.0, plain_lot: float = 0.0) -> PickDriver:
    pool = TotePool(random.Random(1), size=5, clock=Clock())
    return PickDriver(
        "sim-picker-1",
        random.Random(2),
        CATALOG,
        pool,
        wrong_rate=wrong,
        short_rate=short,
        qty_key_rate=qty_key,
        plain_lot_rate=plain_lot,
    )


# --- picking ---------------------------------------------------------------------------------------------------


def test_claim_and_wait_when_nothing_is_free() -> None:
    d = picker()
    first = d.next_move(answer("claim", batch=None))
    assert first == Move("!claim", "claim")
    d.observe(first, answer("claim", ok=False, batch=None))
    again = d.next_move(answer("claim", ok=False, batch=None))
    assert again.line == "!claim" and 0.5 <= again.wait_s <= 1.0
    d.observe(again, answer("tote", setup={"slot": 1, "slots": 2}))
    assert d.next_move(answer("done")).line == "!claim"


def test_cart_setup_takes_pool_totes_and_another_after_a_refusal() -> None:
    d = picker()
    setup = answer("tote", setup={"slot": 1, "slots": 2})
    move = d.next_move(setup)
    assert move.intent == "tote_setup" and move.line.startswith("TOTE-") and move.code == move.line
    d.observe(move, answer("tote", ok=False, message="TOTE is on batch 3", setup={"slot": 1, "slots": 2}))
    other = d.next_move(setup)
    assert other.line != move.line
    d.observe(other, answer("tote", setup={"slot": 2, "slots": 2}))
    # the accepted tote is on batch 7's cart: a wrong drop on batch 8 may use it, batch 7 never does
    assert d.totes.other_cart(8) == other.line
    assert d.totes.other_cart(7) != other.line


def test_a_right_walk_location_item_tote() -> None:
    d = picker()
    s = stop()
    assert d.next_move(answer("location", stop=s)) == Move("A01-03-L-1", "location")
    assert d.next_move(answer("item", stop=s)) == Move("09520000010003", "item")
    assert d.next_move(answer("tote", stop=stop(qty_picked=3, qty_in_hand=3))) == Move("TOTE-2001", "drop")


def test_lot_stops_send_gs1_or_the_plain_gtin_then_the_lot() -> None:
    s = stop(sku="TEA", gtin="09520000010027", lot="L2611A")
    gs1 = picker().next_move(answer("item", stop=s))
    assert gs1.line.removeprefix("]C1") == "010952000001002710L2611A" and gs1.fault is None
    plain = picker(plain_lot=1.0).next_move(answer("item", stop=s))
    assert plain.line == "09520000010027"
    lot = picker().next_move(answer("lot", stop=s))
    assert lot.line in ("L2611A", gs1_item("09520000010027", "L2611A")) and lot.intent == "lot"


def test_wrong_location_is_an_empty_shelf() -> None:
    move = picker(wrong=1.0).next_move(answer("location", stop=stop()))
    assert move.fault == "wrong_location" and move.line in CATALOG.empty_locations


def test_wrong_item_and_wrong_lot() -> None:
    d = picker(wrong=1.0)
    kinds = set()
    for _ in range(40):
        move = d.next_move(answer("item", stop=stop(sku="TEA", gtin="09520000010027", lot="L2611A")))
        kinds.add(move.fault)
        if move.fault == "wrong_item":
            assert move.line in ("09520000010003", "09520000010041")
        else:
            assert move.fault == "wrong_lot" and move.line == "010952000001002710L2609C"
    assert kinds == {"wrong_item", "wrong_lot"}
    at_lot = d.next_move(answer("lot", stop=stop(sku="TEA", gtin="09520000010027", lot="L2611A")))
    assert at_lot.fault == "wrong_lot" and at_lot.line == "L2609C"


def test_wrong_lot_without_another_lot_in_stock_changes_the_last_character() -> None:
    rng = random.Random(0)
    assert wrong_lot(rng, CATALOG, "HONEY", "H2608") == "H260Z"
    assert wrong_lot(rng, CATALOG, "HONEY", "H260Z") == "H260Y"


def test_wrong_drop_is_another_cart_tote_or_an_over_pick() -> None:
    d = picker(wrong=1.0)
    seen = set()
    for _ in range(30):
        move = d.next_move(answer("tote", stop=stop(qty_picked=3, qty_in_hand=3)))
        seen.add(move.fault)
        if move.fault == "wrong_tote":
            assert move.line != "TOTE-2001" and int(move.line[5:]) >= FOREIGN_FIRST  # no other cart known yet
        else:
            assert move.fault == "over_pick" and move.line == "09520000010003" and move.intent == "item"
    assert seen == {"wrong_tote", "over_pick"}


def test_short_right_after_the_location_scan_then_fewer_than_needed() -> None:
    d = picker(short=1.0)
    s = stop(qty=3, qty_picked=1, qty_in_hand=0)
    loc = d.next_move(answer("location", stop=s))
    d.observe(loc, answer("item", stop=s))
    short = d.next_move(answer("item", stop=s))
    assert short.intent == "short" and short.line.split()[0] == "!short"
    assert short.line.split()[1] in ("missing", "damaged", "empty")
    d.observe(short, answer("quantity", stop=s))
    qty = d.next_move(answer("quantity", stop=s))
    assert qty.intent == "short_qty" and qty.line.startswith("!qty ")
    assert 0 <= int(qty.line.split()[1]) < 2  # fewer than the 2 still needed
    if short.line.endswith("empty"):
        assert qty.line == "!qty 0"


def test_no_short_with_units_in_hand_or_away_from_the_shelf() -> None:
    d = picker(short=1.0)
    assert d.next_move(answer("item", stop=stop())).intent == "item"  # the location was not just scanned
    loc = d.next_move(answer("location", stop=stop()))
    d.observe(loc, answer("item", stop=stop()))
    assert d.next_move(answer("item", stop=stop(qty_picked=1, qty_in_hand=1))).intent == "item"
    put_back = stop(kind="put_back")
    d.observe(loc, answer("item", stop=put_back))
    assert d.next_move(answer("item", stop=put_back)).intent == "item"


def test_qty_key_only_after_the_item_was_scanned_at_this_stop() -> None:
    d = picker(qty_key=1.0)
    s = stop(qty=4)
    first = d.next_move(answer("item", stop=s))
    assert first.line == "09520000010003"
    after = stop(qty=4, qty_picked=1, qty_in_hand=1)
    d.observe(first, answer("item", stop=after))
    assert d.next_move(answer("item", stop=after)) == Move("!qty 3", "qty")
    assert d.next_move(answer("item", stop=stop(seq=4, qty=4))).line == "09520000010003"


def test_done_twice_for_the_same_batch_ends_it_by_hand() -> None:
    d = picker()
    claim = d.next_move(answer("done"))
    d.observe(claim, answer("done"))
    assert d.next_move(answer("done")) == Move("!finish", "finish")


def test_unusable_answers_ask_again_slowly() -> None:
    d = picker()
    move = d.next_move(answer(None, ok=False))
    assert move.line == "!claim" and move.wait_s >= 1.0
    assert d.next_move(answer("location", stop=None)).wait_s >= 1.0


# --- packing ---------------------------------------------------------------------------------------------------


class Shelf:
    def __init__(self, jobs: list[PackJob]) -> None:
        self.jobs = jobs
        self.released: list[str] = []
        self.refused_by: list[str] = []

    def take(self, packer: str) -> PackJob | None:
        return self.jobs[0] if self.jobs else None

    def release(self, packer: str) -> None:
        self.released.append(packer)

    def refused(self, packer: str) -> None:
        self.refused_by.append(packer)


def order(*lines: tuple[str, str, int, int]) -> dict[str, Any]:
    return {
        "number": "#S1-0001",
        "lines": [{"sku": s, "gtin": g, "lot": None, "qty": q, "qty_packed": p} for s, g, q, p in lines],
    }


def pack_answer(expect: str, ok: bool = True, **over: Any) -> dict[str, Any]:
    base = answer(expect, ok, batch=None, order=None, suggested_box=None, expected_weight_kg=None, shipment=None)
    base.update(over)
    return base


def packer(shelf: Shelf, wrong: float = 0.0) -> PackDriver:
    return PackDriver("sim-packer-1", random.Random(3), CATALOG, shelf, wrong_rate=wrong, named_box_rate=0.0)


def test_packer_takes_an_order_from_the_shelf_or_waits() -> None:
    idle = packer(Shelf([])).next_move(pack_answer("order"))
    assert idle.line == "" and 0.5 <= idle.wait_s <= 1.0
    move = packer(Shelf([PackJob(5, "#S1-0001", "TOTE-2003")])).next_move(pack_answer("order"))
    assert move.intent == "order" and move.line in ("TOTE-2003", "#S1-0001") and move.code == "5"
    by_number = packer(Shelf([PackJob(5, "#S1-0001", None)])).next_move(pack_answer("order"))
    assert by_number.line == "#S1-0001"


def test_packer_packs_what_is_left_then_box_weight_ship() -> None:
    shelf = Shelf([])
    d = packer(shelf)
    o = order(("MUG", "09520000010003", 2, 2), ("TEA", "09520000010027", 1, 0))
    assert d.next_move(pack_answer("item", order=o)) == Move("09520000010027", "item")
    assert d.next_move(pack_answer("box", order=o, suggested_box="BOX-S1")) == Move("!box", "box")
    assert d.next_move(pack_answer("weight", order=o, expected_weight_kg=0.62)).line == "!weight 0.62"
    ship = d.next_move(pack_answer("ship", order=o))
    assert ship == Move("!ship", "ship")
    d.observe(ship, pack_answer("order", shipment={"id": 1, "tracking_numbers": [], "sscc": []}))
    assert shelf.released == ["sim-packer-1"]


def test_packer_wrong_item_is_not_in_the_order_and_a_full_carton_is_closed() -> None:
    shelf = Shelf([])
    d = packer(shelf, wrong=1.0)
    o = order(("MUG", "09520000010003", 2, 0), ("TEA", "09520000010027", 1, 0))
    wrong = d.next_move(pack_answer("item", order=o))
    assert wrong.fault == "wrong_item" and wrong.line == "09520000010041"
    d.wrong_rate = 0.0
    right = d.next_move(pack_answer("item", order=o))
    d.observe(right, pack_answer("item", ok=False, order=o, message="Wrong scan: expected a carton with room"))
    assert d.next_move(pack_answer("item", order=o)) == Move("!close", "close")
    d.observe(Move("!close", "close"), pack_answer("weight", order=o, expected_weight_kg=1.0))
    assert d.next_move(pack_answer("item", order=o)).intent == "item"


def test_packer_gives_back_an_order_the_station_refused() -> None:
    shelf = Shelf([PackJob(5, "#S1-0001", "TOTE-2003")])
    d = packer(shelf)
    move = d.next_move(pack_answer("order"))
    d.observe(move, pack_answer("order", ok=False, message="short: waiting for a supervisor"))
    assert shelf.refused_by == ["sim-packer-1"]


# --- shared shelves ----------------------------------------------------------------------------------------------


def test_tote_pool_lends_each_code_once_and_takes_back_free_ones_after_a_grace() -> None:
    clock = Clock()
    pool = TotePool(random.Random(4), size=3, clock=clock)
    codes = {pool.take() for _ in range(3)}
    assert len(codes) == 3
    grown = pool.take()
    assert grown not in codes and pool.lent() == 4
    busy = sorted(codes)[0]
    assert pool.refresh({busy}) == 0  # too recent
    clock.now += 60
    assert pool.refresh({busy}) == 3 and pool.lent() == 1


def test_pack_queue_never_gives_one_order_to_two_packers() -> None:
    clock = Clock()
    jobs = [PackJob(1, "#A", "TOTE-1"), PackJob(2, "#B", "TOTE-2")]
    queue = PackQueue(lambda: jobs, random.Random(5), clock=clock)
    a, b = queue.take("p1"), queue.take("p2")
    assert a is not None and b is not None and a.order_id != b.order_id
    assert queue.take("p1") == a  # still p1's until released
    assert queue.take("p3") is None
    queue.refused("p1")
    assert queue.take("p3") is None  # cooling down after the refusal
    clock.now += 10
    assert queue.take("p3") == a


# --- the contract and the verdict --------------------------------------------------------------------------------


def test_contract_accepts_a_good_pick_answer_and_names_what_is_missing() -> None:
    assert contract.problems("pick", answer("location", stop=stop())) == []
    assert contract.problems("pick", answer("tote", setup={"slot": 1, "slots": 3})) == []
    assert contract.problems("pick", answer("claim", batch=None)) == []
    assert "cart set-up without setup {slot, slots}" in contract.problems("pick", answer("tote"))
    bad = stop()
    del bad["tote"]
    assert contract.problems("pick", answer("item", stop=bad)) == ["stop lacks 'tote'"]
    assert contract.problems("pick", {"ok": True}) == [
        "missing key 'message'",
        "missing key 'expect'",
        "missing key 'batch'",
        "missing key 'stop'",
    ]
    assert contract.problems("pick", answer("order")) == ["expect 'order' is not a pick expect value"]
    refused = answer(None, ok=False, batch=None)
    assert contract.problems("pick", refused, sign_in=True) == []
    assert contract.problems("pick", refused) == ["expect null after sign-in (the answer must say what comes next)"]


def test_contract_for_packing() -> None:
    o = order(("MUG", "09520000010003", 2, 0))
    assert contract.problems("pack", pack_answer("item", order=o)) == []
    assert contract.problems("pack", pack_answer("weight", order=o)) == ["expect 'weight' without expected_weight_kg"]
    assert contract.problems("pack", answer("order")) == [
        f"missing key {k!r} at packing" for k in ("order", "suggested_box", "expected_weight_kg", "shipment")
    ]
    assert contract.shipment_problems(pack_answer("order", shipment={"id": 1, "tracking_numbers": ["1Z"]})) == [
        "shipment lacks 'sscc'"
    ]
    assert contract.parse("not json") is None and contract.parse("[1]") is None


class FakeReport:
    def __init__(self, ok: bool) -> None:
        self.ok = ok

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [{"name": "x", "ok": self.ok, "count": 0 if self.ok else 1, "violations": []}]}


@pytest.mark.parametrize(
    ("counts", "audit_ok", "failed"),
    [
        ({}, True, []),
        ({"tracebacks": 1}, True, ["tracebacks"]),
        ({"wrong_scans_accepted": 2}, False, ["audit", "wrong_scans_accepted"]),
        ({"hangs": 1, "station_crashes": 1}, True, ["station_crashes", "hangs"]),
    ],
)
def test_summary_verdict(counts: dict[str, int], audit_ok: bool, failed: list[str]) -> None:
    snapshot = {
        "counts": counts,
        "faults": {},
        "refusals": {},
        "refusal_samples": {},
        "office": {},
        "findings": [],
        "finding_kinds": {},
    }
    meta = {
        "database": "sqlite",
        "duration_s": 1.0,
        "seed": 1,
        "pickers": 1,
        "packers": 1,
        "orders_shipped_db": 0,
    }
    out = summary.build(snapshot, FakeReport(audit_ok), meta)  # type: ignore[arg-type]
    assert out["failed_because"] == failed and out["ok"] is (not failed)
    for key in ("orders_shipped", "scans", "wrong_scans_injected", "wrong_scans_refused", "kills", "resumes"):
        assert out[key] == 0
    assert out["audit"]["ok"] is audit_ok
    assert "verdict" in summary.render(out)


def test_station_stderr_counts_each_traceback_once_with_its_chained_causes() -> None:
    import io

    from app.sim.station import StationProcess
    from app.sim.stats import Stats

    stats = Stats()
    station = StationProcess("pick:x", "pick", "x", {}, stats)
    text = (
        "warning: something\n"
        "Traceback (most recent call last):\n  File a\nValueError: inner\n\n"
        "The above exception was the direct cause of the following exception:\n\n"
        "Traceback (most recent call last):\n  File b\nRuntimeError: outer\n"
        "Traceback (most recent call last):\n  File c\nRuntimeError: outer\n"
    )
    station._read_stderr(io.StringIO(text))
    assert stats.get("tracebacks") == 2 and stats.get("stderr_lines") == text.count("\n")
    kinds = [f.kind for f in stats.findings]
    assert kinds == ["stderr_output", "traceback"]  # the second, identical traceback is only counted
    assert "ValueError: inner" in stats.findings[1].detail and stats.finding_kinds["traceback"] == 2


def test_qty_key_not_after_the_batch_was_freed_and_claimed_again() -> None:
    d = picker(qty_key=1.0)
    s = stop(qty=4)
    first = d.next_move(answer("item", stop=s))
    d.observe(first, answer("item", stop=stop(qty=4, qty_picked=1, qty_in_hand=1)))
    d.observe(Move("09520000010003", "item"), answer("claim", ok=False, batch=None, message="Batch 7 was freed"))
    d.observe(Move("!claim", "claim"), answer("location", stop=s))
    d.observe(Move("A01-03-L-1", "location"), answer("item", stop=s))
    assert d.next_move(answer("item", stop=s)).line == "09520000010003"  # the freed hands start again


def test_units_counted_and_same_work_for_the_double_count_check() -> None:
    from app.sim.worker import _same_work, _units

    before = answer("item", stop=stop(qty_picked=1))
    after = answer("item", stop=stop(qty_picked=3))
    assert _units("pick", after) - _units("pick", before) == 2 and _same_work("pick", before, after)
    assert not _same_work("pick", before, answer("item", stop=stop(seq=4)))
    o1 = order(("MUG", "09520000010003", 2, 0))
    o2 = order(("MUG", "09520000010003", 2, 1))
    assert _units("pack", pack_answer("item", order=o2)) == 1
    assert _same_work("pack", pack_answer("item", order=o1), pack_answer("box", order=o2))
