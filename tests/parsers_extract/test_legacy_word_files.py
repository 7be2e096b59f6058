"""Legacy-font Word files made by tools other than the project's encoder (fixtures/legacy-real/README.md):
a real draft re-typed in TCVN3 (capital lines in a .VnTimeH paragraph style) and in VNI, as .docx and Word 97
.doc.  They must read like the Unicode original: the same golden record, the same body, no mojibake."""

import io
import json
from functools import cache
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from parsers.eval import mojibake_count
from parsers.normalize import cer
from parsers.office import extract_docx
from parsers.record import parse_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEGACY = FIXTURES / "legacy-real"
ORIGINAL = FIXTURES / "real" / "doc" / "lamdong-ubnd-gm-cchc-2025-draft"
FILES = sorted(p.name for p in LEGACY.glob("*.doc*"))


@cache
def _parsed(name: str) -> dict:
    return parse_path(LEGACY / name).to_dict()


def test_all_four_files_are_there():
    assert FILES == [
        "lamdong-ubnd-gm-cchc-2025-draft-tcvn3.doc",
        "lamdong-ubnd-gm-cchc-2025-draft-tcvn3.docx",
        "lamdong-ubnd-gm-cchc-2025-draft-vni.doc",
        "lamdong-ubnd-gm-cchc-2025-draft-vni.docx",
    ]


@pytest.mark.parametrize("name", FILES)
def test_legacy_file_gives_the_originals_record(name):
    truth = json.loads(ORIGINAL.with_suffix(".expected.json").read_text(encoding="utf-8"))["record"]
    record = _parsed(name)
    wrong = {k: record.get(k) for k in truth if record.get(k) != truth[k]}
    assert wrong == {}
    assert record["issuer"] == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"  # the capital lines of the H face / VNI
    assert record["signer_name"] == truth["signer_name"]


@pytest.mark.parametrize("name", FILES)
def test_legacy_file_body_and_text_are_unicode(name):
    record = _parsed(name)
    assert cer(record["body"], Path(str(ORIGINAL) + ".body.txt").read_text(encoding="utf-8")) <= 0.01
    assert mojibake_count(record["text"]) == 0
    assert "Như thành phần mời" in record["text"]  # TCVN3 'ư' survives the Word 97 soft-hyphen round trip


def _docx(paragraphs: list[tuple[str, str | None, str | None]]) -> bytes:
    """(text, run font, paragraph style) per paragraph; the style 'Caps' uses .VnTimeH, Normal .VnTime."""
    d = docx.Document()
    d.styles["Normal"].font.name = ".VnTime"
    caps = d.styles.add_style("Caps", 1)
    caps.font.name = ".VnTimeH"
    for text, font, style in paragraphs:
        run = d.add_paragraph(style=style).add_run(text)
        if font:
            run.font.name = font
        else:
            rpr = run._element.get_or_add_rPr()
            for f in rpr.findall(qn("w:rFonts")):
                rpr.remove(f)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_unicode_text_under_legacy_font_names_is_left_alone():
    """The corpus' drafts name .VnTime in Normal and on runs while their text is Unicode: 'Hà Nội' must not
    become TCVN3 mojibake decoded ('Hụ Nội')."""
    data = _docx(
        [
            ("Hà Nội, ngày 20 tháng 6 năm 2012", ".VnTime", None),
            ("Hà", None, None),
            ("ỦY BAN NHÂN DÂN", None, "Caps"),
        ]
    )
    assert extract_docx(data).text.split("\n\n") == [
        "Hà Nội, ngày 20 tháng 6 năm 2012",
        "Hà",
        "ỦY BAN NHÂN DÂN",
    ]


def test_style_inherited_legacy_fonts_are_decoded_when_the_text_reads_so():
    data = _docx([("ñy ban nh©n d©n tØnh", None, "Caps"), ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", None, None)])
    assert extract_docx(data).text.split("\n\n") == [
        "ỦY BAN NHÂN DÂN TỈNH",
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
    ]
