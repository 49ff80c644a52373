"""The `pickpack` command line as a user runs it: real processes, exit codes, JSON contracts, messages."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import ROOT, SAMPLES, demo_database, demo_output


def pickpack(
    *args: str,
    db_url: str | None = None,
    cwd: Path = ROOT,
    pin: str | None = None,
    process: bool = False,
    stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    """Run the command line as a user would: exit code, stdout and stderr. stdin is never a terminal here, so a
    command that signs in gets its PIN from ``pin`` (as ``PICKPACK_PIN``) or exits 2; an inherited PICKPACK_PIN
    never leaks in.

    In this process by default (``app.cli.main``, about a second cheaper per call than starting Python, the
    imports and the schema check again); ``process=True`` starts a real ``python -m app`` for the tests that are
    about the process itself (what reaches the terminal when things go wrong). ``stdin`` is what the command
    reads (in this process only).
    """
    argv = [*(["--db", db_url] if db_url else []), *args]
    env = {k: v for k, v in os.environ.items() if k != "PICKPACK_PIN"}
    if pin is not None:
        env["PICKPACK_PIN"] = pin
    if process:
        return subprocess.run(
            [sys.executable, "-m", "app", *argv],
            capture_output=True, text=True, cwd=cwd, timeout=120, env=env, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd, saved_stdin = dict(os.environ), Path.cwd(), sys.stdin
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.stdin = io.StringIO(stdin)  # not a terminal: no PIN prompt
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exited:  # argparse: --help (0) and usage errors (2)
                code = exited.code if isinstance(exited.code, int) else (0 if exited.code is None else 2)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        sys.stdin = saved_stdin
    return subprocess.CompletedProcess(["pickpack", *argv], code, out.getvalue(), err.getvalue())


def test_help_everywhere() -> None:
    for args in (
        [],
        ["init"],
        ["demo"],
        ["import"],
        ["import", "products"],
        ["import", "stock"],
        ["users", "add"],
        ["users", "list"],
        ["locations", "list"],
        ["stock", "show"],
        ["labels", "sheet"],
        ["terminal"],
        ["bench"],
    ):
        result = pickpack(*args, "--help")
        assert result.returncode == 0, (args, result.stderr)
        assert "usage: pickpack" in result.stdout


def test_bad_config_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("[terminal]\nscanner_sufix = 'enter'\n")
    result = pickpack("--config", str(bad), "init", process=True)  # a real process: no traceback reaches a user
    assert result.returncode == 2
    assert f"{bad}: terminal.scanner_sufix: unknown key" in result.stderr
    assert "Traceback" not in result.stderr
    missing = pickpack("--config", str(tmp_path / "absent.toml"), "init")
    assert missing.returncode == 2 and "configuration file not found" in missing.stderr
    bad.write_text("[paths]\nlayout = 'nowhere.toml'\n")
    result = pickpack("--config", str(bad), "--db", f"sqlite:///{tmp_path}/x.db", "init")
    assert result.returncode == 2 and "paths.layout: layout file not found" in result.stderr


def test_catalog_workflow(db_url: str, tmp_path: Path) -> None:
    init = pickpack("init", db_url=db_url)
    assert init.returncode == 0, init.stderr
    assert "0 created" in init.stderr  # the locations were already there: init is idempotent

    result = pickpack("import", "products", str(SAMPLES / "products.csv"), db_url=db_url)
    assert result.returncode == 0, result.stderr
    assert "10 created" in result.stderr
    result = pickpack("import", "stock", str(SAMPLES / "stock.csv"), db_url=db_url)
    assert result.returncode == 0 and "11 created" in result.stderr
    again = pickpack("import", "stock", str(SAMPLES / "stock.csv"), db_url=db_url)
    assert "0 created, 0 updated, 11 unchanged" in again.stderr

    shown = pickpack("stock", "show", "TEA-EARL-100", "--json", db_url=db_url)
    assert shown.returncode == 0
    assert json.loads(shown.stdout) == [
        {
            "location": "A02-07-L-3",
            "sku": "TEA-EARL-100",
            "qty": 20,
            "reserved": 0,
            "lot": "L2609C",
            "expiry": "2027-03-31",
        },
        {
            "location": "A02-07-L-2",
            "sku": "TEA-EARL-100",
            "qty": 30,
            "reserved": 0,
            "lot": "L2611A",
            "expiry": "2027-06-30",
        },
    ]
    unknown = pickpack("stock", "show", "NOPE", "--json", db_url=db_url)
    assert unknown.returncode == 2 and "no product with SKU 'NOPE'" in unknown.stderr

    bad = tmp_path / "stock.csv"
    bad.write_text("location,sku,qty\nA01-03-L-1,MUG-BLU-350,5\nA01-03-L-1,GHOST,1\nA01-03-L-1,MUG-RED-350,x\n")
    result = pickpack("import", "stock", str(bad), db_url=db_url)
    assert result.returncode == 2
    assert f"{bad}:3: sku: unknown SKU 'GHOST'" in result.stderr
    assert f"{bad}:4: qty: must be a whole number, got 'x'" in result.stderr
    assert "nothing imported" in result.stderr
    skip = pickpack("import", "stock", str(bad), "--skip-invalid", db_url=db_url)
    assert skip.returncode == 0 and "1 updated" in skip.stderr and "2 bad row(s) skipped" in skip.stderr
    mug = json.loads(pickpack("stock", "show", "MUG-BLU-350", "--json", db_url=db_url).stdout)
    assert mug[0]["qty"] == 5


def test_users_and_locations(db_url: str) -> None:
    first = pickpack("users", "add", "adam", "--role", "admin", "--badge", "BADGE-ADAM", "--pin", "4444", db_url=db_url)
    assert first.returncode == 0, first.stderr  # the first admin of an empty database needs no --user
    as_adam = ("--user", "adam")
    added = pickpack(
        "users", "add", "anna", "--role", "picker", "--badge", "BADGE-ANNA", "--pin", "2468", *as_adam,
        db_url=db_url, pin="4444",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    dup = pickpack(
        "users", "add", "anna", "--role", "picker", "--badge", "BADGE-ANNA2", "--pin", "2468", *as_adam,
        db_url=db_url, pin="4444",
    )  # fmt: skip
    assert dup.returncode == 2 and "already exists" in dup.stderr  # bad input, like every refusal of who/what
    bad_role = pickpack("users", "add", "x", "--role", "boss", "--badge", "B-1", "--pin", "1234", db_url=db_url)
    assert bad_role.returncode == 2 and "invalid choice: 'boss'" in bad_role.stderr
    listed = json.loads(pickpack("users", "list", "--json", db_url=db_url).stdout)
    assert [(u["name"], u["role"], u["badge"]) for u in listed] == [
        ("adam", "admin", "BADGE-ADAM"),
        ("anna", "picker", "BADGE-ANNA"),
    ]
    assert "pin" not in json.dumps(listed).lower()
    everyone = json.loads(pickpack("users", "list", "--all", "--json", db_url=db_url).stdout)
    assert ("system", "system") in [(u["name"], u["role"]) for u in everyone]

    reserve = json.loads(pickpack("locations", "list", "--kind", "reserve", "--json", db_url=db_url).stdout)
    assert len(reserve) == 80 and reserve[0]["code"] == "RES-01-01"
    picks = json.loads(pickpack("locations", "list", "--kind", "pick", "--json", db_url=db_url).stdout)
    assert len(picks) == 2400
    assert picks[0] == {
        "code": "A01-01-L-1",
        "kind": "pick",
        "aisle": 1,
        "bay": 1,
        "side": "L",
        "level": 1,
        "active": True,
    }


@pytest.mark.slow
def test_demo_seed_only_twice(request: pytest.FixtureRequest) -> None:
    url = demo_database(request, "sqlite")  # `demo --seed-only` on a fresh database, run once for the whole process
    first = demo_output("sqlite")
    assert "products 520 new" in first and "4 users added" in first
    second = pickpack("demo", "--seed-only", db_url=url)
    assert "products 0 new / 520 unchanged" in second.stderr and "0 users added" in second.stderr
    tea = json.loads(pickpack("stock", "show", "TEA-EARL-100", "--json", db_url=url).stdout)
    assert sum(row["qty"] for row in tea) == 50


def test_route_command_as_a_process(tmp_path: Path) -> None:
    layout = tmp_path / "small.toml"
    layout.write_text(
        '[layout]\nname = "Small"\naisles = 4\nblocks = 1\nbays_per_block = 10\nbay_width = 1.5\n'
        "aisle_spacing = 4.0\ncross_aisle_width = 2.0\nlevels = 2\n"
    )
    stdin = json.dumps({"locations": ["A04-10-L-1", "A01-02-R-2", "A02-05-L-1", "A01-02-L-1"]})
    result = subprocess.run(
        [sys.executable, "-m", "app", "route", "--layout", str(layout)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert sorted(answer["sequence"]) == sorted(json.loads(stdin)["locations"])
    assert answer["distance"] > 0
    bad = subprocess.run(
        [sys.executable, "-m", "app", "route", "--layout", str(layout)],
        input=json.dumps({"locations": ["A09-01-L-1", "nonsense"]}),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 2 and "A09-01-L-1" in bad.stderr and "nonsense" in bad.stderr


def test_batches_claim_headless(db_url: str) -> None:
    for name in ("products.csv", "stock.csv"):
        kind = "products" if name.startswith("products") else "stock"
        assert pickpack("import", kind, str(SAMPLES / name), db_url=db_url).returncode == 0
    assert pickpack("import", "orders", str(SAMPLES / "orders.csv"), db_url=db_url).returncode == 0
    pickpack("users", "add", "adam", "--role", "admin", "--badge", "BADGE-ADAM", "--pin", "4444", db_url=db_url)
    for name, role, pin in (("pia", "picker", "1111"), ("paul", "packer", "2222")):
        added = pickpack(
            "users", "add", name, "--role", role, "--badge", f"BADGE-{name.upper()}", "--pin", pin,
            "--user", "adam", db_url=db_url, pin="4444",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
    assert "batches planned" in pickpack("process", db_url=db_url).stderr
    claim = pickpack("batches", "claim", "--user", "pia", "--json", db_url=db_url, pin="1111")
    assert claim.returncode == 0, claim.stderr
    claimed = json.loads(claim.stdout)
    assert {"batch", "orders", "stops"} <= set(claimed) and claimed["stops"]
    assert all(stop["location"] and stop["sku"] for stop in claimed["stops"])
    again = json.loads(pickpack("batches", "claim", "--user", "pia", "--json", db_url=db_url, pin="1111").stdout)
    assert again["batch"] == claimed["batch"]  # the same picker resumes the same batch
    packer = pickpack("batches", "claim", "--user", "paul", "--json", db_url=db_url, pin="2222")
    assert packer.returncode == 2 and "may not pick" in packer.stderr
    no_pin = pickpack("batches", "claim", "--user", "pia", "--json", db_url=db_url)
    assert no_pin.returncode == 2 and "PICKPACK_PIN" in no_pin.stderr
