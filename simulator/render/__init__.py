"""Renderers: a SeedDocument -> the bytes of a realistic published file, deterministic per (seed, revision).

Every renderer has the signature `render_x(doc: SeedDocument, revision: int = 0) -> bytes`; revision > 0 is
the same document re-issued: same text, different bytes (file metadata and ids).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.corpus import SeedDocument

from .corrupt import render_corrupt_pdf
from .docx import render_docx
from .html_article import render_html_article
from .legacy_pdf import render_tcvn3_pdf, render_vni_pdf
from .scan_pdf import ScanSettings, render_scan_pdf
from .text_pdf import render_text_pdf

__all__ = [
    "CLASSES",
    "CORRUPT",
    "RenderClass",
    "ScanSettings",
    "render",
    "render_corrupt_pdf",
    "render_docx",
    "render_html_article",
    "render_scan_pdf",
    "render_tcvn3_pdf",
    "render_text_pdf",
    "render_vni_pdf",
]

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class RenderClass:
    name: str  # also the file name in the corpus: tests/fixtures/corpus/<seed>/<name>
    render: Callable[..., bytes]
    page_source_kind: str | None  # what the extractor should report per page; None: must be quarantined
    content_type: str


CLASSES: dict[str, RenderClass] = {
    c.name: c
    for c in (
        RenderClass("text.pdf", render_text_pdf, "text", PDF),
        RenderClass("scan.pdf", render_scan_pdf, "ocr", PDF),
        RenderClass("tcvn3.pdf", render_tcvn3_pdf, "converted", PDF),
        RenderClass("vni.pdf", render_vni_pdf, "converted", PDF),
        RenderClass("docx", render_docx, "text", DOCX),
        RenderClass("html", render_html_article, "text", HTML),
    )
}
CORRUPT = RenderClass("corrupt.pdf", render_corrupt_pdf, None, PDF)


def render(doc: SeedDocument, class_name: str, revision: int = 0) -> bytes:
    """Render `doc` as one of CLASSES (or 'corrupt.pdf')."""
    if class_name == CORRUPT.name:
        return CORRUPT.render(doc, revision)
    try:
        return CLASSES[class_name].render(doc, revision)
    except KeyError:
        raise KeyError(f"unknown render class {class_name!r}; known: {[*CLASSES, CORRUPT.name]}") from None
