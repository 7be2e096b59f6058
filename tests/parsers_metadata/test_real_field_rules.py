"""Field rules learnt from the real corpus (issue 9), each on a small text of its own: the shapes real scans,
drafts and Word files give (handwritten numbers, blank numbers, non-standard genres, bare appendices, a draft
filed after the signed document, signature lines read into the Nơi nhận column)."""

from __future__ import annotations

import pytest

from parsers.metadata import fields_from_text
from parsers.metadata_header import parse_number, repair_phrases
from parsers.metadata_repairs import repair_surname, repair_ve_viec, restore_accents
from parsers.record import record_from_text

TTR_HEADER = """BỘ CÔNG AN
CÔNG AN TỈNH LÂM ĐỒNG
Số: {number}

CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Lâm Đồng, ngày 12 tháng 10 năm 2025

TỜ TRÌNH
Đề nghị ban hành Báo cáo kết quả triển khai Đề án 06 tháng 10/2025
và nhiệm vụ thực hiện thời gian tới

Kính gửi: Lãnh đạo UBND tỉnh Lâm Đồng.

Công an tỉnh kính báo cáo Lãnh đạo UBND tỉnh chỉ đạo thẩm định và duyệt, ký theo quy định./.
"""


def test_number_written_into_the_blank_is_left_out_on_an_ocr_page():
    text = TTR_HEADER.format(number="233 /TTr-CAT-PC06")
    ocr = record_from_text(text, pages=1, page_sources=["ocr"])
    assert ocr.number is None
    assert any(w.startswith("number filled in by hand") for w in ocr.warnings)
    # the same shape in a text layer was typed: a typist's space is no handwriting
    typed = record_from_text(text, pages=1, page_sources=["text"])
    assert typed.number == "233/TTr-CAT-PC06"
    # a typed number read by OCR keeps its digits against the symbol
    assert (
        record_from_text(TTR_HEADER.format(number="62/TTr-STP"), page_sources=["ocr"]).number == "62/TTr-STP"
    )


def test_blank_or_scribbled_numbers_still_mark_the_number_line():
    for printed in ("/UBND-NC", "-.-- /UBND-NC", "...../KH-DCT", "⁄2#7MTTQ-BTT"):
        f = fields_from_text(TTR_HEADER.format(number=printed), ocr=True)
        assert f["number"] is None
        assert any(w.startswith("number") for w in f["warnings"]), printed
        assert f["place"] == "Lâm Đồng" and f["doc_type"] == "TTr"


def test_vv_after_a_blank_or_handwritten_number_makes_a_cong_van():
    text = """ỦY BAN NHÂN DÂN
TỈNH LÂM ĐỒNG
Số: -.-- /UBND-NC

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Lâm Đồng, ngày tháng 9 năm 2025

V/v xem xét đề nghị của Ủy ban

MTTQ Việt Nam tỉnh Lâm Đồng

Kính gửi: Sở Nội vụ

Ủy ban nhân dân tỉnh nhận được Công văn số 227/MTTQ-BTT ngày 25/9/2025 của Ủy ban Mặt trận Tổ quốc Việt Nam
tỉnh về việc đề nghị công nhận chức danh."""
    f = fields_from_text(text, ocr=True)
    assert (f["doc_type"], f["doc_type_name"]) == ("CV", "CÔNG VĂN")
    # the narrow V/v column goes on after the blank line OCR put inside it
    assert f["subject"] == "xem xét đề nghị của Ủy ban MTTQ Việt Nam tỉnh Lâm Đồng"
    assert f["recipients"] == ["Sở Nội vụ"]


def test_ve_viec_in_full_and_a_vv_after_a_merged_date_line():
    party = """TỈNH ỦY LÂM ĐỒNG
BÁO VÀ PHÁT THANH, TRUYỀN HÌNH
*
Số 13 -CV/B&PTTH
Về việc cử lãnh đạo tham gia Ban Vì sự
tiến bộ của phụ nữ.

ĐẢNG CỘNG SẢN VIỆT NAM
Lâm Đồng, ngày 05 tháng 9 năm 2025

Kính gửi: Sở Nội vụ tỉnh Lâm Đồng."""
    f = fields_from_text(party)
    assert (f["family"], f["doc_type"]) == ("party", "CV")
    assert f["subject"] == "cử lãnh đạo tham gia Ban Vì sự tiến bộ của phụ nữ."
    merged = """TẬP ĐOÀN
BƯU CHÍNH VIỄN THÔNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
VIỆT NAM
VIỄN THÔNG LÂM ĐỒNG
Số: 2571/VNPT-LĐG-NSTH Lâm Đồng, ngày 26 tháng 8 năm 2025 V/v cử nhân sự tham gia Hội đồng ATVSLĐ

tỉnh Lâm Đồng

Kính gửi: Sở Nội vụ Lâm Đồng"""
    f = fields_from_text(merged, ocr=True)
    assert f["number"] == "2571/VNPT-LĐG-NSTH"
    assert f["issued_date"].isoformat() == "2025-08-26" and f["place"] == "Lâm Đồng"
    assert f["subject"] == "cử nhân sự tham gia Hội đồng ATVSLĐ tỉnh Lâm Đồng"
    # three lines of the parent body before the issuer: one name
    assert f["issuer_parent"] == "TẬP ĐOÀN BƯU CHÍNH VIỄN THÔNG VIỆT NAM"
    assert f["issuer"] == "VIỄN THÔNG LÂM ĐỒNG"


def test_a_tham_luan_is_other_with_its_title_and_presenter():
    text = """THAM LUẬN

Thực trạng cơ sở vật chất của Cơ sở cai nghiện ma túy thành phố Huế và các giải pháp nâng cấp,

sửa chữa cơ sở theo quy chuẩn Bộ Công an trong năm 2026.

UBND Thành phố Huế

Kính thưa đồng chí Chủ trì hội nghị!

Được sự phân công của Ban Tổ chức, tôi xin trình bày tham luận."""
    f = fields_from_text(text)
    assert (f["family"], f["doc_type"], f["doc_type_name"]) == ("state", "other", "THAM LUẬN")
    assert f["issuer"] == "UBND Thành phố Huế"
    assert f["subject"].startswith("Thực trạng cơ sở vật chất") and f["subject"].endswith("trong năm 2026.")
    assert f["recipients"] == [] and f["body"].startswith("Kính thưa")


def test_a_bare_appendix_takes_the_family_of_the_document_it_is_attached_to():
    state = (
        "PHỤ LỤC\n\nBIỂU MẪU THỐNG KÊ SỐ LIỆU\n\n(Kèm theo Báo cáo số /BC-UBND ngày tháng 12 năm 2025)\n\nSTT"
    )
    party = "PHỤ LỤC\n\nDANH SÁCH\n\n(Kèm theo Kế hoạch số 12-KH/TU ngày 3/5/2025 của Tỉnh ủy)\n\nSTT"
    assert fields_from_text(state)["family"] == "state"
    assert fields_from_text(party)["family"] == "party"
    assert fields_from_text("PHỤ LỤC\n\nBIỂU MẪU\n\nSTT")["family"] is None


def test_the_first_documents_signature_wins_over_an_attached_draft():
    text = (
        TTR_HEADER.format(number="/TTr-CAT-PC06")
        + """
Nơi nhận: KT. GIÁM ĐỐC

- Như kính gửi; PHÓ GIÁM ĐỐC

- Lưu: VT, PC06.

Đại tá Nguyễn Tường Vũ

UBND TỈNH LÂM ĐỒNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM

Số: /BC-BCĐ Lâm Đồng, ngày tháng năm 2026

BÁO CÁO
Kết quả triển khai Đề án 06

Nơi nhận:
- Như trên;
- Lưu: VT.

TM. BAN CHỈ ĐẠO
PHÓ TRƯỞNG BAN

Nguyễn Ngọc Phúc"""
    )
    f = fields_from_text(text, ocr=True)
    assert f["signing_chain"] == ["KT. GIÁM ĐỐC"]
    assert (f["signing_authority"], f["on_behalf_of"]) == ("KT.", "GIÁM ĐỐC")
    assert (f["signer_title"], f["signer_name"]) == ("PHÓ GIÁM ĐỐC", "Đại tá Nguyễn Tường Vũ")
    assert f["recipients"] == ["Lãnh đạo UBND tỉnh Lâm Đồng", "Như kính gửi", "Lưu: VT, PC06"]


def test_signature_read_into_the_noi_nhan_column_of_a_text_pdf():
    text = (
        TTR_HEADER.format(number="254/TTr-CAT")
        + """
Nơi nhận: CHÁNH VĂN PHÒNG

- Như trên;

- Lãnh đạo Văn phòng; Phan Thanh Hùng

- Lưu: VT."""
    )
    f = fields_from_text(text)
    assert (f["signer_title"], f["signer_name"]) == ("CHÁNH VĂN PHÒNG", "Phan Thanh Hùng")
    assert f["recipients"] == ["Lãnh đạo UBND tỉnh Lâm Đồng", "Như trên", "Lãnh đạo Văn phòng", "Lưu: VT"]


def test_ocr_specks_rank_and_a_marker_without_its_punctuation():
    text = (
        TTR_HEADER.format(number="289/TTr-CAT")
        + """
Nơi nhận:
- Như kính gửi;
- Lưu: VT.

x : _ GIÁM ĐỐC
Thiểu tướng Trương Minh Đương

- Đ/c Đại tá Nguyễn Tường Vũ - PGĐCA tỉnh"""
    )
    f = fields_from_text(text, ocr=True)
    assert (f["signer_title"], f["signer_name"]) == ("GIÁM ĐỐC", "Thiếu tướng Trương Minh Đương")
    party = """TỈNH ỦY LÂM ĐỒNG
BAN TUYÊN GIÁO VÀ DÂN VẬN
*
Số 12-CV/BTGDVTU
V/v cử lãnh đạo Ban tham gia Ban Vì sự tiến bộ của phụ nữ

ĐẢNG CỘNG SẢN VIỆT NAM
Lâm Đồng, ngày 05 tháng 9 năm 2025

Kính gửi: Sở Nội vụ.

Ban Tuyên giáo và Dân vận Tỉnh ủy có ý kiến để Sở Nội vụ tổng hợp.

Nơi nhận:
- Như kính gửi,
- Lưu BTGDVTU, VP.

_—— KTTRƯỞNG BAN
PHÓ TRƯỞNG BAN THƯỜNG TRỰC
Châu Ngọc Lương"""
    f = fields_from_text(party, ocr=True)
    assert f["signing_chain"] == ["K/T TRƯỞNG BAN"]  # the Party's marker, by the document's family
    assert (f["signer_title"], f["signer_name"]) == ("PHÓ TRƯỞNG BAN THƯỜNG TRỰC", "Châu Ngọc Lương")


def test_signing_chain_is_as_printed_in_a_text_layer_and_spaced_after_ocr():
    text = (
        TTR_HEADER.format(number="85/TTr-CAT")
        + "\nTL.CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG\n\nLê Văn An"
    )
    assert fields_from_text(text)["signing_chain"] == ["TL.CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"]
    assert fields_from_text(text, ocr=True)["signing_chain"] == ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"]


def test_an_ocr_signing_stamp_is_not_part_of_the_vv_subject():
    text = """ỦY BAN MTTQ VIỆT NAM
TỈNH LÂM ĐỒNG
BAN THƯỜNG TRỰC
Số: /MTTQ-BTT
V/v đề nghị công nhận chức danh
các Hội quần chúng do Đảng, Nhà
nước giao nhiệm vụ

Ủy ban Mặt trận tổ quốc Việt Nam tỉnh
25/09/2025 16:59:22
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Lâm Đồng, ngày tháng 9 năm 2025

Kính gửi: Ủy ban Nhân dân tỉnh Lâm Đồng"""
    f = fields_from_text(text, ocr=True)
    assert f["subject"] == "đề nghị công nhận chức danh các Hội quần chúng do Đảng, Nhà nước giao nhiệm vụ"
    assert f["issuer_parent"] == "ỦY BAN MTTQ VIỆT NAM TỈNH LÂM ĐỒNG" and f["issuer"] == "BAN THƯỜNG TRỰC"


def test_trailing_comma_of_a_wrapped_issuer_line_and_an_unfinished_subject_line():
    text = (
        """UBND TỈNH LÂM ĐỒNG
BAN CHỈ ĐẠO PHÁT TRIỂN KHOA HỌC, CÔNG NGHỆ, ĐỔI MỚI SÁNG TẠO,
CHUYỂN ĐỔI SỐ VÀ ĐỀ ÁN 06
Số: /BC-BCĐ

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Lâm Đồng, ngày tháng 8 năm 2025

THÔNG BÁO

Kết luận của đồng chí Nguyễn Hồng Hải - Ủy viên Ban Thường vụ Tỉnh ủy,

"""
        + "Phó Chủ tịch UBND tỉnh kiểm tra công tác chuẩn bị thi công " * 5
        + "tại Bảo Lộc\n\nNgày 24/4/2026, đồng chí kết luận:"
    )
    f = fields_from_text(text)
    assert (
        f["issuer"]
        == "BAN CHỈ ĐẠO PHÁT TRIỂN KHOA HỌC, CÔNG NGHỆ, ĐỔI MỚI SÁNG TẠO, CHUYỂN ĐỔI SỐ VÀ ĐỀ ÁN 06"
    )
    assert f["subject"].startswith("Kết luận của") and f["subject"].endswith("tại Bảo Lộc")


def test_opener_with_another_tone_does_not_end_the_subject():
    f = fields_from_text(TTR_HEADER.format(number="12/TTr-CAT"))
    assert f["subject"] == (
        "Đề nghị ban hành Báo cáo kết quả triển khai Đề án 06 tháng 10/2025 "
        "và nhiệm vụ thực hiện thời gian tới"
    )


def test_glued_capitals_phrase_is_split_but_not_a_sentence_word():
    warnings: list[str] = []
    assert restore_accents("BỘ CÔNGAN", warnings) == "BỘ CÔNG AN"
    assert restore_accents("Côngan", warnings) == "Côngan"
    assert parse_number("Số: 156 -CV/TĐTN-BCTĐ&TTN", []).value == "156-CV/TĐTN-BCTĐ&TTN"


def test_surname_and_ve_viec_get_their_marks_back_only_when_one_reading_fits():
    warnings: list[str] = []
    assert repair_surname("Pham Minh Chính", warnings) == "Phạm Minh Chính"
    assert repair_surname("Vu Văn An", warnings) == "Vũ Văn An"
    assert repair_surname("Thach Cảnh Minh Vũ", warnings) == "Thach Cảnh Minh Vũ"  # not in the table
    assert repair_surname("Phạm Minh Chính", warnings) == "Phạm Minh Chính"
    # D and Đ are letters: a marked word keeps its own ('Đường' is a surname, not a damaged 'Dương')
    assert repair_surname("Đường Văn Hải", warnings) == "Đường Văn Hải"
    assert repair_surname("Đô Văn Hải", warnings) == "Đỗ Văn Hải"  # the tone lost, the Đ printed
    assert repair_surname("Do Van Hai", warnings) == "Đỗ Van Hai"  # printed without any mark
    assert repair_ve_viec("và việc cho phép hợp nhất Hội Công chứng viên", warnings).startswith("Về việc cho")
    assert repair_ve_viec("Về việc cho phép", warnings) == "Về việc cho phép"
    assert repair_ve_viec("Văn bản việc làm", warnings) == "Văn bản việc làm"


def test_a_head_of_agency_title_is_not_repaired_into_a_deputy_minister():
    # THỦ TRƯỞNG and THỨ TRƯỞNG have the same letters: neither may be "repaired" into the other, by any of
    # the repairs (header phrases, accents of the fields, the OCR corrector)
    from parsers.ocr_correct import correct_words

    warnings: list[str] = []
    assert repair_phrases("THỦ TRƯỞNG", warnings) == "THỦ TRƯỞNG"
    assert repair_phrases("PHÓ THU TƯỚNG", warnings) == "PHÓ THỦ TƯỚNG"
    assert restore_accents("KT. THỦ TRƯỞNG", warnings) == "KT. THỦ TRƯỞNG"
    assert restore_accents("THỨ TRƯỞNG", warnings) == "THỨ TRƯỞNG"
    assert correct_words(["KT.", "THỦ", "TRƯỞNG"]) == (["KT.", "THỦ", "TRƯỞNG"], [])
    assert correct_words(["THỨ", "TRƯỞNG"]) == (["THỨ", "TRƯỞNG"], [])
    assert correct_words(["Huyện", "ủy", "Quang", "Bình"])[0] == ["Huyện", "ủy", "Quang", "Bình"]


@pytest.mark.parametrize(
    "words",
    [["Huyện", "ủy", "Phù", "Yên"], ["HUYỆN", "ỦY", "THẠNH", "HÓA"], ["Quang", "Bình,", "ngày"]],
)
def test_a_district_spelled_with_a_provinces_letters_stays_a_district(words):
    from parsers.ocr_correct import correct_words

    assert correct_words(words) == (words, [])
    assert restore_accents(" ".join(words), []) == " ".join(words)


def test_a_long_run_of_specks_in_the_closing_is_read_in_linear_time():
    # each speck is one step of the match: with nested repeats these 40 dots took days to reject
    specks = "." * 40 + "1\n" + ". " * 40 + "x\n"
    text = TTR_HEADER.format(number="12/TTr-CAT") + "\n" + specks + "\nGIÁM ĐỐC\nLê Văn An"
    f = fields_from_text(text)
    assert (f["signer_title"], f["signer_name"]) == ("GIÁM ĐỐC", "Lê Văn An")


APPENDIX_TABLE = """PHỤ LỤC DÀNH CHO CÁC TỈNH,
THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG
(Kèm theo Công văn số /BNV-CCH ngày tháng năm 2025 của Bộ Nội vụ)
Phụ lục 1
Thống kê các chỉ tiêu
STT
Chỉ tiêu
1
Số lượng văn bản chỉ đạo đã ban hành
-
Nghị quyết, Quyết định, Chỉ thị
-
Số lớp tập huấn chuyên đề
+
Hình thức tuyên truyền khác (nếu có).
"""


def test_an_appendix_tables_rows_are_body_not_header():
    """'Số lượng…' is a table row, not the number line, and a lone '-' or '+' cell marker is no header rule:
    the body starts where the document does."""
    record = record_from_text(APPENDIX_TABLE)
    assert record.number is None
    assert record.body.startswith("PHỤ LỤC DÀNH CHO CÁC TỈNH"), record.body[:80]
    assert "Số lớp tập huấn chuyên đề" in record.body


def test_a_blank_number_line_still_counts_without_digits():
    from parsers.metadata_header import fold, is_number_line

    for line in ("Số: /UBND-NC", "Số:     /KH-TU", "Số 156-CV/TU", "Số {l3 -CV/…", "Số:"):
        assert is_number_line(fold(line)), line
    for line in ("Số lượng văn bản chỉ đạo", "Số lớp tập huấn chuyên đề CCHC", "Số đơn vị kiểm tra"):
        assert not is_number_line(fold(line)), line


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        # 'nghị quyết' / 'nghị định' printed right: 'để' (so that) stays, no 'đề nghị' is made across them
        ("để nghị quyết sớm đi vào cuộc sống", "để nghị quyết sớm đi vào cuộc sống"),
        ("Để nghị định có hiệu lực", "Để nghị định có hiệu lực"),
        ("để nghị các đơn vị báo cáo", "đề nghị các đơn vị báo cáo"),  # damage, nothing overlapping: repaired
    ],
)
def test_an_ocr_repair_never_crosses_a_phrase_printed_right(printed, read):
    from parsers.ocr_correct import correct_words

    assert " ".join(correct_words(printed.split())[0]) == read
