"""Word structure a reader sees but the paragraph text lacks: automatic list labels and nested tables."""

import io
from pathlib import Path

import docx
import pytest
from lxml import etree

from parsers.extract import extract
from parsers.office import extract_docx
from parsers.office_numbering import Numbering, format_number

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

NUMBERING = f"""<w:numbering xmlns:w="{W_NS}">
  <w:abstractNum w:abstractNumId="7">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/>
      <w:suff w:val="space"/></w:lvl>
    <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%4."/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="8">
    <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf02d"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="9">
    <w:lvl w:ilvl="0"><w:numFmt w:val="none"/><w:suff w:val="nothing"/><w:lvlText w:val=""/>
      <w:pStyle w:val="Heading1"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="8"/></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="7"/>
    <w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="9"/></w:num>
</w:numbering>"""

STYLES = f"""<w:styles xmlns:w="{W_NS}">
  <w:style w:type="paragraph" w:styleId="Heading1"><w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Clause"><w:basedOn w:val="ListClause"/></w:style>
  <w:style w:type="paragraph" w:styleId="ListClause"><w:pPr><w:numPr><w:ilvl w:val="1"/>
    <w:numId w:val="1"/></w:numPr></w:pPr></w:style>
</w:styles>"""


def _p(num_id: str | None = None, ilvl: int = 0, style: str | None = None):
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num_id is not None:
        ppr += f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    return etree.fromstring(f'<w:p xmlns:w="{W_NS}"><w:pPr>{ppr}</w:pPr></w:p>')


def test_list_labels_count_per_level_and_restart_below():
    numbering = Numbering(etree.fromstring(NUMBERING), etree.fromstring(STYLES))
    labels = [
        numbering.label(_p("1", 0)),  # I.
        numbering.label(_p("1", 1)),  # 1.
        numbering.label(_p("1", 2)),  # a)
        numbering.label(_p("1", 2)),  # b)
        numbering.label(_p("1", 3)),  # 1.1.
        numbering.label(_p("1", 1)),  # 2.
        numbering.label(_p("1", 2)),  # a) again: a higher level moved on
        numbering.label(_p("1", 0)),  # II.
        numbering.label(_p(style="Clause")),  # 1. (style's list, through basedOn; restarted by II.)
        numbering.label(_p("2", 0)),  # a Symbol-font dash bullet
        numbering.label(_p("0", 0)),  # numId 0: numbering switched off
        numbering.label(_p(style="Heading1")),  # an outline level without a label
        numbering.label(_p()),
    ]
    assert labels == ["I. ", "1. ", "a) ", "b) ", "1.1. ", "2. ", "a) ", "II. ", "1. ", "- ", "", "", ""]


def test_a_start_override_restarts_a_shared_list():
    numbering = Numbering(etree.fromstring(NUMBERING), None)
    assert [numbering.label(_p("1", 1)) for _ in range(3)] == ["1. ", "2. ", "3. "]
    assert numbering.label(_p("3", 1)) == "1. "  # another w:num of the same list, restarted


@pytest.mark.parametrize(
    ("n", "fmt", "out"),
    [(4, "upperRoman", "IV"), (14, "lowerRoman", "xiv"), (27, "lowerLetter", "aa"), (3, "decimalZero", "03")],
)
def test_number_formats(n, fmt, out):
    assert format_number(n, fmt) == out


def test_docx_list_paragraphs_get_their_labels():
    d = docx.Document()
    d.add_paragraph("Căn cứ Luật Tổ chức chính quyền địa phương;")
    for text in ("Tham mưu, đề xuất.", "Giúp Trưởng ban.", "Thực hiện nhiệm vụ khác."):
        d.add_paragraph(text, style="List Number")
    buf = io.BytesIO()
    d.save(buf)
    text = extract_docx(buf.getvalue()).text
    assert "1. Tham mưu, đề xuất.\n\n2. Giúp Trưởng ban.\n\n3. Thực hiện nhiệm vụ khác." in text
    assert "Căn cứ Luật" in text and "1. Căn cứ" not in text


def test_nested_closing_table_is_read_once_column_by_column():
    d = docx.Document()
    d.add_paragraph("Trân trọng./.")
    frame = d.add_table(rows=1, cols=2)  # a page-wide frame table holding the closing table in one cell
    inner = frame.cell(0, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Nơi nhận:\n- Như trên;\n- Lưu: VT."
    inner.cell(0, 1).text = "TM. BAN CHỈ ĐẠO\nPHÓ TRƯỞNG BAN\nNguyễn Ngọc Phúc"
    buf = io.BytesIO()
    d.save(buf)
    text = extract_docx(buf.getvalue()).text
    assert text.count("Nơi nhận:") == 1 and text.count("Nguyễn Ngọc Phúc") == 1
    assert "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTM. BAN CHỈ ĐẠO\nPHÓ TRƯỞNG BAN\nNguyễn Ngọc Phúc" in text


def test_real_doc_numbered_articles_keep_their_numbers():
    """A Word 97 Quyết định whose clauses are an automatic list (two lists, each from 1)."""
    text = extract((REAL / "doc" / "lamdong-bcd-qd-tgv-cchc-2025-draft.doc").read_bytes(), "x.doc").text
    lines = text.split("\n")
    assert any(line.startswith("1. Tham mưu, đề xuất các chủ trương") for line in lines)
    assert any(line.startswith("7. Thực hiện các nhiệm vụ khác về cải cách hành chính") for line in lines)
    assert any(line.startswith("1. Tổ giúp việc về Cải cách hành chính làm việc") for line in lines)


def test_real_doc_closing_in_a_frame_table_is_not_repeated():
    text = extract((REAL / "doc" / "lamdong-bcd-bc-dean06-2025-08-draft.doc").read_bytes(), "x.doc").text
    assert text.count("Nơi nhận:") == 1
    assert text.count("Nguyễn Ngọc Phúc") == 1
