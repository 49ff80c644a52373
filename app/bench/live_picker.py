"""A picker terminal in its own process (used by `pickpack bench live` and the live-queue tests): claims the next
batch, sets up totes and scans locations and items, printing after every committed scan the newest event id
and the wall-clock time, one JSON object per line."""

from __future__ import annotations

import json
import sys
import time

from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.domain.actor import Actor
from app.services import picking, supervision, users


def main(url: str, name: str, scans: int, pause_s: float) -> None:
    db = Database(make_engine(url, busy_timeout_ms=30000))
    user = users.get_user(db, name)
    actor = Actor(user.name, "hh-live", user.id)
    state = picking.claim_batch(db, user, terminal="hh-live")
    assert state is not None, "no batch to pick"

    def report() -> None:
        marker = supervision.change_marker(db)
        print(json.dumps({"marker": marker, "at": time.time()}), flush=True)

    done = 0
    n = 0
    while done < scans and state.phase not in ("finish", "done"):
        if state.phase == "setup":
            code = f"TOTE-{7000 + n:04d}"
            n += 1
        elif state.phase == "location":
            code = state.stop.location  # type: ignore[union-attr]
        elif state.phase == "item":
            code = state.stop.scan_code  # type: ignore[union-attr]
        else:
            code = state.stop.tote_code or ""  # type: ignore[union-attr]
        result = picking.handle_scan(db, state.batch_id, code, actor=actor)
        assert result.accepted, result.message
        state = result.state
        report()
        done += 1
        time.sleep(pause_s)
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
