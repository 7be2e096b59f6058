"""A long text PDF's pages are read by parallel processes inside its sandbox job (Limits.text_workers);
the extraction must be the one a single process gives, on every kind of page: plain text, legacy fonts read
through pdfplumber, signed pages whose stamps are flattened annotations, pages sent to OCR or kept as their
text layer."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from parsers.extract import Limits, extract
from parsers.record import parse_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _repeated(path: Path, times: int) -> bytes:
    """`times` copies of the file's pages in one PDF (real text objects, annotations and fonts included)."""
    source = pdfium.PdfDocument(path)
    target = pdfium.PdfDocument.new()
    for _ in range(times):
        target.import_pages(source)
    out = io.BytesIO()
    target.save(out)
    return out.getvalue()


CASES = {
    "cong-bao-33p": lambda: (FIXTURES / "samples" / "pdf" / "cong-bao-23-VBHN-VPQH.pdf").read_bytes(),
    "tcvn3-x4": lambda: _repeated(FIXTURES / "corpus" / "000_990e28e3400a8969" / "tcvn3.pdf", 4),
    "signed-x10": lambda: _repeated(FIXTURES / "real" / "pdf" / "lamdong-ubnd-gm85-2026-signed.pdf", 10),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_parallel_page_reading_gives_the_single_process_extraction(case):
    data = CASES[case]()
    one = extract(data, filename=f"{case}.pdf", limits=Limits(text_workers=1))
    two = extract(data, filename=f"{case}.pdf", limits=Limits(text_workers=2))
    assert dataclasses.asdict(two) == dataclasses.asdict(one)
    assert one.pages >= 16  # long enough for two workers (one per 8 pages at most)


def test_parallel_reading_of_a_scan_keeps_ocr_and_text_layer_pages_in_place():
    # 16 pages of a real scan under a garbage OCR layer: one page is OCRed (max_ocr_pages), the others keep
    # their text layer, read again from the job's own copy of the document
    data = _repeated(FIXTURES / "samples" / "pdf" / "scan-danang-sgddt-bad-ocr-layer.pdf", 8)
    limits = {"max_ocr_pages": 1, "ocr_workers": 1}
    one = parse_bytes(data, filename="scan.pdf", limits=Limits(text_workers=1, **limits))
    two = parse_bytes(data, filename="scan.pdf", limits=Limits(text_workers=2, **limits))
    assert two.to_dict() == one.to_dict()
    assert one.page_sources.count("ocr") == 1 and one.page_sources.count("text") == 15
