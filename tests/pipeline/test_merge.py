"""The record's two witnesses merged by one rule (pipeline/merge.py), with the provenance of every field.

Values are those of the simulator's seeds and of the NukeViet label table ("Thể loại: Kế hoạch"...).
"""

from __future__ import annotations

import pytest

from parsers.doc_types import type_of_label
from pipeline.merge import OCR_TRUST, implausible, merge_witnesses

PORTAL = {
    "number": "125-KL/TU",
    "issued_date": "2021-08-12",
    "subject": "Kết luận của Ban Thường vụ Tỉnh ủy về tiếp tục tăng cường công tác phòng, chống dịch "
    "Covid-19",
    "doc_type_label": "Kết luận",
    "issuer": "Tỉnh ủy Quảng Ngãi",
    "signer": "Bùi Thị Quỳnh Vân",
}
TEXT = {
    "family": "party",
    "doc_type": "KL",
    "doc_type_name": "KẾT LUẬN",
    "number": "125-KL/TU",
    "issuer": "TỈNH ỦY QUẢNG NGÃI",
    "issued_date": "2021-08-12",
    "subject": "về tiếp tục tăng cường công tác phòng, chống dịch Covid-19",
    "signer_title": "BÍ THƯ",
    "signer_name": "Bùi Thị Quỳnh Vân",
    "page_sources": ["text"],
    "ocr_confidence": None,
    "warnings": [],
    "text": "ĐẢNG BỘ TỈNH QUẢNG NGÃI ...",
}


def test_agreeing_witnesses_keep_the_documents_printing_and_say_both_agree():
    merged = merge_witnesses(dict(TEXT), PORTAL)
    assert merged["issuer"] == "TỈNH ỦY QUẢNG NGÃI" and merged["subject"] == TEXT["subject"]
    for field in ("number", "issued_date", "subject", "doc_type", "issuer", "signer_name"):
        assert merged["field_sources"][field] == "both-agree", field
    assert merged["field_sources"]["signer_title"] == "text" and merged["field_sources"]["family"] == "text"
    assert merged["warnings"] == []
    assert merged["text"] == TEXT["text"]


def test_portal_fills_what_the_text_lacks_and_says_so():
    text = dict(TEXT, number=None, issued_date=None, signer_name=None, doc_type=None, doc_type_name=None)
    merged = merge_witnesses(text, PORTAL)
    assert (merged["number"], merged["issued_date"], merged["signer_name"]) == (
        "125-KL/TU",
        "2021-08-12",
        "Bùi Thị Quỳnh Vân",
    )
    assert (merged["doc_type"], merged["doc_type_name"]) == ("KL", "KẾT LUẬN")
    for field in ("number", "issued_date", "signer_name", "doc_type", "doc_type_name"):
        assert merged["field_sources"][field] == "portal", field
    assert sum("taken from the portal" in w for w in merged["warnings"]) == 4


def test_disagreement_keeps_the_document_and_is_a_warning():
    merged = merge_witnesses(dict(TEXT), dict(PORTAL, number="126-KL/TU", issued_date="2021-08-13"))
    assert merged["number"] == "125-KL/TU" and merged["issued_date"] == "2021-08-12"
    assert (
        merged["field_sources"]["number"] == "conflict"
        and merged["field_sources"]["issued_date"] == "conflict"
    )
    assert any("'126-KL/TU'" in w and "'125-KL/TU'" in w for w in merged["warnings"])


def test_low_confidence_ocr_prefers_the_portal_and_leaves_the_text_untouched():
    ocr = dict(TEXT, number="l25-KL/TU", page_sources=["ocr"], ocr_confidence=OCR_TRUST - 20)
    merged = merge_witnesses(ocr, PORTAL)
    assert merged["number"] == "125-KL/TU" and merged["field_sources"]["number"] == "portal"
    assert any("OCR with mean confidence" in w for w in merged["warnings"])
    assert merged["text"] == TEXT["text"]
    # A confident OCR stands against the portal, unless its value has no valid shape at all.
    confident = merge_witnesses(dict(ocr, number="126-KL/TU", ocr_confidence=OCR_TRUST + 15), PORTAL)
    assert confident["number"] == "126-KL/TU" and confident["field_sources"]["number"] == "conflict"
    misread = merge_witnesses(dict(ocr, ocr_confidence=OCR_TRUST + 15), PORTAL)
    assert misread["number"] == "125-KL/TU" and any(
        "no number-symbol shape" in w for w in misread["warnings"]
    )


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("subject", "vÒ tiÕp tôc t¨ng c­êng c«ng t¸c phßng, chèng dÞch"),  # TCVN3 mojibake
        ("subject", "о продолжении усиления работы по борьбе с эпидемией"),  # wrong script
        ("subject", "xqz vvt plk rrw mmn ttb kkq"),  # garbled OCR
        ("issuer", "TØNH ñY QU¶NG NG·I"),
        ("number", "I25 KL TU"),
        ("issued_date", "2091-08-12"),
    ],
)
def test_an_implausible_text_value_gives_way_to_the_portal(field, bad):
    assert implausible(field, bad)
    portal_key = {"signer_name": "signer"}.get(field, field)
    merged = merge_witnesses(dict(TEXT, **{field: bad}), PORTAL)
    assert merged[field] == PORTAL[portal_key] and merged["field_sources"][field] == "portal"


def test_plausible_vietnamese_values_are_plausible():
    for field, value in (
        ("subject", TEXT["subject"]),
        ("issuer", TEXT["issuer"]),
        ("number", "12/2020/NĐ-CP"),
    ):
        assert implausible(field, value) is None, (field, value)


@pytest.mark.parametrize(
    ("label", "family", "code", "name"),
    [
        ("Kế hoạch", "party", "KH", "KẾ HOẠCH"),
        ("Quyết định", "party", "QĐ", "QUYẾT ĐỊNH"),
        ("Hướng dẫn", "party", "HD", "HƯỚNG DẪN"),
        ("Quy định", "party", "QĐ", "QUY ĐỊNH"),
        ("Quy định", "state", "QyĐ", "QUY ĐỊNH"),
        ("Thông tư liên tịch", "state", "TTLT", "THÔNG TƯ LIÊN TỊCH"),
        ("Luật", "state", "Lu", "LUẬT"),
        ("Hiến pháp", None, "HP", "HIẾN PHÁP"),
        ("Pháp lệnh", "state", "PL", "PHÁP LỆNH"),
        ("Lệnh", "state", "L", "LỆNH"),
        ("Nghị định", "state", "NĐ", "NGHỊ ĐỊNH"),
        ("Công điện", "state", "CĐ", "CÔNG ĐIỆN"),
        ("Án lệ", None, "AL", "ÁN LỆ"),
        ("Công báo", None, "CB", "CÔNG BÁO"),
        ("Giấy mời", "state", "GM", "GIẤY MỜI"),
        ("KẾ HOẠCH", "party", "KH", "KẾ HOẠCH"),
        ("Sách trắng", None, "other", "SÁCH TRẮNG"),
    ],
)
def test_portal_type_labels_map_to_codes(label, family, code, name):
    match = type_of_label(label, family)
    assert (match.code, match.name) == (code, name)


def test_a_label_that_names_no_type_is_no_witness():
    assert type_of_label("Văn bản khác", "party") is None and type_of_label("  ", None) is None


def test_family_is_derived_after_the_merge_from_the_portals_number():
    html_only = dict(TEXT, family=None, doc_type=None, doc_type_name=None, number=None, issuer=None)
    merged = merge_witnesses(html_only, PORTAL)
    assert merged["family"] == "party" and merged["field_sources"]["family"] == "portal"
    assert merged["doc_type"] == "KL"


def test_a_law_and_a_court_precedent_get_codes_and_the_state_family():
    law = merge_witnesses(
        dict(TEXT, family=None, doc_type=None, doc_type_name="LUẬT", number="15/2012/QH13", issuer=None),
        {"doc_type_label": "Luật", "number": "15/2012/QH13"},
    )
    assert (law["family"], law["doc_type"]) == ("state", "Lu")
    precedent = merge_witnesses(
        dict(TEXT, family=None, doc_type=None, doc_type_name=None, number=None, issuer=None),
        {"doc_type_label": "Án lệ", "number": "01/2016/AL"},
    )
    assert (precedent["family"], precedent["doc_type"], precedent["number"]) == ("state", "AL", "01/2016/AL")


def test_type_of_the_number_fills_a_missing_type():
    merged = merge_witnesses(dict(TEXT, doc_type=None, doc_type_name=None), {})
    assert merged["doc_type"] == "KL" and any("read from the number" in w for w in merged["warnings"])


def test_ocr_lost_tone_marks_are_restored_from_the_agreeing_portal_value():
    ocr = dict(TEXT, issuer="HUYỆN ỦY CAM THUY", page_sources=["ocr"], ocr_confidence=90.0)
    merged = merge_witnesses(ocr, dict(PORTAL, issuer="Huyện ủy Cẩm Thủy"))
    assert merged["issuer"] == "HUYỆN ỦY CẨM THỦY" and merged["field_sources"]["issuer"] == "both-agree"
    assert any("tone marks restored" in w for w in merged["warnings"])
    spelled = merge_witnesses(
        dict(TEXT, issuer="TỈNH ỦY QUẢNG NGÃI"), dict(PORTAL, issuer="Tỉnh uỷ Quảng Ngãi")
    )
    assert spelled["issuer"] == "TỈNH ỦY QUẢNG NGÃI"  # a spelling variant (ủy/uỷ) is not a lost mark


def test_a_portal_number_is_canonical_but_a_gazette_issue_keeps_its_form():
    merged = merge_witnesses(dict(TEXT, number=None), dict(PORTAL, number="Số: 125 - KL / TU"))
    assert merged["number"] == "125-KL/TU"
    gazette = merge_witnesses(dict(TEXT, number=None), dict(PORTAL, number="1093 + 1094"))
    assert gazette["number"] == "1093 + 1094"


def test_a_value_the_parser_missed_is_taken_as_the_document_prints_it():
    page = dict(TEXT, issuer=None, text="HUYỆN ỦY CẨM THỦY\n*\nSố 168-TB/HU\n...")
    merged = merge_witnesses(page, dict(PORTAL, issuer="Huyện ủy Cẩm Thủy"))
    assert merged["issuer"] == "HUYỆN ỦY CẨM THỦY" and merged["field_sources"]["issuer"] == "both-agree"
    elsewhere = merge_witnesses(
        dict(page, text="Ban Thường vụ đã họp"), dict(PORTAL, issuer="Huyện ủy Cẩm Thủy")
    )
    assert elsewhere["issuer"] == "Huyện ủy Cẩm Thủy" and elsewhere["field_sources"]["issuer"] == "portal"
