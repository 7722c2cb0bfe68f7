"""A font with Chinese glyphs for matplotlib, so pictures show 大足区, not empty boxes.

:func:`cjk_font` looks, in order, for

1. Noto Sans CJK SC from the PyPI package ``noto-cjk-sans-otc`` (a dependency of PolicyKG: the
   OFL-licensed Noto Sans CJK collection, so a fresh ``pip install`` can draw Chinese);
2. a CJK font matplotlib already knows (Noto/Source Han Sans SC, WenQuanYi, SimHei, PingFang …);
3. a font ``fc-list :lang=zh`` reports (fontconfig, on Linux).

and :func:`use_cjk_font` makes it matplotlib's sans-serif font, with DejaVu Sans behind it for
the Latin letters and symbols. :func:`missing_glyphs` checks a font's character map, which is how
the tests prove that labels render.

>>> font = cjk_font()
>>> font.family, missing_glyphs(font, "大足区委书记张明远")
('Noto Sans CJK SC', '')
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["CJK_FAMILIES", "CJKFont", "FontNotFound", "cjk_font", "missing_glyphs", "use_cjk_font"]

#: Families that cover simplified Chinese, preferred first, when the bundled font is missing.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "Droid Sans Fallback", "SimHei", "Microsoft YaHei", "PingFang SC",
                "Heiti SC", "AR PL UMing CN", "Noto Serif CJK SC")


class FontNotFound(RuntimeError):
    """No font with Chinese glyphs is available; the message says how to install one."""


@dataclass(frozen=True)
class CJKFont:
    """A font file matplotlib can draw Chinese with: ``family`` name, ``path``, face ``index`` in a
    collection (.ttc), and where it was found (``source``: ``noto-cjk-sans-otc``, ``matplotlib`` or
    ``fontconfig``)."""

    family: str
    path: Path
    index: int
    source: str


def _register(path: Path) -> None:
    from matplotlib import font_manager

    if not any(Path(f.fname) == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))


def _known(families: tuple[str, ...]) -> CJKFont | None:
    from matplotlib import font_manager

    entries = {f.name: f for f in font_manager.fontManager.ttflist}
    for family in families:
        if family in entries:
            e = entries[family]
            return CJKFont(family, Path(e.fname), getattr(e, "index", 0), "matplotlib")
    return None


def _bundled() -> CJKFont | None:
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    if not path.is_file():
        return None
    _register(path)
    from matplotlib import font_manager

    # the collection's simplified-Chinese face; a matplotlib that reads only a collection's first
    # face (JP, which has the same Han glyphs) gets that one
    faces = sorted((f for f in font_manager.fontManager.ttflist if Path(f.fname) == path),
                   key=lambda f: (f.name != "Noto Sans CJK SC", "Mono" in f.name, f.name))
    if not faces:
        return None
    return CJKFont(faces[0].name, path, getattr(faces[0], "index", 0), "noto-cjk-sans-otc")


def _fontconfig() -> CJKFont | None:
    if shutil.which("fc-list") is None:
        return None
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in sorted(out.splitlines()):
        path = Path(line.split(":")[0].strip())
        if path.suffix.lower() in (".ttf", ".otf", ".ttc") and path.is_file():
            try:
                _register(path)
            except (OSError, RuntimeError, ValueError):
                continue
            from matplotlib import font_manager

            entry = next((f for f in font_manager.fontManager.ttflist if Path(f.fname) == path), None)
            if entry is not None:
                return CJKFont(entry.name, path, getattr(entry, "index", 0), "fontconfig")
    return None


@cache
def cjk_font() -> CJKFont:
    """The font used for Chinese text (see the module docstring for the search order).

    Raises :class:`FontNotFound` when there is none.
    """
    found = _bundled() or _known(CJK_FAMILIES) or _fontconfig()
    if found is None:
        raise FontNotFound("no font with Chinese glyphs found: `pip install noto-cjk-sans-otc` "
                           "(or apt-get install fonts-noto-cjk)")
    return found


def use_cjk_font() -> CJKFont:
    """Make :func:`cjk_font` matplotlib's default font (DejaVu Sans after it) and return it.

    >>> import matplotlib
    >>> use_cjk_font().family == matplotlib.rcParams["font.sans-serif"][0]
    True
    """
    import matplotlib

    font = cjk_font()
    matplotlib.rcParams["font.family"] = "sans-serif"
    rest = [f for f in matplotlib.rcParams["font.sans-serif"] if f != font.family]
    matplotlib.rcParams["font.sans-serif"] = [font.family, "DejaVu Sans", *rest]
    matplotlib.rcParams["axes.unicode_minus"] = False  # CJK fonts often lack U+2212
    return font


def missing_glyphs(font: CJKFont, text: str) -> str:
    """The distinct characters of ``text`` (whitespace aside) that ``font`` has no glyph for.

    >>> missing_glyphs(cjk_font(), "重庆市 500111 ¥")
    ''
    """
    cmap = _cmap(str(font.path), font.index)
    seen = dict.fromkeys(ch for ch in text if not ch.isspace())
    return "".join(ch for ch in seen if ord(ch) not in cmap)


@cache
def _cmap(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # fontTools comes with matplotlib

    with TTFont(path, fontNumber=index, lazy=True) as f:
        return frozenset(f.getBestCmap())
