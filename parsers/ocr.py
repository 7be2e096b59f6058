"""Text-layer quality scoring and OCR of PDF pages with Tesseract ('vie').

Pages are rendered one at a time with pypdfium2 at Limits.ocr_dpi (300 dpi; pages between the first and the
last at the scan's own resolution where that is lower, not below Limits.ocr_body_min_dpi: render_dpi),
cleaned of rules and seals (parsers.scan_clean), handed as PNM to `tesseract` processes (OMP_THREAD_LIMIT=1
each, as many at once as this process may use cores; a thread per running process), and come back from its
TSV as word boxes in PDF points with Tesseract's line numbers, so the same layout code as for text pages
(parsers.layout) orders them."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from parsers.errors import DecompressionBomb, OcrUnavailable
from parsers.layout import Word  # the neutral word box (not parsers.pdf: pdf imports ocr)
from parsers.legacy import VIETNAMESE_LETTERS, is_vietnamese_syllable
from parsers.limits import Limits

GOOD_QUALITY = 0.55  # below: a text page is laid out by pdfplumber rather than pdfium (safer on odd pages)
GARBAGE_QUALITY = 0.3  # below (with enough words): the text layer is garbage and the page is OCRed
_MIN_WORDS_TO_JUDGE = 12

_TOKEN = re.compile(r"[^\W\d_]+")
_DIACRITIC = set(VIETNAMESE_LETTERS)


_LOWER = "a-z" + "".join(sorted(set(VIETNAMESE_LETTERS[:67])))
_CASE_JUMP = re.compile(f"[{_LOWER}][A-Z{_LOWER.upper()[3:]}]")


def text_quality(text: str) -> float:
    """0..1: how much `text` reads as Vietnamese.

    Product of the share of tokens shaped like Vietnamese syllables, the share carrying Vietnamese
    diacritics (scaled: real Vietnamese has ~50%, a scanner's diacritic-less OCR layer ~0), and the share
    without case jumps inside a word ('CHiJ', 'xA').  Empty text scores 0."""
    # a page's first 400 words judge it as well as all of them, at a fraction of the cost
    tokens = _TOKEN.findall(unicodedata.normalize("NFC", text[:4000]))[:400]
    if not tokens:
        return 0.0
    n = len(tokens)
    valid = sum(is_vietnamese_syllable(t) for t in tokens) / n
    accented = sum(1 for t in tokens if not _DIACRITIC.isdisjoint(t)) / n
    weird = min(1.0, len(_CASE_JUMP.findall(" ".join(tokens))) / n)  # 'CHiJ', 'xA'
    return round(valid * min(1.0, accented / 0.3) * (1.0 - weird), 3)


SCAN_IMAGE_SHARE = 0.6  # images covering this share of a page with a few words of text: a scan...
SCAN_STAMP_WORDS = 40  # ...fewer words than this (a signing stamp's lines; a text page holds hundreds)


def needs_ocr(text: str, has_images: bool | float, quality: float | None = None) -> bool:
    """A page needs OCR if it has images but (almost) no text, or enough words that read as garbage.

    `has_images` may be the share of the page its images cover (page_image_share): then a page under a
    full-page image whose text layer is a few words only is a scan too.  Signing software and copy
    certification write such lines on scanned pages ('SAO Y; CÔNG AN TỈNH …; 19/03/2026; 08:40:00' and the
    'Ký bởi: …' of the signature, 23 words; 'Ủy ban Mặt trận … 25/09/2025 16:59:22'); judged by its text alone
    the page would keep those lines as its only text."""
    stripped = "".join(text.split())
    if len(stripped) < 20:
        return bool(has_images)
    words = len(_TOKEN.findall(text))
    if words < SCAN_STAMP_WORDS and not isinstance(has_images, bool) and has_images >= SCAN_IMAGE_SHARE:
        return True
    if words < _MIN_WORDS_TO_JUDGE:
        return False
    if quality is None:
        quality = text_quality(text)
    return quality < GARBAGE_QUALITY


def page_images(pdfium_page) -> Iterator[tuple[tuple | None, tuple | None]]:
    """(box in points (left, bottom, right, top), size in pixels (width, height)) of each image on the page
    (in form XObjects too); either is None where pdfium cannot read it."""
    import pypdfium2.raw as pdfium_c

    for obj in pdfium_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        yield _readable(obj.get_bounds), _readable(obj.get_px_size)


def _readable(getter):
    try:
        return getter()
    except Exception:  # noqa: BLE001 - a damaged image object: what cannot be read is not counted
        return None


def page_image_share(pdfium_page) -> float:
    """0..1: the share of the page its images cover (their boxes, clipped to the page; overlaps may count
    twice, so the sum is capped at 1)."""
    width, height = pdfium_page.get_size()
    if width <= 0 or height <= 0:
        return 0.0
    covered = 0.0
    for box, _ in page_images(pdfium_page):
        if box is None:
            continue
        left, bottom, right, top = box
        w = max(0.0, min(right, width) - max(left, 0.0))
        h = max(0.0, min(top, height) - max(bottom, 0.0))
        covered += w * h
    return min(1.0, covered / (width * height))


@dataclass
class OcrPage:
    words: list[Word] = field(default_factory=list)  # in PDF points
    width: float = 0.0
    height: float = 0.0
    confidence: float = 0.0
    text: str = ""
    error: str | None = None
    corrections: list[str] = field(default_factory=list)  # OCR words repaired (parsers.ocr_correct), as notes


def _workers(limits: Limits) -> int:
    if limits.ocr_workers:
        return limits.ocr_workers
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def check_tesseract(lang: str) -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrUnavailable("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)")
    langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    missing = [code for code in lang.split("+") if code not in langs]
    if missing:
        raise OcrUnavailable(f"tesseract language data missing: {', '.join(missing)}")
    return exe


def run_tesseract(
    image: bytes, limits: Limits, exe: str = "tesseract", psm: int = 3
) -> tuple[list[tuple], float]:
    """OCR one encoded image (PNM, or any format Tesseract reads); returns ([(x0, top, x1, bottom, text,
    line_id, conf) in pixels], mean word confidence 0-100).  line_id = (block, paragraph, line) numbers of
    Tesseract's layout analysis."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run(
        [
            exe,
            "stdin",
            "stdout",
            "-l",
            limits.ocr_lang,
            "--psm",
            str(psm),
            "--dpi",
            str(limits.ocr_dpi),
            "tsv",
        ],
        input=image,
        capture_output=True,
        timeout=limits.ocr_page_timeout,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip()[-300:] or f"exit {proc.returncode}")
    rows = csv.DictReader(
        io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    boxes = []
    for row in rows:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        conf = float(row.get("conf") or -1)
        left, top = int(row["left"]), int(row["top"])
        line_id = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        boxes.append((left, top, left + int(row["width"]), top + int(row["height"]), text, line_id, conf))
    return boxes, _page_conf(boxes)


def scan_dpi(pdfium_page) -> float | None:
    """The resolution (pixels per inch across) of the page's largest image; None if it holds none."""
    best = (0.0, None)
    for box, size in page_images(pdfium_page):
        if box is None or size is None:
            continue
        (left, bottom, right, top), (px_width, _) = box, size
        area = (right - left) * (top - bottom)
        if right - left > 0 and area > best[0]:
            best = (area, px_width / ((right - left) / 72.0))
    return best[1]


def render_dpi(pdfium_page, limits: Limits, body: bool) -> float:
    """ocr_dpi; on a `body` page (neither the first nor the last) the scan's own resolution where that is
    lower, not below Limits.ocr_body_min_dpi."""
    if not body or not limits.ocr_body_min_dpi:
        return limits.ocr_dpi
    native = scan_dpi(pdfium_page)
    if native is None:
        return limits.ocr_dpi
    return min(limits.ocr_dpi, max(limits.ocr_body_min_dpi, round(native)))


def is_body_page(index: int, n_pages: int) -> bool:
    """Neither the first nor the last page: no header, signature or Nơi nhận (read at render_dpi's lower
    resolution)."""
    return 0 < index < n_pages - 1


def render_page_image(pdfium_page, limits: Limits, body: bool = False):
    """RGB PIL image of the page at render_dpi (lower if the bitmap would exceed max_image_pixels); (image,
    scale).  In colour: seals, stamps and handwriting are told from the print by their colour (ocr_image)."""
    width, height = pdfium_page.get_size()
    scale = render_dpi(pdfium_page, limits, body) / 72.0
    pixels = width * height * scale * scale
    if pixels > limits.max_image_pixels:
        scale *= (limits.max_image_pixels / pixels) ** 0.5
        if scale < 100 / 72.0:
            raise DecompressionBomb(
                f"page of {width:.0f}x{height:.0f} pt is too large to render for OCR "
                f"within max_image_pixels={limits.max_image_pixels}"
            )
    bitmap = pdfium_page.render(scale=scale)
    image = bitmap.to_pil().convert("RGB")  # a copy: the bitmap's buffer is freed below
    bitmap.close()
    return image, scale


def ocr_image(
    image, dpi: float, limits: Limits, exe: str = "tesseract", tidy: bool = True, first: bool = False
) -> tuple[list[tuple], float]:
    """Clean the page image (coloured ink, rules, seals: parsers.scan_clean), then OCR it; run_tesseract's
    result, tidied (tidy_boxes) unless `tidy` is False (the variant benchmark caches the untidied boxes).
    On the `first` page the header's two columns are read again one by one (reread_header).
    numpy, scipy and PIL are imported here, not at module level: a text PDF never pays for them."""
    import numpy as np
    from PIL import Image

    from parsers.scan_clean import clean_page, grey_without_colour

    # Tesseract is told the resolution the page was rendered at (render_dpi, or less under max_image_pixels)
    limits = replace(limits, ocr_dpi=max(1, round(dpi)))
    pixels = np.asarray(image)
    grey = pixels if pixels.ndim == 2 else grey_without_colour(pixels, dpi)
    cleaned = Image.fromarray(clean_page(grey, dpi))
    boxes, _ = run_tesseract(_pnm(cleaned), limits, exe)
    boxes = reread_merged_columns(cleaned, boxes, limits, exe)
    if first and limits.ocr_header_psm:
        boxes = reread_header(cleaned, boxes, limits, exe)
    if tidy:
        boxes = tidy_boxes(boxes)
    return boxes, _page_conf(boxes)


DIGIT_TRUST = 35.0  # a word read with less confidence than this keeps no digits ('ngày .2 tháng' -> '.?')


def tidy_boxes(boxes: list[tuple]) -> list[tuple]:
    """The OCR boxes without what is not text: noise lines, specks, rule and edge marks (and the rule
    glyphs stuck to a word's ends), symbols; non-Vietnamese lookalike letters swapped; the digits of a word
    read with almost no confidence (the remains of a handwritten number or day) turned to '?'."""
    out = []
    for box in drop_noise_lines(boxes):
        text = _strip_rule_glyphs(_strip_symbols(box[4]))
        if 0 <= box[6] < DIGIT_TRUST:  # what is left of handwriting: its digits would be invented values
            text = re.sub(r"\d", "?", text)
        if text and not is_speck(text):
            out.append((*box[:4], _lookalikes(text), *box[5:]))
    out = [(*b[:4], _day_slot(b[4]), *b[5:]) for b in drop_mark_lines(out)]
    out = _month_lookalikes(out)
    firsts = {id(min(words, key=lambda b: b[0])) for words in _by_line(out).values()}
    return [(*b[:4], "V/v", *b[5:]) if id(b) in firsts and _VV.match(b[4]) else b for b in out]


# 'V/v' (về việc) opening a công văn's subject, as OCR misreads it in italics ('ƒ/v', 'J/w', 'V/w')
_VV = re.compile(r"^[VvJjƒYy?][/|l][vwVW]$")


MONTH_TRUST = 50.0  # a month read with this confidence is print ('l]' for an italic 11), not handwriting
_ONE = str.maketrans({"l": "1", "I": "1", "|": "1", "]": "1", "[": "1", "!": "1"})


def _month_lookalikes(boxes: list[tuple]) -> list[tuple]:
    """The printed month after 'tháng' read with lookalikes of 1 ('tháng l] năm' -> 'tháng 11 năm'), when it
    is read with some confidence and becomes a month 1-12; anything else stays as read."""
    out = list(boxes)
    index = {id(b): k for k, b in enumerate(boxes)}
    for words in _by_line(boxes).values():
        for prev, box, nxt in zip(words, words[1:], words[2:], strict=False):
            if prev[4].lower() != "tháng" or not nxt[4].lower().startswith("năm") or box[4].isdigit():
                continue
            month = box[4].translate(_ONE)
            if box[6] >= MONTH_TRUST and month.isdigit() and 1 <= int(month) <= 12:
                out[index[id(box)]] = (*box[:4], month, *box[5:])
    return out


_GLUED_DAY = re.compile(r"^(ngày)(.+?)(tháng)$", re.IGNORECASE)


def _day_slot(text: str) -> str:
    """A place-and-date word OCR glued together, spaced again ('ngày12tháng' -> 'ngày 12 tháng'); a day
    with anything but digits ('ngàyÚ2tháng') is no printed day but handwriting: its digits are not kept."""
    m = _GLUED_DAY.match(text)
    if m is None:
        return text
    day = m.group(2) if m.group(2).isdigit() else re.sub(r"[0-9]", "?", m.group(2))
    return f"{m.group(1)} {day} {m.group(3)}"


_TYPOGRAPHY = set("“”‘’–—…•·")  # punctuation a Vietnamese text does print ('Độc lập – Tự do')
# Latin letters outside the Vietnamese alphabet that Tesseract's vie model gives for a Vietnamese one
_LOOKALIKE = str.maketrans({"ñ": "ũ", "Ñ": "Ũ"})
# the Icelandic eth for the Vietnamese đ: the same glyph, another code point ('Ð/c' is 'Đ/c')
_ETH = str.maketrans({"Ð": "Đ", "ð": "đ"})
# symbols Tesseract gives for a stroke it cannot read ('®', '€', '¿', '»', '‹'): a directive prints none of
# them; the fraction slash is the number's slash ('71⁄QĐ-BGDĐT')
_SLASH = str.maketrans({"⁄": "/", "∕": "/"})


# ASCII symbols a directive never prints as a word of their own: a speck, a signature's hook ('^')
_SPECK_ASCII = set("^~`\\{}<>")
# what a rule, a table border or a scanner's edge line is read as ('|', '_', '._', '__—'); never text alone
_RULE_GLYPHS = "_|¦‖"


def _has_text(text: str) -> bool:
    return any(c.isdigit() or c in _DIACRITIC or (c.isascii() and c.isalpha()) for c in text)


def is_speck(text: str) -> bool:
    """A short 'word' without a Vietnamese letter or digit and with a symbol outside ASCII ('§', '©,', 'Ø',
    '(¬') or a stray ASCII one ('^'): a speck, a seal's edge or a stamp's ink, not text."""
    return (
        len(text) <= 3
        and not _has_text(text)
        and any((not c.isascii() and c not in _TYPOGRAPHY) or c in _SPECK_ASCII for c in text)
    )


def _strip_symbols(text: str) -> str:
    """The word without the non-ASCII symbols and quotes no directive prints ('ngày®°' -> 'ngày',
    'LĐVL€&TN' -> 'LĐVL&TN'); typography it does print stays ('“', '–').  A word of such symbols alone
    is kept for is_speck to judge."""
    text = text.translate(_SLASH)
    kept = "".join(
        c for c in text if c.isascii() or c in _TYPOGRAPHY or unicodedata.category(c)[0] not in "SP"
    )
    return kept if _has_text(kept) else text


def _strip_rule_glyphs(text: str) -> str:
    """'' for a word of rule glyphs and punctuation only ('|', '._', '_——'); a word with letters loses the
    rule glyphs at its ends ('_Đề' -> 'Đề', 'gửi|' -> 'gửi')."""
    if not _has_text(text):
        return "" if any(c in _RULE_GLYPHS for c in text) else text
    return text.strip(_RULE_GLYPHS)


def drop_mark_lines(boxes: list[tuple]) -> list[tuple]:
    """Take out the lines, or a column's part of a line, without a letter or digit ('—', '-', '“ˆˆ--'): the
    stub of a rule, the edge of a seal or a signature stroke.  A lone '*' (the Party header's asterisk)
    stays."""
    out = []
    for words in _by_line(boxes).values():
        for part in _column_parts(words):
            texts = [b[4] for b in part]
            if texts == ["*"] or any(_has_text(t) for t in texts):
                out.extend(part)
    return out


def _lookalikes(word: str) -> str:
    """'cñ' -> 'cũ': a non-Vietnamese letter swapped for its lookalike if that makes a Vietnamese syllable;
    any other letter outside the Vietnamese alphabet ('Ø', 'ï', 'Š': what Tesseract makes of handwriting or
    a smudge) becomes '?', an unread glyph rather than a letter no directive prints."""
    word = word.translate(_ETH)
    fixed = word.translate(_LOOKALIKE)
    if fixed != word and is_vietnamese_syllable(re.sub(r"[^\w]", "", fixed)):
        word = fixed
    return "".join("?" if _foreign_letter(c) else c for c in word)


def _foreign_letter(c: str) -> bool:
    return c.isalpha() and not c.isascii() and c.lower() not in _DIACRITIC


def _mean_conf(boxes: list[tuple]) -> float:
    """Mean Tesseract confidence of the boxes; 0 when there are none."""
    return sum(b[6] for b in boxes) / len(boxes) if boxes else 0.0


def _page_conf(boxes: list[tuple]) -> float:
    """Mean confidence over the words Tesseract recognised (it gives -1 to boxes it did not read)."""
    return _mean_conf([b for b in boxes if b[6] >= 0])


def _by_line(boxes: list[tuple]) -> dict[tuple, list[tuple]]:
    """The boxes grouped by Tesseract line (block, paragraph, line), each group in x order."""
    groups: dict[tuple, list[tuple]] = {}
    for box in boxes:
        groups.setdefault(box[5], []).append(box)
    for words in groups.values():
        words.sort(key=lambda b: b[0])
    return groups


def _pnm(image) -> bytes:
    """The image as PNM (PGM for greyscale): Tesseract reads the same pixels as from a PNG, and writing it
    costs ~3 ms against ~200 ms for a 300-dpi page as PNG (no compression to do or undo)."""
    buf = io.BytesIO()
    image.save(buf, format="PPM")
    return buf.getvalue()


NOISE_CONF = 30.0  # a Tesseract line read with less mean confidence than this is noise
NOISE_HEIGHT = 0.5  # ... and so is one whose words are all smaller than this share of the page's word height


def drop_noise_lines(boxes: list[tuple]) -> list[tuple]:
    """Take out the lines (or a column's part of a line) Tesseract 'reads' in what is left of a seal, a
    signature or a smudge: all their words tiny ('“FT', '^') or read with almost no confidence ('xịn' at 8%);
    and the tiny unsure words among a line's letters.  A lone '*' of letter size (the Party header's
    asterisk) is kept, however unsure."""
    if not boxes:
        return boxes
    heights = sorted(b[3] - b[1] for b in boxes)
    typical = heights[len(heights) // 2]
    out = []
    parts = [part for words in _by_line(boxes).values() for part in _column_parts(words)]
    for words in parts:
        tiny = all(b[3] - b[1] < NOISE_HEIGHT * typical for b in words)
        unsure = _mean_conf(words) < NOISE_CONF
        if tiny or (unsure and [b[4] for b in words] != ["*"]):
            continue
        out.extend(b for b in words if not _speck_in_line(b, words))
    return out


SPECK_CONF = 60.0  # a word far smaller than its line's words and read with less confidence is a speck


def _speck_in_line(box: tuple, words: list[tuple]) -> bool:
    """A tiny, unsure word among a line's letters: a stroke of the signature beside the name ('TT.' before
    'Nguyễn Nhân Bản', 12 px high beside 43)."""
    heights = sorted(b[3] - b[1] for b in words)
    median = heights[len(heights) // 2]
    return box[6] < SPECK_CONF and box[3] - box[1] < NOISE_HEIGHT * median


REREAD_BELOW_CONF = 60.0  # a merged two-column line with a word read this badly is read again per column


def reread_merged_columns(image, boxes: list[tuple], limits: Limits, exe: str = "tesseract") -> list[tuple]:
    """Read again, column by column, the Tesseract lines that span both columns of the header or closing
    area and came out with badly read words.

    Tesseract's layout analysis may put the issuer's bold line and the lower place-and-date line beside it
    into one text line; recognising that mixed-baseline strip garbles the left half ('HUYỆN ¬. =-').  Each
    side is cropped to its well-read words' height and read as one line (psm 7); the new reading replaces
    the old one if its confidence is higher."""
    out: list[tuple] = []
    for line_id, words in _by_line(boxes).items():
        parts = _column_parts(words)
        if len(parts) < 2 or min(b[6] for b in words) >= REREAD_BELOW_CONF:
            out.extend(words)
            continue
        for k, part in enumerate(parts):
            if min(b[6] for b in part) >= REREAD_BELOW_CONF:
                out.extend(part)
                continue
            new = _reread_line(image, part, limits, exe, line_id + (k,))
            out.extend(new if new and _mean_conf(new) > _mean_conf(part) else part)
    return out


def _column_parts(words: list[tuple]) -> list[list[tuple]]:
    """The line's words split at gaps wider than three word heights (the gap between columns)."""
    heights = sorted(b[3] - b[1] for b in words)
    height = heights[len(heights) // 2] or 10
    parts = [[words[0]]]
    for prev, box in zip(words, words[1:], strict=False):
        if box[0] - prev[2] > 3 * height:
            parts.append([box])
        else:
            parts[-1].append(box)
    return parts


def _reread_line(image, part: list[tuple], limits: Limits, exe: str, line_id: tuple) -> list[tuple]:
    good = [b for b in part if b[6] >= REREAD_BELOW_CONF] or part
    top, bottom = min(b[1] for b in good), max(b[3] for b in good)
    pad = max(4, (bottom - top) // 4)
    x0, x1 = max(0, min(b[0] for b in part) - pad), min(image.width, max(b[2] for b in part) + pad)
    y0, y1 = max(0, top - pad), min(image.height, bottom + pad)
    try:
        boxes, _ = run_tesseract(_pnm(image.crop((x0, y0, x1, y1))), limits, exe, psm=7)
    except (RuntimeError, subprocess.TimeoutExpired):
        return []  # the first reading stays
    return [
        (left + x0, t + y0, r + x0, b + y0, text, line_id, conf) for left, t, r, b, text, _id, conf in boxes
    ]


_DATE_WORDS = re.compile(r"ngày.*tháng.*năm", re.IGNORECASE)
HEADER_ZONE = 0.45  # share of the page height the two-column header of page 1 lies in
HEADER_LINE_ID = 1000  # block numbers of the header's re-read columns (1000 left, 1001 right)


def header_regions(boxes: list[tuple], width: int, height: int) -> list[tuple[int, int, int, int]] | None:
    """The two header columns of a first page, (x0, y0, x1, y1) in pixels: issuer | motto, number and
    subject | place and date.  The right column ends under the place-and-date line; the left one at the
    first line below it that reaches past the column gap (the type line, 'Kính gửi:').  None if no
    place-and-date line is found in the header zone or no gap parts the columns."""
    lines = [
        sorted(words, key=lambda b: b[0])
        for words in _by_line([b for b in boxes if b[1] < HEADER_ZONE * height]).values()
    ]
    lines.sort(key=lambda ws: min(b[1] for b in ws))
    dated = [  # the place-and-date line: its 'ngày' in the right half (it may share a line with 'Số:')
        ws
        for ws in lines
        if _DATE_WORDS.search(" ".join(b[4] for b in ws))
        and any(b[4].lower().startswith("ngày") and b[0] > 0.3 * width for b in ws)
    ]
    if not dated:
        return None
    date_bottom = max(b[3] for b in dated[0])
    above = [b for ws in lines for b in ws if b[1] < date_bottom]
    gap = _widest_gap(above, int(0.25 * width), int(0.7 * width))
    if gap is None:
        return None
    split = (gap[0] + gap[1]) // 2
    left_bottom = height * HEADER_ZONE
    for ws in lines:  # a left line may reach into the gap ('V/v ...'), not past it
        if min(b[1] for b in ws) > date_bottom and max(b[2] for b in ws) > gap[1]:
            left_bottom = min(b[1] for b in ws)
            break
    top = max(0, min(b[1] for b in above) - 20)
    pad = max(10, (date_bottom - top) // 20)
    # the left crop runs to the right column's first ink: a subject line under the date may reach into the gap
    return [(0, top, gap[1] - 2, int(left_bottom)), (split, top, width, min(height, date_bottom + pad))]


def _widest_gap(boxes: list[tuple], lo: int, hi: int) -> tuple[int, int] | None:
    """(start, end) of the widest run of x in [lo, hi) that no box covers; None if there is none."""
    covered = bytearray(hi - lo)
    for b in boxes:
        for x in range(max(lo, b[0]), min(hi, b[2])):
            covered[x - lo] = 1
    best, start = (0, None), None
    for x in range(hi - lo + 1):
        free = x < hi - lo and not covered[x]
        if free and start is None:
            start = x
        elif not free and start is not None:
            if x - start > best[0]:
                best = (x - start, (lo + start, lo + x))
            start = None
    return best[1] if best[0] >= 10 else None


def reread_header(image, boxes: list[tuple], limits: Limits, exe: str = "tesseract") -> list[tuple]:
    """Read each header column of the first page again as one block (--psm limits.ocr_header_psm).

    Whole-page layout analysis reads the header's short centred lines of two columns, in two type sizes and
    with rules under them, worse than either column alone ('BƯU CHINH VIEN THÔÒÔNG' against 'BƯU CHÍNH
    VIÊN THÔNG' from the left column's crop).  A column's new reading replaces the words whose centre lies
    in it when its mean confidence is not lower."""
    regions = header_regions(boxes, image.width, image.height)
    if regions is None:
        return boxes
    out = list(boxes)
    for k, (x0, y0, x1, y1) in enumerate(regions):
        inside = [b for b in out if x0 <= (b[0] + b[2]) / 2 < x1 and y0 <= (b[1] + b[3]) / 2 < y1]
        try:
            new, _ = run_tesseract(_pnm(image.crop((x0, y0, x1, y1))), limits, exe, psm=limits.ocr_header_psm)
        except (RuntimeError, subprocess.TimeoutExpired):
            continue  # the first reading stays
        new = [
            (a + x0, t + y0, r + x0, d + y0, text, (HEADER_LINE_ID + k, *line_id[1:]), conf)
            for a, t, r, d, text, line_id, conf in new
        ]
        if new and _page_conf(new) >= _page_conf(inside):
            kept = set(map(id, inside))
            out = [b for b in out if id(b) not in kept] + new
    return out


def ocr_pdf_pages(doc, indexes: list[int], limits: Limits) -> dict[int, OcrPage]:
    """OCR the given pages of a pypdfium2 document; rendering is sequential, tesseract runs in parallel."""
    from concurrent.futures import Future, ThreadPoolExecutor  # only when pages are OCRed

    from parsers.ocr_correct import correct_boxes

    exe = check_tesseract(limits.ocr_lang)
    workers = _workers(limits)
    results: dict[int, OcrPage] = {}
    pending: dict[int, tuple[Future, float, float, float]] = {}

    def collect(index: int) -> None:
        future, scale, width, height = pending.pop(index)
        try:
            boxes, conf = future.result()
        except Exception as exc:  # noqa: BLE001 - reported per page as a warning
            results[index] = OcrPage(width=width, height=height, error=f"{type(exc).__name__}: {exc}")
            return
        boxes, notes = correct_boxes(boxes)
        words = [
            Word(x0 / scale, x1 / scale, top / scale, bottom / scale, text, line_id)
            for x0, top, x1, bottom, text, line_id, _conf in boxes
        ]
        corrections = [f"page {index + 1}: OCR words repaired: {note}" for note in notes]
        results[index] = OcrPage(words, width, height, conf, " ".join(b[4] for b in boxes), None, corrections)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for index in indexes:
            page = doc[index]
            try:
                width, height = page.get_size()
                image, scale = render_page_image(page, limits, body=is_body_page(index, len(doc)))
            finally:
                page.close()
            # cleaning and PNM encoding run in the worker too: only pdfium (not thread-safe) stays here
            future = pool.submit(ocr_image, image, scale * 72.0, limits, exe, True, index == 0)
            pending[index] = (future, scale, width, height)
            del image
            while len(pending) >= 2 * workers:  # bound the page images held in memory
                collect(next(iter(pending)))
        for index in list(pending):
            collect(index)
    return results
