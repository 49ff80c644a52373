"""Font registration: found relative to the package, overridable, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics

from labels import fonts


def test_default_directory_is_assets_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fonts.FONTS_DIR_ENV, raising=False)
    directory = fonts.fonts_dir()
    assert directory == Path(fonts.__file__).resolve().parent.parent / "assets" / "fonts"
    assert all((directory / name).is_file() for name in fonts.FONT_FILES.values())


def test_environment_overrides_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(fonts.FONTS_DIR_ENV, str(tmp_path))
    assert fonts.fonts_dir() == tmp_path


def test_registration_is_idempotent() -> None:
    fonts.register_fonts()
    fonts.register_fonts()
    registered = pdfmetrics.getRegisteredFontNames()
    assert {fonts.FONT_SANS, fonts.FONT_SANS_BOLD, fonts.FONT_MONO} <= set(registered)


def test_missing_font_file_names_path_and_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "_registered", False)
    monkeypatch.setenv(fonts.FONTS_DIR_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="PICKPACK_FONTS_DIR") as error:
        fonts.register_fonts()
    assert str(tmp_path / "DejaVuSans.ttf") in str(error.value)
