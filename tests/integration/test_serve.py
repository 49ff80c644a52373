"""`pickpack serve`: loopback unless --allow-remote (with a warning), a page that loads nothing from the internet,
and no database URL on any child's command line."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.cli import main
from app.cli.serve import child_command, is_loopback, offline_page
from app.config import ENV_DATABASE_URL, load_config
from app.services.errors import Refused
from tests.conftest import ROOT

CONFIG = str(ROOT / "config.toml")
URL_RE = re.compile(r"\b(?:https?|wss?)://[^\s\"'<>)]+")


class FakeServer:
    """Stands in for textual-serve's Server: records what it was given and what the children would inherit."""

    started: list[dict[str, object]] = []

    def __init__(self, command: str, **kwargs: object) -> None:
        self.command, self.kwargs = command, kwargs

    def serve(self) -> None:
        page = (Path(str(self.kwargs["templates_path"])) / "app_index.html").read_text()
        FakeServer.started.append(
            {"command": self.command, **self.kwargs, "env_url": os.environ.get(ENV_DATABASE_URL), "page": page}
        )


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    import textual_serve.server

    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    monkeypatch.setenv(ENV_DATABASE_URL, "sqlite:///restored-after-the-test.db")  # the handler sets it
    FakeServer.started = []
    return FakeServer.started


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "nonexistent.invalid"])
def test_a_non_loopback_host_is_refused_without_allow_remote(
    host: str, db_url: str, fake_server: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", CONFIG, "--db", db_url, "serve", "--host", host]) == 2
    err = capsys.readouterr().err
    assert f"refusing to serve on {host}: it is not a loopback address" in err and "--allow-remote" in err
    assert fake_server == []


def test_allow_remote_warns_and_children_get_the_url_from_the_environment(
    db_url: str, fake_server: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", CONFIG, "--db", db_url, "serve", "--host", "0.0.0.0", "--allow-remote"]) == 0
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0:8000 to the network over plain HTTP" in err
    assert "sign-in (badge and PIN) is the only protection" in err
    (started,) = fake_server
    assert started["host"] == "0.0.0.0" and started["env_url"] == db_url
    assert db_url not in str(started["command"]) and "--db" not in str(started["command"])
    assert str(started["command"]).endswith(f"--config {CONFIG} terminal")
    assert not [u for u in URL_RE.findall(str(started["page"])) if "{{" not in u]  # the template names no host


def test_loopback_needs_no_flag_and_prints_no_warning(
    db_url: str, fake_server: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        assert main(["--config", CONFIG, "--db", db_url, "serve", "--host", host, "--station", "station-1"]) == 0
        assert "warning" not in capsys.readouterr().err
    assert [s["host"] for s in fake_server] == ["127.0.0.1", "localhost", "::1"]
    assert str(fake_server[0]["command"]).endswith("terminal --station station-1")


def test_bad_port_and_outdated_database_are_refused_before_serving(
    tmp_path: Path, fake_server: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", CONFIG, "--db", f"sqlite:///{tmp_path / 'none.db'}", "serve", "--port", "70000"]) == 2
    assert "--port: expected 1 to 65535, got 70000" in capsys.readouterr().err
    assert main(["--config", CONFIG, "--db", f"sqlite:///{tmp_path / 'none.db'}", "serve"]) == 2
    assert "run `pickpack init`" in capsys.readouterr().err
    assert fake_server == []


def test_the_child_command_never_carries_the_database_url(tmp_path: Path) -> None:
    url = "postgresql+psycopg://warehouse:s3cret@db.example:5432/pickpack"
    config = load_config(CONFIG, env={ENV_DATABASE_URL: url})
    command = child_command(config, "station-1")
    assert command[:3] == [sys.executable, "-m", "app"]
    assert not any("://" in part or "s3cret" in part or part == "--db" for part in command), command


def test_is_loopback() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.5.5.5", "::1", "[::1]", "localhost", "LOCALHOST"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.invalid"))


def test_a_template_naming_another_host_is_refused() -> None:
    with pytest.raises(Refused, match=r"would load from the internet \(https://cdn.example.com/x.js\)"):
        offline_page('<html><script src="https://cdn.example.com/x.js"></script></html>')
    page = offline_page('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto%20Mono" />')
    assert "googleapis" not in page and "RobotoMono-VariableFont_wght.ttf" in page


def test_the_served_page_loads_nothing_from_another_host(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "pp.db")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICKPACK_")}
    env[ENV_DATABASE_URL] = f"sqlite:///{tmp_path / 'pp.db'}"
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "--config", CONFIG, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = ""
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
                    break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.05)
        assert "pickpack" in page and "textual" in page.lower(), server.stderr.read() if server.poll() else ""
        urls = URL_RE.findall(page)
        assert urls, "the page should at least load its own script"
        assert {urlsplit(u).netloc for u in urls} == {f"127.0.0.1:{port}"}, urls
        font = next(u for u in re.findall(r'url\("([^"]+)"\)', page) if u.endswith(".ttf"))
        with urllib.request.urlopen(font, timeout=5) as response:
            assert response.status == 200 and len(response.read()) > 10_000  # the font is really served locally
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl+C, as a user stops it
        server.wait(10)
