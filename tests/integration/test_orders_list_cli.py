"""`pickpack orders list` at volume (issue 14): a streamed listing is one valid JSON array (the same bytes as
before), pages continue with ``--after``, and a page size below 1 is refused with exit 2 and nothing on stdout."""

from __future__ import annotations

import json

from sqlalchemy import insert

from app.db.engine import make_engine
from app.db.models import Order
from app.db.unit_of_work import Database
from tests.integration.test_cli import pickpack


def add_orders(db_url: str, count: int) -> None:
    db = Database(make_engine(db_url))
    try:
        with db.unit_of_work() as uow:
            uow.session.execute(
                insert(Order),
                [
                    {
                        "channel": "csv",
                        "external_id": f"S{k}",
                        "number": f"#S{k}",
                        "customer_name": 'Zoë "Quote" Ünïcode' if k % 5 == 0 else f"Customer {k}",
                        "status": ("new", "released", "on_hold")[k % 3],
                        "priority": float(k % 4),
                    }
                    for k in range(count)
                ],
            )
            uow.commit()
    finally:
        db.dispose()


def test_the_streamed_listing_is_valid_json_and_pages_cover_it_exactly(db_url: str) -> None:
    add_orders(db_url, 23)
    streamed = pickpack("orders", "list", "--json", db_url=db_url)
    assert streamed.returncode == 0, streamed.stderr
    whole = json.loads(streamed.stdout)
    assert len(whole) == 23 and sum(o["customer"] == 'Zoë "Quote" Ünïcode' for o in whole) == 5
    assert streamed.stdout == json.dumps(whole, indent=2, ensure_ascii=False) + "\n"  # emit_json's exact layout
    assert [(o["priority"], -o["id"]) for o in whole] == sorted(
        ((o["priority"], -o["id"]) for o in whole), reverse=True
    )

    paged: list[dict[str, object]] = []
    after: list[str] = []
    while True:
        result = pickpack("orders", "list", "--json", "--limit", "10", *after, db_url=db_url)
        assert result.returncode == 0, result.stderr
        page = json.loads(result.stdout)
        if not page:
            break
        paged.extend(page)
        after = ["--after", str(page[-1]["id"])]
    assert paged == whole

    released = json.loads(pickpack("orders", "list", "--status", "released", "--json", db_url=db_url).stdout)
    assert [o["id"] for o in released] == [o["id"] for o in whole if o["status"] == "released"]
    assert pickpack("orders", "list", "--status", "cancelled", "--json", db_url=db_url).stdout == "[]\n"


def test_a_page_below_one_order_or_an_unknown_cursor_is_refused(db_url: str) -> None:
    add_orders(db_url, 3)
    for args, says in ((["--limit", "0"], "--limit 0: must be at least 1"), (["--after", "999999"], "--after 999999")):
        result = pickpack("orders", "list", "--json", *args, db_url=db_url)
        assert result.returncode == 2 and result.stdout == "", (result.stdout, result.stderr)
        assert says in result.stderr
