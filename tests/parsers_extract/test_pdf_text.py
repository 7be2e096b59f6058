"""Text PDFs: official two-column layout (generated from the seeds) and the real samples."""

import re
import unicodedata

import pypdfium2 as pdfium
import pytest

from parsers.extract import extract
from parsers.limits import Limits
from parsers.pdf import extract_pdf, layout_page, pdfium_page_lines, plumber_page_lines
from tests.parsers_extract.official_pdf import render_text_pages


def _blocks(text):
    return text.split("\n\n")


def test_header_columns_come_out_as_two_blocks_in_order(official_000):
    pdf, doc = official_000
    result = extract(pdf, filename="kl.pdf", content_type="application/pdf")
    blocks = _blocks(result.text)
    assert blocks[0].split("\n") == [doc.issuer_parent, doc.issuer, "*", doc.number]
    assert blocks[1].split("\n") == ["ĐẢNG CỘNG SẢN VIỆT NAM", doc.place_date]
    assert blocks[2].split("\n")[0] == doc.type_line
    assert blocks[2].split("\n")[1:] == doc.subject_lines
    assert result.kind == "pdf" and result.pages >= 3 and result.page_sources == ["text"] * result.pages
    assert unicodedata.is_normalized("NFC", result.text)


def test_closing_area_gives_recipients_then_signature(official_001):
    pdf, doc = official_001
    result = extract(pdf)
    blocks = _blocks(result.text)
    recipients = blocks[-2].split("\n")
    assert recipients[0] == "Nơi nhận:"
    assert recipients[1:] == doc.recipients
    assert blocks[-1].split("\n") == [s for s in doc.signature if s]


def test_paragraphs_are_rejoined_and_page_numbers_dropped(official_000):
    pdf, doc = official_000
    text = extract(pdf).text
    lines = text.split("\n")
    for para in doc.paragraphs:  # every seed paragraph is one line, even across page breaks
        assert para in lines
    assert not any(re.fullmatch(r"\d{1,3}", line) for line in lines)


def test_fast_and_geometric_engines_agree_on_body_pages(official_000, samples):
    """pypdfium2 lines (bulk pages) and pdfplumber lines give the same page text."""
    cong_bao = (samples / "pdf" / "cong-bao-23-VBHN-VPQH.pdf").read_bytes()
    import io

    import pdfplumber

    for data, pages in ((official_000[0], [1, 2]), (cong_bao, [1, 5, 17])):
        doc = pdfium.PdfDocument(data)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in pages:
                w, h = doc[i].get_size()
                fast = layout_page(pdfium_page_lines(doc[i])[0], w, h, first=False, last=False, page_index=i)
                slow = layout_page(
                    plumber_page_lines(pdf.pages[i])[0], w, h, first=False, last=False, page_index=i
                )
                # the engines differ only in the space before a superscript footnote marker ('luật 5')
                norm = [re.sub(r"\s+", "", b) for b in fast.blocks]
                assert norm == [re.sub(r"\s+", "", b) for b in slow.blocks], f"page {i + 1}"


def test_word_geometry_of_both_engines_gives_the_same_header_and_closing(official_001):
    import io

    import pdfplumber

    from parsers.pdf import lines_from_words, pdfium_page_words

    data = official_001[0]
    doc = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i in (0, len(doc) - 1):
            w, h = doc[i].get_size()
            kw = dict(first=i == 0, last=i == len(doc) - 1, page_index=i)
            fast = layout_page(lines_from_words(pdfium_page_words(doc[i])), w, h, **kw)
            slow = layout_page(plumber_page_lines(pdf.pages[i])[0], w, h, **kw)
            assert fast.blocks == slow.blocks


def test_cong_bao_signature_stamp_is_removed_and_reported(samples):
    result = extract((samples / "pdf" / "cong-bao-23-VBHN-VPQH.pdf").read_bytes())
    assert result.pages == 33
    assert "Ký bởi" not in result.text and "Thời gian ký" not in result.text
    assert len(result.removed) == 1 and "Ký bởi: Cổng Thông tin điện tử Chính phủ" in result.removed[0]
    assert any(w.startswith("stamp removed") for w in result.warnings)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in result.text
    assert "Điều 1. Phạm vi điều chỉnh" in result.text.split("\n")


def test_broken_xref_pdf_still_extracts_and_its_vn_font_holds_no_text(samples):
    result = extract((samples / "pdf" / "cong-bao-hien-phap-2013-broken-xref.pdf").read_bytes())
    assert result.pages == 28
    # its .VnCenturySchoolbook font draws only spaces: the layer is Unicode, nothing to convert
    assert result.page_sources == ["text"] * 28
    blocks = _blocks(result.text)
    assert blocks[1] == "QUỐC HỘI"
    assert blocks[2] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    assert "Nhà nước Cộng hòa xã hội chủ nghĩa Việt Nam là nhà nước pháp quyền" in result.text


def test_tcvn3_and_vni_text_layers_are_converted_per_page():
    from parsers.legacy import encode_tcvn3, encode_vni

    lines = [
        "Kết luận của Ban Thường vụ Tỉnh ủy về tiếp tục tăng cường công tác phòng,",
        "chống dịch bệnh Covid-19 trên địa bàn tỉnh; các cấp ủy đảng, chính quyền",
        "thực hiện nghiêm túc, quyết liệt các biện pháp phòng, chống dịch.",
    ]
    pdf = render_text_pages([[encode_tcvn3(x) for x in lines], lines, [encode_vni(x) for x in lines]])
    result = extract_pdf(pdf, Limits())
    assert result.page_sources == ["converted", "text", "converted"]
    assert result.text.count("Kết luận của Ban Thường vụ Tỉnh ủy") == 3
    assert "Thường vụ" in result.text and "§" not in result.text


def test_vn_font_runs_are_decoded_by_font_name():
    from parsers.pdf import _convert_word

    chars = [{"text": c, "fontname": "ABCDEF+.VnTime"} for c in "Th\u00adêng"]
    assert _convert_word(chars, None) == ("Thường", True)
    caps = [{"text": c, "fontname": "ABCDEF+.VnTimeH"} for c in "®¶ng"]
    assert _convert_word(caps, None) == ("ĐẢNG", True)
    plain = [{"text": c, "fontname": "Times"} for c in "Đảng"]
    assert _convert_word(plain, None) == ("Đảng", False)


@pytest.mark.parametrize("pages", [1])
def test_plain_single_page(pages):
    pdf = render_text_pages([["Độc lập - Tự do - Hạnh phúc"]] * pages)
    assert extract(pdf).text == "Độc lập - Tự do - Hạnh phúc"
