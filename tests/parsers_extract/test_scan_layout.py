"""Scanned pages go through the same geometric layout as text pages: OCR word boxes with Tesseract's line
numbers, straightened, split at the header's and the closing area's column gap (real tesseract, real
rendered corpus scans: one header page and one closing page)."""

import io
import json

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers.extract import extract
from parsers.layout import Word, layout_page, lines_from_words, skew_slope
from parsers.scan_clean import clean_page, rule_mask, seal_mask
from tests.parsers_extract.official_pdf import FONT_DIR
from tests.parsers_extract.scan_cer import CORPUS, cer, normalise

# --- layout of OCR-like word boxes (no OCR) ---------------------------------------------------------------


def _ocr_words(lines, slope=0.0, line_height=12.0):
    """Word boxes as Tesseract gives them: (x0, top, text, font height, line_id) per word, page tilted."""
    words = []
    for x0, top, text, height, line_id in lines:
        x = x0
        for token in text.split():
            width = 0.55 * height * len(token)
            y = top + slope * (x + width / 2)
            words.append(Word(x, x + width, y, y + height, token, line_id))
            x += width + 0.3 * height
    return words


def test_tilted_closing_area_keeps_recipients_and_signature_apart():
    # small recipient lines on the left, a taller signature block on the right beside them; the page tilts
    # by 1 degree, so the right column sits lower than the left one by more than a small line's height
    rows = [
        (
            72,
            60,
            "Ban cán sự đảng và các cơ quan chuyên trách tham mưu thực hiện nghiêm kết luận này.",
            12,
            (1, 1, 1),
        )
    ]
    rows += [(72, 100, "Nơi nhận:", 12, (2, 1, 1)), (330, 100, "T/M BAN THƯỜNG VỤ", 14, (3, 1, 1))]
    recipients = [
        "- Thường trực Ban Bí thư,",
        "- Văn phòng Trung ương,",
        "- Các huyện ủy, thành ủy,",
        "- Lưu Văn phòng Tỉnh ủy.",
    ]
    rows += [(72, 114 + 10 * k, text, 8, (2, 1, 2 + k)) for k, text in enumerate(recipients)]
    rows += [(360, 120, "BÍ THƯ", 14, (3, 1, 2)), (330, 170, "Bùi Thị Quỳnh Vân", 14, (3, 1, 3))]
    words = _ocr_words(rows, slope=0.0175)
    assert skew_slope(words + _ocr_words(rows[:1] * 3, slope=0.0175)) == pytest.approx(0.0175, abs=0.002)
    page = layout_page(lines_from_words(words), 595, 842, first=False, last=True, page_index=3)
    assert page.blocks[-2].split("\n") == ["Nơi nhận:", *recipients]
    assert page.blocks[-1].split("\n") == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Bùi Thị Quỳnh Vân"]


def test_tilted_body_lines_keep_their_words_in_order():
    # on a tilted page a long line's right end sits as low as the next line's start: without Tesseract's
    # line numbers the words of two lines would interleave
    text = [
        "Các cấp ủy, chính quyền, cơ quan, đơn vị tiếp tục quán triệt và tổ chức triển khai",
        "thực hiện nghiêm túc, quyết liệt, có hiệu quả chỉ đạo của Trung ương và của tỉnh.",
    ]
    rows = [(72, 100 + 13 * k, line, 10, (1, 1, k + 1)) for k, line in enumerate(text)]
    lines = lines_from_words(_ocr_words(rows, slope=0.03))
    assert [line.text for line in lines] == text


# --- image cleaning -----------------------------------------------------------------------------------------


def _page_with_rule_and_seal(dpi=150):
    mm = dpi / 25.4
    img = Image.new("L", (int(210 * mm), int(120 * mm)), 240)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), int(dpi * 13 / 72))
    draw.text((20 * mm, 10 * mm), "TỈNH ỦY HÒA BÌNH", font=font, fill=10)
    draw.line((110 * mm, 18 * mm, 190 * mm, 19.5 * mm), fill=20, width=max(2, int(0.4 * mm)))  # tilted rule
    draw.text((120 * mm, 45 * mm), "PHÓ CHÁNH VĂN PHÒNG", font=font, fill=10)
    cx, cy, r = 150 * mm, 75 * mm, 17 * mm
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=85, width=int(0.6 * mm))
    draw.ellipse((cx - 0.7 * r, cy - 0.7 * r, cx + 0.7 * r, cy + 0.7 * r), outline=85, width=int(0.3 * mm))
    draw.regular_polygon((cx, cy, 0.3 * r), 5, fill=85)
    draw.text((125 * mm, 88 * mm), "Nguyễn Thành Hưng", font=font, fill=10)
    return np.asarray(img), mm, (cx, cy, r)


def test_rules_and_seal_rings_are_whitened_and_letters_kept():
    gray, mm, (cx, cy, r) = _page_with_rule_and_seal()
    dark = gray < 170
    seals, zone = seal_mask(gray, dark, 150)
    assert zone[int(cy), int(cx)] and not zone[int(cy), int(cx + r + 3 * mm)]
    rules = rule_mask(dark & ~zone, 150)
    ys, xs = np.nonzero(rules)
    assert xs.min() < 115 * mm and xs.max() > 185 * mm and ys.max() < 22 * mm  # the rule, not the text
    yy, xx = np.nonzero(seals)
    assert np.hypot(xx - cx, yy - cy).max() < r + 1.5 * mm
    cleaned = clean_page(gray, 150)
    ring_and_star = dark & (
        np.hypot(*np.meshgrid(np.arange(gray.shape[1]) - cx, np.arange(gray.shape[0]) - cy)) < r + mm
    )
    letters = gray < 15  # the print (10) is darker than the rule (20) and the seal (85)
    assert (cleaned[ring_and_star & ~letters] < 170).mean() < 0.1
    assert (cleaned[letters] == gray[letters]).mean() > 0.95


# --- real OCR of corpus scans -------------------------------------------------------------------------------


def _seed(prefix):
    found = sorted(CORPUS.glob(prefix + "_*"))
    if not found or not (found[0] / "scan.pdf").exists():
        pytest.skip("corpus scans not rendered")
    return found[0], json.loads((found[0] / "scan.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def header_and_closing_scan():
    """Page 1 of seed 003 (rule close to the issuer's bold line) + the last page of seed 001 (small
    recipient lines beside a tall signature block with a seal), extracted as one 2-page scan."""
    first_dir, first = _seed("003")
    last_dir, last = _seed("001")
    out = pdfium.PdfDocument.new()
    src_first = pdfium.PdfDocument((first_dir / "scan.pdf").read_bytes())
    src_last = pdfium.PdfDocument((last_dir / "scan.pdf").read_bytes())
    out.import_pages(src_first, [0])
    out.import_pages(src_last, [len(src_last) - 1])
    buf = io.BytesIO()
    out.save(buf)
    return extract(buf.getvalue(), filename="scan.pdf"), first, last


def test_scan_header_comes_out_as_left_block_then_right_block(header_and_closing_scan):
    result, first, _ = header_and_closing_scan
    assert result.page_sources == ["ocr", "ocr"]
    blocks = result.text.split("\n\n")
    left = [x for x in blocks[0].split("\n") if x != "*"]  # Tesseract drops the lone asterisk
    assert left == [first["issuer_parent"], first["issuer"], "Số " + first["number"]]
    truth_right = first["text"].split("\n\n")[1].split("\n")
    assert blocks[1].split("\n") == truth_right == ["ĐẢNG CỘNG SẢN VIỆT NAM", truth_right[1]]


def test_scan_closing_area_is_not_interleaved(header_and_closing_scan):
    result, _, last = header_and_closing_scan
    blocks = result.text.split("\n\n")
    recipients = blocks[-2].split("\n")
    assert recipients[0] == "Nơi nhận:"
    assert len(recipients[1:]) == len(last["recipients"])
    for got, want in zip(recipients[1:], last["recipients"], strict=True):
        assert cer(got.lstrip("- ").rstrip(";,."), want) <= 0.15, (got, want)
    assert blocks[-1].split("\n") == last["text"].split("\n\n")[-1].split("\n")


def test_scan_page_text_is_within_three_percent_cer(header_and_closing_scan):
    result, first, _ = header_and_closing_scan
    page_one = result.text.split("doanh nghiệp, khu công nghiệp")[0]  # where seed 001's last page begins
    hyp = normalise(page_one)
    ref = normalise(first["text"])[: len(hyp)]
    assert len(hyp) > 1500
    assert cer(hyp, ref) <= 0.03
    assert result.ocr_confidence > 85
