from __future__ import annotations

from pathlib import Path

import pytest

from app.render import fonts
from app.render.fonts import STYLES, FontNotFoundError, font_path, register_fonts


def test_liberation_serif_is_preferred_for_every_style() -> None:
    expected = {
        "regular": "LiberationSerif-Regular.ttf",
        "bold": "LiberationSerif-Bold.ttf",
        "italic": "LiberationSerif-Italic.ttf",
        "bold_italic": "LiberationSerif-BoldItalic.ttf",
    }
    if not Path("/usr/share/fonts/truetype/liberation2", expected["regular"]).is_file():
        pytest.fail("fonts-liberation2 is not installed")
    for style in STYLES:
        assert font_path(style).name == expected[style]


def test_env_dir_is_searched_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    for name in fonts.FAMILY_FILES[-1].values():
        (tmp_path / name).symlink_to(dejavu / name)
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(tmp_path))
    assert font_path("bold_italic") == tmp_path / "DejaVuSerif-BoldItalic.ttf"
    assert font_path("regular").parent == tmp_path


def test_incomplete_family_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "LiberationSerif-Regular.ttf").write_bytes(b"only one face")
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(tmp_path))
    assert font_path("regular").parent != tmp_path


def test_missing_fonts_name_the_debian_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(fonts, "SYSTEM_DIRS", ())
    with pytest.raises(FontNotFoundError, match="fonts-liberation2"):
        font_path("regular")


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown font style"):
        font_path("oblique")  # type: ignore[arg-type]


def test_register_fonts_is_idempotent_and_names_the_family() -> None:
    from reportlab.pdfbase import pdfmetrics

    assert register_fonts() == register_fonts() == "VanthuSerif"
    font = pdfmetrics.getFont("VanthuSerif-Bold")
    # Vietnamese letters with two diacritics must be real glyphs of the face.
    assert all(ord(ch) in font.face.charToGlyph for ch in "ẮẰẲẴẶệỗữỹĐđ")
