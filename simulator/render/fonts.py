"""Fonts for the rendered fixtures: a Unicode serif, and legacy fonts built from it like the real ones.

Unicode text uses DejaVu Serif Condensed (Debian fonts-dejavu-core).  Pre-Unicode Vietnamese documents were
typed in
fonts whose code points are Latin-1 bytes: a TCVN3 (ABC) font such as .VnTime draws byte 0xB6 ('¶') as 'ả',
and its capital twin .VnTimeH draws the same lowercase codes as capitals; a VNI font (VNI-Times) draws a base
letter followed by a zero-width mark byte ('aû' = ả).  We build such fonts from DejaVu Serif with fontTools:
the TCVN3 ones by re-pointing the cmap, the VNI one by adding zero-advance mark glyphs that sit over the
preceding letter, centred for an average vowel (as in the real VNI fonts).  The PDF then looks right and its
text layer carries the legacy codes, under font names the extractor recognises.
"""

from __future__ import annotations

import io
import os
import unicodedata
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as RLTTFont

from parsers.legacy import VIETNAMESE_LETTERS, encode_tcvn3, encode_vni

FONT_DIR_ENV = "DIRECTIVES_FONT_DIR"
DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
STYLES = ("regular", "bold", "italic", "bolditalic")
# The condensed cut: its widths are close to Times New Roman, which real documents use, so lines and pages
# break about where they do in the originals.
_DEJAVU_FILES = {
    "regular": "DejaVuSerifCondensed.ttf",
    "bold": "DejaVuSerifCondensed-Bold.ttf",
    "italic": "DejaVuSerifCondensed-Italic.ttf",
    "bolditalic": "DejaVuSerifCondensed-BoldItalic.ttf",
}
_PS_SUFFIX = {"regular": "", "bold": "-Bold", "italic": "-Italic", "bolditalic": "-BoldItalic"}
# PostScript names as the real fonts have them; the extractor keys on ".Vn..." / "VNI-..." and a final "H".
LEGACY_FAMILIES = {"tcvn3": ".VnTime", "tcvn3-h": ".VnTimeH", "vni": "VNI-Times"}

# TCVN3 writes 'ư' as byte 0xAD, which Unicode calls SOFT HYPHEN: reportlab's Paragraph treats it as a
# hyphenation point and drops it.  The layout therefore types a private-use stand-in, which the TCVN3 fonts
# draw as 'ư', and the ToUnicode CMap reportlab writes maps back to U+00AD, so the text layer says 0xAD
# exactly as a real .VnTime PDF does.  The hook only rewrites this private-use code point.
SOFT_HYPHEN_STANDIN = "\ue0ad"


def _install_soft_hyphen_cmap_hook() -> None:
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "_legacy_soft_hyphen", False):
        return

    def make_to_unicode_cmap(fontname, subset):
        return original(fontname, [0xAD if cp == ord(SOFT_HYPHEN_STANDIN) else cp for cp in subset])

    make_to_unicode_cmap._legacy_soft_hyphen = True
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


_install_soft_hyphen_cmap_hook()


class FontNotFoundError(FileNotFoundError):
    """The Unicode serif font file is not installed (Debian package fonts-dejavu-core)."""


def style_of(bold: bool, italic: bool) -> str:
    return ("bold" if bold else "") + ("italic" if italic else "") or "regular"


def font_dir() -> Path:
    env = os.environ.get(FONT_DIR_ENV)
    return Path(env) if env else DEFAULT_FONT_DIR


def _font_path(style: str) -> Path:
    path = font_dir() / _DEJAVU_FILES[style]
    if not path.is_file():
        raise FontNotFoundError(f"{path} missing: install fonts-dejavu-core or set ${FONT_DIR_ENV}")
    return path


def unicode_font(style: str = "regular") -> str:
    """Register (once) and return the reportlab name of the Unicode serif in `style`."""
    name = "DejaVuSerifCondensed" + _PS_SUFFIX[style]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(RLTTFont(name, str(_font_path(style))))
    return name


def legacy_font(encoding: str, style: str = "regular") -> str:
    """Register (once) and return the reportlab name of a legacy font ('tcvn3', 'tcvn3-h' or 'vni')."""
    name = LEGACY_FAMILIES[encoding] + _PS_SUFFIX[style]
    if name not in pdfmetrics.getRegisteredFontNames():
        data = build_legacy_font_bytes(encoding, style)
        pdfmetrics.registerFont(RLTTFont(name, io.BytesIO(data)))
    return name


@lru_cache(maxsize=16)
def build_legacy_font_bytes(encoding: str, style: str) -> bytes:
    """The TrueType bytes of a legacy font derived from DejaVu Serif (deterministic)."""
    from fontTools.ttLib import TTFont

    if encoding not in LEGACY_FAMILIES:
        raise ValueError(f"unknown legacy encoding {encoding!r}")
    font = TTFont(str(_font_path(style)), recalcTimestamp=False)
    glyph_of = font.getBestCmap()
    mapping: dict[int, str] = {cp: g for cp, g in glyph_of.items() if cp < 0x2100}
    if encoding == "tcvn3":
        for letter in _LOWER + _VN3_CAPITALS:
            mapping[ord(encode_tcvn3(letter))] = glyph_of[ord(letter)]
    elif encoding == "tcvn3-h":
        for letter in _LOWER + "abcdefghijklmnopqrstuvwxyz":
            mapping[ord(encode_tcvn3(letter))] = glyph_of[ord(letter.upper())]
    if encoding.startswith("tcvn3"):
        mapping[ord(SOFT_HYPHEN_STANDIN)] = mapping[0xAD]
    if encoding == "vni":
        _add_vni_glyphs(font, glyph_of, mapping)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap = {cp: g for cp, g in mapping.items() if table.format != 4 or cp <= 0xFFFF}
    _rename(font, LEGACY_FAMILIES[encoding], style)
    # Tables that index glyphs or shape Unicode text mean nothing in a legacy font; reportlab ignores them.
    for tag in ("GSUB", "GPOS", "GDEF", "kern", "hdmx", "LTSH", "VDMX", "FFTM", "DSIG"):
        if tag in font:
            del font[tag]
    font["head"].created = font["head"].modified = 3_000_000_000  # fixed: same bytes every build
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    return buf.getvalue()


_LOWER = "".join(c for c in VIETNAMESE_LETTERS if c.islower())
_VN3_CAPITALS = "ĂÂÊÔƠƯĐ"
_SHAPES = {"\u0302": "circ", "\u0306": "breve"}
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _rename(font, family: str, style: str) -> None:
    sub = {"regular": "Regular", "bold": "Bold", "italic": "Italic", "bolditalic": "Bold Italic"}[style]
    names = {
        1: family,
        2: sub,
        3: f"{family}{_PS_SUFFIX[style]}",
        4: f"{family} {sub}".replace(" Regular", ""),
        6: family + _PS_SUFFIX[style],
    }
    table = font["name"]
    table.names = [n for n in table.names if n.nameID not in names]
    for nid, value in names.items():
        table.setName(value, nid, 3, 1, 0x409)
        table.setName(value, nid, 1, 0, 0)


def _add_vni_glyphs(font, glyph_of: dict[int, str], mapping: dict[int, str]) -> None:
    """Map VNI's whole-letter bytes to their glyphs and add a zero-width glyph for every mark byte."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    glyph_set = font.getGlyphSet()

    def bounds(name: str) -> tuple[float, float, float, float]:
        pen = BoundsPen(glyph_set)
        glyph_set[name].draw(pen)
        return pen.bounds

    def mean_width(letters: str) -> float:
        return sum(font["hmtx"][glyph_of[ord(c)]][0] for c in letters) / len(letters)

    centre = {False: -mean_width("aeouy") / 2, True: -mean_width("AEOUY") / 2}
    cap_lift = bounds(glyph_of[ord("H")])[3] - bounds(glyph_of[ord("x")])[3]
    order = font.getGlyphOrder()
    new_glyphs: dict[str, object] = {}
    for letter in VIETNAMESE_LETTERS:
        code = encode_vni(letter)
        if len(code) == 1:
            if code != letter:
                mapping[ord(code)] = glyph_of[ord(letter)]
            continue
        mark_char = code[1]
        if ord(mark_char) in mapping and mapping[ord(mark_char)].startswith("vni."):
            continue
        marks = [m for m in unicodedata.normalize("NFD", letter)[1:] if m != "\u031b"]  # horn is in the base
        pieces = _mark_pieces(marks, glyph_of)
        is_cap = letter.isupper()
        pen = TTGlyphPen(glyph_set)
        for piece, cap_native in pieces:
            x0, _, x1, _ = bounds(piece)
            dy = 0.0
            if piece != glyph_of[0x0323]:
                dy = (cap_lift if is_cap else 0.0) - (cap_lift if cap_native else 0.0)
            dx = centre[is_cap] - (x0 + x1) / 2
            glyph_set[piece].draw(TransformPen(pen, (1, 0, 0, 1, dx, dy)))
        gname = f"vni.{'cap' if is_cap else 'low'}.{'_'.join(f'{ord(m):04X}' for m in marks)}"
        new_glyphs[gname] = pen.glyph()
        mapping[ord(mark_char)] = gname
    font.setGlyphOrder(order + sorted(new_glyphs))
    for gname, glyph in sorted(new_glyphs.items()):
        font["glyf"][gname] = glyph
        glyph.recalcBounds(font["glyf"])
        font["hmtx"][gname] = (0, int(getattr(glyph, "xMin", 0)))
    if "post" in font and hasattr(font["post"], "extraNames"):
        font["post"].formatType = 3.0  # no glyph names needed; avoids rebuilding the name index


def _mark_pieces(marks: list[str], glyph_of: dict[int, str]) -> list[tuple[str, bool]]:
    """Glyph names drawing these combining marks, each with 'positioned for capitals natively?'.

    DejaVu has stacked circumflex/breve+tone glyphs (uni03020301...) placed for capitals; dot below stacks
    with nothing, so it is drawn on its own."""
    shape = next((m for m in marks if m in _SHAPES), None)
    tone = next((m for m in marks if m in _TONES), None)
    if shape and tone and tone != "\u0323":
        return [(f"uni{ord(shape):04X}{ord(tone):04X}", True)]
    return [(glyph_of[ord(m)], False) for m in (shape, tone) if m]
