"""OCR resolution: the first and last pages at ocr_dpi, the pages between at the scan's own resolution."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from parsers.limits import Limits
from parsers.ocr import render_dpi, render_page_image, scan_dpi

REAL = Path(__file__).parents[1] / "fixtures" / "real" / "scan"
RENDERED = Path(__file__).parents[1] / "fixtures" / "corpus" / "000_990e28e3400a8969" / "scan.pdf"


@pytest.mark.parametrize(
    ("path", "native", "body"),
    [
        (REAL / "scan-lamdong-cat-ttr239-2026-with-draft.pdf", 100, 200),  # enlarged to the floor only
        (REAL / "scan-lamdong-stp-ttr62-2025.pdf", 240, 240),
        (REAL / "scan-lamdong-mttq-btt-cv-2025-signed.pdf", 300, 300),
    ],
)
def test_body_pages_keep_the_scans_own_resolution(path, native, body):
    page = pdfium.PdfDocument(path.read_bytes())[0]
    assert scan_dpi(page) == pytest.approx(native, abs=1)
    assert render_dpi(page, Limits(), body=True) == body
    assert render_dpi(page, Limits(), body=False) == 300  # first and last pages: where the fields are
    assert render_dpi(page, Limits(ocr_body_min_dpi=None), body=True) == 300


def test_a_page_without_images_and_the_rendered_size():
    text_page = pdfium.PdfDocument((RENDERED.parent / "text.pdf").read_bytes())[0]
    assert scan_dpi(text_page) is None and render_dpi(text_page, Limits(), body=True) == 300
    page = pdfium.PdfDocument(RENDERED.read_bytes())[0]
    width_pt, _ = page.get_size()
    image, scale = render_page_image(page, Limits(), body=True)
    assert scale == pytest.approx(render_dpi(page, Limits(), body=True) / 72.0)
    assert image.width == pytest.approx(width_pt * scale, abs=1)
