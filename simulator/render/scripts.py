"""How a run of text is written into a PDF: Unicode, or a legacy 8-bit encoding with its own fonts.

A `Script` turns (text, bold, italic) into reportlab Paragraph markup with explicit font names, so one layout
(layout.py) serves the Unicode PDF and the TCVN3/VNI ones alike.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from parsers.legacy import encode_tcvn3, encode_vni

from .fonts import SOFT_HYPHEN_STANDIN, legacy_font, style_of, unicode_font

_VN3_CAPITALS = set("ĂÂÊÔƠƯĐ")


def _font_tag(font: str, text: str) -> str:
    return f'<font name="{font}">{escape(text)}</font>' if text else ""


def is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


class UnicodeScript:
    name = "unicode"

    def font(self, bold: bool = False, italic: bool = False) -> str:
        return unicode_font(style_of(bold, italic))

    def markup(self, text: str, bold: bool = False, italic: bool = False) -> str:
        return _font_tag(self.font(bold, italic), text)


class VniScript(UnicodeScript):
    """VNI-Windows: one font family; capitals are the upper-cased codes ('ÑAÛNG')."""

    name = "vni"

    def font(self, bold: bool = False, italic: bool = False) -> str:
        return legacy_font("vni", style_of(bold, italic))

    def markup(self, text: str, bold: bool = False, italic: bool = False) -> str:
        return _font_tag(self.font(bold, italic), encode_vni(text))


class Tcvn3Script(UnicodeScript):
    """TCVN3 (ABC) as typists used it: capital lines in .VnTimeH with the lowercase codes; inside mixed text
    an accented capital VN3 lacks ('Ủ' in 'Ủy') is one character typed in the H font."""

    name = "tcvn3"

    def font(self, bold: bool = False, italic: bool = False) -> str:
        return legacy_font("tcvn3", style_of(bold, italic))

    def caps_font(self, bold: bool = False, italic: bool = False) -> str:
        return legacy_font("tcvn3-h", style_of(bold, italic))

    def markup(self, text: str, bold: bool = False, italic: bool = False) -> str:
        if is_caps(text):
            return _font_tag(self.caps_font(bold, italic), _tcvn3(text.lower()))
        out: list[str] = []
        run: list[str] = []
        run_is_h = False
        for ch in text:
            needs_h = ch.isupper() and not ch.isascii() and ch not in _VN3_CAPITALS
            if needs_h != run_is_h and run:
                out.append(self._run("".join(run), run_is_h, bold, italic))
                run = []
            run_is_h = needs_h
            run.append(ch)
        if run:
            out.append(self._run("".join(run), run_is_h, bold, italic))
        return "".join(out)

    def _run(self, text: str, h: bool, bold: bool, italic: bool) -> str:
        if h:
            return _font_tag(self.caps_font(bold, italic), _tcvn3(text.lower()))
        return _font_tag(self.font(bold, italic), _tcvn3(text))


def _tcvn3(text: str) -> str:
    return encode_tcvn3(text).replace("\xad", SOFT_HYPHEN_STANDIN)


SCRIPTS = {"unicode": UnicodeScript, "tcvn3": Tcvn3Script, "vni": VniScript}
