"""Bad input: every case ends in a named ExtractionError subclass (or a capped result with a warning)."""

import io
import zlib

import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen import canvas

from parsers.errors import (
    CorruptFile,
    DecompressionBomb,
    EmptyFile,
    EncryptedFile,
    ExtractionError,
    ExtractionTimeout,
    FileTooLarge,
    ResourceLimit,
    TooManyPages,
    TruncatedFile,
    UnsupportedFormat,
    WrongContentType,
)
from parsers.extract import extract
from parsers.limits import Limits


def _blank_pdf(pages: int) -> bytes:
    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(595, 842)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF with a correct xref from the given object bodies (1-based numbering)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _page_pdf(content: bytes, resources: bytes = b"<< >>", extra: list[bytes] | None = None) -> bytes:
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources "
            + resources
            + b" >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
            *(extra or []),
        ]
    )


def test_empty_file():
    with pytest.raises(EmptyFile):
        extract(b"", filename="x.pdf")


def test_html_served_as_pdf_is_caught_by_magic_bytes():
    page = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"
    with pytest.raises(WrongContentType, match="pdf"):
        extract(page, filename="van-ban.pdf", content_type="application/pdf")


def test_bare_image_is_unsupported():
    with pytest.raises(UnsupportedFormat):
        extract(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)


def test_file_too_large():
    with pytest.raises(FileTooLarge):
        extract(b"%PDF-1.4 ...", limits=Limits(max_bytes=5))


def test_truncated_pdf_gives_named_error_or_partial_text_with_warning(official_000):
    pdf = official_000[0]
    cut = pdf[: int(len(pdf) * 0.6)]
    try:
        result = extract(cut)
    except (TruncatedFile, CorruptFile):
        return
    assert any("truncated" in w for w in result.warnings)


def test_garbage_after_pdf_magic():
    with pytest.raises((CorruptFile, TruncatedFile)):
        extract(b"%PDF-1.7\n" + bytes(range(256)) * 4)


def test_encrypted_pdf():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt="secret-password")
    c.drawString(72, 720, "confidential")
    c.showPage()
    c.save()
    with pytest.raises(EncryptedFile):
        extract(buf.getvalue())


def test_five_thousand_pages_are_refused_or_capped():
    pdf = _blank_pdf(5000)
    assert len(pdf) < 2_000_000
    with pytest.raises(TooManyPages, match="5000"):
        extract(pdf)
    result = extract(pdf, limits=Limits(max_pages=20, truncate_pages=True))
    assert result.pages == 20 and any("5000 pages" in w for w in result.warnings)


def test_huge_image_is_a_decompression_bomb():
    image = zlib.compress(b"\x00" * 1000)
    image_obj = (
        b"<< /Type /XObject /Subtype /Image /Width 200000 /Height 200000 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(image)
        + image
        + b"\nendstream"
    )
    pdf = _page_pdf(
        zlib.compress(b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
        resources=b"<< /XObject << /Im0 5 0 R >> >>",
        extra=[image_obj],
    )
    with pytest.raises(DecompressionBomb, match="200000x200000"):
        extract(pdf)


def test_huge_flate_content_stream_hits_the_memory_limit():
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = b"".join(comp.compress(chunk) for _ in range(1200)) + comp.flush()  # 1.2 GB inflated, ~1.2 MB
    try:
        result = extract(_page_pdf(body), limits=Limits(max_memory_mb=600, timeout_seconds=60))
    except ResourceLimit:
        return
    # pdfium refuses the oversized stream by itself: then the page is simply empty, never a crash
    assert result.text == ""


def test_timeout_kills_the_child(samples):
    data = (samples / "pdf" / "scan-danang-sgddt-bad-ocr-layer.pdf").read_bytes()
    with pytest.raises(ExtractionTimeout):
        extract(data, limits=Limits(timeout_seconds=0.5))


def test_every_error_is_an_extraction_error():
    for cls in (
        EmptyFile,
        WrongContentType,
        TruncatedFile,
        EncryptedFile,
        TooManyPages,
        DecompressionBomb,
        ExtractionTimeout,
        FileTooLarge,
        CorruptFile,
        UnsupportedFormat,
    ):
        assert issubclass(cls, ExtractionError)
