"""PDF -> text that keeps the official layout's blocks apart.

Two engines: pdfplumber (pdfminer) where geometry decides the reading order — page 1 (two-column header)
and the last page (Nơi nhận / signature columns) — and for pages needing per-font legacy conversion; pypdfium2
for the bulk of the body pages (about 20x faster).  Pages whose text layer is missing or garbage are OCRed
(parsers.ocr).  All three sources give word boxes (parsers.layout.Word) to the one geometric layout in
parsers.layout (column splits of the header and closing area, paragraph re-joining, page numbers), which is
re-exported here.

This module runs inside the sandbox child (parsers.sandbox); it raises parsers.errors subclasses."""

from __future__ import annotations

import os
import re
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
from parsers.layout import (  # noqa: F401 - re-exported: callers and tests import the layout API from here
    SUP_CLOSE,
    SUP_OPEN,
    Line,
    PageText,
    Word,
    join_pages,
    layout_page,
    lines_from_words,
    normalize_text,
    remove_stamps,
)
from parsers.legacy import (
    UNICODE_VIETNAMESE,
    decode_tcvn3,
    decode_vni,
    detect_legacy_encoding,
    is_h_font,
    legacy_encoding_for_font,
)
from parsers.limits import Extraction, Limits

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
        if UNICODE_VIETNAMESE.search(s):
            enc = None  # Unicode text in a font named like a legacy one: nothing to decode
        if enc == "tcvn3":
            s = decode_tcvn3(s, capitals=capitals)
            converted = True
        elif enc == "vni":
            s = decode_vni(s)
            converted = True
        out.append(s)
        run.clear()

    prev: dict | None = None
    for c in chars:
        font = c.get("fontname", "")
        enc = legacy_encoding_for_font(font) or page_encoding
        key = (enc, enc == "tcvn3" and is_h_font(font))
        if key != run_enc:
            flush()
            run_enc = key
        sup = prev is not None and c["text"].isdigit() and _plumber_superscript(c, prev)
        run.append(SUP_OPEN + c["text"] + SUP_CLOSE if sup else c["text"])
        if not sup:
            prev = c
    flush()
    return "".join(out), converted


def _plumber_superscript(char: dict, before: dict) -> bool:
    """A digit set smaller and raised after a letter or closing punctuation: a note marker ('tỉnh²')."""
    if not _MARKER_AFTER.match(before["text"]):
        return False
    size, prev_size = char.get("size") or 0.0, before.get("size") or 0.0
    return _is_superscript(size, prev_size, before["bottom"] - char["bottom"])


# a note marker follows a letter or closing punctuation ('tỉnh²', 'QPPL⁵', '…”³'), never a space or digit
_MARKER_AFTER = re.compile(r"[^\W\d_]|[).,;:”\"'’]")
# pdfium may put a space or a line break between the text and a raised marker ('cục\r\n13')
_MARKER_CANDIDATE = re.compile(r"([^\W\d_]|[).,;:”\"'’])\s{0,2}(\d{1,3})(?!\d)")
SUPERSCRIPT_SIZE = 0.8  # a marker's type is at most this share of the text before it
SUPERSCRIPT_RAISE = 0.15  # ... and its baseline at least this share of that type above the text's


def _is_superscript(size: float, prev_size: float, raised: float) -> bool:
    smaller = 0 < size <= SUPERSCRIPT_SIZE * prev_size
    return prev_size > 0 and smaller and raised >= SUPERSCRIPT_RAISE * prev_size


def pdfium_superscripts(textpage, raw: str) -> set[int]:
    """Indexes of `raw` (pdfium's page text) that are superscript note-marker digits.

    Only digit runs right after a letter or closing punctuation are looked at (font size and baseline of
    each digit against the character before the run), so a page costs a few calls per candidate."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    out: set[int] = set()
    x, y = ctypes.c_double(), ctypes.c_double()

    def size_and_baseline(index: int) -> tuple[float, float]:
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
        return pdfium_c.FPDFText_GetFontSize(textpage.raw, index), y.value

    for m in _MARKER_CANDIDATE.finditer(raw):
        prev_size, prev_y = size_and_baseline(m.start(1))
        digits = [size_and_baseline(i) for i in range(m.start(2), m.end(2))]
        if all(_is_superscript(size, prev_size, yy - prev_y) for size, yy in digits):
            out.update(range(m.start(2), m.end(2)))
    return out


def _marked(text: str, start: int, sup: set[int]) -> str:
    """`text` (raw[start:…]) with its superscript digits wrapped in SUP_OPEN/SUP_CLOSE."""
    if not sup:
        return text
    return "".join(SUP_OPEN + ch + SUP_CLOSE if start + k in sup else ch for k, ch in enumerate(text))


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


def _loose_charbox(textpage):
    """textpage.get_charbox(i, loose=True) as a function that fills one reused rectangle: the same values
    without pypdfium2's per-call allocation (it runs for every line, and for every character of the pages
    whose columns need word boxes)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    rect = pdfium_c.FS_RECTF()
    rect_ref, handle, get = ctypes.byref(rect), textpage.raw, pdfium_c.FPDFText_GetLooseCharBox

    def charbox(index: int) -> tuple[float, float, float, float]:
        if not get(handle, index, rect_ref):
            raise pdfium.PdfiumError("Failed to get charbox.")
        return rect.left, rect.bottom, rect.right, rect.top

    return charbox


def pdfium_page_lines(page) -> tuple[list[Line], str]:
    """Lines of a pypdfium2 page from pdfium's own line breaks, each with the box of its first/last glyph.

    Returns (lines, raw text) — the raw text serves the quality/legacy checks."""
    textpage = page.get_textpage()
    try:
        height = page.get_height()
        raw = textpage.get_text_range()  # offsets below index pdfium chars: NFC only per line
        sup = pdfium_superscripts(textpage, raw) if len(raw) == textpage.count_chars() else set()
        charbox = _loose_charbox(textpage)
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
            l0, b0, r0, t0 = charbox(first)
            l1, b1, r1, t1 = charbox(last)
            top = height - max(t0, t1)
            bottom = height - min(b0, b1)
            x0, x1 = min(l0, l1), max(r0, r1)
            if bottom <= top:
                bottom = top + 1
            text = _marked(stripped, first, sup)
            word = Word(x0, x1, top, bottom, unicodedata.normalize("NFC", text))
            lines.append(Line([word], [[word]]))
        return _merge_same_baseline(lines), unicodedata.normalize("NFC", raw)
    finally:
        textpage.close()


# A gap wider than this share of the glyph box height (~1.15 em) between two characters is a space pdfium
# did not write ('HồChí Minh', 'đơn vịsự'): on the real corpus such gaps are 2.3-2.7 pt at 14 pt, while
# letters of one word sit at most 0.6 pt apart.
WORD_GAP = 0.12
_NO_SPACE_BEFORE = set(",.;:!?)]}”’%…")  # closing punctuation keeps to its word whatever its side bearing


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
        sup = pdfium_superscripts(textpage, raw)
        charbox = _loose_charbox(textpage)
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
            left, low, right, high = charbox(i)
            ctop, cbottom = height - high, height - low
            gap = left - x1 > WORD_GAP * (cbottom - ctop) and ch not in _NO_SPACE_BEFORE
            if chars and (gap or ctop > bottom or cbottom < top):
                flush()  # a gap or a jump that pdfium did not mark with a space
            if not chars:
                x0, x1, top, bottom = left, right, ctop, cbottom
            else:
                x1, top, bottom = max(x1, right), min(top, ctop), max(bottom, cbottom)
            chars.append(SUP_OPEN + ch + SUP_CLOSE if i in sup else ch)
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
    from parsers.ocr import page_images

    has = False
    for _, size in page_images(pdfium_page):
        has = True
        if size is None:  # an unreadable image is just not counted
            continue
        w, h = size
        if w * h > limits.max_image_pixels:
            raise DecompressionBomb(
                f"page {page_no}: embedded image of {w}x{h} px exceeds "
                f"max_image_pixels={limits.max_image_pixels}"
            )
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
    pages: list[PageText] = []
    sources: list[str] = []
    removed: list[str] = []
    ocr_jobs: list[int] = []
    layer_quality: dict[int, float] = {}
    stamp_layers: dict[int, _PageRead] = {}  # OCR pages under a stamp-only text layer
    plumber_open_failure = None
    for i, read in enumerate(_read_pages(doc, data, n_pages, limits)):
        sources.append(read.source)
        removed.extend(read.stamps)
        if read.plumber_open_failure and plumber_open_failure is None:
            plumber_open_failure = read.plumber_open_failure  # one note, whichever part met it first
            warnings.append(plumber_open_failure)
        warnings.extend(read.warnings)
        if read.source == "ocr":
            ocr_jobs.append(i)
            layer_quality[i] = read.layer_quality
            if read.layer_words or read.layer_lines:
                stamp_layers[i] = read
            pages.append(PageText([], []))
            continue
        # laid out here, in page order: a footnote cut by the page break continues in the previous page's type
        notes_height = pages[-1].notes_height if pages else None
        page_text = layout_page(
            read.lines,
            read.width,
            read.height,
            first=i == 0,
            last=i == n_pages - 1,
            page_index=i,
            notes_height=notes_height,
        )
        pages.append(page_text)
        removed.extend(page_text.removed)
    _relayout_last_text_page(doc, pages, sources)
    confidence = None
    if ocr_jobs:
        if len(ocr_jobs) > limits.max_ocr_pages:
            skipped = ocr_jobs[limits.max_ocr_pages :]
            listed = ", ".join(str(p + 1) for p in skipped)
            warnings.append(
                f"{len(ocr_jobs)} pages need OCR; only the first {limits.max_ocr_pages} were "
                f"OCRed (max_ocr_pages); pages {listed} left as text layer"
            )
            ocr_jobs = ocr_jobs[: limits.max_ocr_pages]
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
            words = result.words
            if p in stamp_layers:
                words = [w for w in words if not _under_any(w, stamp_layers[p].layer_words)]
                if stamp_layers[p].layer_lines:
                    removed.append("\n".join(stamp_layers[p].layer_lines))
            lines = lines_from_words(words)
            pages[p] = layout_page(
                lines, result.width, result.height, first=p == 0, last=p == n_pages - 1, page_index=p
            )
            removed.extend(pages[p].removed)
            warnings.extend(result.corrections)
            confs.append(result.confidence)
        confidence = round(sum(confs) / len(confs), 1) if confs else None
    doc.close()
    for stamp in removed:
        warnings.append("stamp removed from the text: " + stamp.replace("\n", " | "))
    text = join_pages(pages)
    if not text and warnings and "truncated" in warnings[0]:
        raise TruncatedFile("PDF is truncated and no text could be recovered")
    return Extraction(
        text=text,
        pages=n_pages,
        page_sources=sources,
        ocr_confidence=confidence,
        warnings=warnings,
        kind="pdf",
        removed=removed,
    )


def _relayout_last_text_page(doc, pages: list[PageText], sources: list[str]) -> None:
    """Lay the last page that has text out as the last page when the pages after it have none (a signed
    file's extra page holding only the signature appearance, a blank back page): the Nơi nhận and
    signature columns are on that page and only the last page's layout splits them."""
    k = len(pages) - 1
    while k >= 0 and not pages[k].blocks and sources[k] == "text":
        k -= 1
    if k < 0 or k == len(pages) - 1 or sources[k] != "text":
        return
    page = _page_with_annotations_flattened(doc, k)
    try:
        width, height = page.get_size()
        words = pdfium_page_words(page)
        if words is None:
            return
        lines, _ = remove_stamps(lines_from_words(words))
        notes_height = pages[k - 1].notes_height if k else None
        pages[k] = layout_page(
            lines, width, height, first=k == 0, last=True, page_index=k, notes_height=notes_height
        )
    finally:
        page.close()


@dataclass
class _PageRead:
    """What one page's text layer gives before its layout: its lines and size (none for a page sent to OCR),
    its source, the stamps taken out of it, its pdfplumber notes, and for an OCR page the quality of the
    layer kept in case OCR reads worse (or the words of a stamp-only layer)."""

    source: str
    stamps: list[str]
    lines: list[Line] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    warnings: list[str] = field(default_factory=list)
    layer_quality: float = 0.0
    plumber_open_failure: str | None = None
    # an OCR page under a stamp-only text layer: the layer's words and its lines not yet taken out as stamps
    layer_words: list[Word] = field(default_factory=list)
    layer_lines: list[str] = field(default_factory=list)


# Below this many pages per process a text PDF is read in one process (a helper's fork and font loading
# cost more than the pages it would take over).
PAGES_PER_TEXT_WORKER = 8


def _text_workers(limits: Limits, n_pages: int) -> int:
    from parsers import sandbox

    if not sandbox.in_job():
        return 1
    cores = limits.text_workers or len(os.sched_getaffinity(0))
    return max(1, min(cores, n_pages // PAGES_PER_TEXT_WORKER))


def _read_pages(doc, data: bytes, n_pages: int, limits: Limits) -> list[_PageRead]:
    """Every page's _PageRead, in page order; in a sandbox job a long PDF is split into consecutive runs of
    pages read at once by parallel processes (parsers.sandbox.parallel_parts), which give the same reads.
    (The layout, which carries a footnote's type from page to page, runs after, in page order.)"""
    from parsers import sandbox

    workers = _text_workers(limits, n_pages)
    bounds = [n_pages * k // workers for k in range(workers + 1)]
    parts = [(doc, data, range(bounds[k], bounds[k + 1]), n_pages, limits) for k in range(workers)]
    reads = [read for part in sandbox.parallel_parts(_read_page_run, parts) for read in part]
    for index in range(bounds[1], n_pages):
        if reads[index].source == "ocr":  # OCR renders it from this process's document: flatten it here too
            _page_with_annotations_flattened(doc, index).close()
    return reads


def _read_page_run(doc, data: bytes, indexes: range, n_pages: int, limits: Limits) -> list[_PageRead]:
    plumber = _PlumberDoc(data)
    try:
        return [_read_page(doc, i, n_pages, limits, plumber) for i in indexes]
    finally:
        plumber.close()


def _read_page(doc, i: int, n_pages: int, limits: Limits, plumber: _PlumberDoc) -> _PageRead:
    """One page's lines from its text layer: pdfium's, pdfplumber's where per-font decoding needs them, word
    boxes where the layout needs column geometry; or the decision to OCR it."""
    from parsers import ocr

    first, last = i == 0, i == n_pages - 1
    page = _page_with_annotations_flattened(doc, i)
    try:
        width, height = page.get_size()
        pdfium_lines, raw = pdfium_page_lines(page)
        # signature stamps live in widget annotations: only the flattened pdfium page shows them
        pdfium_lines, stamps = remove_stamps(pdfium_lines)
        quality = ocr.text_quality(raw)
        legacy = _legacy_page_encoding(raw)
        # as if images covered the whole page: only then are its images looked at
        maybe_scan = ocr.needs_ocr(raw, 1.0, quality)
        # judged by how much of the page its images cover: a full-page image under a short signing or
        # copy stamp ('SAO Y; ...', 'Ký bởi: ...') is a scan whose stamp is its only text layer
        has_images = maybe_scan and _check_images(page, limits, i + 1)
        image_share = ocr.page_image_share(page) if has_images else 0.0
        needs_ocr = maybe_scan and ocr.needs_ocr(raw, image_share, quality)
        if needs_ocr and not legacy:
            if not ocr.needs_ocr(raw, True, quality):  # scanned by its image share: a stamp-only layer
                # no rival to the page's OCR reading; pdfium renders it into the image, so the OCR words
                # under its words are the stamp's, not the document's
                layer_words = pdfium_page_words(page) or []
                return _PageRead(
                    "ocr", stamps, layer_words=layer_words, layer_lines=[ln.text for ln in pdfium_lines]
                )
            return _PageRead("ocr", stamps, layer_quality=quality)
        lines, converted = pdfium_lines, False
        if legacy:  # per-font decoding needs pdfplumber's font names per character
            plumber_lines, converted = plumber.page_lines(i, legacy)
            lines = plumber_lines if plumber_lines is not None else lines
        elif first or last:  # column geometry needs word boxes
            words = pdfium_page_words(page)
            if words is not None:
                lines, _ = remove_stamps(lines_from_words(words))
            else:
                plumber_lines, converted = plumber.page_lines(i, None)
                lines = plumber_lines if plumber_lines is not None else lines
        return _PageRead(
            "converted" if converted else "text",
            stamps,
            lines,
            width,
            height,
            plumber.take_notes(),
            plumber_open_failure=plumber.open_failure,
        )
    finally:
        page.close()


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


def _under_any(word: Word, layer: list[Word]) -> bool:
    """The OCR word's centre lies on a word of the page's own text layer (padded by a third of its height:
    OCR and font boxes differ by a few points)."""
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    for w in layer:
        pad = (w.bottom - w.top) / 3
        if w.x0 - pad <= cx <= w.x1 + pad and w.top - pad <= cy <= w.bottom + pad:
            return True
    return False


def raw_layer_better(layer_quality: float, ocr_text: str) -> bool:
    from parsers import ocr

    return layer_quality > 0 and layer_quality > ocr.text_quality(ocr_text) + 0.1


def _fallback_page(doc, index: int, n_pages: int) -> PageText:
    page = doc[index]
    try:
        width, height = page.get_size()
        lines, _ = pdfium_page_lines(page)
        return layout_page(
            lines, width, height, first=index == 0, last=index == n_pages - 1, page_index=index
        )
    finally:
        page.close()


class _PlumberDoc:
    """pdfplumber opened lazily, only when a page needs geometry or per-font decoding."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pdf = None
        self.open_failure: str | None = None  # the note saying it could not be opened
        self._notes: list[str] = []

    def take_notes(self) -> list[str]:
        """The notes (pages pdfplumber failed on) since the last call."""
        notes, self._notes = self._notes, []
        return notes

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
            self._notes.append(f"page {index + 1}: pdfplumber failed ({type(exc).__name__}); used pdfium")
            return None, False
        finally:
            page.close()

    def _open(self):
        if self._pdf is None and self.open_failure is None:
            import io

            import pdfplumber

            try:
                self._pdf = pdfplumber.open(io.BytesIO(self._data))
            except Exception as exc:  # noqa: BLE001
                self.open_failure = f"pdfplumber could not open the file ({type(exc).__name__}); used pdfium"
        return self._pdf

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
