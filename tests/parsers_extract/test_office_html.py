"""Word (.docx via python-docx, .doc via antiword), HTML articles and plain text."""

import io

import docx
import pytest
from docx.oxml.ns import qn

from parsers.errors import ExtractionError
from parsers.extract import extract
from parsers.legacy import encode_tcvn3
from parsers.office import text_from_antiword


def _two_cell_table(document, left: list[str], right: list[str]):
    table = document.add_table(rows=max(len(left), len(right)), cols=2)
    for i, text in enumerate(left):
        table.cell(i, 0).text = text
    for i, text in enumerate(right):
        table.cell(i, 1).text = text


def _official_docx(legacy_paragraph: str | None = None) -> bytes:
    d = docx.Document()
    _two_cell_table(
        d,
        ["ĐẢNG BỘ TỈNH QUẢNG NGÃI", "TỈNH ỦY QUẢNG NGÃI", "*", "Số 125-KL/TU"],
        ["ĐẢNG CỘNG SẢN VIỆT NAM", "", "", "Quảng Ngãi, ngày 12 tháng 8 năm 2021"],
    )
    d.add_paragraph("KẾT LUẬN")
    d.add_paragraph("Ban Thường vụ Tỉnh ủy thảo luận và kết luận:")
    if legacy_paragraph:
        run = d.add_paragraph().add_run(encode_tcvn3(legacy_paragraph))
        run.font.name = ".VnTime"
        run._element.rPr.rFonts.set(qn("w:hAnsi"), ".VnTime")
    _two_cell_table(
        d,
        ["Nơi nhận:", "- Thường trực Ban Bí thư,", "- Lưu Văn phòng Tỉnh ủy."],
        ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Bùi Thị Quỳnh Vân"],
    )
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_tables_come_out_column_by_column_in_document_order():
    result = extract(_official_docx(), filename="kl.docx")
    assert result.kind == "docx" and result.page_sources == ["text"]
    assert result.text.split("\n\n") == [
        "ĐẢNG BỘ TỈNH QUẢNG NGÃI\nTỈNH ỦY QUẢNG NGÃI\n*\nSố 125-KL/TU",
        "ĐẢNG CỘNG SẢN VIỆT NAM\nQuảng Ngãi, ngày 12 tháng 8 năm 2021",
        "KẾT LUẬN",
        "Ban Thường vụ Tỉnh ủy thảo luận và kết luận:",
        "Nơi nhận:\n- Thường trực Ban Bí thư,\n- Lưu Văn phòng Tỉnh ủy.",
        "T/M BAN THƯỜNG VỤ\nBÍ THƯ\nBùi Thị Quỳnh Vân",
    ]


def test_docx_vntime_runs_are_converted():
    result = extract(_official_docx("Kết luận của Ban Thường vụ Tỉnh ủy"))
    assert "Kết luận của Ban Thường vụ Tỉnh ủy" in result.text.split("\n\n")
    assert result.page_sources == ["converted"]


def test_doc_sample_rebuilds_header_table_columns(samples):
    result = extract((samples / "doc" / "luat-15-2012-QH13.doc").read_bytes(), filename="x.doc")
    blocks = result.text.split("\n\n")
    assert result.kind == "doc"
    assert blocks[0] == "QUỐC HỘI\nSố: 15/2012/QH13"
    assert blocks[1].split("\n") == [
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "Hà Nội, ngày 20 tháng 6 năm 2012",
    ]
    assert "Điều 1. Phạm vi điều chỉnh" in blocks


def test_doc_sample_1959(samples):
    result = extract((samples / "doc" / "hien-phap-1959.doc").read_bytes())
    assert result.text.startswith("HIẾN PHÁP")
    assert "Nước Việt Nam ta là một nước thống nhất từ Lạng Sơn đến Cà Mau." in result.text.split("\n\n")


def test_antiword_tcvn3_output_is_converted_before_cleanup():
    text = "Kết luận của Ban Thường vụ Tỉnh ủy\n\nvề tiếp tục tăng cường công tác phòng, chống dịch"
    result = text_from_antiword(encode_tcvn3(text))
    assert result.text == text
    assert result.page_sources == ["converted"]


ARTICLE = """<!doctype html><html><head><title>Tin tức</title><script>var x = "menu";</script>
<style>p {color: red}</style></head><body>
<nav class="main-menu"><ul><li>Trang chủ</li><li>Tin tức</li></ul></nav>
<div id="sidebar"><p>Tin liên quan: Một bài khác hoàn toàn</p></div>
<div class="news-detail"><h1>Kết luận của Ban Thường vụ Tỉnh ủy</h1>
<p>Sáng ngày 12/8/2021, Ban Thường vụ Tỉnh ủy tổ chức họp.</p>
<p>Ban Thường vụ Tỉnh ủy yêu cầu:<br>- Tập trung truy vết nhanh;<br>- Siết chặt công tác quản lý.</p>
</div><footer>Bản quyền thuộc Tỉnh ủy</footer></body></html>""".encode()


def test_html_article_keeps_blocks_and_drops_boilerplate():
    result = extract(ARTICLE, filename="bai-viet.html", content_type="text/html")
    assert result.kind == "html"
    assert result.text.split("\n\n") == [
        "Kết luận của Ban Thường vụ Tỉnh ủy",
        "Sáng ngày 12/8/2021, Ban Thường vụ Tỉnh ủy tổ chức họp.",
        "Ban Thường vụ Tỉnh ủy yêu cầu:\n- Tập trung truy vết nhanh;\n- Siết chặt công tác quản lý.",
    ]


def test_real_vbpl_page_has_no_script_or_menu_text(samples):
    result = extract((samples / "html-vbpl" / "vbpl_thuoctinh.html").read_bytes())
    assert "function(" not in result.text and "{" not in result.text
    assert len(result.text) > 200


def test_plain_text_utf8_and_tcvn3_bytes():
    assert extract("Độc lập - Tự do - Hạnh phúc\r\n".encode()).text == "Độc lập - Tự do - Hạnh phúc"
    legacy = encode_tcvn3("Kết luận của Ban Thường vụ Tỉnh ủy về tiếp tục tăng cường").encode("latin-1")
    result = extract(legacy, filename="kl.txt")
    assert result.text == "Kết luận của Ban Thường vụ Tỉnh ủy về tiếp tục tăng cường"
    assert result.page_sources == ["converted"]


def test_docx_without_text_is_a_named_error():
    d = docx.Document()
    buf = io.BytesIO()
    d.save(buf)
    with pytest.raises(ExtractionError, match="no text"):
        extract(buf.getvalue())


def test_vbpl_property_page_drops_facet_lists_and_keeps_the_properties(samples):
    text = extract((samples / "html-vbpl" / "vbpl_thuoctinh.html").read_bytes()).text
    lines = text.split("\n")
    # the left facet column (issuers, document types, years: lists of links) is navigation
    for facet in ("Năm ban hành", "1945 đến 1950", "Thủ tướng Chính phủ", "Nghị quyết liên tịch"):
        assert facet not in lines
    assert "Số ký hiệu\n101/2015/QH13" in text
    assert "Quốc hội\nChủ tịch Quốc hội\nNguyễn Sinh Hùng" in text
    assert "Tình trạng hiệu lực: Còn hiệu lực" in lines


PAGE_WITHOUT_HINTS = """<html><body>
<div><ul>{facets}</ul></div>
<div><div><h2>Kết luận của Ban Thường vụ Tỉnh ủy</h2>
<p>Ban Thường vụ Tỉnh ủy thảo luận và kết luận về công tác phòng, chống dịch trên địa bàn tỉnh.</p>
<p>Các cấp ủy, chính quyền tiếp tục quán triệt và tổ chức triển khai thực hiện nghiêm túc.</p>
<p>Xem thêm <a href="/tin/1">bài viết liên quan</a> trên cổng thông tin.</p></div></div>
<table><tr>{links}</tr></table>
</body></html>"""


def test_page_without_content_hint_keeps_the_text_block_and_drops_link_lists():
    facets = "".join(f'<li><a href="/loai/{k}">Loại văn bản số {k}</a></li>' for k in range(12))
    links = "".join(f'<td><a href="/lk/{k}">Liên kết website {k}</a></td>' for k in range(6))
    html = PAGE_WITHOUT_HINTS.format(facets=facets, links=links).encode()
    assert extract(html).text.split("\n\n") == [
        "Kết luận của Ban Thường vụ Tỉnh ủy",
        "Ban Thường vụ Tỉnh ủy thảo luận và kết luận về công tác phòng, chống dịch trên địa bàn tỉnh.",
        "Các cấp ủy, chính quyền tiếp tục quán triệt và tổ chức triển khai thực hiện nghiêm túc.",
        "Xem thêm bài viết liên quan trên cổng thông tin.",
    ]


def test_simulator_news_article_keeps_the_document_and_drops_the_sidebar():
    import json
    from pathlib import Path

    from simulator.render.html_article import SIDEBAR_NEWS
    from tests.parsers_extract.scan_cer import normalise

    seeds = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "corpus").glob("0*"))
    if not seeds:
        pytest.skip("corpus not rendered")
    expected = json.loads((seeds[0] / "html.expected.json").read_text(encoding="utf-8"))
    text = extract((seeds[0] / "html").read_bytes(), filename="article.html").text
    blocks = text.split("\n\n")
    assert not any(title in text for title in SIDEBAR_NEWS)
    truth = expected["text"].split("\n\n")
    start = blocks.index(truth[0])  # the article's title and meta line come first
    assert blocks[start : start + 2] == truth[:2]  # header columns: issuer block, then motto/date block
    assert blocks[-2:] == truth[-2:]  # Nơi nhận block, then the signature block
    assert normalise("\n".join(blocks[start:])) == normalise(expected["text"])


def test_docx_data_table_is_read_row_by_row_and_line_breaks_inside_runs_kept():
    d = docx.Document()
    table = d.add_table(rows=2, cols=3)
    for r, row in enumerate([["STT", "Chỉ tiêu", "Số liệu"], ["1.", "Văn bản đã ban hành", "82"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    run = d.add_paragraph().add_run("LUẬT")
    run.add_break()
    run.add_text("Xử lý vi phạm hành chính")
    buf = io.BytesIO()
    d.save(buf)
    text = extract(buf.getvalue(), filename="t.docx").text
    assert "STT\nChỉ tiêu\nSố liệu\n1.\nVăn bản đã ban hành\n82" in text
    assert "LUẬT\nXử lý vi phạm hành chính" in text


def test_doc_is_converted_with_libreoffice_and_antiword_remains(samples):
    from parsers.office import extract_doc

    data = (samples / "doc" / "luat-15-2012-QH13.doc").read_bytes()
    converted = extract_doc(data)
    fallback = extract_doc(data, converter="antiword")
    assert converted.warnings[0] == ".doc converted to .docx with LibreOffice"
    assert fallback.warnings[0] == ".doc read with antiword"
    assert "LUẬT\nXử lý vi phạm hành chính" in converted.text
    assert converted.kind == "doc" and "Số: 15/2012/QH13" in fallback.text
