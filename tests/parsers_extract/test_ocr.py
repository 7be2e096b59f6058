"""Scans: garbage text layers and image-only pages go through Tesseract 'vie' (real tesseract)."""

import io

from PIL import Image, ImageDraw, ImageFont
from rapidfuzz import fuzz
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from parsers.extract import extract
from parsers.limits import Limits
from parsers.ocr import needs_ocr, text_quality
from tests.parsers_extract.official_pdf import FONT_DIR, register_fonts

LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "",
    "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy, tổ chức đảng",
    "tập trung lãnh đạo công tác phòng, chống dịch bệnh.",
]


def _scan_pdf(dpi: int = 100) -> bytes:
    """One image-only page (a low-resolution 'scan') followed by one text page."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), int(dpi * 13 / 72))
    y = dpi
    for line in LINES:
        draw.text((dpi, y), line, font=font, fill=0)
        y += int(dpi * 0.3)
    png = io.BytesIO()
    img.save(png, format="PNG")
    register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(io.BytesIO(png.getvalue())), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.setFont("Serif", 12)
    c.drawString(72, 770, "Trang hai có lớp chữ thật, không cần nhận dạng.")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_quality_score_separates_garbage_from_vietnamese():
    garbage = (
        "UBND THANH PHO DA NANG CONG Hcok xA HQI CHiJ NGHiA VIVT NAM SO GIAO DVC vA DA TAO Dc 1p Ty do Hph"
    )
    real = "Ủy ban nhân dân thành phố Đà Nẵng Cộng hòa xã hội chủ nghĩa Việt Nam Sở Giáo dục và Đào tạo"
    assert text_quality(garbage) < 0.3 < 0.6 < text_quality(real)
    assert needs_ocr(garbage * 2, has_images=True)
    assert not needs_ocr(real * 2, has_images=True)
    assert needs_ocr("", has_images=True) and not needs_ocr("", has_images=False)


def test_real_scan_with_garbage_layer_is_reocred(samples):
    result = extract((samples / "pdf" / "scan-danang-sgddt-bad-ocr-layer.pdf").read_bytes())
    assert result.page_sources == ["ocr", "ocr"]
    assert "CHiJ" not in result.text and "Hcok" not in result.text
    blocks = result.text.split("\n\n")
    # the header's left column block (issuer lines, then the number), then the right column block (motto,
    # then the place-and-date line): not interleaved line by line
    left, right = blocks[0].split("\n"), blocks[1].split("\n")
    assert left[0].startswith("UBND THÀNH PH") and "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in left[1]
    assert len(left) == 3 and left[2].startswith("Số") and left[2].endswith("/SGDĐT-CTrTT")
    assert right[:2] == ["CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert len(right) == 3 and right[2].startswith("Đà Nẵng, ngày") and right[2].endswith("tháng 5 năm 2019")
    assert blocks[-1].split("\n")[-1] == "Trần Nguyễn Minh Thành"
    assert "Kính gửi:" in result.text
    assert result.ocr_confidence is not None and result.ocr_confidence > 70


def test_image_only_page_is_upscaled_and_ocred_text_page_is_not():
    result = extract(_scan_pdf(dpi=100), limits=Limits(ocr_workers=2))
    assert result.page_sources == ["ocr", "text"]
    expected = "\n".join(x for x in LINES if x)
    got = result.text
    assert fuzz.partial_ratio(expected.replace("\n", " "), got.replace("\n", " ")) > 90
    assert "Trang hai có lớp chữ thật" in result.text
    assert result.ocr_confidence > 60


def test_ocr_page_cap_leaves_the_rest_with_a_warning():
    result = extract(_scan_pdf(dpi=100), limits=Limits(max_ocr_pages=0))
    assert result.page_sources == ["text", "text"]
    assert any("max_ocr_pages" in w for w in result.warnings)
