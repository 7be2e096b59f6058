"""The OCR side on the real scans of tests/fixtures/real/scan (hand-labelled goldens, LABELS.md): coloured ink
taken out before binarisation, scanned pages under a signing stamp's text layer still judged scans, header
words repaired.  Real Tesseract, real files; the golden values are the truth, never the parser's output."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from parsers.limits import Limits
from parsers.ocr import needs_ocr, ocr_pdf_pages, page_image_share
from parsers.scan_clean import grey_without_colour

REAL_SCANS = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "scan"
GM560 = REAL_SCANS / "scan-lamdong-ubnd-gm560-2025-badocr.pdf"  # red seal, blue handwritten number and day
TTR200 = REAL_SCANS / "scan-lamdong-cat-ttr200-2026-saoy.pdf"  # 'SAO Y' text line over the scanned page 1


def _golden(pdf: Path) -> dict:
    return json.loads(pdf.with_name(pdf.stem + ".expected.json").read_text(encoding="utf-8"))


def test_coloured_ink_becomes_paper_and_black_print_over_it_stays():
    rgb = np.full((60, 60, 3), 245, dtype=np.uint8)
    rgb[10:20, :] = (200, 40, 50)  # a red seal's ring
    rgb[30:40, :] = (40, 60, 170)  # blue handwriting
    rgb[:, 25:30] = (25, 20, 20)  # a black stroke across both
    grey = grey_without_colour(rgb)
    assert grey[15, 5] > 230 and grey[35, 5] > 230  # the inks are paper
    assert grey[15, 27] < 60 and grey[35, 27] < 60 and grey[50, 27] < 60  # the print is kept everywhere
    plain = np.full((8, 8, 3), 128, dtype=np.uint8)
    assert (grey_without_colour(plain) == 128).all()  # a grey scan is only converted


def test_a_scanned_page_under_a_signing_stamp_text_layer_is_a_scan():
    doc = pdfium.PdfDocument(str(TTR200))
    page = doc[0]
    stamp_text = page.get_textpage().get_text_range()
    share = page_image_share(page)
    page.close()
    doc.close()
    assert "SAO Y" in stamp_text and len(stamp_text.split()) < 12
    assert share > 0.95
    assert needs_ocr(stamp_text, share)
    assert not needs_ocr(stamp_text, 0.05)  # a text page with a signature image keeps its text
    assert not needs_ocr(stamp_text, True)  # callers that only know 'has images' keep the old judgement


@pytest.fixture(scope="module")
def gm560_page() -> str:
    doc = pdfium.PdfDocument(str(GM560))
    try:
        result = ocr_pdf_pages(doc, [0], Limits())[0]
    finally:
        doc.close()
    assert result.error is None
    return result


def test_the_handwritten_number_and_day_are_not_read_and_the_header_is_printed_right(gm560_page):
    golden = _golden(GM560)
    lines = [" ".join(w.text for w in words) for words in _lines(gm560_page.words)]
    text = "\n".join(lines)
    record = golden["record"]
    assert record["issuer"].split()[-2:] == ["LÂM", "ĐỒNG"]
    assert "TỈNH LÂM ĐỒNG" in text and "Lâm Đồng, ngày" in text
    assert "KT. CHÁNH VĂN PHÒNG" in text and "PHÓ CHÁNH VĂN PHÒNG" in text  # under the red seal
    number_line = next(line for line in lines if line.startswith("Số"))
    # the blue handwritten digits (a person reads golden['handwritten']['number']) are gone, the print stays
    assert golden["handwritten"]["number"] not in number_line and golden["number_suffix"] in number_line
    date_line = next(line for line in lines if "tháng 11 năm 2025" in line)
    assert golden["handwritten"]["day"] not in date_line


def test_repaired_words_are_listed(gm560_page):
    assert all(note.startswith("page 1: OCR words repaired: ") for note in gm560_page.corrections)
    assert any("ĐỒNG" in note for note in gm560_page.corrections)


def _lines(words) -> list[list]:
    by_line: dict = {}
    for word in words:
        by_line.setdefault(word.line_id, []).append(word)
    return [sorted(ws, key=lambda w: w.x0) for ws in by_line.values()]


def test_a_scan_under_a_stamp_only_text_layer_is_sent_to_ocr():
    """Page 1 of ttr200 carries the copy stamp's text layer only ('SAO Y; CÔNG AN TỈNH …', 'Ký bởi: …'): it
    is OCRed like the other scanned pages (here capped to none, so the warning lists the pages that needed
    it without running Tesseract)."""
    from parsers.pdf import extract_pdf

    ext = extract_pdf(TTR200.read_bytes(), Limits(max_ocr_pages=0, use_sandbox=False))
    note = next(w for w in ext.warnings if "pages need OCR" in w)
    assert note.startswith("5 pages need OCR") and "pages 1, 2, 3, 4, 5 left" in note
