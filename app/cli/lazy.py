"""A module that is imported on first use, so `pickpack --help` does not pay for what only a command needs.

Why: the command modules are all imported to build the parser, but most of them talk to the services, which pull
in SQLAlchemy, Alembic and ReportLab (about 250 modules, a noticeable pause before help appears and before the
database-free commands such as ``route`` answer). ``users = lazy_module("app.services.users")`` reads like the
plain import it replaces; the real import happens when a handler first touches ``users.something``. Setting an
attribute goes to the real module too, so tests can monkeypatch through it exactly as before.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, cast


class _LazyModule:
    """Stands in for a module until an attribute is read or written, then forwards to the real one."""

    __slots__ = ("_lazy_name",)

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_lazy_name", name)

    def _load(self) -> ModuleType:
        return importlib.import_module(object.__getattribute__(self, "_lazy_name"))

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._load(), attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self._load(), attr, value)

    def __delattr__(self, attr: str) -> None:
        delattr(self._load(), attr)

    def __repr__(self) -> str:
        return f"<lazy module {object.__getattribute__(self, '_lazy_name')!r}>"


def lazy_module(name: str) -> ModuleType:
    """``name`` (a dotted module path), imported when first used; typed as a module for the readers of the code."""
    return cast(ModuleType, _LazyModule(name))
