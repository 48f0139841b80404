"""Find, register and embed the serif family official documents are set in.

Vietnamese official documents use Times New Roman (TCVN 6909:2001). We use Liberation Serif
(Debian `fonts-liberation2`: the same metrics, full Vietnamese coverage), falling back to a
local Times New Roman or DejaVu Serif. reportlab embeds TrueType fonts as subsets, so every PDF
we write carries the glyphs it uses.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Literal

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

Style = Literal["regular", "bold", "italic", "bold_italic"]
STYLES: tuple[Style, ...] = ("regular", "bold", "italic", "bold_italic")

#: Environment variable naming an extra directory searched first.
FONT_DIR_ENV = "VANTHU_FONT_DIR"

#: reportlab family name; the styled faces are "<family>-Bold" etc.
FAMILY = "VanthuSerif"

#: Directories searched after $VANTHU_FONT_DIR, in order.
SYSTEM_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/msttcorefonts"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)

#: File names per family, in order of preference (same metrics as Times first).
FAMILY_FILES: tuple[dict[Style, str], ...] = (
    {
        "regular": "LiberationSerif-Regular.ttf",
        "bold": "LiberationSerif-Bold.ttf",
        "italic": "LiberationSerif-Italic.ttf",
        "bold_italic": "LiberationSerif-BoldItalic.ttf",
    },
    {
        "regular": "Times_New_Roman.ttf",
        "bold": "Times_New_Roman_Bold.ttf",
        "italic": "Times_New_Roman_Italic.ttf",
        "bold_italic": "Times_New_Roman_Bold_Italic.ttf",
    },
    {
        "regular": "times.ttf",
        "bold": "timesbd.ttf",
        "italic": "timesi.ttf",
        "bold_italic": "timesbi.ttf",
    },
    {
        "regular": "DejaVuSerif.ttf",
        "bold": "DejaVuSerif-Bold.ttf",
        "italic": "DejaVuSerif-Italic.ttf",
        "bold_italic": "DejaVuSerif-BoldItalic.ttf",
    },
)

DEBIAN_PACKAGE = "fonts-liberation2"


class FontNotFoundError(RuntimeError):
    """No usable serif font with Vietnamese coverage was found."""


def _search_dirs() -> list[Path]:
    extra = os.environ.get(FONT_DIR_ENV)
    dirs = [Path(extra)] if extra else []
    return dirs + list(SYSTEM_DIRS)


def _family_paths() -> dict[Style, Path]:
    """The first family whose four faces all exist in one directory."""
    for directory in _search_dirs():
        for files in FAMILY_FILES:
            paths = {style: directory / name for style, name in files.items()}
            if all(p.is_file() for p in paths.values()):
                return paths
    searched = ", ".join(str(d) for d in _search_dirs())
    raise FontNotFoundError(
        "No serif font family with Vietnamese glyphs found (looked for Liberation Serif, "
        f"Times New Roman, DejaVu Serif in: {searched}). Install the Debian package "
        f"`{DEBIAN_PACKAGE}` (apt-get install {DEBIAN_PACKAGE}) or set {FONT_DIR_ENV} to a "
        "directory holding LiberationSerif-{Regular,Bold,Italic,BoldItalic}.ttf."
    )


def font_path(style: Style) -> Path:
    """Path of the TrueType file for `style` (all four styles come from the same family)."""
    if style not in STYLES:
        raise ValueError(f"unknown font style {style!r}; expected one of {', '.join(STYLES)}")
    return _family_paths()[style]


_lock = threading.Lock()
_registered: dict[Style, Path] | None = None


def face(style: Style) -> str:
    """reportlab font name of one face of the registered family."""
    return {
        "regular": FAMILY,
        "bold": f"{FAMILY}-Bold",
        "italic": f"{FAMILY}-Italic",
        "bold_italic": f"{FAMILY}-BoldItalic",
    }[style]


def register_fonts() -> str:
    """Register the family in reportlab (once per process) and return its name."""
    global _registered
    with _lock:
        if _registered is None:
            paths = _family_paths()
            for style in STYLES:
                pdfmetrics.registerFont(TTFont(face(style), str(paths[style])))
            pdfmetrics.registerFontFamily(
                FAMILY,
                normal=face("regular"),
                bold=face("bold"),
                italic=face("italic"),
                boldItalic=face("bold_italic"),
            )
            # platypus <b>/<i> markup resolves faces through this table.
            addMapping(FAMILY, 0, 0, face("regular"))
            addMapping(FAMILY, 1, 0, face("bold"))
            addMapping(FAMILY, 0, 1, face("italic"))
            addMapping(FAMILY, 1, 1, face("bold_italic"))
            _registered = paths
    return FAMILY


def registered_paths() -> dict[Style, Path]:
    """Files behind the registered family (registers it if needed)."""
    register_fonts()
    assert _registered is not None
    return dict(_registered)
