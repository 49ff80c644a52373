"""A picker terminal in its own process (used by `pickpack bench live` and the live-queue tests), driving the
headless picking station (``app.stations.pick.PickEngine``, the engine the picker screen and `pickpack station
pick` use): claims the next batch, sets up totes and scans locations, items and totes, printing after every
committed scan the newest event id and the wall-clock time, one JSON object per line.

Usage: ``python -m app.bench.live_picker URL USER SCANS PAUSE_S``
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from app.bootstrap import load_layout
from app.config import load_config
from app.db.engine import make_engine
from app.db.unit_of_work import Database
from app.services import supervision, users
from app.services.picking import PickState
from app.stations.pick import PickEngine

ROOT = Path(__file__).resolve().parent.parent.parent


def next_scan(state: PickState, totes: int) -> str:
    """What a picker scans next at this point of the batch."""
    stop = state.stop
    if state.phase == "setup":
        return f"TOTE-{7000 + totes:04d}"
    assert stop is not None, f"nothing to scan in phase {state.phase}"
    if state.phase == "location":
        return stop.location
    if state.phase == "item":
        return stop.scan_code
    return stop.tote_code or ""


def main(url: str, name: str, scans: int, pause_s: float) -> None:
    config = load_config(ROOT / "config.toml", env={})
    db = Database(make_engine(url, busy_timeout_ms=30000))
    user = users.get_user(db, name)
    engine = PickEngine(db, load_layout(config), user, terminal="hh-live", badge_prefix=config.terminal.badge_prefix)
    claimed = engine.handle("!claim")
    assert claimed.ok and engine.state is not None, claimed.message
    done = totes = 0
    while done < scans and engine.state is not None and engine.state.phase not in ("finish", "done"):
        code = next_scan(engine.state, totes)
        totes += engine.state.phase == "setup"
        answer = engine.handle(code)
        assert answer.ok, answer.message
        print(json.dumps({"marker": supervision.change_marker(db), "at": time.time()}), flush=True)
        done += 1
        time.sleep(pause_s)
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
