"""Explicit, configurable limits for extracting one file, and the Extraction result type."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 100 * 1024 * 1024
    # More pages than this raises TooManyPages (a document that long is not a directive; the pipeline
    # quarantines it) unless truncate_pages is True, then the first max_pages pages come out with a warning.
    max_pages: int = 1000
    truncate_pages: bool = False
    timeout_seconds: float = 300.0  # wall clock for the whole file, enforced by killing the child
    # Address space the extraction may add to what the forked child inherits (RLIMIT_AS; tesseract
    # children inherit it)
    max_memory_mb: int = 2048
    max_cpu_seconds: int = 600  # RLIMIT_CPU of the child process
    max_ocr_pages: int = 50  # pages beyond this that would need OCR are left as they are, with a warning
    max_image_pixels: int = 60_000_000  # one embedded image or one rendered page
    ocr_dpi: int = 300
    # A scanned page between the first and the last is OCRed at its image's own resolution when that is
    # lower than ocr_dpi, but not below this (a 100-dpi scan is enlarged to it); None: every page at
    # ocr_dpi.  The first and last pages, where the header, signature and Nơi nhận are, keep ocr_dpi: on
    # the real scans 300 dpi reads their fields better (86.5% against 84.6% at 200), while body text reads
    # as well or better at the scan's own resolution (CER 1.99% against 2.74%) for half the Tesseract time
    # (benchmarks/ocr_variants.py).
    ocr_body_min_dpi: int | None = 200
    ocr_lang: str = "vie"
    # Tesseract page segmentation mode for the first page's header columns read again one by one
    # (parsers.ocr.reread_header); 0: not read again
    ocr_header_psm: int = 6
    ocr_page_timeout: float = 120.0
    ocr_workers: int | None = None  # None: the cores this process may use
    # Processes that read a long text PDF's pages at once, sharing the memory and CPU limits above
    # (parsers.sandbox.parallel_parts); None: the cores this process may use.  At most one per 8 pages.
    text_workers: int | None = None
    use_sandbox: bool = (
        True  # run extraction and field parsing in the sandbox (pure-helper tests turn it off)
    )


@dataclass
class Extraction:
    """What extracting one file yields (re-exported by parsers.extract, where callers import it from).

    text: linear NFC text, blocks separated by blank lines; pages: page count (1 for html/text/doc/docx);
    page_sources: per page 'text' | 'ocr' | 'converted'; ocr_confidence: mean Tesseract confidence (0-100)
    over OCRed pages or None; warnings: human-readable notes; kind: pdf|docx|doc|html|text; removed: stamp
    texts taken out of the text (digital-signature and 'SAO Y' stamps)."""

    text: str
    pages: int
    page_sources: list[str]
    ocr_confidence: float | None
    warnings: list[str]
    kind: str
    removed: list[str]


def single_page(text: str, kind: str, converted: bool, warnings: list[str]) -> Extraction:
    """The Extraction of a file without pages (HTML, plain text, .doc, .docx): one page, its source
    'converted' when legacy-font text was turned into Unicode."""
    return Extraction(
        text=text,
        pages=1,
        page_sources=["converted" if converted else "text"],
        ocr_confidence=None,
        warnings=warnings,
        kind=kind,
        removed=[],
    )
