"""Page footnotes of text PDFs: found by their superscript markers, kept out of the text flow."""

import re
from pathlib import Path

from parsers.extract import extract
from parsers.layout import SUP_CLOSE, SUP_OPEN, Line, Word, join_pages, layout_page, lines_from_words

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
W, H = 595.0, 842.0


def _line(top: float, text: str, size: float = 14.0, x1: float = 538.0) -> Line:
    word = Word(85.0, x1, top, top + size * 0.9, text)
    return Line([word], [[word]])


def _sup(n: int) -> str:
    return "".join(SUP_OPEN + d + SUP_CLOSE for d in str(n))


def _body(top: float, count: int, last: str = "") -> tuple[list[Line], float]:
    lines = [_line(top + 18 * k, f"dòng văn bản số {k} của trang chạy tới lề phải") for k in range(count)]
    if last:
        lines.append(_line(top + 18 * count, last, x1=300.0))
        count += 1
    return lines, top + 18 * count


def test_a_long_marked_note_starting_mid_page_is_a_footnote():
    body, y = _body(60, 6, last=f"triển khai các nhiệm vụ trên địa bàn tỉnh{_sup(2)} .")
    notes = [_line(y + 22, "2 Trước sáp nhập tỉnh:", size=10)]
    notes += [
        _line(y + 34 + 12 * k, f"2025; Kế hoạch số {k}/KH-UBND ngày 30/12/2024", size=10) for k in range(30)
    ]
    page = layout_page(body + notes, W, H, first=False, last=False, page_index=1)
    assert page.footnotes[0].startswith("2 Trước sáp nhập tỉnh: 2025; Kế hoạch số 0/KH-UBND")
    assert len(page.footnotes) == 1  # a wrapped line starting '2025;' is not note 202
    assert page.blocks[-1].endswith("triển khai các nhiệm vụ trên địa bàn tỉnh.")
    assert not any(SUP_OPEN in b or SUP_CLOSE in b for b in page.blocks)


def test_the_rest_of_a_note_on_the_next_page_is_recognised_by_its_type():
    first = layout_page(
        _body(60, 30, last=f"kết luận{_sup(1)}")[0] + [_line(650, "1 Ghi chú đầu trang trước", size=10)],
        W,
        H,
        first=False,
        last=False,
        page_index=1,
    )
    assert first.footnotes == ["1 Ghi chú đầu trang trước"] and first.notes_height is not None
    body, y = _body(60, 30)
    rest = [_line(y + 30, "phần còn lại của ghi chú", size=10), _line(y + 42, "và dòng cuối.", size=10)]
    second = layout_page(
        body + rest, W, H, first=False, last=False, page_index=2, notes_height=first.notes_height
    )
    assert second.footnotes == ["phần còn lại của ghi chú và dòng cuối."]
    text = join_pages([first, second])
    assert "[^1]: Ghi chú đầu trang trước phần còn lại của ghi chú và dòng cuối." in text


def test_small_type_without_a_marker_is_not_a_note_and_other_superscripts_stay():
    body, y = _body(60, 5, last=f"diện tích 120 m{_sup(2)} đất")
    table = [_line(y + 30 + 12 * k, f"{k + 1} Sở Nội vụ 12 45", size=10) for k in range(6)]
    page = layout_page(body + table, W, H, first=False, last=False, page_index=1)
    assert page.footnotes == []
    assert "diện tích 120 m2 đất" in "\n".join(page.blocks)
    assert "1 Sở Nội vụ 12 45" in "\n".join(page.blocks)


def test_real_report_footnotes_leave_the_body_and_close_the_text():
    """Báo cáo 329 (35 pages, Word footnotes 1-17, some longer than a page, some continued)."""
    data = (REAL / "pdf" / "lamdong-ubnd-bc329-2025-signed-appendix.pdf").read_bytes()
    text = extract(data, "bc329.pdf").text
    notes = [int(m.group(1)) for m in re.finditer(r"^\[\^(\d+)\]: ", text, re.MULTILINE)]
    assert notes == list(range(1, 18))
    body = text[: text.index("[^1]: ")]
    assert "PAR INDEX, SIPAS, PAPI, PCI và Bộ chỉ số" in body  # the paragraph across the note is joined
    assert "trên địa bàn tỉnh." in body and "tỉnh2" not in body and "Trước sáp nhập tỉnh:" not in body
    assert "ngành, 12 chi cục và 57 đơn vị sự nghiệp công lập." in body  # markers 12 and 13 (after a break)


def _at(x0: float, top: float, text: str, size: float = 13.0) -> Line:
    words, x = [], x0
    for part in text.split():
        words.append(Word(x, x + 6.5 * len(part), top, top + size, part))
        x += 6.5 * len(part) + 4
    return Line(words, [words])


def test_a_signer_title_set_above_the_noi_nhan_line_belongs_to_the_closing():
    """cv788: 'GIÁM ĐỐC' sits a few points higher than 'Nơi nhận:' in the right column."""
    lines = [
        _at(85, 100, "Nay Sở Tư pháp kính trình Ủy ban nhân dân tỉnh xem xét, phê chuẩn kết quả Đại hội./."),
        _at(380, 123, "GIÁM ĐỐC"),
        _at(85, 138, "Nơi nhận:", size=10),
        _at(85, 150, "- Như trên;", size=10),
        _at(85, 162, "- Lưu: VT, HCBT.", size=10),
        _at(360, 230, "Phạm Thị Minh Hiếu"),
    ]
    words = [w for line in lines for w in line.words]
    page = layout_page(lines_from_words(words), W, H, first=False, last=True, page_index=1)
    assert page.blocks[-2:] == ["Nơi nhận:\n- Như trên;\n- Lưu: VT, HCBT.", "GIÁM ĐỐC\nPhạm Thị Minh Hiếu"]
