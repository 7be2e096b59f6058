"""What OCR reads that is not text (rule and edge marks, stamp layers, pale ink) and the header's columns
read again one by one: parsers.ocr, parsers.scan_clean, parsers.pdf (no OCR here; test_real_scans runs it)."""

from __future__ import annotations

import numpy as np

from parsers.layout import Word, layout_page, lines_from_words
from parsers.ocr import header_regions, tidy_boxes
from parsers.pdf import _under_any
from parsers.scan_clean import grey_without_colour


def _line(y: int, words: list[tuple[int, str]], line_id: tuple, conf: float = 95.0) -> list[tuple]:
    """Boxes of one Tesseract line: (x0, text) per word, 40 px high, 22 px per letter."""
    return [(x, y, x + 22 * len(t), y + 40, t, line_id, conf) for x, t in words]


def test_rule_and_edge_marks_are_left_out_and_words_keep_their_letters():
    boxes = [
        *_line(100, [(100, "TẬP"), (200, "ĐOÀN"), (310, "_")], (1, 1, 1)),  # a rule's stub after a word
        *_line(100, [(1300, "CỘNG"), (1420, "HÒA")], (1, 1, 1)),
        *_line(160, [(1400, "—")], (1, 2, 1)),  # the motto's rule read as a dash, alone on its line
        *_line(220, [(20, "|"), (100, "_Đề"), (200, "nghị"), (330, "._")], (2, 1, 1)),  # scanner edge
        *_line(280, [(100, "-"), (130, "Như"), (210, "trên;")], (3, 1, 1)),  # a list dash stays
        *_line(340, [(600, "*")], (4, 1, 1)),  # the Party header's asterisk stays
        (1397, 372, 1440, 385, "*", (4, 2, 1), 62.9),  # a speck-sized one is no asterisk
        *_line(400, [(1200, "“ˆˆ--")], (5, 1, 1)),  # a signature stroke
        *_line(460, [(1200, "^"), (1250, "Phạm"), (1370, "Minh")], (6, 1, 1)),  # a hook before the name
    ]
    texts = [b[4] for b in tidy_boxes(boxes)]
    assert texts == ["TẬP", "ĐOÀN", "CỘNG", "HÒA", "Đề", "nghị", "-", "Như", "trên;", "*", "Phạm", "Minh"]


def test_symbols_no_directive_prints_leave_the_words_and_the_fraction_slash_is_a_slash():
    boxes = _line(
        100, [(100, "Lâm"), (200, "Đồng,"), (330, "ngày®°"), (500, "tháng"), (640, "LĐVL€&TN,")], (1, 1, 1)
    )
    boxes += _line(160, [(100, "Số:"), (200, "71⁄QĐ-BGDĐT"), (500, "“Phát"), (640, "sự»")], (2, 1, 1))
    texts = [b[4] for b in tidy_boxes(boxes)]
    assert texts == ["Lâm", "Đồng,", "ngày", "tháng", "LĐVL&TN,", "Số:", "71/QĐ-BGDĐT", "“Phát", "sự"]


def test_digits_read_with_almost_no_confidence_are_not_kept():
    boxes = _line(100, [(100, "Lâm"), (200, "Đồng,"), (330, "ngày")], (1, 1, 1))
    boxes += _line(100, [(450, ".2")], (1, 1, 1), conf=18.0)  # remains of a handwritten day
    boxes += _line(100, [(520, "tháng"), (660, "3")], (1, 1, 1), conf=96.0)
    assert [b[4] for b in tidy_boxes(boxes)] == ["Lâm", "Đồng,", "ngày", ".?", "tháng", "3"]


def test_a_day_glued_between_ngay_and_thang_is_not_kept():
    boxes = _line(
        100, [(100, "Lâm"), (200, "Đồng,"), (330, "ngàyÚ2tháng"), (700, "9"), (760, "năm")], (1, 1, 1)
    )
    assert [b[4] for b in tidy_boxes(boxes)][2] == "ngày Ú? tháng"


def test_the_subject_abbreviation_read_in_italics_is_v_v():
    boxes = _line(100, [(100, "J/w"), (200, "cử"), (300, "lãnh")], (1, 1, 1))
    boxes += _line(160, [(100, "ƒ/v"), (200, "xem")], (2, 1, 1))
    boxes += _line(220, [(100, "theo"), (200, "J/w")], (3, 1, 1))  # not opening a line: left as read
    assert [b[4] for b in tidy_boxes(boxes)] == ["V/v", "cử", "lãnh", "V/v", "xem", "theo", "J/w"]


def test_letters_outside_the_vietnamese_alphabet_are_unread_glyphs():
    boxes = _line(
        100, [(100, "Số:"), (200, "2"), (260, "?Ø/TTr-CAT-PC06"), (700, "cñ"), (800, "Ð/c")], (1, 1, 1)
    )
    assert [b[4] for b in tidy_boxes(boxes)] == ["Số:", "2", "??/TTr-CAT-PC06", "cũ", "Đ/c"]


def test_a_tiny_unsure_word_beside_the_signers_name_is_a_speck():
    boxes = [
        (1413, 1963, 1510, 1975, "TT.", (11, 1, 1), 48.3),  # 12 px high: a stroke of the signature
        (1578, 1978, 1766, 2042, "Nguyễn", (11, 1, 1), 96.6),
        (1786, 1987, 1918, 2030, "Nhân", (11, 1, 1), 95.9),
        (1938, 1989, 2033, 2030, "Bản", (11, 1, 1), 96.6),
        (2040, 2022, 2050, 2030, ".", (11, 1, 1), 91.0),  # small but read with confidence: kept
    ]
    assert [b[4] for b in tidy_boxes(boxes)] == ["Nguyễn", "Nhân", "Bản", "."]


def test_a_printed_month_read_with_lookalikes_of_one_is_the_month():
    line = [(100, "ngày"), (300, "tháng"), (500, "l]"), (600, "năm"), (720, "2025")]
    assert [b[4] for b in tidy_boxes(_line(100, line, (1, 1, 1), conf=55.0))][2] == "11"
    unsure = _line(100, line[:2], (1, 1, 1)) + _line(100, [line[2]], (1, 1, 1), conf=40.0)
    unsure += _line(100, line[3:], (1, 1, 1))
    assert [b[4] for b in tidy_boxes(unsure)][2] == "l]"  # too unsure: maybe a handwritten month


def _header(date_line_left: int = 1300) -> list[tuple]:
    return [
        *_line(200, [(400, "ỦY"), (480, "BAN"), (580, "NHÂN"), (700, "DÂN")], (1, 1, 1)),
        *_line(200, [(1250, "CỘNG"), (1380, "HÒA"), (1480, "XÃ")], (1, 1, 1)),
        *_line(260, [(420, "TỈNH"), (540, "LÂM"), (640, "ĐỒNG")], (1, 1, 2)),
        *_line(260, [(1350, "Độc"), (1440, "lập")], (1, 1, 2)),
        *_line(340, [(380, "Số:"), (460, "12/UBND-NC")], (2, 1, 1)),
        *_line(
            340,
            [
                (date_line_left, "Lâm"),
                (1400, "Đồng,"),
                (1540, "ngày"),
                (1660, "12"),
                (1720, "tháng"),
                (1850, "9"),
                (1900, "năm"),
            ],
            (2, 1, 1),
        ),
        *_line(
            400,
            [
                (300, "V/v"),
                (380, "xem"),
                (470, "xét"),
                (560, "đề"),
                (620, "nghị"),
                (740, "của"),
                (830, "Ủy"),
                (890, "ban"),
                (980, "MTTQ"),
            ],
            (3, 1, 1),
        ),  # reaches into the gap
        *_line(460, [(380, "tỉnh"), (480, "Lâm"), (570, "Đồng")], (3, 1, 2)),
        *_line(560, [(900, "Kính"), (1010, "gửi:"), (1120, "Sở"), (1180, "Nội"), (1270, "vụ")], (4, 1, 1)),
    ]


def test_the_header_columns_end_under_the_date_and_at_the_first_line_across_the_gap():
    regions = header_regions(_header(), 2479, 3508)
    assert regions is not None
    (lx0, ly0, lx1, ly1), (rx0, ry0, rx1, ry1) = regions
    assert lx0 == 0 and rx1 == 2479
    assert 766 < rx0 < 1250 and 1068 < lx1 < 1250  # in the gap: 'DÂN' ends at 766, 'CỘNG' starts at 1250
    # (the left crop runs to the right column's ink: the subject line below the date reaches 'MTTQ', 1068)
    assert 380 <= ry1 < 460  # the right column ends under the date line (bottom 380)
    assert 500 <= ly1 <= 560  # the left one with 'tỉnh Lâm Đồng', before 'Kính gửi:'
    assert ly0 < 200 and ry0 < 200


def test_no_header_regions_without_a_place_and_date_line():
    boxes = [b for b in _header() if b[4] not in ("ngày", "tháng")]
    assert header_regions(boxes, 2479, 3508) is None


def test_pale_ballpoint_ink_and_coloured_stroke_edges_become_paper_and_print_stays():
    rgb = np.full((40, 80, 3), (236, 238, 244), dtype=np.uint8)  # paper with a blue cast
    rgb[5:10, :] = (133, 137, 164)  # pale blue ballpoint digits (chroma 31)
    rgb[15:20, 5:55] = (200, 40, 50)  # a red stamp's stroke...
    rgb[20:22, 5:55] = (205, 185, 190)  # ...its paler edge (chroma 20)
    rgb[30:35, :] = (65, 66, 70)  # black print, as scanned
    rgb[15:22, 70:72] = (205, 185, 190)  # a pale pinkish smudge far from any stroke stays
    grey = grey_without_colour(rgb, dpi=300)
    paper = grey[38, 30]
    assert (grey[5:10] == paper).all()
    assert (grey[15:22, 5:55] == paper).all()
    assert (grey[30:35] < 80).all()
    assert (grey[15:22, 70:72] < paper).all()


def test_ocr_words_under_a_stamp_text_layer_are_the_stamps():
    stamp = [
        Word(400, 470, 20, 30, "Ủy"),
        Word(475, 520, 20, 30, "ban"),
        Word(400, 470, 32, 42, "25/09/2025"),
    ]
    assert _under_any(Word(402, 468, 21, 31, "Ủy"), stamp)
    assert _under_any(Word(405, 466, 31, 43, "25/09/2025"), stamp)
    assert not _under_any(Word(300, 380, 60, 72, "CỘNG"), stamp)


def test_a_column_corridor_is_wider_than_a_word_space():
    """A recipients line whose words sit 4 pt apart across the voted gap does not become the split."""

    def words(top, items):
        return [Word(x0, x1, top, top + 10, t, (int(top), 1, 1)) for x0, x1, t in items]

    ws = [
        *words(468, [(90, 109, "Nơi"), (111, 141, "nhận:"), (345, 369, "TM."), (373, 400, "BAN")]),
        *words(
            484,
            [(90, 93, "-"), (96, 115, "Như"), (119, 157, "kính gửi:"), (323, 351, "PHÓ"), (355, 382, "CHỦ")],
        ),
        *words(497, [(90, 93, "-"), (97, 113, "Ban"), (117, 128, "Tổ"), (132, 152, "chức")]),
        *words(
            510,
            [
                (90, 93, "-"),
                (97, 113, "Ban"),
                (117, 171, "Thường trực"),
                (175, 220, "UBMTTQ"),
                (224, 238, "VN"),
                (242, 261, "tỉnh;"),
            ],
        ),
        *words(522, [(90, 93, "-"), (97, 114, "Lưu"), (118, 192, "VT, Ban TC-KT.")]),
        *words(589, [(387, 421, "Phạm"), (425, 458, "Triều")]),
    ]
    page = layout_page(lines_from_words(ws), 595, 842, first=False, last=True, page_index=1)
    recipients = page.blocks[0]
    assert "UBMTTQ VN tỉnh;" in recipients and "Phạm" not in recipients
