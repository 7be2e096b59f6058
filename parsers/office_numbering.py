"""Word's automatic list labels ('1.', 'a)', 'II.', '-') rendered from numbering.xml, as the reader sees them.

A paragraph of an automatic list holds only its text; the label is computed by Word from the paragraph's
w:numPr (or its style's) and the list definition: a counter per list and level, its start value and
overrides, the number format of each level and the label template ('%1.', '%1.%2.', '(%1)').  Without it a
Quyết định's numbered articles and clauses lose their '1.', '2.' — the text a reader sees and the body the
reference holds.  Counters follow Word: one sequence per abstract list (lists that share a definition go
on counting), a level's counter restarts when a higher level moves on, a w:startOverride restarts it."""

from __future__ import annotations

from dataclasses import dataclass

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# the separator Word puts after a label: a tab (read as a space, like every tab), a space, or nothing
_SUFFIX = {"tab": " ", "space": " ", "nothing": ""}
# bullet glyphs of the Symbol / Wingdings fonts (private-use code points) as the character a reader sees
_BULLETS = {
    "\uf0b7": "•",
    "\uf02d": "-",
    "\uf0a7": "▪",
    "\uf0d8": "➢",
    "\uf076": "❖",
    "\uf0fc": "✓",
    "·": "•",
}
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    suffix: str


def _val(node, tag: str, default: str | None = None) -> str | None:
    child = node.find(_W + tag) if node is not None else None
    return child.get(_W + "val", default) if child is not None else default


def _level(lvl) -> _Level:
    return _Level(
        start=int(_val(lvl, "start", "1") or 1),
        fmt=_val(lvl, "numFmt", "decimal") or "decimal",
        text=_val(lvl, "lvlText", "") or "",
        suffix=_SUFFIX.get(_val(lvl, "suff", "tab") or "tab", " "),
    )


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word's letter lists: a … z, then aa … zz, aaa …
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)  # decimal and the formats nobody types in an official document


class Numbering:
    """The list labels of one document, handed out in reading order (label() counts)."""

    def __init__(self, numbering_xml, styles_xml) -> None:
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._style_level: dict[str, tuple[str, int]] = {}  # style id -> (abstract id, level) via w:pStyle
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        self._styles: dict[str, object] = {}
        if styles_xml is not None:
            for style in styles_xml.iter(_W + "style"):
                self._styles[style.get(_W + "styleId")] = style
        if numbering_xml is None:
            return
        for abstract in numbering_xml.iter(_W + "abstractNum"):
            aid = abstract.get(_W + "abstractNumId")
            levels = {}
            for lvl in abstract.findall(_W + "lvl"):
                ilvl = int(lvl.get(_W + "ilvl", "0"))
                levels[ilvl] = _level(lvl)
                style = _val(lvl, "pStyle")
                if style:
                    self._style_level[style] = (aid, ilvl)
            self._abstract[aid] = levels
        for num in numbering_xml.iter(_W + "num"):
            starts: dict[int, int] = {}
            levels: dict[int, _Level] = {}
            for override in num.findall(_W + "lvlOverride"):
                ilvl = int(override.get(_W + "ilvl", "0"))
                start = _val(override, "startOverride")
                if start is not None:
                    starts[ilvl] = int(start)
                lvl = override.find(_W + "lvl")
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            self._nums[num.get(_W + "numId")] = (_val(num, "abstractNumId") or "", starts, levels)

    @classmethod
    def of(cls, document) -> Numbering | None:
        """The numbering of a python-docx Document (None when it defines no lists)."""
        try:
            numbering_xml = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return None
        return cls(numbering_xml, document.styles.element)

    def label(self, p) -> str:
        """The label (with its separator) Word prints before paragraph `p`; '' when it has none."""
        found = self._num_and_level(p)
        if found is None:
            return ""
        num_id, ilvl = found
        if num_id not in self._nums:
            return ""
        aid, starts, overrides = self._nums[num_id]
        levels = {**self._abstract.get(aid, {}), **overrides}
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self._counters.setdefault(aid, {})
        if num_id not in self._started:
            self._started.add(num_id)
            for lv, start in starts.items():  # a restarted list: its levels count from the override
                counters[lv] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [lv for lv in counters if lv > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            text = "".join(_BULLETS.get(ch, ch) for ch in level.text)
        else:
            text = level.text
            for lv in range(ilvl, -1, -1):
                if f"%{lv + 1}" in text:
                    lvl_def = levels.get(lv, level)
                    value = counters.get(lv, lvl_def.start)
                    text = text.replace(f"%{lv + 1}", format_number(value, lvl_def.fmt))
        return text + level.suffix if text.strip() else ""

    def _num_and_level(self, p) -> tuple[str, int] | None:
        ppr = p.find(_W + "pPr")
        numpr = ppr.find(_W + "numPr") if ppr is not None else None
        if numpr is not None:
            num_id = _val(numpr, "numId")
            if num_id is None or num_id == "0":
                return None
            return num_id, int(_val(numpr, "ilvl", "0") or 0)
        style_id = _val(ppr, "pStyle") if ppr is not None else None
        seen = set()
        while style_id and style_id not in seen:  # the style's list, through its basedOn chain
            seen.add(style_id)
            style = self._styles.get(style_id)
            if style is None:
                return None
            spr = style.find(_W + "pPr")
            snum = spr.find(_W + "numPr") if spr is not None else None
            if snum is not None:
                num_id = _val(snum, "numId")
                if num_id is None or num_id == "0":
                    return None
                ilvl = _val(snum, "ilvl")
                if ilvl is None:
                    aid = self._nums.get(num_id, ("",))[0]
                    by_style = self._style_level.get(style_id)
                    ilvl = by_style[1] if by_style and by_style[0] == aid else 0
                return num_id, int(ilvl)
            style_id = _val(style, "basedOn")
        return None
