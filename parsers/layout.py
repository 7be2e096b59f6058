"""Geometric page layout over neutral word boxes: the same code orders text-layer words and OCR words.

A word is a box in PDF points (x0, x1, top, bottom; y grows downwards) and its text, wherever it came from
(pdfium, pdfplumber, Tesseract).  Words become physical lines; a page's lines become blocks in reading order:
on page 1 the header's left column block then its right column block (split at the column gap), then body
paragraphs re-joined from wrapped lines, and on the last page the Nơi nhận block and the signature block."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from parsers.normalize import is_caps


def median(values) -> float:
    """statistics.median, the same arithmetic (the middle value, or the mean of the two middle ones), without
    importing statistics (random, decimal, fractions) into every parse's start-up."""
    data = sorted(values)
    n = len(data)
    if n == 0:
        raise ValueError("no median for empty data")
    if n % 2 == 1:
        return data[n // 2]
    return (data[n // 2 - 1] + data[n // 2]) / 2


# --- line model -------------------------------------------------------------------------------------------


class _computed_once:
    """functools.cached_property without its per-instance lock (Python 3.11 takes an RLock on every first
    access; a page makes thousands of lines, each asked for its bounds): the value is computed on first
    access and stored in the instance, whose attribute then hides this descriptor."""

    def __init__(self, compute):
        self._compute = compute
        self._name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self._name] = self._compute(instance)
        return value


@dataclass
class Word:
    """A word box in PDF points (top < bottom).  `line_id`: the line the producing engine put the word in, if
    it groups words itself (Tesseract's block/paragraph/line numbers); None for text-layer words."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    line_id: tuple | None = None


@dataclass
class Line:
    """One physical line: its words in x order; `segments` are runs of words without a wide gap."""

    words: list[Word]
    segments: list[list[Word]] = field(default_factory=list)

    # Computed once per line (a line's words are never changed after it is made; the layout asks for its
    # bounds tens of times per line).
    @_computed_once
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @_computed_once
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @_computed_once
    def top(self) -> float:
        return min(w.top for w in self.words)

    @_computed_once
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @_computed_once
    def height(self) -> float:
        return self.bottom - self.top

    @_computed_once
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def lines_from_words(words: list[Word], gap_factor: float = 1.5) -> list[Line]:
    """Group words into physical lines (vertical overlap) and each line into segments at wide gaps.

    Words that carry an engine's line_id (OCR) are first straightened (the scan's skew removed) and kept in
    their engine line: on a tilted page the far end of one line sits as low as the start of the next, and a
    tall signature line overlaps several small recipient lines beside it."""
    if words and all(w.line_id is not None for w in words):
        lines = _lines_from_fragments(straighten(words))
    else:
        lines = _lines_by_overlap(words)
    out = []
    for ws in lines:
        ws.sort(key=lambda w: w.x0)
        height = median(w.bottom - w.top for w in ws) or 10.0
        segments: list[list[Word]] = [[ws[0]]]
        for prev, w in zip(ws, ws[1:], strict=False):
            if w.x0 - prev.x1 > gap_factor * height:
                segments.append([w])
            else:
                segments[-1].append(w)
        out.append(Line(ws, segments))
    out.sort(key=lambda line: line.top)
    return out


def _lines_by_overlap(words: list[Word]) -> list[list[Word]]:
    lines: list[list[Word]] = []
    spans: list[list[float]] = []  # [top, bottom] of each line so far (kept, not recomputed per word)
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        for k in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            top, bottom = spans[k]
            # same line if the boxes overlap by half the smaller height (superscripts, mixed sizes)
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= 0.5 * min(bottom - top, w.bottom - w.top) and not _collides(w, lines[k]):
                lines[k].append(w)
                spans[k] = [min(top, w.top), max(bottom, w.bottom)]
                break
        else:
            lines.append([w])
            spans.append([w.top, w.bottom])
    return lines


def _collides(word: Word, line: list[Word]) -> bool:
    """The word sits on top of a word of the line: two tightly set lines of a small-type column ('- PCT.
    UBND tỉnh' over '- Phòng HCQT') overlap vertically, but words of one line never overlap horizontally."""
    return any(word.x0 < x.x1 - 1.0 and x.x0 < word.x1 - 1.0 for x in line)


def _fragments(words: list[Word]) -> list[list[Word]]:
    by_id: dict[tuple, list[Word]] = {}
    for w in words:
        by_id.setdefault(w.line_id, []).append(w)
    return list(by_id.values())


def _lines_from_fragments(words: list[Word]) -> list[list[Word]]:
    """Engine lines side by side (the header's or closing area's two columns) merge into one physical line
    if they overlap vertically; a fragment never joins a line that already has words above/below it."""
    frags = sorted((Line(f) for f in _fragments(words)), key=lambda f: f.top)
    lines: list[list[Line]] = []
    for frag in frags:
        for line in reversed(lines[-4:]):
            side_by_side = all(frag.x1 <= f.x0 or frag.x0 >= f.x1 for f in line)
            overlaps = any(
                min(frag.bottom, f.bottom) - max(frag.top, f.top) >= 0.5 * min(frag.height, f.height)
                for f in line
            )
            if side_by_side and overlaps:
                line.append(frag)
                break
        else:
            lines.append([frag])
    return [[w for f in line for w in f.words] for line in lines]


def skew_slope(words: list[Word], min_words: int = 4) -> float:
    """dy/dx of the text lines (0 for a straight page), from the engine lines' word bottoms.

    Per line the median of the slopes between word pairs far apart (descenders and dots below move single
    bottoms, not the median); the page's slope is the median over its long lines."""
    slopes = []
    for frag in _fragments(words):
        if len(frag) < min_words:
            continue
        frag = sorted(frag, key=lambda w: w.x0)
        height = median(w.bottom - w.top for w in frag) or 10.0
        pair_slopes = [
            (b.bottom - a.bottom) / ((b.x0 + b.x1) / 2 - (a.x0 + a.x1) / 2)
            for i, a in enumerate(frag)
            for b in frag[i + 1 :]
            if (b.x0 + b.x1) / 2 - (a.x0 + a.x1) / 2 > 8 * height
        ]
        if len(pair_slopes) >= 3:
            slopes.append(median(pair_slopes))
    if len(slopes) < 3:
        return 0.0
    return median(slopes)


def straighten(words: list[Word], max_slope: float = 0.05) -> list[Word]:
    """The words rotated about the page centre so that lines run level (a scan tilted by up to ~3 degrees).

    Larger slopes are left alone: they are not skew but a page set at an angle, which OCR does not read."""
    slope = skew_slope(words)
    if slope == 0.0 or abs(slope) > max_slope:
        return list(words)
    cx = median((w.x0 + w.x1) / 2 for w in words)
    cy = median((w.top + w.bottom) / 2 for w in words)
    out = []
    for w in words:
        mx, my = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        dx = slope * (my - cy)
        dy = -slope * (mx - cx)
        out.append(Word(w.x0 + dx, w.x1 + dx, w.top + dy, w.bottom + dy, w.text, w.line_id))
    return out


# --- page layout ------------------------------------------------------------------------------------------

_STAMP_START = re.compile(r"^(Ký bởi|Người ký|Được ký bởi|Signed by)\s*:", re.IGNORECASE)
_STAMP_LINE = re.compile(
    r"^(Ký bởi|Người ký|Được ký bởi|Signed by|Email|E-mail|Cơ quan|Tổ chức|Chức vụ|Thời gian ký|Ngày ký|"
    r"Giờ ký|Signing time|Date)\s*:",
    re.IGNORECASE,
)
_SAO_Y = re.compile(r"^(SAO Y( BẢN CHÍNH)?|BẢN SAO|SAO LỤC|TRÍCH SAO)$")
_LONE_NUMBER = re.compile(r"^[-–\s]*\d{1,4}[-–\s]*$")
_DATE_LINE = re.compile(r"ngày\s*\S*\s*tháng\s*\S*\s*năm\s*\d{0,4}", re.IGNORECASE)
_NOI_NHAN = re.compile(r"^(Nơi nhận|Nơi gửi)\s*:?", re.IGNORECASE)
_SIGN_AUTH = re.compile(r"^(T/M|TM\.|TM|K/T|KT\.|KT|T/L|TL\.|TUQ\.|Q\.|KÝ THAY|THAY MẶT)\s", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^([-–—•+*]\s|\d+(\.\d+)*[.)]\s|[a-zđ][).]\s|[IVXLC]+\.\s|Điều\s+\d+[a-z]?\.)")


@dataclass
class PageText:
    """Blocks of one page; `open_tail` = its last paragraph ran to the right margin (may continue)."""

    blocks: list[str]
    removed: list[str]
    open_tail: bool = False
    continuable_head: bool = False
    footnotes: list[str] = field(default_factory=list)  # page-bottom notes, 'n text' (marker first)
    notes_height: float | None = None  # their median line height


def remove_stamps(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Take digital-signature stamp lines ('Ký bởi: ... Thời gian ký: ...') and 'SAO Y' stamps out."""
    removed: list[str] = []
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        if _STAMP_START.match(lines[i].text):
            j = i
            while j + 1 < len(lines) and _STAMP_LINE.match(lines[j + 1].text):
                j += 1
            stamp = lines[i : j + 1]
            if j > i or "Thời gian ký" in lines[i].text:
                removed.append("\n".join(line.text for line in stamp))
                for k in range(i, j + 1):
                    keep[k] = False
            i = j + 1
            continue
        if _SAO_Y.match(lines[i].text.strip()):
            removed.append(lines[i].text.strip())
            keep[i] = False
        i += 1
    return [line for line, k in zip(lines, keep, strict=True) if k], removed


def _drop_lone_page_number(lines: list[Line], page_height: float) -> list[Line]:
    """A page number alone on its line at the top or the bottom of the page is not content."""
    if lines and _LONE_NUMBER.match(lines[0].text) and lines[0].top < 0.15 * page_height:
        lines = lines[1:]
    if lines and _LONE_NUMBER.match(lines[-1].text) and lines[-1].top > 0.88 * page_height:
        lines = lines[:-1]
    return lines


_FOOTNOTE_MARK = re.compile(r"^(\(?\d{1,3}\)?|\*{1,3}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*\S")
FOOTNOTE_ZONE = 0.7  # footnotes sit in the lowest 30 % of the page
FOOTNOTE_SIZE = 0.85  # ... in a smaller type than the page's text lines
FOOTNOTE_GAP = 2.0  # ... below a gap of this many text line heights (the rule above them)
# A note whose marker is printed as a superscript in the text above may start anywhere below the text (a
# long note fills most of the page) and below a smaller gap: the marker proves what the block is.
MARKED_FOOTNOTE_GAP = 1.2

# Superscript digits of a text layer (note markers, 'm²') are wrapped in these private-use characters by
# the engine that knows the font sizes (parsers.pdf); layout_page drops a marker whose note is on the page
# and gives every other one back as plain digits.
SUP_OPEN, SUP_CLOSE = "\ue000", "\ue001"
_SUP_RUN = re.compile(f"{SUP_OPEN}(\\d+){SUP_CLOSE}( (?=[.,;:!?)]))?")


def superscript_numbers(lines: list[Line]) -> set[str]:
    """The superscript marker numbers printed in the lines ('tỉnh²' -> {'2'})."""
    return {m.group(1) for line in lines for m in _SUP_RUN.finditer(_joined_sup(line.text))}


def _joined_sup(text: str) -> str:
    """One SUP_OPEN…SUP_CLOSE pair per marker: the engines wrap each digit."""
    return text.replace(SUP_CLOSE + SUP_OPEN, "")


def resolve_superscripts(text: str, notes: set[str]) -> str:
    """Drop the markers of the page's notes (and the space a text layer leaves before the punctuation
    after one: 'tỉnh² .' -> 'tỉnh.'); any other superscript number becomes plain digits again."""
    return _SUP_RUN.sub(
        lambda m: "" if m.group(1) in notes else m.group(1) + (m.group(2) or ""), _joined_sup(text)
    )


def split_footnotes(
    lines: list[Line], page_height: float, notes_height: float | None = None
) -> tuple[list[Line], list[str], float | None]:
    """(lines without the page's footnotes, the footnotes as 'marker text' strings, their line height).

    A Word footnote ('1 Gồm: Sở Khoa học…' under a short rule) is in a smaller type at the page bottom,
    below a clear gap; left in place it runs on from the last recipient or the signer name.  The group is
    the page's last lines, smaller than the text, whose first line starts with a note marker: within the
    lowest part of the page, or anywhere if the text above prints that marker as a superscript.  A note cut
    by the page break goes on, with no marker, at the next page's bottom: a block there in the type of the
    previous page's notes (`notes_height`) is its rest."""
    if len(lines) < 3:
        return lines, [], None
    start = _marked_notes_start(lines, superscript_numbers(lines), notes_height)
    if start is None:
        start = _notes_start(lines, page_height)
    if start is None:
        return lines, [], None
    notes = _group_notes([resolve_superscripts(line.text, set()) for line in lines[start:]])
    return lines[:start], notes, median(ln.height for ln in lines[start:])


def _group_notes(texts: list[str]) -> list[str]:
    """One string per note: a line opens a new note when it starts with the next marker number (a wrapped
    line may start with any number: '2025; Kế hoạch…', '10/4/2025 về…', '35 văn bản…')."""
    notes: list[str] = []
    last: int | None = None
    for text in texts:
        m = _FOOTNOTE_MARK.match(text)
        number = m.group(1).strip("()") if m else None
        opens = m is not None and (
            not notes or not number.isdigit() or last is None or int(number) == last + 1
        )
        if opens and number.isdigit() and not text[len(m.group(1)) :][:1].isspace() and notes:
            opens = False  # '2025;' is a number, not marker 202 before '5;'
        if opens or not notes:
            notes.append(text)
            last = int(number) if opens and number.isdigit() else last
        else:
            notes[-1] += " " + text
    return notes


def _notes_start(lines: list[Line], page_height: float) -> int | None:
    typical = median(ln.height for ln in lines)
    k = len(lines)
    while (
        k > 0
        and lines[k - 1].height < FOOTNOTE_SIZE * typical
        and lines[k - 1].top > FOOTNOTE_ZONE * page_height
    ):
        k -= 1
    for start in range(max(k, 1), len(lines)):
        gap = lines[start].top - lines[start - 1].bottom
        if _FOOTNOTE_MARK.match(lines[start].text) and gap > FOOTNOTE_GAP * typical:
            return start
    return None


NOTES_SAME_TYPE = 0.1  # a note's rest on the next page is within 10 % of the notes' line height


def _marked_notes_start(lines: list[Line], marked: set[str], notes_height: float | None) -> int | None:
    """The first line that opens a note whose marker is printed above it (or the rest of the previous
    page's last note), where the lines from there down are, by the median, in a
    smaller type than the lines above and below a gap."""
    if not marked and notes_height is None:
        return None
    for start in range(2, len(lines)):
        m = _FOOTNOTE_MARK.match(lines[start].text)
        above = median(ln.height for ln in lines[:start])
        gap = lines[start].top - lines[start - 1].bottom
        if gap <= MARKED_FOOTNOTE_GAP * above:
            continue
        below = median(ln.height for ln in lines[start:])
        if below >= FOOTNOTE_SIZE * above:
            continue
        if m and m.group(1).strip("()") in (marked & superscript_numbers(lines[:start])):
            return start
        if notes_height is not None and abs(below - notes_height) <= NOTES_SAME_TYPE * notes_height:
            return start
    return None


def _column_split(lines: list[Line], width: float, closing: bool = False) -> float | None:
    """x of the gap between the left and right column blocks of a header/closing region.

    Each line votes with its widest inter-word gap in the middle band of the page (if clearly wider than a
    space); the split is the x inside the most votes.  Lines with text on one side only do not vote."""
    votes: list[tuple[float, float]] = []
    for line in lines:
        height = median(w.bottom - w.top for w in line.words) or 10.0
        best: tuple[float, float] | None = None
        for a, b in zip(line.words, line.words[1:], strict=False):
            mid = (a.x1 + b.x0) / 2
            if 0.2 * width < mid < 0.68 * width and b.x0 - a.x1 >= 0.8 * height:
                if best is None or b.x0 - a.x1 > best[1] - best[0]:
                    best = (a.x1, b.x0)
        if best:
            votes.append(best)
    if not votes:
        return None
    edges = sorted({x for v in votes for x in v})
    best_x, best_key, band = None, (0, 0.0), (0.0, 0.0)
    for a, b in zip(edges, edges[1:], strict=False):
        x = (a + b) / 2
        key = (sum(1 for lo, hi in votes if lo <= x <= hi), b - a)  # most votes, then the widest band
        if key > best_key:
            best_x, best_key, band = x, key, (a, b)
    # in the closing area, lines printed across both columns (under the signature) do not hide the corridor
    return _refine_split(_not_spanning(lines, band) if closing else lines, width, best_x)


def _not_spanning(lines: list[Line], band: tuple[float, float]) -> list[Line]:
    """Lines that do not run as one text across the whole voted gap: a contact line printed under the
    signature ('Số điện thoại liên hệ …') crosses every x and would hide the corridor between the columns."""
    lo, hi = band
    out = []
    for line in lines:
        spans = any(min(w.x0 for w in seg) < lo and max(w.x1 for w in seg) > hi for seg in line.segments)
        if not spans:
            out.append(line)
    return out or lines


CORRIDOR_HALF_WIDTH = 3.0  # points: a column corridor is more than 6 pt wide, a word space (~3 pt) less


def _refine_split(lines: list[Line], width: float, voted: float) -> float:
    """Move the split into the clearest vertical corridor near the voted x: a long left-column line (a
    wrapped recipient) may reach past the gap most lines leave, and its words must stay on the left."""
    words = [w for line in lines for w in line.words]
    best, best_key = voted, (len(words), 0.0)
    x = 0.25 * width
    while x <= 0.72 * width:
        # wider than the space between two words of one line ('UBMTTQ VN tỉnh'): a corridor between columns
        m = CORRIDOR_HALF_WIDTH
        key = (sum(1 for w in words if w.x0 < x + m and x - m < w.x1), abs(x - voted))
        if key < best_key:
            best, best_key = x, key
        x += 2.0
    if best_key[0] > 0:  # no clear corridor: keep the voted gap
        return voted
    # centre the split in the corridor found
    lo = max((w.x1 for w in words if w.x1 <= best), default=best)
    hi = min((w.x0 for w in words if w.x0 >= best), default=best)
    return (lo + hi) / 2


def _crosses(line: Line, split: float) -> bool:
    """A word bridges the column gap: the line is not part of a two-column block."""
    return any(w.x0 < split - 3 and w.x1 > split + 3 for w in line.words)


def _runs_across(line: Line, split: float) -> bool:
    """One run of words (no column gap inside) that has words on both sides of the split."""
    return any(
        min(w.x0 for w in seg) < split - 3 and max(w.x1 for w in seg) > split + 3 for seg in line.segments
    )


def _is_running_header(line: Line, width: float, height: float) -> bool:
    """A one-run line across the page centre at the very top ('CÔNG BÁO/Số 1003 + 1004/Ngày ...')."""
    return (
        line.top < 0.12 * height
        and any(ch.isdigit() for ch in line.text)
        and any(seg[0].x0 < 0.35 * width and max(w.x1 for w in seg) > 0.6 * width for seg in line.segments)
    )


def _is_left(w: Word, split: float) -> bool:
    return (w.x0 + w.x1) / 2 < split


def _side_lines(lines: list[Line], split: float, left: bool) -> list[str]:
    out = []
    for line in lines:
        ws = [w for w in line.words if _is_left(w, split) == left]
        if ws:
            out.append(" ".join(w.text for w in ws))
    return out


def _header_end(lines: list[Line], split: float, page_width: float, page_height: float) -> int:
    """Index of the first line after the two-column header on page 1."""
    heights = [line.height for line in lines[:20]] or [12.0]
    typical = median(heights)
    date_seen = False
    right_mids = []
    for line in lines[:8]:
        right = [w for w in line.words if not _is_left(w, split)]
        if right and len(right) < len(line.words):
            right_mids.append((right[0].x0 + right[-1].x1) / 2)
    right_centre = median(right_mids) if right_mids else None
    for i, line in enumerate(lines):
        if line.top > 0.45 * page_height or _crosses(line, split):
            return i
        has_right = any(not _is_left(w, split) for w in line.words)
        if i and not any(_is_left(w, split) for w in line.words) and right_centre is not None:
            mid = (line.x0 + line.x1) / 2
            if abs(mid - page_width / 2) < abs(mid - right_centre):  # centred on the page: the type line
                return i
        if i and line.top - lines[i - 1].bottom > 3.0 * typical:
            return i
        if date_seen and has_right:
            return i
        right_text = " ".join(w.text for w in line.words if not _is_left(w, split))
        if _DATE_LINE.search(right_text):
            date_seen = True
    return len(lines)


def _closing_start(lines: list[Line], width: float) -> int | None:
    """Index of the first line of the closing area (Nơi nhận / signature block) on the last page."""
    found = None
    for i, line in enumerate(lines):
        for seg in line.segments:
            seg_text = " ".join(w.text for w in seg)
            x0 = min(w.x0 for w in seg)
            if _NOI_NHAN.match(seg_text) and x0 < 0.45 * width:
                found = i if found is None else min(found, i)
            elif _SIGN_AUTH.match(seg_text) and x0 > 0.4 * width:
                found = i if found is None else min(found, i)
        if found is not None and i > found + 2:
            break
    return found


def _with_title_above(lines: list[Line], start: int, lowest: int, width: float) -> int:
    """The closing area's first line, moved up over a signer's title set a little higher than the 'Nơi
    nhận:' line ('GIÁM ĐỐC' right above it, in the right column alone): left in the body it is lost to the
    signature block."""
    while start > lowest:
        above, line = lines[start - 1], lines[start]
        near = line.top - above.bottom < 1.5 * max(above.height, 1.0)
        if not (near and above.x0 > 0.45 * width and is_caps(above.text)):
            break
        start -= 1
    return start


def _is_centered(line: Line, left: float, right: float) -> bool:
    """Centred between the margins with room on both sides (type line, subject, chapter titles)."""
    centre = (left + right) / 2
    mid = (line.x0 + line.x1) / 2
    return line.x0 > left + 8 and line.x1 < right - 8 and abs(mid - centre) < 0.04 * (right - left)


def _paragraphs(lines: list[Line], left: float, right: float) -> tuple[list[str], bool, bool]:
    """Re-join wrapped lines into paragraphs; centred lines (titles, subject) stay one block of lines.

    Returns (blocks, open_tail, continuable_head)."""
    blocks: list[list[str]] = []
    kinds: list[str] = []
    tol = max(12.0, 0.035 * (right - left))
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False) if b.top > a.bottom]
    typical_gap = median(gaps) if gaps else 6.0
    prev: Line | None = None
    prev_ended = True
    head_ok = False
    for n, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            continue
        centered = _is_centered(line, left, right)
        kind = "title" if centered else "para"
        indent = line.x0 > left + 8
        if n == 0:
            head_ok = not centered and not indent and not _LIST_ITEM.match(text)
        big_gap = prev is not None and line.top - prev.bottom > 1.6 * typical_gap + 3
        if kind == "title":
            if kinds and kinds[-1] == "title" and not big_gap:
                blocks[-1].append(text)
            else:
                blocks.append([text])
                kinds.append("title")
            prev_ended = True
        else:
            new = (
                prev_ended
                or big_gap
                or indent
                or _LIST_ITEM.match(text) is not None
                or not kinds
                or kinds[-1] != "para"
            )
            if new:
                blocks.append([text])
                kinds.append("para")
            else:
                blocks[-1][-1] += " " + text
            prev_ended = line.x1 < right - tol
        prev = line
    open_tail = bool(kinds) and kinds[-1] == "para" and not prev_ended
    return ["\n".join(b) for b in blocks], open_tail, head_ok


def layout_page(
    lines: list[Line],
    width: float,
    height: float,
    *,
    first: bool,
    last: bool,
    page_index: int,
    notes_height: float | None = None,
) -> PageText:
    """Blocks of one page in reading order (header columns, body paragraphs, closing columns).

    `notes_height`: the line height of the previous page's footnotes, if it had any (the last one may run
    on at this page's bottom)."""
    lines, removed = remove_stamps(lines)
    if page_index > 0:
        lines = _drop_lone_page_number(lines, height)
    lines, footnotes, page_notes_height = split_footnotes(lines, height, notes_height)
    page = _layout_blocks(lines, width, height, first=first, last=last, removed=removed)
    notes = {m.group(1) for m in (_NOTE_MARK.match(n) for n in footnotes) if m}
    page.blocks = [resolve_superscripts(b, notes) for b in page.blocks]
    page.footnotes = footnotes
    page.notes_height = page_notes_height
    return page


def _layout_blocks(
    lines: list[Line], width: float, height: float, *, first: bool, last: bool, removed: list[str]
) -> PageText:
    blocks: list[str] = []
    if not lines:
        return PageText(blocks, removed)
    body_start, body_end = 0, len(lines)
    if first:
        lead = 0
        if _is_running_header(lines[0], width, height):
            lead = 1
        header_zone = [ln for ln in lines[lead:] if ln.top < 0.4 * height]
        dated = [k for k, ln in enumerate(header_zone) if _DATE_LINE.search(ln.text)]
        if dated:  # the place-and-date line closes the two-column part: lines below it do not vote
            header_zone = header_zone[: dated[0] + 1]
        split = _column_split(header_zone, width)
        if split is not None:
            end = lead + _header_end(lines[lead:], split, width, height)
            if end > lead:
                left = _side_lines(lines[lead:end], split, left=True)
                right = _side_lines(lines[lead:end], split, left=False)
                blocks.extend(line.text for line in lines[:lead])
                blocks.extend(b for b in ("\n".join(left), "\n".join(right)) if b)
                body_start = end
    closing: list[str] = []
    if last:
        start = _closing_start(lines[body_start:], width)
        if start is not None:
            found = lines[body_start + start]
            start = _with_title_above(lines, body_start + start, body_start, width)
            region = lines[start:]
            split = _column_split(region, width, closing=True)
            if split is None:
                split = min(w.x0 for w in found.words) - 1 if not _NOI_NHAN.match(found.text) else width / 2
            # a line written across both columns (contact phones under the signature) is neither column's
            across = [ln for ln in region if _runs_across(ln, split)]
            region = [ln for ln in region if not _runs_across(ln, split)] or region
            if len(across) == len(lines[start:]):
                across = []
            left = _join_list_lines(_side_lines(region, split, left=True))
            right = _side_lines(region, split, left=False)
            tail = [ln.text for ln in across]
            closing = [b for b in ("\n".join(left), "\n".join(right), "\n".join(tail)) if b]
            body_end = start
    body = lines[body_start:body_end]
    open_tail = head_ok = False
    if body:
        all_lines = lines
        left_margin = _percentile([ln.x0 for ln in all_lines], 0.1)
        right_margin = _percentile([ln.x1 for ln in all_lines], 0.9)
        paras, open_tail, head_ok = _paragraphs(body, left_margin, right_margin)
        blocks.extend(paras)
        if body_start > 0:
            head_ok = False
    if closing:
        blocks.extend(closing)
        open_tail = False
    return PageText(blocks, removed, open_tail=open_tail, continuable_head=head_ok)


def _join_list_lines(lines: list[str]) -> list[str]:
    """In the Nơi nhận column every entry starts with '- ': a line that does not is a wrapped continuation."""
    out: list[str] = []
    for text in lines:
        if out and _LIST_ITEM.match(out[-1]) and not _LIST_ITEM.match(text) and not _NOI_NHAN.match(text):
            out[-1] += " " + text
        else:
            out.append(text)
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


FOOTNOTE_PREFIX = "[^"  # footnotes close the text as Markdown footnote definitions: '[^1]: Gồm: …'
_NOTE_MARK = re.compile(r"^\(?(\d{1,3}|\*{1,3}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\)?\s*")


def join_pages(pages: list[PageText]) -> str:
    """Concatenate page blocks; a paragraph cut by the page break is re-joined.  Footnotes come last, after
    the closing, as '[^n]: text' lines (a note cut from its page bottom must not run into the body, the
    recipients or the signer name)."""
    blocks: list[str] = []
    prev_open = False
    notes: list[str] = []
    for page in pages:
        page_blocks = list(page.blocks)
        if prev_open and page.continuable_head and page_blocks and blocks:
            blocks[-1] += " " + page_blocks.pop(0)
        blocks.extend(page_blocks)
        if page.blocks:
            prev_open = page.open_tail
        for note in page.footnotes:
            if notes and not _NOTE_MARK.match(note):  # the rest of the previous page's last note
                notes[-1] += " " + note
            else:
                notes.append(note)
    if notes:
        blocks.append("\n".join(_footnote_line(note) for note in notes))
    return normalize_text("\n\n".join(blocks))


def _footnote_line(note: str) -> str:
    m = _NOTE_MARK.match(note)
    return f"{FOOTNOTE_PREFIX}{m.group(1)}]: {note[m.end() :]}" if m else note


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")


def normalize_text(text: str) -> str:
    """NFC, single spaces, no trailing spaces, at most one blank line in a row.  Run AFTER legacy decoding."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00d0", "Đ")  # Icelandic Eth, typed for Đ by some fonts/OCR
    text = text.replace("\u00ad", "")  # soft hyphen: only meaningful before decoding (TCVN3 'ư')
    text = text.replace("\ufffe", "-")  # pdfium's mark for a hyphen that ends a line ('TT-' / 'VPCP')
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
