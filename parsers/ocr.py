"""Text-layer quality scoring and OCR of PDF pages with Tesseract ('vie').

Pages are rendered one at a time with pypdfium2 at Limits.ocr_dpi (300 dpi: low-resolution scans are
upsampled to it, which Tesseract needs for Vietnamese diacritics), handed as PNG to `tesseract` processes
(OMP_THREAD_LIMIT=1 each, as many at once as this process may use cores), and come back as word boxes in PDF
points so the same layout code as for text pages orders them."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from parsers.errors import DecompressionBomb, OcrUnavailable
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


def needs_ocr(text: str, has_images: bool, quality: float | None = None) -> bool:
    """A page needs OCR if it has images but (almost) no text, or enough words that read as garbage."""
    stripped = "".join(text.split())
    if len(stripped) < 20:
        return has_images
    if quality is None:
        quality = text_quality(text)
    return len(_TOKEN.findall(text)) >= _MIN_WORDS_TO_JUDGE and quality < GARBAGE_QUALITY


@dataclass
class OcrPage:
    words: list = field(default_factory=list)  # parsers.pdf.Word, in PDF points
    width: float = 0.0
    height: float = 0.0
    confidence: float = 0.0
    text: str = ""
    error: str | None = None


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


def run_tesseract(png: bytes, limits: Limits, exe: str = "tesseract") -> tuple[list[tuple], float]:
    """OCR one PNG; returns ([(x0, top, x1, bottom, text) in pixels], mean word confidence 0-100)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run(
        [exe, "stdin", "stdout", "-l", limits.ocr_lang, "--psm", "3", "--dpi", str(limits.ocr_dpi), "tsv"],
        input=png, capture_output=True, timeout=limits.ocr_page_timeout, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip()[-300:] or f"exit {proc.returncode}")
    rows = csv.DictReader(io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t",
                          quoting=csv.QUOTE_NONE)
    boxes, confs = [], []
    for row in rows:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        conf = float(row.get("conf") or -1)
        if conf >= 0:
            confs.append(conf)
        left, top = int(row["left"]), int(row["top"])
        boxes.append((left, top, left + int(row["width"]), top + int(row["height"]), text))
    return boxes, (sum(confs) / len(confs) if confs else 0.0)


def render_page_png(pdfium_page, limits: Limits) -> tuple[bytes, float]:
    """PNG of the page at ocr_dpi (lower if the bitmap would exceed max_image_pixels); (png, scale)."""
    width, height = pdfium_page.get_size()
    scale = limits.ocr_dpi / 72.0
    pixels = width * height * scale * scale
    if pixels > limits.max_image_pixels:
        scale *= (limits.max_image_pixels / pixels) ** 0.5
        if scale < 100 / 72.0:
            raise DecompressionBomb(f"page of {width:.0f}x{height:.0f} pt is too large to render for OCR "
                                    f"within max_image_pixels={limits.max_image_pixels}")
    bitmap = pdfium_page.render(scale=scale, grayscale=True)
    image = bitmap.to_pil()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    bitmap.close()
    return buf.getvalue(), scale


def ocr_pdf_pages(doc, indexes: list[int], limits: Limits) -> dict[int, OcrPage]:
    """OCR the given pages of a pypdfium2 document; rendering is sequential, tesseract runs in parallel."""
    from parsers.pdf import Word

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
        words = [Word(x0 / scale, x1 / scale, top / scale, bottom / scale, text)
                 for x0, top, x1, bottom, text in boxes]
        results[index] = OcrPage(words, width, height, conf, " ".join(b[4] for b in boxes))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for index in indexes:
            page = doc[index]
            try:
                width, height = page.get_size()
                png, scale = render_page_png(page, limits)
            finally:
                page.close()
            pending[index] = (pool.submit(run_tesseract, png, limits, exe), scale, width, height)
            del png
            while len(pending) >= 2 * workers:  # bound the PNGs held in memory
                collect(next(iter(pending)))
        for index in list(pending):
            collect(index)
    return results
