"""PDF -> text that keeps the official layout's blocks apart.

Two engines: pdfplumber (pdfminer) where geometry decides the reading order — page 1 (two-column header)
and the last page (Nơi nhận / signature columns) — and for pages needing per-font legacy conversion; pypdfium2
for the bulk of the body pages (about 20x faster).  Both feed the same line model, so paragraph re-joining is
one piece of code.  Pages whose text layer is missing or garbage are OCRed (parsers.ocr).

This module runs inside the sandbox child (parsers.sandbox); it raises parsers.errors subclasses."""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from parsers.errors import (
    CorruptFile,
    DecompressionBomb,
    EncryptedFile,
    ExtractionError,
    TooManyPages,
    TruncatedFile,
)
from parsers.legacy import (
    decode_tcvn3,
    decode_vni,
    detect_legacy_encoding,
    is_h_font,
    legacy_encoding_for_font,
)
from parsers.limits import Extraction, Limits

# --- line model -------------------------------------------------------------------------------------------


@dataclass
class Word:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str


@dataclass
class Line:
    """One physical line: its words in x order; `segments` are runs of words without a wide gap."""

    words: list[Word]
    segments: list[list[Word]] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def lines_from_words(words: list[Word], gap_factor: float = 1.5) -> list[Line]:
    """Group words into physical lines (vertical overlap) and each line into segments at wide gaps."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        for line in reversed(lines[-3:]):
            top = min(x.top for x in line)
            bottom = max(x.bottom for x in line)
            # same line if the boxes overlap by half the smaller height (superscripts, mixed sizes)
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= 0.5 * min(bottom - top, w.bottom - w.top):
                line.append(w)
                break
        else:
            lines.append([w])
    out = []
    for ws in lines:
        ws.sort(key=lambda w: w.x0)
        height = statistics.median(w.bottom - w.top for w in ws) or 10.0
        segments: list[list[Word]] = [[ws[0]]]
        for prev, w in zip(ws, ws[1:], strict=False):
            if w.x0 - prev.x1 > gap_factor * height:
                segments.append([w])
            else:
                segments[-1].append(w)
        out.append(Line(ws, segments))
    out.sort(key=lambda line: line.top)
    return out


# --- page layout ------------------------------------------------------------------------------------------

_STAMP_START = re.compile(r"^(Ký bởi|Người ký|Được ký bởi|Signed by)\s*:", re.IGNORECASE)
_STAMP_LINE = re.compile(
    r"^(Ký bởi|Người ký|Được ký bởi|Signed by|Email|E-mail|Cơ quan|Tổ chức|Chức vụ|Thời gian ký|Ngày ký|"
    r"Signing time|Date)\s*:", re.IGNORECASE)
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


def _remove_stamps(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Take digital-signature stamp lines ('Ký bởi: ... Thời gian ký: ...') and 'SAO Y' stamps out."""
    removed: list[str] = []
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        if _STAMP_START.match(lines[i].text):
            j = i
            while j + 1 < len(lines) and _STAMP_LINE.match(lines[j + 1].text):
                j += 1
            stamp = lines[i:j + 1]
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
    if lines and _LONE_NUMBER.match(lines[0].text) and lines[0].top < 0.15 * page_height:
        return lines[1:]
    return lines


def _column_split(lines: list[Line], width: float) -> float | None:
    """x of the gap between the left and right column blocks of a header/closing region.

    Each line votes with its widest inter-word gap in the middle band of the page (if clearly wider than a
    space); the split is the x inside the most votes.  Lines with text on one side only do not vote."""
    votes: list[tuple[float, float]] = []
    for line in lines:
        height = statistics.median(w.bottom - w.top for w in line.words) or 10.0
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
    best_x, best_key = None, (0, 0.0)
    for a, b in zip(edges, edges[1:], strict=False):
        x = (a + b) / 2
        key = (sum(1 for lo, hi in votes if lo <= x <= hi), b - a)  # most votes, then the widest band
        if key > best_key:
            best_x, best_key = x, key
    return _refine_split(lines, width, best_x)


def _refine_split(lines: list[Line], width: float, voted: float) -> float:
    """Move the split into the clearest vertical corridor near the voted x: a long left-column line (a
    wrapped recipient) may reach past the gap most lines leave, and its words must stay on the left."""
    words = [w for line in lines for w in line.words]
    best, best_key = voted, (len(words), 0.0)
    x = 0.25 * width
    while x <= 0.72 * width:
        key = (sum(1 for w in words if w.x0 < x < w.x1), abs(x - voted))
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


def _is_running_header(line: Line, width: float, height: float) -> bool:
    """A one-run line across the page centre at the very top ('CÔNG BÁO/Số 1003 + 1004/Ngày ...')."""
    return line.top < 0.12 * height and any(ch.isdigit() for ch in line.text) and any(
        seg[0].x0 < 0.35 * width and max(w.x1 for w in seg) > 0.6 * width for seg in line.segments)


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
    typical = statistics.median(heights)
    date_seen = False
    right_mids = []
    for line in lines[:8]:
        right = [w for w in line.words if not _is_left(w, split)]
        if right and len(right) < len(line.words):
            right_mids.append((right[0].x0 + right[-1].x1) / 2)
    right_centre = statistics.median(right_mids) if right_mids else None
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
    typical_gap = statistics.median(gaps) if gaps else 6.0
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
            new = (prev_ended or big_gap or indent or _LIST_ITEM.match(text) is not None
                   or not kinds or kinds[-1] != "para")
            if new:
                blocks.append([text])
                kinds.append("para")
            else:
                blocks[-1][-1] += " " + text
            prev_ended = line.x1 < right - tol
        prev = line
    open_tail = bool(kinds) and kinds[-1] == "para" and not prev_ended
    return ["\n".join(b) for b in blocks], open_tail, head_ok


def layout_page(lines: list[Line], width: float, height: float, *, first: bool, last: bool,
                page_index: int) -> PageText:
    """Blocks of one page in reading order (header columns, body paragraphs, closing columns)."""
    lines, removed = _remove_stamps(lines)
    if page_index > 0:
        lines = _drop_lone_page_number(lines, height)
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
            header_zone = header_zone[:dated[0] + 1]
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
            start += body_start
            region = lines[start:]
            split = _column_split(region, width)
            if split is None:
                split = min(w.x0 for w in region[0].words) - 1 if not _NOI_NHAN.match(region[0].text) \
                    else width / 2
            left = _join_list_lines(_side_lines(region, split, left=True))
            right = _side_lines(region, split, left=False)
            closing = [b for b in ("\n".join(left), "\n".join(right)) if b]
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


def join_pages(pages: list[PageText]) -> str:
    """Concatenate page blocks; a paragraph cut by the page break is re-joined."""
    blocks: list[str] = []
    prev_open = False
    for page in pages:
        page_blocks = list(page.blocks)
        if prev_open and page.continuable_head and page_blocks and blocks:
            blocks[-1] += " " + page_blocks.pop(0)
        blocks.extend(page_blocks)
        if page.blocks:
            prev_open = page.open_tail
    return normalize_text("\n\n".join(blocks))


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")


def normalize_text(text: str) -> str:
    """NFC, single spaces, no trailing spaces, at most one blank line in a row.  Run AFTER legacy decoding."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00d0", "Đ")  # Icelandic Eth, typed for Đ by some fonts/OCR
    text = text.replace("\u00ad", "")  # soft hyphen: only meaningful before decoding (TCVN3 'ư')
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- pdfplumber page -> lines ----------------------------------------------------------------------------


def _convert_word(chars: list[dict], page_encoding: str | None) -> tuple[str, bool]:
    """The word's text with legacy-font runs decoded; (text, converted?)."""
    out: list[str] = []
    converted = False
    run: list[str] = []
    run_enc: tuple[str | None, bool] = (None, False)

    def flush() -> None:
        nonlocal converted
        if not run:
            return
        s = "".join(run)
        enc, capitals = run_enc
        if enc == "tcvn3":
            s = decode_tcvn3(s, capitals=capitals)
            converted = True
        elif enc == "vni":
            s = decode_vni(s)
            converted = True
        out.append(s)
        run.clear()

    for c in chars:
        font = c.get("fontname", "")
        enc = legacy_encoding_for_font(font) or page_encoding
        key = (enc, enc == "tcvn3" and is_h_font(font))
        if key != run_enc:
            flush()
            run_enc = key
        run.append(c["text"])
    flush()
    return "".join(out), converted


def plumber_page_lines(page, page_encoding: str | None = None) -> tuple[list[Line], bool]:
    """Lines of a pdfplumber page; legacy-font words decoded.  Returns (lines, converted?)."""
    from pdfplumber.utils.text import WordExtractor

    extractor = WordExtractor(x_tolerance=2.5, y_tolerance=3, keep_blank_chars=False)
    words = []
    converted = False
    for w in extractor.extract_words(page.chars, return_chars=True):
        text, conv = _convert_word(w["chars"], page_encoding)
        converted |= conv
        if text.strip():
            words.append(Word(w["x0"], w["x1"], w["top"], w["bottom"], text))
    return lines_from_words(words), converted


def page_has_legacy_font(page) -> str | None:
    for c in page.chars:
        enc = legacy_encoding_for_font(c.get("fontname"))
        if enc and c["text"].strip():
            return enc
    return None


# --- pypdfium2 page -> lines ------------------------------------------------------------------------------


def pdfium_page_lines(page) -> tuple[list[Line], str]:
    """Lines of a pypdfium2 page from pdfium's own line breaks, each with the box of its first/last glyph.

    Returns (lines, raw text) — the raw text serves the quality/legacy checks."""
    textpage = page.get_textpage()
    try:
        height = page.get_height()
        raw = textpage.get_text_range()  # offsets below index pdfium chars: NFC only per line
        lines: list[Line] = []
        pos = 0
        for chunk in raw.split("\r\n"):
            start, end = pos, pos + len(chunk)
            pos = end + 2
            stripped = chunk.strip()
            if not stripped:
                continue
            first = start + (len(chunk) - len(chunk.lstrip()))
            last = start + len(chunk.rstrip()) - 1
            # loose boxes (font ascent/descent) as pdfplumber uses: superscripts then overlap their line
            l0, b0, r0, t0 = textpage.get_charbox(first, loose=True)
            l1, b1, r1, t1 = textpage.get_charbox(last, loose=True)
            top = height - max(t0, t1)
            bottom = height - min(b0, b1)
            x0, x1 = min(l0, l1), max(r0, r1)
            if bottom <= top:
                bottom = top + 1
            word = Word(x0, x1, top, bottom, unicodedata.normalize("NFC", stripped))
            lines.append(Line([word], [[word]]))
        return _merge_same_baseline(lines), unicodedata.normalize("NFC", raw)
    finally:
        textpage.close()


def pdfium_page_words(page, textpage=None) -> list[Word] | None:
    """Words of a pypdfium2 page with their boxes (font ascent/descent boxes, like pdfplumber's).

    Used for the layout-critical pages (page 1, last page): same geometry as pdfplumber at a fraction of the
    cost.  None if pdfium's text does not index its characters one to one (then pdfplumber is used)."""
    own = textpage is None
    textpage = textpage or page.get_textpage()
    try:
        height = page.get_height()
        raw = textpage.get_text_range()
        if len(raw) != textpage.count_chars():
            return None
        words: list[Word] = []
        chars: list[str] = []
        x0 = x1 = top = bottom = 0.0

        def flush() -> None:
            if chars:
                words.append(Word(x0, x1, top, bottom, unicodedata.normalize("NFC", "".join(chars))))
                chars.clear()

        for i, ch in enumerate(raw):
            if ch.isspace() or ch in "\x02\ufffe\ufffd\x00":
                flush()
                continue
            left, low, right, high = textpage.get_charbox(i, loose=True)
            ctop, cbottom = height - high, height - low
            if chars and (left - x1 > 0.25 * (cbottom - ctop) or ctop > bottom or cbottom < top):
                flush()  # a gap or a jump that pdfium did not mark with a space
            if not chars:
                x0, x1, top, bottom = left, right, ctop, cbottom
            else:
                x1, top, bottom = max(x1, right), min(top, ctop), max(bottom, cbottom)
            chars.append(ch)
        flush()
        return words
    finally:
        if own:
            textpage.close()


def _merge_same_baseline(lines: list[Line]) -> list[Line]:
    """pdfium may split one physical line (e.g. at a font change); merge pieces that overlap vertically."""
    out: list[Line] = []
    for line in lines:
        if out:
            prev = out[-1]
            overlap = min(prev.bottom, line.bottom) - max(prev.top, line.top)
            if overlap >= 0.5 * min(prev.height, line.height) and line.x0 >= prev.x1 - 1:
                words = prev.words + line.words
                out[-1] = Line(words, [words])
                continue
        out.append(line)
    return out


# --- document driver --------------------------------------------------------------------------------------


def _open_pdfium(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise EncryptedFile("PDF is encrypted and needs a password") from exc
        if b"%%EOF" not in data[-2048:]:
            raise TruncatedFile(f"PDF ends early (no %%EOF) and cannot be opened: {exc}") from exc
        raise CorruptFile(f"PDF cannot be opened: {exc}") from exc


def _check_images(pdfium_page, limits: Limits, page_no: int) -> bool:
    """True if the page holds images; raises DecompressionBomb for one beyond max_image_pixels.

    Called only for pages that may be OCRed (little or garbage text): text extraction never decodes images,
    rendering does."""
    import pypdfium2.raw as pdfium_c

    has = False
    for obj in pdfium_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        has = True
        try:
            w, h = obj.get_px_size()
        except Exception:  # noqa: BLE001 - an unreadable image is just not counted
            continue
        if w * h > limits.max_image_pixels:
            raise DecompressionBomb(
                f"page {page_no}: embedded image of {w}x{h} px exceeds "
                f"max_image_pixels={limits.max_image_pixels}")
    return has


def extract_pdf(data: bytes, limits: Limits | None = None) -> Extraction:
    """Extract a PDF in this process (the sandbox calls this in its child)."""
    from parsers import ocr

    limits = limits or Limits()
    warnings: list[str] = []
    if b"%%EOF" not in data[-2048:]:
        warnings.append("PDF has no %%EOF marker at its end: the file may be truncated")
    doc = _open_pdfium(data)
    n_pages = len(doc)
    if n_pages == 0:
        raise TruncatedFile("PDF has no readable pages") if warnings else CorruptFile("PDF has no pages")
    if n_pages > limits.max_pages:
        if not limits.truncate_pages:
            raise TooManyPages(f"PDF has {n_pages} pages, more than max_pages={limits.max_pages}")
        warnings.append(f"PDF has {n_pages} pages; only the first {limits.max_pages} were extracted")
        n_pages = limits.max_pages
    plumber = _PlumberDoc(data, warnings)
    pages: list[PageText] = []
    sources: list[str] = []
    removed: list[str] = []
    ocr_jobs: list[int] = []
    layer_quality: dict[int, float] = {}
    for i in range(n_pages):
        first, last = i == 0, i == n_pages - 1
        page = _page_with_annotations_flattened(doc, i)
        try:
            width, height = page.get_size()
            pdfium_lines, raw = pdfium_page_lines(page)
            # signature stamps live in widget annotations: only the flattened pdfium page shows them
            pdfium_lines, stamps = _remove_stamps(pdfium_lines)
            removed.extend(stamps)
            quality = ocr.text_quality(raw)
            legacy = _legacy_page_encoding(raw)
            maybe_scan = ocr.needs_ocr(raw, True, quality)  # as if it had images: only then look
            needs_ocr = maybe_scan and ocr.needs_ocr(raw, _check_images(page, limits, i + 1), quality)
            if needs_ocr and not legacy:
                ocr_jobs.append(i)
                layer_quality[i] = quality
                pages.append(PageText([], []))
                sources.append("ocr")
                continue
            lines, converted = pdfium_lines, False
            if legacy:  # per-font decoding needs pdfplumber's font names per character
                plumber_lines, converted = plumber.page_lines(i, legacy)
                lines = plumber_lines if plumber_lines is not None else lines
            elif first or last:  # column geometry needs word boxes
                words = pdfium_page_words(page)
                if words is not None:
                    lines, _ = _remove_stamps(lines_from_words(words))
                else:
                    plumber_lines, converted = plumber.page_lines(i, None)
                    lines = plumber_lines if plumber_lines is not None else lines
            page_text = layout_page(lines, width, height, first=first, last=last, page_index=i)
            pages.append(page_text)
            removed.extend(page_text.removed)
            sources.append("converted" if converted else "text")
        finally:
            page.close()
    plumber.close()
    confidence = None
    if ocr_jobs:
        if len(ocr_jobs) > limits.max_ocr_pages:
            skipped = ocr_jobs[limits.max_ocr_pages:]
            listed = ", ".join(str(p + 1) for p in skipped)
            warnings.append(f"{len(ocr_jobs)} pages need OCR; only the first {limits.max_ocr_pages} were "
                            f"OCRed (max_ocr_pages); pages {listed} left as text layer")
            ocr_jobs = ocr_jobs[:limits.max_ocr_pages]
            for p in skipped:
                sources[p] = "text"
                pages[p] = _fallback_page(doc, p, n_pages)
        results = ocr.ocr_pdf_pages(doc, ocr_jobs, limits)
        confs = []
        for p, result in results.items():
            if result.error:
                warnings.append(f"page {p + 1}: OCR failed ({result.error}); kept its text layer")
                pages[p] = _fallback_page(doc, p, n_pages)
                sources[p] = "text"
                continue
            if raw_layer_better(layer_quality.get(p, 0.0), result.text):
                warnings.append(f"page {p + 1}: OCR read worse than the text layer; kept the text layer")
                pages[p] = _fallback_page(doc, p, n_pages)
                sources[p] = "text"
                continue
            lines = lines_from_words(result.words)
            pages[p] = layout_page(lines, result.width, result.height, first=p == 0, last=p == n_pages - 1,
                                   page_index=p)
            removed.extend(pages[p].removed)
            confs.append(result.confidence)
        confidence = round(sum(confs) / len(confs), 1) if confs else None
    doc.close()
    for stamp in removed:
        warnings.append("stamp removed from the text: " + stamp.replace("\n", " | "))
    text = join_pages(pages)
    if not text and warnings and "truncated" in warnings[0]:
        raise TruncatedFile("PDF is truncated and no text could be recovered")
    return Extraction(text=text, pages=n_pages, page_sources=sources, ocr_confidence=confidence,
                      warnings=warnings, kind="pdf", removed=removed)


def _legacy_page_encoding(raw: str) -> str | None:
    """The legacy encoding of a page's text layer, if decoding it yields real Vietnamese (a scanner's garbage
    OCR layer can look like TCVN3/VNI to the signature test alone)."""
    from parsers import ocr

    encoding = detect_legacy_encoding(raw)
    if encoding is None:
        return None
    decoded = decode_tcvn3(raw) if encoding == "tcvn3" else decode_vni(raw)
    return encoding if ocr.text_quality(decoded) >= ocr.GOOD_QUALITY else None


def _page_with_annotations_flattened(doc, index: int):
    """The page, with its annotations (signature stamps, form fields) merged into the content if any."""
    import pypdfium2.raw as pdfium_c

    page = doc[index]
    if pdfium_c.FPDFPage_GetAnnotCount(page.raw) > 0:
        pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY)
        page.close()
        page = doc[index]  # pdfium shows flattened content only after reloading the page
    return page


def raw_layer_better(layer_quality: float, ocr_text: str) -> bool:
    from parsers import ocr

    return layer_quality > 0 and layer_quality > ocr.text_quality(ocr_text) + 0.1


def _fallback_page(doc, index: int, n_pages: int) -> PageText:
    page = doc[index]
    try:
        width, height = page.get_size()
        lines, _ = pdfium_page_lines(page)
        return layout_page(lines, width, height, first=index == 0, last=index == n_pages - 1,
                           page_index=index)
    finally:
        page.close()


class _PlumberDoc:
    """pdfplumber opened lazily, only when a page needs geometry or per-font decoding."""

    def __init__(self, data: bytes, warnings: list[str]) -> None:
        self._data = data
        self._pdf = None
        self._failed = False
        self._warnings = warnings

    def page_lines(self, index: int, page_encoding: str | None) -> tuple[list[Line] | None, bool]:
        pdf = self._open()
        if pdf is None:
            return None, False
        try:
            page = pdf.pages[index]
        except (IndexError, ExtractionError):
            return None, False
        try:
            # legacy fonts named on the page decide per word; the page-wide guess only when none is named
            encoding = None if page_has_legacy_font(page) else page_encoding
            lines, converted = plumber_page_lines(page, encoding)
            return lines, converted
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on damaged pages
            self._warnings.append(f"page {index + 1}: pdfplumber failed ({type(exc).__name__}); used pdfium")
            return None, False
        finally:
            page.close()

    def _open(self):
        if self._pdf is None and not self._failed:
            import io

            import pdfplumber

            try:
                self._pdf = pdfplumber.open(io.BytesIO(self._data))
            except Exception as exc:  # noqa: BLE001
                self._failed = True
                self._warnings.append(
                    f"pdfplumber could not open the file ({type(exc).__name__}); used pdfium")
        return self._pdf

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
