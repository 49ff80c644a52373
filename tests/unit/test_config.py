"""config.toml validation: every mistake is named with file, key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_shipped_config_loads_with_every_section() -> None:
    config = load_config(ROOT / "config.toml", env={})
    assert config.terminal.scanner_suffix == "enter"
    assert config.layout_path == ROOT / "assets" / "layouts" / "demo.toml"
    assert config.database_url == f"sqlite:///{ROOT / 'data' / 'pickpack.db'}"
    assert config.carriers["demo-parcel"].services["express"].transit_days == 1
    assert config.stations["station-1"].label_printer == "spool"


def test_unknown_key_is_named_with_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[terminal]\nscaner_suffix = 'enter'\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(path) in str(err.value)
    assert "terminal.scaner_suffix: unknown key" in str(err.value)
    assert "scanner_suffix" in str(err.value)  # says what was expected


def test_wrong_type_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[database]\nsqlite_busy_timeout_ms = 'soon'\n")
    with pytest.raises(ConfigError, match=r"database.sqlite_busy_timeout_ms: expected an integer, got 'soon'"):
        load_config(path, env={})


def test_bad_choice_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[terminal]\nscanner_suffix = 'space'\n")
    with pytest.raises(ConfigError, match=r"terminal.scanner_suffix: expected one of enter, tab, got 'space'"):
        load_config(path, env={})


def test_nested_table_errors_carry_full_key(tmp_path: Path) -> None:
    path = write(tmp_path, "[carriers.x.services.fast]\ntransit_days = 'one'\n")
    with pytest.raises(ConfigError, match=r"carriers.x.services.fast.transit_days: expected an integer"):
        load_config(path, env={})


def test_station_must_name_a_defined_printer(tmp_path: Path) -> None:
    path = write(tmp_path, "[stations.pack1]\nlabel_printer = 'zebra9'\n")
    with pytest.raises(ConfigError, match=r"stations.pack1.label_printer: no printer named 'zebra9'"):
        load_config(path, env={})


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.toml", env={})


def test_env_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, "[paths]\ndata_dir = 'var'\n")
    config = load_config(None, env={"PICKPACK_CONFIG": str(path), "PICKPACK_DATABASE_URL": "sqlite:///x.db"})
    assert config.database_url == "sqlite:///x.db"
    assert config.data_dir == tmp_path / "var"  # relative to the config file, not the working directory


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "[terminal\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, env={})


# --- values: ranges, forms, NaN, files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("[picking]\ncart_totes = 0\n", "picking.cart_totes", "1 to 99 totes, got 0"),
        ("[picking]\ntote_weight_kg = -1.0\n", "picking.tote_weight_kg", "more than 0"),
        ("[picking]\ntote_volume_cm3 = -5\n", "picking.tote_volume_cm3", "more than 0"),
        ("[picking]\ntote_volume_cm3 = nan\n", "picking.tote_volume_cm3", "a finite number, got nan"),
        ("[picking]\nbatching_budget_seconds = inf\n", "picking.batching_budget_seconds", "a finite number"),
        ("[priority]\nvip = -inf\n", "priority.vip", "a finite number"),
        ("[priority]\nage_per_hour = -2.0\n", "priority.age_per_hour", "0 to 1,000,000 points"),
        ("[shipping]\ngs1_company_prefix = 'ABC'\n", "shipping.gs1_company_prefix", "7 to 10 digits, got 'ABC'"),
        ("[shipping]\ngs1_company_prefix = '12345678901'\n", "shipping.gs1_company_prefix", "7 to 10 digits"),
        ("[shipping]\nsscc_extension_digit = 42\n", "shipping.sscc_extension_digit", "0 to 9, got 42"),
        ("[shipping]\nweight_tolerance_pct = -1.0\n", "shipping.weight_tolerance_pct", "0 to 100 %"),
        ("[shipping]\nweight_tolerance_min_kg = -0.1\n", "shipping.weight_tolerance_min_kg", "0 to 1,000 kg"),
        ("[shipping]\nship_from_country = 'Austria'\n", "shipping.ship_from_country", "two-letter country"),
        ("[shipping]\ncustoms_area = ['AT', 'de']\n", "shipping.customs_area[1]", "two-letter country"),
        ("[carriers.x]\naccount = 'PP-01'\n", "carriers.x.account", "6 letters or digits"),
        ("[carriers.x]\naccount = 'PP00011'\n", "carriers.x.account", "6 letters or digits"),
        ("[carriers.x]\ntracking_format = 'fedex'\n", "carriers.x.tracking_format", "one of ups"),
        ("[carriers.x.services.s]\ntransit_days = -1\n", "carriers.x.services.s.transit_days", "0 to 365 days"),
        ("[serve]\nport = 0\n", "serve.port", "1 to 65,535, got 0"),
        ("[serve]\nport = 70000\n", "serve.port", "1 to 65,535, got 70000"),
        ("[smtp]\nport = -25\n", "smtp.port", "1 to 65,535"),
        ("[printers.z]\nkind = 'raw'\nhost = 'h'\nport = 65536\n", "printers.z.port", "1 to 65,535"),
        ("[database]\nsqlite_busy_timeout_ms = -1\n", "database.sqlite_busy_timeout_ms", "0 to 600,000 ms"),
        ("[release]\nmax_orders_per_pass = 0\n", "release.max_orders_per_pass", "1 to 1,000,000 orders, got 0"),
        ("[release]\nwatch_interval_seconds = 0\n", "release.watch_interval_seconds", "more than 0"),
        ("[release]\nhold_value_above = -1.0\n", "release.hold_value_above", "0 to 1,000,000,000,000"),
        ("[terminal]\nidle_sign_out_minutes = -5\n", "terminal.idle_sign_out_minutes", "0 to 10,080 minutes"),
        ("[supervision]\nstuck_minutes = 0\n", "supervision.stuck_minutes", "1 to 525,600 minutes"),
        ("[security]\nmax_pin_failures = 0\n", "security.max_pin_failures", "1 to 1,000 wrong PINs, got 0"),
        ("[security]\nlockout_minutes = -1\n", "security.lockout_minutes", "0 to 525,600 minutes, got -1"),
        (
            "[security]\nbadge_requires_pin_roles = ['admin', 'boss']\n",
            "security.badge_requires_pin_roles[1]",
            "one of picker, packer, supervisor, admin, got 'boss'",
        ),
        ("[security]\nbadge_requires_pin_roles = 'admin'\n", "security.badge_requires_pin_roles", "an array"),
        ("[terminal]\nkiosk = 'yes'\n", "terminal.kiosk", "true or false"),
        ("[terminal]\nstation = ''\n", "terminal.station", "a station name"),
        ('[shipping]\nship_from_name = "Dock\\u0000A"\n', "shipping.ship_from_name", "without control characters"),
        ("[orders]\nship_by_days_standard = 100000\n", "orders.ship_by_days_standard", "0 to 365 days"),
    ],
)
def test_out_of_range_values_are_named(tmp_path: Path, text: str, key: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: expected"), message
    assert expected in message, message


def test_limits_at_the_edges_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[picking]\ncart_totes = 1\n[shipping]\nsscc_extension_digit = 9\ngs1_company_prefix = '1234567890'\n"
        "[serve]\nport = 65535\n[security]\nmax_pin_failures = 1\nlockout_minutes = 0\nbadge_requires_pin_roles = []\n"
        "[release]\nmax_orders_per_pass = 1\n[carriers.x]\naccount = 'ab12cd'\n",
    )
    config = load_config(path, env={})
    assert (config.picking.cart_totes, config.serve.port, config.security.max_pin_failures) == (1, 65535, 1)
    assert config.security.badge_requires_pin_roles == ()


def test_every_number_key_has_a_declared_range() -> None:
    """A new int or float key without a line in ``_RANGES`` would accept anything: this test names it."""
    import dataclasses
    import typing

    from app import config as module

    missing = []
    stack: list[type] = [module.Config]
    seen: set[type] = set()
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for f in dataclasses.fields(cls):
            tp = typing.get_type_hints(cls)[f.name]
            nested = [a for a in (tp, *typing.get_args(tp)) if dataclasses.is_dataclass(a)]
            stack.extend(nested)  # type: ignore[arg-type]
            if tp in (int, float) and (cls.__name__, f.name) not in module._RANGES:
                missing.append(f"{cls.__name__}.{f.name}")
    assert missing == []


def test_gs1_prefix_limits_match_what_shipping_accepts() -> None:
    """The config must refuse exactly the prefixes SSCC generation would refuse mid-shipment."""
    import re

    from app.config import _PATTERNS
    from app.domain.tracking import sscc

    pattern = _PATTERNS[("ShippingConfig", "gs1_company_prefix")][0]
    for length in range(4, 14):
        prefix = "9" * length
        try:
            sscc(0, prefix, 0)
            works = True
        except ValueError:
            works = False
        assert bool(re.fullmatch(pattern, prefix)) == works, length


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/pickpack", "unsupported database 'mysql'"),
        ("postgresql+psycopg2://u@h/db", "unsupported database 'postgresql+psycopg2'"),
        ("oracle://u@h/db", "unsupported database 'oracle'"),
        ("not a url", "expected a database URL"),
    ],
)
def test_unknown_database_dialect_is_refused(tmp_path: Path, url: str, expected: str) -> None:
    path = write(tmp_path, f"[database]\nurl = '{url}'\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(err.value).startswith(f"{path}: database.url: {expected}")
    ok = write(tmp_path, "")
    with pytest.raises(ConfigError) as err:
        load_config(ok, env={"PICKPACK_DATABASE_URL": url})
    assert str(err.value).startswith(f"$PICKPACK_DATABASE_URL (or --db): {expected}")
    for good in ("sqlite:///x.db", "postgresql://u@h/db", "postgresql+psycopg://u@h:5432/db", "postgres://u@h/d"):
        assert load_config(ok, env={"PICKPACK_DATABASE_URL": good}).database.url == good


def test_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    path = write(tmp_path, "[paths]\ndata_dir = 'data'\n")
    with pytest.raises(ConfigError, match=r"paths.data_dir: .*data is a file, expected a folder"):
        load_config(path, env={})
    (tmp_path / "blocker").write_text("")
    blocked = write(tmp_path, f"[paths]\ndata_dir = 'var'\n[database]\nurl = 'sqlite:///{tmp_path}/blocker/x.db'\n")
    with pytest.raises(ConfigError, match=r"database.url: .*blocker is a file, expected a folder"):
        load_config(blocked, env={})


def test_spool_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "spool").write_text("")
    path = write(tmp_path, "[printers.p]\nkind = 'file'\npath = 'spool'\n")
    with pytest.raises(ConfigError, match=r"printers.p.path: .*spool is a file, expected a spool folder"):
        load_config(path, env={})
