"""Each renderer yields a valid, realistic file; all are deterministic; a revision changes bytes, not text."""

from __future__ import annotations

import io
import zipfile

import pdfplumber
import pytest
from bs4 import BeautifulSoup
from docx import Document

from parsers.legacy import decode_tcvn3, decode_vni
from simulator.corpus import load_seed
from simulator.render import (
    CLASSES,
    render,
    render_corrupt_pdf,
    render_docx,
    render_html_article,
    render_scan_pdf,
    render_tcvn3_pdf,
    render_text_pdf,
    render_vni_pdf,
)

SEED = "001_c12fdece1227ca6e"


@pytest.fixture(scope="module")
def doc():
    return load_seed(SEED)


@pytest.fixture(scope="module")
def rendered(doc):
    return {name: render(doc, name) for name in CLASSES}


def _pdf_pages_text(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def _pdf_fonts(data: bytes) -> set[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return {c["fontname"].split("+", 1)[-1] for p in pdf.pages for c in p.chars}


def test_text_pdf_layout(rendered, doc):
    pages = _pdf_pages_text(rendered["text.pdf"])
    assert len(pages) >= 2
    with pdfplumber.open(io.BytesIO(rendered["text.pdf"])) as pdf:
        words = [w["text"] for w in pdf.pages[0].extract_words()]
        top_of_page2 = [w["text"] for w in pdf.pages[1].extract_words() if w["top"] < 60]
        assert pdf.pages[0].width == pytest.approx(595.27, abs=0.1)  # A4
    assert "712-TB/TU" in words and "Số" in words
    assert {"Hòa", "ngày", "24", "tháng", "02", "năm", "2022"} <= set(words)
    assert "ĐẢNG" in words and "THÔNG" in words
    assert top_of_page2 == ["2"]  # page number centred at the top of page 2
    full = "\n".join(pages)
    assert "Nguyễn Thành Hưng" in full and "Nơi nhận:" in full and "PHÓ CHÁNH VĂN PHÒNG" in full


def test_scan_pdf_has_no_text_layer(rendered):
    data = rendered["scan.pdf"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert all(not p.chars for p in pdf.pages)
        assert all(len(p.images) == 1 for p in pdf.pages)
        n = len(pdf.pages)
    assert n == len(_pdf_pages_text(rendered["text.pdf"]))
    assert b"/DCTDecode" in data  # JPEG


def test_tcvn3_pdf_carries_legacy_codes(rendered):
    raw = "\n".join(_pdf_pages_text(rendered["tcvn3.pdf"]))
    assert "Th\u00adêng trùc TØnh ñy" in raw  # 'Thường trực Tỉnh ủy' as a .VnTime text layer shows it
    assert "Đảng" not in raw and "Thường" not in raw
    assert "®¶ng céng s¶n viÖt nam" in raw  # capitals in .VnTimeH use the lowercase codes
    assert {".VnTime", ".VnTimeH", ".VnTime-Bold", ".VnTimeH-Bold"} <= _pdf_fonts(rendered["tcvn3.pdf"])
    assert "Thường trực Tỉnh ủy" in decode_tcvn3(raw)


def test_vni_pdf_carries_legacy_codes(rendered):
    raw = "\n".join(_pdf_pages_text(rendered["vni.pdf"]))
    assert "ÑAÛNG COÄNG SAÛN VIEÄT NAM" in raw
    assert "Đảng" not in raw
    assert "VNI-Times" in _pdf_fonts(rendered["vni.pdf"])
    assert "Thường trực Tỉnh ủy tổ chức Hội nghị" in decode_vni(raw)


def test_docx_structure(rendered, doc):
    d = Document(io.BytesIO(rendered["docx"]))
    header = d.tables[0].rows[0].cells
    assert len(header) == 2
    assert "TỈNH ỦY HÒA BÌNH" in header[0].text and "Số 712-TB/TU" in header[0].text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header[1].text and doc.place_date_line in header[1].text
    texts = [p.text for p in d.paragraphs]
    assert "THÔNG BÁO" in texts and doc.paragraphs[0].text in texts
    closing = d.tables[1].rows[0].cells
    assert "Nơi nhận:" in closing[0].text and "Nguyễn Thành Hưng" in closing[1].text


def test_html_article(rendered, doc):
    raw = rendered["html"].decode("utf-8")
    assert "&nbsp;" in raw and "&ldquo;" in raw
    soup = BeautifulSoup(raw, "lxml")
    assert soup.select_one("#sidebar li") is not None and soup.select_one("ul.nav") is not None
    article = soup.select_one("div.article")
    assert article.h1.get_text().startswith("Thông báo")
    content = article.select_one("div.content")
    cells = content.table.find_all("td")
    assert len(cells) == 2 and "Số\xa0712-TB/TU" in cells[0].get_text()
    paras = [p.get_text() for p in content.find_all("p")]
    assert doc.paragraphs[3].text in paras
    assert "Nguyễn Thành Hưng" in content.get_text() and "Lưu VPTU." in content.get_text()


def test_corrupt_pdf(doc):
    data = render_corrupt_pdf(doc)
    whole = render_text_pdf(doc)
    assert data.startswith(b"%PDF-") and b"%%EOF" not in data and b"startxref" not in data
    assert len(data) == int(len(whole) * 0.4) and whole.startswith(data)
    revised = render_corrupt_pdf(doc, revision=1)
    assert revised != data and revised.startswith(b"%PDF-") and b"%%EOF" not in revised


FAST = [render_text_pdf, render_tcvn3_pdf, render_vni_pdf, render_docx, render_html_article]


@pytest.mark.parametrize("renderer", FAST, ids=lambda f: f.__name__)
def test_deterministic_and_revision_changes_bytes_only(doc, rendered, renderer):
    name = {
        render_text_pdf: "text.pdf",
        render_tcvn3_pdf: "tcvn3.pdf",
        render_vni_pdf: "vni.pdf",
        render_docx: "docx",
        render_html_article: "html",
    }[renderer]
    again = renderer(doc)
    assert again == rendered[name]
    rev1 = renderer(doc, revision=1)
    assert rev1 != again
    if name.endswith(".pdf"):
        assert _pdf_pages_text(rev1) == _pdf_pages_text(again)
    elif name == "docx":
        assert [p.text for p in Document(io.BytesIO(rev1)).paragraphs] == [
            p.text for p in Document(io.BytesIO(again)).paragraphs
        ]
        assert zipfile.ZipFile(io.BytesIO(rev1)).namelist() == zipfile.ZipFile(io.BytesIO(again)).namelist()
    else:

        def content(b):
            return BeautifulSoup(b, "lxml").select_one("div.content").get_text()

        assert content(rev1) == content(again)


def test_scan_deterministic_and_revision(doc, rendered):
    assert render_scan_pdf(doc) == rendered["scan.pdf"]
    assert render_scan_pdf(doc, revision=1) != rendered["scan.pdf"]


def test_negative_revision_rejected(doc):
    with pytest.raises(ValueError):
        render_text_pdf(doc, revision=-1)
