"""Rules of fields_from_text on small texts: both families, other block orders, OCR damage, do-not-invent."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.metadata import fields_from_text
from parsers.metadata_header import parse_number, parse_place_date, type_of_line

PARTY_TB = """ĐẢNG BỘ TỈNH THANH HÓA
HUYỆN ỦY CẨM THỦY
*
Số 168-TB/HU

ĐẢNG CỘNG SẢN VIỆT NAM
Cẩm Thủy, ngày 16 tháng 8 năm 2021

THÔNG BÁO KẾT LUẬN
của đồng chí Bí thư Huyện ủy
tại hội nghị chuyên đề

Ngày 13/8/2021, Thường trực Huyện ủy tổ chức hội nghị chuyên đề đánh giá tình hình phòng chống dịch Covid-19.

Đề nghị các cơ quan, đơn vị thực hiện nghiêm túc kết luận trên.

Nơi nhận:
- Các đồng chí Thường vụ Huyện ủy,
- Thành viên BCĐ phòng chống
Covid-19;
- Lưu VP/HU.

T/L BAN THƯỜNG VỤ
CHÁNH VĂN PHÒNG

Trương Văn Kiệm"""

STATE_CT = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: 12/CT-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày 5 tháng bốn năm 2021

CHỈ THỊ
Về tăng cường phòng, chống dịch Covid-19

Thực hiện chỉ đạo của Thủ tướng Chính phủ, Chủ tịch Ủy ban nhân dân tỉnh chỉ thị các sở, ngành thực hiện:

1. Các sở, ban, ngành tăng cường kiểm tra.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Trần Phước Hiền

Nơi nhận:
- Văn phòng Chính phủ;
- Lưu: VT."""

STATE_CV = """UBND THÀNH PHỐ ĐÀ NẴNG
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 1906/SGDĐT-CTrTT
V/v bảo đảm trật tự an toàn giao thông
trong dịp nghỉ hè

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đà Nẵng, ngày 31 tháng 5 năm 2019

Kính gửi:
- Trưởng phòng GD&ĐT các quận, huyện;
- Hiệu trưởng các trường THPT.

Thực hiện Công văn số 2114/BGDĐT-GDCTHSSV ngày 16/5/2019 của Bộ GD&ĐT, Sở yêu cầu các đơn vị thực hiện.

Nơi nhận:
- Như trên;
- Lưu: VT.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

Trần Nguyễn Minh Thành"""


def test_party_document_in_contract_order():
    f = fields_from_text(PARTY_TB)
    assert f["family"] == "party"
    assert (f["doc_type"], f["doc_type_name"], f["number"]) == ("TB", "THÔNG BÁO", "168-TB/HU")
    assert (f["issuer"], f["issuer_parent"]) == ("HUYỆN ỦY CẨM THỦY", "ĐẢNG BỘ TỈNH THANH HÓA")
    assert (f["place"], f["issued_date"]) == ("Cẩm Thủy", date(2021, 8, 16))
    # "THÔNG BÁO KẾT LUẬN" is a thông báo: KẾT LUẬN opens the trích yếu
    assert f["subject"] == "KẾT LUẬN của đồng chí Bí thư Huyện ủy tại hội nghị chuyên đề"
    assert (f["signing_authority"], f["on_behalf_of"]) == ("T/L", "BAN THƯỜNG VỤ")
    assert (f["signer_title"], f["signer_name"]) == ("CHÁNH VĂN PHÒNG", "Trương Văn Kiệm")
    assert f["recipients"] == [
        "Các đồng chí Thường vụ Huyện ủy",
        "Thành viên BCĐ phòng chống Covid-19",
        "Lưu VP/HU",
    ]
    assert f["body"].startswith("Ngày 13/8/2021") and f["body"].endswith("kết luận trên.")
    assert f["warnings"] == []


def test_state_directive_signature_before_recipients_and_month_in_words():
    f = fields_from_text(STATE_CT)
    assert (f["family"], f["doc_type"], f["number"]) == ("state", "CT", "12/CT-UBND")
    assert f["issuer"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" and f["issuer_parent"] is None
    assert f["issued_date"] == date(2021, 4, 5)
    assert (f["signing_authority"], f["on_behalf_of"], f["signer_title"]) == (
        "KT.",
        "CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )
    assert f["signer_name"] == "Trần Phước Hiền"
    assert f["recipients"] == ["Văn phòng Chính phủ", "Lưu: VT"]
    assert "KT. CHỦ TỊCH" not in f["body"] and f["body"].endswith("tăng cường kiểm tra.")


def test_a_deputy_title_hidden_under_a_seal_is_kept_as_read_and_warned():
    f = fields_from_text(STATE_CT.replace("PHÓ CHỦ TỊCH", "CHỦ TỊCH"))
    assert (f["on_behalf_of"], f["signer_title"]) == ("CHỦ TỊCH", "CHỦ TỊCH")
    assert any("repeats the title signed for under KT." in w for w in f["warnings"])
    assert not any("repeats" in w for w in fields_from_text(STATE_CT)["warnings"])


def test_state_cong_van_has_code_cv_and_vv_subject():
    f = fields_from_text(STATE_CV)
    assert (f["doc_type"], f["doc_type_name"], f["number"]) == ("CV", "CÔNG VĂN", "1906/SGDĐT-CTrTT")
    assert f["subject"] == "bảo đảm trật tự an toàn giao thông trong dịp nghỉ hè"
    assert (f["issuer"], f["issuer_parent"]) == ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "UBND THÀNH PHỐ ĐÀ NẴNG")
    assert f["recipients"][:2] == ["Trưởng phòng GD&ĐT các quận, huyện", "Hiệu trưởng các trường THPT"]
    assert "Như trên" in f["recipients"]
    assert f["body"].startswith("Thực hiện Công văn số 2114")


def test_seed_order_date_before_number_and_markdown():
    text = (
        "\n\nCẩm Thủy, ngày 16 tháng 8 năm 2021\n\nSố 168-TB/HU\n\nTHÔNG BÁO**Của đồng chí Bí thư**\n\n"
        "Ngày 13/8/2021, Thường trực Huyện ủy tổ chức hội nghị chuyên đề đánh giá tình hình.\n\n"
        "Nơi nhận:\n\n- Lưu VP/HU.\n\n**T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG**\n\n\n\nTrương Văn Kiệm"
    )
    f = fields_from_text(text)
    assert (f["number"], f["place"], f["issued_date"]) == ("168-TB/HU", "Cẩm Thủy", date(2021, 8, 16))
    assert (f["doc_type_name"], f["subject"]) == ("THÔNG BÁO", "Của đồng chí Bí thư")
    assert f["signer_name"] == "Trương Văn Kiệm" and f["family"] == "party"


def test_right_block_first_still_finds_the_issuer():
    text = PARTY_TB.replace(
        "ĐẢNG BỘ TỈNH THANH HÓA\nHUYỆN ỦY CẨM THỦY\n*\nSố 168-TB/HU\n\n"
        "ĐẢNG CỘNG SẢN VIỆT NAM\nCẩm Thủy, ngày 16 tháng 8 năm 2021\n",
        "ĐẢNG CỘNG SẢN VIỆT NAM\nCẩm Thủy, ngày 16 tháng 8 năm 2021\n\n"
        "ĐẢNG BỘ TỈNH THANH HÓA\nHUYỆN ỦY CẨM THỦY\n*\nSố 168-TB/HU\n",
    )
    f = fields_from_text(text)
    assert (f["issuer"], f["issuer_parent"], f["number"]) == (
        "HUYỆN ỦY CẨM THỦY",
        "ĐẢNG BỘ TỈNH THANH HÓA",
        "168-TB/HU",
    )


def test_ocr_damaged_state_motto_is_still_the_state_header():
    text = (
        "UBND THANH PHO DA NANG CONG Hcok xA HQI CHiJ NGHiA VIVT NAM\nSO GIAO DUC VA DAO TAO\n"
        "Số: 1906/SGDĐT-CTrTT\n\nNội dung công văn gửi các đơn vị để thực hiện nghiêm túc và báo cáo kết quả."
    )
    f = fields_from_text(text)
    assert f["family"] == "state"
    # the known words get their accents back (only the accents: the letters are those printed), and say so
    assert f["issuer_parent"] == "UBND THÀNH PHỐ ĐÀ NẴNG"
    assert any("repaired OCR accents: 'DA NANG'" in w for w in f["warnings"])


@pytest.mark.parametrize(
    ("printed", "restored"),
    [
        ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐÒNG", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"),  # huyền for ngã under the hat
        ("tỉnh Lâm Đông", "tỉnh Lâm Đồng"),  # the tone mark lost
        ("BAN TUYÊN GIÁO VÀ DẪN VẬN", "BAN TUYÊN GIÁO VÀ DÂN VẬN"),
        ("UBND TỈNH HOÀ BÌNH", "UBND TỈNH HOÀ BÌNH"),  # the old tone placement is a spelling, kept
        ("Công an tỉnh", "Công an tỉnh"),  # mixed case inside a sentence: left as printed
        ("LÂM ĐÒNGX", "LÂM ĐÒNGX"),  # not a whole word of the vocabulary
        # lower-case running text: the same letters are often another real phrase, left as printed
        ("quản lý, sử dụng công sản", "quản lý, sử dụng công sản"),  # public property, not 'cộng sản'
        ("từ đó nâng cao chất lượng", "từ đó nâng cao chất lượng"),  # 'from there', not 'tự do'
        ("sạch như mặt trần", "sạch như mặt trần"),
        # outside capitals d and đ are letters, not accents
        ("Từ Đó", "Từ Đó"),
        ("Chanh Van Phong", "Chánh Văn Phòng"),  # capitalised words keep their repair
        # a province's letters name a province only after 'tỉnh'/'thành phố': Quang Bình is a district
        ("HUYỆN ỦY QUANG BÌNH", "HUYỆN ỦY QUANG BÌNH"),
        ("Ủy ban nhân dân huyện Quang Bình", "Ủy ban nhân dân huyện Quang Bình"),
        ("Ủy ban nhân dân tỉnh Lâm Đông", "Ủy ban nhân dân tỉnh Lâm Đồng"),
        # real words with the letters of a known phrase are never repaired into it
        ("KT. THỦ TRƯỞNG", "KT. THỦ TRƯỞNG"),  # a head of agency, not THỨ TRƯỞNG (a deputy minister)
        ("TỪ ĐÓ", "TỪ ĐÓ"),
        ("UBND THÀNH PHỐ DA NANG", "UBND THÀNH PHỐ ĐÀ NẴNG"),
    ],
)
def test_known_header_words_get_their_accents_back(printed, restored):
    from parsers.metadata_repairs import restore_accents

    assert restore_accents(printed, []) == restored


@pytest.mark.parametrize(
    ("printed", "restored"),
    [
        ("VỀ VIỆC QUẢN LÝ, SỬ DỤNG CÔNG SẢN", "VỀ VIỆC QUẢN LÝ, SỬ DỤNG CÔNG SẢN"),  # not 'CỘNG SẢN'
        ("TỪ ĐÓ NÂNG CAO CHẤT LƯỢNG", "TỪ ĐÓ NÂNG CAO CHẤT LƯỢNG"),  # D/Đ are letters in a subject's capitals
        ("VỀ VIỆC HỖ TRỢ TỈNH LÂM ĐÒNG", "VỀ VIỆC HỖ TRỢ TỈNH LÂM ĐỒNG"),  # a name is still repaired
        (
            "của Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lâm Đông",
            "của Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lâm Đồng",
        ),
    ],
)
def test_a_subject_has_only_names_repaired(printed, restored):
    from parsers.metadata_repairs import restore_accents

    assert restore_accents(printed, [], running_text=True) == restored


@pytest.mark.parametrize(
    ("line", "number", "style", "code"),
    [
        ("Số 168-TB/HU", "168-TB/HU", "party", "TB"),
        ("Số: 12/CT-UBND", "12/CT-UBND", "state", "CT"),
        ("Số: 4869/UBND-SYT", "4869/UBND-SYT", "state", "CV"),
        ("Số: 44/2005/QĐ-UBND", "44/2005/QĐ-UBND", "state", "QĐ"),
        ("Số: 15/2012/QH13", "15/2012/QH13", "state", None),
        ("Số 05 - QC / BTCTU-BDVTU", "05-QC/BTCTU-BDVTU", "party", "QC"),
        ("Số: 1595 /SGDĐT-CTrTT", "1595/SGDĐT-CTrTT", "state", "CV"),
    ],
)
def test_number_canonical_forms(line, number, style, code):
    warnings: list[str] = []
    found = parse_number(line, warnings)
    assert (found.value, found.style, found.type_code) == (number, style, code)
    assert warnings == []


@pytest.mark.parametrize(
    ("line", "repaired"),
    [
        ("S6: 496-TB/TIJ", "496-TB/TU"),
        ("Số l68-TB/HU", "168-TB/HU"),
        ("Số 158-KH/TIJ", "158-KH/TU"),
    ],
)
def test_ocr_damaged_number_is_repaired_with_a_warning(line, repaired):
    warnings: list[str] = []
    assert parse_number(line, warnings).value == repaired
    assert any("repaired" in w for w in warnings)


@pytest.mark.parametrize(
    "line", ["S6: 463Y SGDDT -CTrTT", "Số: 4/35 /SGDĐT-CTrTT", "Số 168-XX/HU", "Số 25-KH/T0"]
)
def test_unvalidated_number_is_left_out_not_invented(line):
    warnings: list[str] = []
    assert parse_number(line, warnings) is None
    assert any("number unreadable" in w for w in warnings)


@pytest.mark.parametrize(
    ("line", "place", "day"),
    [
        ("Quảng Ngãi, ngày 12 tháng 08 năm 2021", "Quảng Ngãi", date(2021, 8, 12)),
        ("Hà Nội, ngày 5 tháng 7 năm 2012", "Hà Nội", date(2012, 7, 5)),
        ("Hạ Long, ngày 03 tháng bốn năm 2018", "Hạ Long", date(2018, 4, 3)),
        ("*% Quảng Ngãi, ngày l2 tháng 8 năm 2021", "Quảng Ngãi", date(2021, 8, 12)),
        ("Điện Biên Phủ, ngày 1 tháng giêng năm 2020", "Điện Biên Phủ", date(2020, 1, 1)),
    ],
)
def test_place_and_date(line, place, day):
    warnings: list[str] = []
    assert parse_place_date(line, warnings) == (place, day)
    assert warnings == []


@pytest.mark.parametrize(
    "line",
    [
        "Đà Nẵng, ngày 84 tháng 5 năm 2019",  # handwritten day misread: no 84th
        "Đà Nẵng, ngày 31 tháng 4 năm 2019",  # no 31 April
        "Hà Nội, ngày 1 tháng 1 năm 1890",  # before 1930
        "Hà Nội, ngày ,9 tháng l3 năm 2019",
    ],
)
def test_impossible_dates_are_null_with_a_warning(line):
    warnings: list[str] = []
    _, day = parse_place_date(line, warnings)
    assert day is None and any("issued date unreadable" in w for w in warnings)


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("THÔNG BÁO", "THÔNG BÁO"),
        ("QUY ĐỊNH", "QUY ĐỊNH"),
        ("KẾT LUẬN", "KẾT LUẬN"),
        ("THÔNG BÁO KẾT LUẬN", "THÔNG BÁO"),
        ("LUẬT Xử lý vi phạm hành chính", "LUẬT"),
    ],
)
def test_type_line(line, name):
    assert type_of_line(line)[0] == name


def test_not_type_lines():
    assert type_of_line("Thông báo của Ban Thường vụ") is None
    assert type_of_line("VĂN BẢN HỢP NHẤT - VĂN PHÒNG QUỐC HỘI") is None


def test_quy_dinh_code_differs_by_family():
    party = fields_from_text(
        "ĐẢNG CỘNG SẢN VIỆT NAM\nHà Nội, ngày 6 tháng 2 năm 2017\n\nQUY ĐỊNH\nvề thể loại"
    )
    state = fields_from_text(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHà Nội, ngày 6 tháng 2 năm 2017\n\nQUY ĐỊNH\nvề thể loại"
    )
    assert (party["doc_type"], state["doc_type"]) == ("QĐ", "QyĐ")


def test_missing_fields_are_null_and_warned_never_guessed():
    f = fields_from_text(
        "KẾT LUẬN\nCỦA BAN THƯỜNG VỤ\n\nNội dung kết luận của Ban Thường vụ về công tác phòng, "
        "chống dịch trên địa bàn."
    )
    assert f["number"] is None and f["issued_date"] is None and f["issuer"] is None
    assert f["family"] is None and f["signer_name"] is None
    for name in ("number", "issuer", "issued_date", "signer_name", "recipients"):
        assert any(w.startswith(name) for w in f["warnings"]), name


def test_direct_signature_and_ocr_damaged_title():
    text = PARTY_TB.replace("T/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG", "3Í THƯ")
    f = fields_from_text(text)
    assert f["signing_authority"] is None and f["on_behalf_of"] is None
    assert (f["signer_title"], f["signer_name"]) == ("BÍ THƯ", "Trương Văn Kiệm")
    assert any("'3Í THƯ' -> 'BÍ THƯ'" in w for w in f["warnings"])


def test_tone_damaged_phrases_repaired_but_spelling_variants_kept():
    text = PARTY_TB.replace("HUYỆN ỦY CẨM THỦY", "HUYỆN UỶ CẨM THỦY").replace(
        "CHÁNH VĂN PHÒNG", "CHÁNH VĂN PHONG"
    )
    f = fields_from_text(text)
    assert f["issuer"] == "HUYỆN UỶ CẨM THỦY"  # old tone placement is a correct spelling, not damage
    assert f["signer_title"] == "CHÁNH VĂN PHÒNG"


def test_unreadable_signature_name_is_not_invented():
    f = fields_from_text(PARTY_TB.replace("Trương Văn Kiệm", "hị Quỳnh Vân"))
    assert f["signer_name"] is None and "signer_name not found" in f["warnings"]


def test_name_in_capitals_is_proper_cased_and_seal_noise_skipped():
    f = fields_from_text(PARTY_TB.replace("Trương Văn Kiệm", "(Đã ký)\n\nTRƯƠNG VĂN KIỆM"))
    assert f["signer_name"] == "Trương Văn Kiệm"


def test_word_table_rows_become_cells():
    text = (
        "|QUỐC HỘI |CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM|\n|Số: 15/2012/QH13 |Hà Nội, ngày 20 tháng 6 năm 2012|"
        "\n\nLUẬT\nXử lý vi phạm hành chính\n\nCăn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm "
        "1992 đã được sửa đổi, bổ sung;"
    )
    f = fields_from_text(text)
    assert (f["issuer"], f["number"], f["issued_date"]) == ("QUỐC HỘI", "15/2012/QH13", date(2012, 6, 20))
    assert (f["family"], f["doc_type"], f["doc_type_name"]) == ("state", None, "LUẬT")


def test_text_is_nfc():
    decomposed = "KE\u0302\u0301T LUA\u0323\u0302N\nve\u0302\u0300 co\u0302ng ta\u0301c"
    f = fields_from_text(decomposed)
    assert f["doc_type_name"] == "KẾT LUẬN" and f["text"] == "KẾT LUẬN\nvề công tác"


def test_blank_day_keeps_place_and_month_with_a_warning():
    warnings: list[str] = []
    from parsers.metadata_header import place_date_month

    assert place_date_month("Lâm Đồng, ngày      tháng 11 năm 2025", warnings) == (
        "Lâm Đồng",
        None,
        "2025-11",
    )
    assert any(w.startswith("issued date has no day") for w in warnings)


def test_stacked_authorities_give_the_outer_one_and_the_chain():
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 85/GM-UBND\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nLâm Đồng, ngày 19 tháng 01 năm 2026\n\nGIẤY MỜI\n\n"
        "Ủy ban nhân dân tỉnh tổ chức họp.\n\nNơi nhận:\n- Như thành phần mời;\n- Lưu: VT, HCC.\n\n"
        "TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG\nTrịnh Ngọc Duệ\n"
    )
    f = fields_from_text(text)
    assert (f["signing_authority"], f["on_behalf_of"]) == ("TL.", "CHỦ TỊCH")
    assert f["signing_chain"] == ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"]
    assert (f["signer_title"], f["signer_name"]) == ("PHÓ CHÁNH VĂN PHÒNG", "Trịnh Ngọc Duệ")
    assert f["issued_month"] == "2026-01"


BODY_SENTENCE = "Kính trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, ký ban hành báo cáo cải cách hành chính./."


def test_appendix_and_footnotes_are_neither_body_nor_closing():
    text = (
        "UBND TỈNH LÂM ĐỒNG\nSỞ NỘI VỤ\nSố: 629/TTr-SNV\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nLâm Đồng, ngày 12 tháng 12 năm 2025\n\nTỜ TRÌNH\nVề việc trình ký\n\n"
        f"{BODY_SENTENCE}\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n"
        "Trần Hữu Tuấn\n\nPHỤ LỤC\nBiểu mẫu 1\n\nNơi nhận:\n- Mẫu;\n\nGIÁM ĐỐC\nNguyễn Văn Mẫu\n\n"
        "[^1]: Gồm: Sở Khoa học và Công nghệ."
    )
    f = fields_from_text(text)
    assert f["body"] == BODY_SENTENCE
    assert f["recipients"] == ["Như trên", "Lưu: VT"]
    assert (f["signing_chain"], f["signer_name"]) == (["KT. GIÁM ĐỐC"], "Trần Hữu Tuấn")


def test_enacting_authority_is_not_part_of_the_subject_and_capacity_is_the_title():
    text = (
        "UBND TỈNH LÂM ĐỒNG\nBAN CHỈ ĐẠO\nVỀ PHÁT TRIỂN KHCN, ĐMST, CĐS VÀ ĐỀ ÁN 06\nSố: /QĐ-BCĐ\nDỰ THẢO\n\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nLâm Đồng, ngày tháng 8 năm 2025\n\n"
        "QUYẾT ĐỊNH\n\nVề việc thành lập Tổ giúp việc\n\nTRƯỞNG BAN CHỈ ĐẠO TỈNH VỀ PHÁT TRIỂN KHOA HỌC\n\n"
        "Căn cứ Luật Tổ chức chính quyền địa phương;\n\nNơi nhận:\n- Như Điều 5;\n- Lưu: VT, SNV.\n\n"
        "TRƯỞNG BAN\nCHỦ TỊCH UBND TỈNH\nHồ Văn Mười\n"
    )
    f = fields_from_text(text)
    assert f["subject"] == "Về việc thành lập Tổ giúp việc"
    assert (f["issuer"], f["issuer_parent"]) == (
        "BAN CHỈ ĐẠO VỀ PHÁT TRIỂN KHCN, ĐMST, CĐS VÀ ĐỀ ÁN 06",
        "UBND TỈNH LÂM ĐỒNG",
    )
    assert (f["signer_title"], f["signer_name"]) == ("TRƯỞNG BAN", "Hồ Văn Mười")
    assert (f["number"], f["issued_date"], f["issued_month"]) == (None, None, "2025-08")
