"""Identity on the command line: the role policy, ``--user`` + PIN, refusals that change nothing, the first admin,
and the built-in system user. The CLI runs in-process (``app.cli.main``) with stdin that is not a terminal."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.db.engine import make_engine
from app.db.models import Event, Order, User
from app.db.unit_of_work import Database
from app.domain import roles
from app.services import users
from tests.conftest import ROOT, SAMPLES

# --- the role policy (pure) ----------------------------------------------------------------------------


EXPECTED_POLICY: dict[str, set[str]] = {
    "orders.hold": {"supervisor", "admin"},
    "orders.unhold": {"supervisor", "admin"},
    "orders.cancel": {"supervisor", "admin"},
    "orders.edit": {"supervisor", "admin"},
    "orders.priority": {"supervisor", "admin"},
    "cartons.approve_weight": {"supervisor", "admin"},
    "orders.approve_short": {"supervisor", "admin"},
    "batches.claim": {"picker", "supervisor", "admin"},
    "batches.release": {"supervisor", "admin"},
    "batches.reassign": {"supervisor", "admin"},
    "shipments.void": {"packer", "supervisor", "admin"},
    "users.unlock": {"admin"},
    "users.disable": {"admin"},
    "station.pick": {"picker", "supervisor", "admin"},
    "station.count": {"picker", "supervisor", "admin"},
    "station.pack": {"packer", "supervisor", "admin"},
    "station.receive": {"packer", "supervisor", "admin"},
    "station.returns": {"packer", "supervisor", "admin"},
    # checked by the services themselves (app.services.authz) on every step
    "batches.pick": {"picker", "supervisor", "admin"},
    "orders.pack": {"packer", "supervisor", "admin"},
    "shipments.book": {"packer", "supervisor", "admin"},
    # automation: the built-in system user may run these (and the people listed)
    "orders.process": {"supervisor", "admin", "system"},
    "batches.wave": {"supervisor", "admin", "system"},
    "shipments.print": {"packer", "supervisor", "admin", "system"},
    "users.add": {"admin", "system"},
    "orders.import": {"system"},
    "products.import": {"system"},
    "stock.import": {"system"},
    "setup.init": {"system"},
    "demo.seed": {"system"},
}
"""The policy as the task and the conventions state it, written out again so a change to roles.py shows here.
``system`` in a set means the rule is marked ``automation``: the built-in system user may run it."""


@pytest.mark.parametrize(("action", "allowed"), EXPECTED_POLICY.items())
def test_policy_table(action: str, allowed: set[str]) -> None:
    for role in ("picker", "packer", "supervisor", "admin", "system"):
        assert roles.may(role, action) is (role in allowed), (role, action)
    assert roles.rule(action).roles == allowed - {"system"}
    assert roles.rule(action).automation is ("system" in allowed)


def test_every_policy_action_is_tested() -> None:
    assert set(EXPECTED_POLICY) == set(roles.POLICY)


def test_policy_refusal_names_who_may() -> None:
    assert roles.refusal("pia", "picker", "orders.hold") == "pia (picker) may not hold orders: supervisor, admin only"
    assert (
        roles.refusal("paul", "packer", "batches.claim") == "paul (packer) may not pick: picker, supervisor, admin only"
    )
    assert roles.refusal("sofia", "supervisor", "orders.hold") is None
    assert (
        roles.refusal("system", "system", "batches.pick")
        == "system (system) may not pick: picker, supervisor, admin only"
    )
    assert roles.refusal("adam", "admin", "orders.import") == (
        "adam (admin) may not import orders: automation only (the built-in system user)"
    )
    automation = {action for action in roles.POLICY if roles.may("system", action)}
    assert automation == {action for action, allowed in EXPECTED_POLICY.items() if "system" in allowed}
    with pytest.raises(roles.UnknownAction):
        roles.may("admin", "orders.delete")


# --- the command line ----------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``cli(*args, pin=...)`` runs ``pickpack --db URL ...`` in-process; ``pin`` goes to PICKPACK_PIN."""

    def run(*args: str, pin: str | None = None) -> Run:
        monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: no prompt
        if pin is None:
            monkeypatch.delenv("PICKPACK_PIN", raising=False)
        else:
            monkeypatch.setenv("PICKPACK_PIN", pin)
        capsys.readouterr()
        code = main(["--config", str(ROOT / "config.toml"), "--db", db_url, *args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def database(db_url: str):  # type: ignore[no-untyped-def]
    database = Database(make_engine(db_url))
    yield database
    database.dispose()


def _add_staff(cli: Callable[..., Run]) -> None:
    """adam (admin, the first one: no --user), then sofia, pia and paul added by adam."""
    first = cli("users", "add", "adam", "--role", "admin", "--badge", "BADGE-ADAM", "--pin", "4444")
    assert first.code == 0, first.err
    for name, role, pin in (("sofia", "supervisor", "3333"), ("pia", "picker", "1111"), ("paul", "packer", "2222")):
        added = cli(
            "users", "add", name, "--role", role, "--badge", f"BADGE-{name.upper()}", "--pin", pin,
            "--user", "adam", pin="4444",
        )  # fmt: skip
        assert added.code == 0, added.err


def _load_orders(cli: Callable[..., Run]) -> None:
    for kind, name in (("products", "products.csv"), ("stock", "stock.csv"), ("orders", "orders.csv")):
        result = cli("import", kind, str(SAMPLES / name))
        assert result.code == 0, result.err


def _status_events(database: Database, number: str) -> list[tuple[str, str, int | None]]:
    with database.unit_of_work(readonly=True) as uow:
        order_id = uow.session.scalar(select(Order.id).where(Order.number == number))
        return [
            (e.data["to"], e.actor, e.user_id)
            for e in uow.session.scalars(
                select(Event)
                .where(Event.subject == f"order:{order_id}", Event.kind == "order.status")
                .order_by(Event.id)
            )
        ]


def _user_id(database: Database, name: str) -> int:
    with database.unit_of_work(readonly=True) as uow:
        found = uow.session.scalar(select(User.id).where(User.name == name))
        assert found is not None
        return found


def test_first_admin_bootstrap_then_admins_only(cli: Callable[..., Run], database: Database) -> None:
    early = cli("users", "add", "pia", "--role", "picker", "--badge", "BADGE-PIA", "--pin", "1111")
    assert early.code == 2 and "no admin yet" in early.err
    first = cli("users", "add", "adam", "--role", "admin", "--badge", "BADGE-ADAM", "--pin", "4444")
    assert first.code == 0 and "first admin" in first.err
    second = cli("users", "add", "eve", "--role", "admin", "--badge", "BADGE-EVE", "--pin", "6666")
    assert second.code == 2 and "--user" in second.err
    added = cli(
        "users", "add", "sofia", "--role", "supervisor", "--badge", "BADGE-SOFIA", "--pin", "3333",
        "--user", "adam", pin="4444",
    )  # fmt: skip
    assert added.code == 0, added.err
    by_sofia = cli(
        "users", "add", "eve", "--role", "admin", "--badge", "BADGE-EVE", "--pin", "6666", "--user", "sofia", pin="3333"
    )
    assert by_sofia.code == 2 and "sofia (supervisor) may not add users: admin only" in by_sofia.err
    listed = json.loads(cli("users", "list", "--json").out)
    assert [u["name"] for u in listed] == ["adam", "sofia"]
    with database.unit_of_work(readonly=True) as uow:
        added_by = {
            e.subject: (e.actor, e.user_id)
            for e in uow.session.scalars(select(Event).where(Event.kind == "user.added"))
        }
        system_id = users.system_user_id(uow.session)
    assert added_by["user:adam"] == ("system", system_id) and system_id is not None
    assert added_by["user:sofia"] == ("adam", _user_id(database, "adam"))


def test_a_picker_cannot_hold_a_supervisor_can(cli: Callable[..., Run], database: Database) -> None:
    _add_staff(cli)
    _load_orders(cli)
    before = _status_events(database, "C-5002")
    assert before and before[-1][0] in ("allocated", "backordered", "new")
    assert {who for _, who, _ in before} == {"system"}  # imports act as the system user, with its id
    assert {uid for _, _, uid in before} == {users.system_actor(database).user_id}

    refused = cli("orders", "hold", "C-5002", "--reason", "address check", "--user", "pia", pin="1111")
    assert refused.code == 2 and "pia (picker) may not hold orders" in refused.err
    assert _status_events(database, "C-5002") == before  # order unchanged, no status event
    shown = json.loads(cli("orders", "show", "C-5002", "--json").out)
    assert shown["status"] == before[-1][0]

    held = cli("orders", "hold", "C-5002", "--reason", "address check", "--user", "sofia", pin="3333")
    assert held.code == 0, held.err
    after = _status_events(database, "C-5002")
    assert after[-1] == ("on_hold", "sofia", _user_id(database, "sofia"))
    shown = json.loads(cli("orders", "show", "C-5002", "--json").out)
    assert shown["status"] == "on_hold" and shown["events"][-1]["by"] == "sofia"

    unheld = cli("orders", "unhold", "C-5002", "--user", "sofia", pin="3333")
    assert unheld.code == 0, unheld.err
    assert _status_events(database, "C-5002")[-1][1:] == ("sofia", _user_id(database, "sofia"))


def test_missing_pin_without_a_terminal_exits_2_and_writes_nothing(cli: Callable[..., Run], database: Database) -> None:
    _add_staff(cli)
    _load_orders(cli)
    with database.unit_of_work(readonly=True) as uow:
        events_before = len(uow.session.scalars(select(Event.id)).all())
    result = cli("orders", "hold", "C-5002", "--reason", "x", "--user", "sofia")
    assert result.code == 2 and "PICKPACK_PIN" in result.err
    with database.unit_of_work(readonly=True) as uow:
        assert len(uow.session.scalars(select(Event.id)).all()) == events_before


def test_pin_prompt_on_a_terminal(
    cli: Callable[..., Run],
    database: Database,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _add_staff(cli)
    _load_orders(cli)

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "3333")
    monkeypatch.setattr("sys.stdin", Tty(""))
    monkeypatch.delenv("PICKPACK_PIN", raising=False)
    args = ["orders", "hold", "C-5002", "--reason", "by prompt", "--user", "sofia"]
    code = main(["--config", str(ROOT / "config.toml"), "--db", db_url, *args])
    assert code == 0, capsys.readouterr().err
    assert asked == ["PIN for sofia: "]
    assert _status_events(database, "C-5002")[-1][:2] == ("on_hold", "sofia")


def test_wrong_pin_lockout_unlock_and_disable(cli: Callable[..., Run], database: Database) -> None:
    _add_staff(cli)
    _load_orders(cli)
    before = _status_events(database, "C-5002")
    for _ in range(users.MAX_PIN_FAILURES):
        wrong = cli("orders", "hold", "C-5002", "--reason", "x", "--user", "sofia", pin="0000")
        assert wrong.code == 2 and "wrong user name or PIN" in wrong.err
    locked = cli("orders", "hold", "C-5002", "--reason", "x", "--user", "sofia", pin="3333")
    assert locked.code == 2 and "sofia is locked" in locked.err
    assert _status_events(database, "C-5002") == before
    unknown = cli("orders", "hold", "C-5002", "--reason", "x", "--user", "ghost", pin="3333")
    assert unknown.code == 2 and "wrong user name or PIN" in unknown.err

    by_pia = cli("users", "unlock", "sofia", "--user", "pia", pin="1111")
    assert by_pia.code == 2 and "may not unlock users" in by_pia.err
    unlocked = cli("users", "unlock", "sofia", "--user", "adam", pin="4444")
    assert unlocked.code == 0 and "sofia unlocked" in unlocked.err
    held = cli("orders", "hold", "C-5002", "--reason", "x", "--user", "sofia", pin="3333")
    assert held.code == 0, held.err

    disabled = cli("users", "disable", "sofia", "--user", "adam", pin="4444")
    assert disabled.code == 0, disabled.err
    gone = cli("orders", "unhold", "C-5002", "--user", "sofia", pin="3333")
    assert gone.code == 2 and "sofia is disabled" in gone.err
    with database.unit_of_work(readonly=True) as uow:
        kinds = [
            e.kind
            for e in uow.session.scalars(select(Event).where(Event.subject == "user:sofia").order_by(Event.id))
            if e.kind != "user.sign_in_refused"
        ]
        locks = uow.session.scalars(select(Event).where(Event.kind.in_(("user.unlocked", "user.disabled")))).all()
        assert {(e.kind, e.actor) for e in locks} == {("user.unlocked", "adam"), ("user.disabled", "adam")}
    assert kinds == [
        "user.added", "user.locked", "user.unlocked", "user.signed_in", "user.disabled",
    ]  # fmt: skip


def test_the_system_user_cannot_act_on_the_command_line(cli: Callable[..., Run], database: Database) -> None:
    assert cli("init").code == 0
    listed = json.loads(cli("users", "list", "--all", "--json").out)
    assert [(u["name"], u["role"]) for u in listed] == [("system", "system")]
    _add_staff(cli)
    _load_orders(cli)
    for pin in ("0000", "!", ""):
        refused = cli("orders", "hold", "C-5002", "--reason", "x", "--user", "system", pin=pin)
        assert refused.code == 2
        assert ("system user cannot sign in" in refused.err) or ("PICKPACK_PIN" in refused.err and pin == "")


def test_batch_commands_follow_the_policy(cli: Callable[..., Run], database: Database) -> None:
    _add_staff(cli)
    _load_orders(cli)
    assert cli("process").code == 0
    by_packer = cli("batches", "claim", "--user", "paul", "--json", pin="2222")
    assert by_packer.code == 2 and "paul (packer) may not pick" in by_packer.err
    claim = cli("batches", "claim", "--user", "pia", "--json", pin="1111")
    assert claim.code == 0, claim.err
    batch = json.loads(claim.out)["batch"]
    with database.unit_of_work(readonly=True) as uow:
        claim_events = [
            (e.actor, e.user_id) for e in uow.session.scalars(select(Event).where(Event.subject == f"batch:{batch}"))
        ]
    assert ("pia", _user_id(database, "pia")) in claim_events
    assert set(claim_events) <= {("pia", _user_id(database, "pia")), ("system", users.system_actor(database).user_id)}

    release_by_pia = cli("batches", "release", str(batch), "--force", "--user", "pia", pin="1111")
    assert release_by_pia.code == 2 and "may not release batches" in release_by_pia.err
    too_soon = cli("batches", "release", str(batch), "--user", "sofia", pin="3333")
    assert too_soon.code == 1 and "release allowed after" in too_soon.err
    released = cli("batches", "release", str(batch), "--force", "--user", "sofia", pin="3333")
    assert released.code == 0, released.err
    reassign_by_paul = cli("batches", "reassign", str(batch), "--to", "pia", "--user", "paul", pin="2222")
    assert reassign_by_paul.code == 2 and "may not reassign batches" in reassign_by_paul.err
    reassigned = cli("batches", "reassign", str(batch), "--to", "pia", "--user", "sofia", pin="3333")
    assert reassigned.code == 0, reassigned.err
    with database.unit_of_work(readonly=True) as uow:
        sofia_did = {
            e.kind
            for e in uow.session.scalars(select(Event).where(Event.subject == f"batch:{batch}"))
            if e.user_id == _user_id(database, "sofia")
        }
    assert "batch.reassigned" in sofia_did and sofia_did - {"batch.reassigned"}  # the release, too


def test_order_priority_and_refusals_of_other_commands(cli: Callable[..., Run], database: Database) -> None:
    _add_staff(cli)
    _load_orders(cli)
    by_pia = cli("orders", "priority", "C-5002", "--set", "999", "--user", "pia", pin="1111")
    assert by_pia.code == 2 and "may not change priorities" in by_pia.err
    pinned = cli("orders", "priority", "C-5002", "--set", "999", "--user", "sofia", pin="3333")
    assert pinned.code == 0, pinned.err
    listed = json.loads(cli("orders", "list", "--json").out)
    assert listed[0]["number"] == "C-5002" and listed[0]["priority"] == 999
    cleared = cli("orders", "priority", "C-5002", "--clear", "--user", "sofia", pin="3333")
    assert cleared.code == 0, cleared.err
    assert next(o for o in json.loads(cli("orders", "list", "--json").out) if o["number"] == "C-5002")["priority"] < 999
    with database.unit_of_work(readonly=True) as uow:
        set_by = {
            (e.actor, e.user_id) for e in uow.session.scalars(select(Event).where(Event.kind == "order.priority_set"))
        }
    assert set_by == {("sofia", _user_id(database, "sofia"))}

    for args, what in (
        (("orders", "approve-short", "C-5002", "--rest", "backorder"), "approve short shipments"),
        (("orders", "cancel", "C-5002", "--reason", "x"), "cancel orders"),
        (("orders", "edit", "C-5002", "--service", "express"), "edit orders"),
        (("shipments", "void", "1", "--reason", "x"), "void shipments"),
        (("users", "disable", "paul"), "disable users"),
    ):
        refused = cli(*args, "--user", "pia", pin="1111")
        assert refused.code == 2 and f"pia (picker) may not {what}" in refused.err, refused.err


def test_by_is_gone(cli: Callable[..., Run]) -> None:
    for args in (
        ("orders", "hold", "C-5002", "--reason", "x", "--by", "sofia"),
        ("batches", "release", "1", "--by", "sofia"),
        ("shipments", "void", "1", "--reason", "x", "--by", "sofia"),
        ("shipments", "reprint", "1", "--by", "sofia"),
    ):
        with pytest.raises(SystemExit) as exited:
            cli(*args)
        assert exited.value.code == 2


def test_help_of_the_signed_in_commands(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (
        ["orders", "hold"],
        ["orders", "priority"],
        ["orders", "approve-short"],
        ["orders", "approve-weight"],
        ["batches", "release"],
        ["batches", "reassign"],
        ["shipments", "void"],
        ["users", "add"],
        ["users", "unlock"],
        ["users", "disable"],
    ):
        with pytest.raises(SystemExit) as exited:
            main([*args, "--help"])
        assert exited.value.code == 0
        out = capsys.readouterr().out
        assert "--user NAME" in out and "PICKPACK_PIN" in out and "--by" not in out, args


SIGNED_IN_COMMANDS = {
    ("orders", "hold"),
    ("orders", "unhold"),
    ("orders", "cancel"),
    ("orders", "edit"),
    ("orders", "priority"),
    ("orders", "approve-short"),
    ("orders", "approve-weight"),
    ("batches", "claim"),
    ("batches", "release"),
    ("batches", "reassign"),
    ("shipments", "void"),
    ("users", "add"),
    ("users", "unlock"),
    ("users", "disable"),
    ("station",),
}
"""Commands that change orders, batches, users or shipments as a person (conventions, "Identity on the command
line"); ``users add`` without ``--user`` only for the very first admin."""


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], str]:
    """Every command path and its ``--help`` text, walking the sub-commands as argparse builds them."""
    found = {path: parser.format_help()}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(_commands(sub, (*path, name)))
    return found


def test_no_command_takes_by_and_every_changing_command_signs_in() -> None:
    from app.cli import build_parser

    helps = _commands(build_parser())
    assert set(helps) >= SIGNED_IN_COMMANDS, SIGNED_IN_COMMANDS - set(helps)
    assert len(helps) > 30  # the walk found the whole tree, not a stub
    for path, text in helps.items():
        assert "--by" not in text, path
        is_leaf = "COMMAND" not in text and "ACTION" not in text
        if is_leaf and path in SIGNED_IN_COMMANDS:
            assert "--user NAME" in text, path
        elif is_leaf and path:
            # automation and read-only commands act as the system user: no --user to be tempted by
            assert "--user" not in text, path


def test_lockout_follows_the_config(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """[security] max_pin_failures = 2 and lockout_minutes = 0: two wrong PINs lock until an admin unlocks."""
    text = (ROOT / "config.toml").read_text()
    assert "max_pin_failures = 5" in text and "lockout_minutes = 15" in text
    config = tmp_path / "config.toml"
    config.write_text(
        text.replace("max_pin_failures = 5", "max_pin_failures = 2").replace(
            "lockout_minutes = 15", "lockout_minutes = 0"
        )
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    def run(*args: str, pin: str) -> tuple[int, str]:
        monkeypatch.setenv("PICKPACK_PIN", pin)
        capsys.readouterr()
        code = main(["--config", str(config), "--db", db_url, *args])
        return code, capsys.readouterr().err

    monkeypatch.delenv("PICKPACK_PIN", raising=False)
    assert (
        main(
            [
                "--config",
                str(config),
                "--db",
                db_url,
                "users",
                "add",
                "adam",
                "--role",
                "admin",
                "--badge",
                "BADGE-ADAM",
                "--pin",
                "4444",
            ]
        )
        == 0
    )
    assert (
        run(
            "users",
            "add",
            "sofia",
            "--role",
            "supervisor",
            "--badge",
            "BADGE-SOFIA",
            "--pin",
            "3333",
            "--user",
            "adam",
            pin="4444",
        )[0]
        == 0
    )
    assert run("users", "unlock", "adam", "--user", "sofia", pin="0000")[0] == 2
    code, err = run("users", "unlock", "adam", "--user", "sofia", pin="0000")
    assert code == 2 and "sofia is locked after wrong PINs: an admin must unlock it" in err
    code, err = run("users", "disable", "adam", "--user", "sofia", pin="3333")  # the right PIN, still locked
    assert code == 2 and "sofia is locked" in err
    database = Database(make_engine(db_url))
    try:
        with database.unit_of_work(readonly=True) as uow:
            lock = uow.session.scalars(select(Event).where(Event.kind == "user.locked")).one()
            assert lock.subject == "user:sofia" and lock.data["failures"] == 2 and lock.data["until"] is None
    finally:
        database.dispose()
    code, err = run("users", "unlock", "sofia", "--user", "adam", pin="4444")
    assert code == 0 and "sofia unlocked" in err
    code, err = run("users", "disable", "adam", "--user", "sofia", pin="3333")
    assert code == 2 and "sofia (supervisor) may not disable users: admin only" in err


def test_users_disable_and_unlock_are_for_admins_and_say_why(cli: Callable[..., Run], database: Database) -> None:
    _add_staff(cli)
    for who, pin in (("sofia", "3333"), ("pia", "1111")):
        for action in ("disable", "unlock"):
            refused = cli("users", action, "paul", "--user", who, pin=pin)
            assert refused.code == 2 and f"may not {action} users: admin only" in refused.err, refused.err
    with pytest.raises(SystemExit) as exited:  # no --user: argparse refuses before anything is asked
        cli("users", "disable", "paul")
    assert exited.value.code == 2
    assert cli("users", "disable", "nobody", "--user", "adam", pin="4444").code == 2  # unknown user: exit 2
    done = cli("users", "disable", "paul", "--user", "adam", pin="4444")
    assert done.code == 0 and "paul disabled" in done.err
    listed = {u["name"]: u["active"] for u in json.loads(cli("users", "list", "--json").out)}
    assert listed["paul"] is False and listed["pia"] is True
    again = cli("batches", "claim", "--user", "paul", "--json", pin="2222")
    assert again.code == 2 and "paul is disabled" in again.err


def test_disabling_a_picker_gives_their_batch_back_to_the_queue(cli: Callable[..., Run], database: Database) -> None:
    """A disabled picker can never finish: their batch must not stay held by nobody who can sign in."""
    _add_staff(cli)
    _load_orders(cli)
    assert cli("process").code == 0
    claim = cli("batches", "claim", "--user", "pia", "--json", pin="1111")
    assert claim.code == 0, claim.err
    batch = json.loads(claim.out)["batch"]
    stops = cli("batches", "stops", str(batch), "--json")
    assert stops.code == 0 and json.loads(stops.out), stops.err
    missing = cli("batches", "stops", "999999", "--json")
    assert missing.code == 2 and "no batch 999999" in missing.err and missing.out == ""

    done = cli("users", "disable", "pia", "--user", "adam", pin="4444")
    assert done.code == 0, done.err
    listed = {b["batch"]: b for b in json.loads(cli("batches", "list", "--json").out)}
    assert listed[batch]["status"] == "ready" and listed[batch]["picker"] is None
    with database.unit_of_work(readonly=True) as uow:
        batch_events = [
            (e.kind, e.message) for e in uow.session.scalars(select(Event).where(Event.subject == f"batch:{batch}"))
        ]
        disabled = uow.session.scalars(select(Event.message).where(Event.kind == "user.disabled")).one()
    assert batch_events[-1] == ("batch.status", "pia was disabled")
    assert f"batch {batch} back in the queue" in disabled
    added = cli(
        "users", "add", "pete", "--role", "picker", "--badge", "BADGE-PETE", "--pin", "5555", "--user", "adam",
        pin="4444",
    )  # fmt: skip
    assert added.code == 0, added.err
    taken = cli("batches", "claim", "--user", "pete", "--json", pin="5555")
    assert taken.code == 0 and json.loads(taken.out)["batch"] == batch, taken.err
