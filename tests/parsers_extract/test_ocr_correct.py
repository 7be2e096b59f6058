"""The OCR word repair (parsers.ocr_correct): marks restored only when one candidate is clearly closest."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from parsers.ocr_correct import (
    correct_boxes,
    correct_words,
    diacritic_distance,
    dictionary_path,
    is_syllable,
    split_glued,
    syllable_inventory,
)

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def _fixed(line: str) -> str:
    return " ".join(correct_words(line.split())[0])


def test_the_syllable_inventory_is_installed_and_covers_the_seed_texts():
    # hunspell-vi is in the Makefile's APT_PACKAGES: a missing dictionary is a broken install, not a skip
    assert dictionary_path() is not None
    assert len(syllable_inventory()) > 1000
    words = [
        w
        for f in sorted(SEEDS.glob("*.txt"))
        for w in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", f.read_text(encoding="utf-8")))
        if not w.isascii() or w.islower()  # acronyms and foreign names are no syllables
    ]
    assert len(words) > 5000
    known = sum(is_syllable(w) for w in words) / len(words)
    assert known > 0.985, known


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐÒNG", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"),  # the province after TỈNH
        ("TÍNH LÂM ĐÒNG", "TỈNH LÂM ĐỒNG"),
        ("Lâm Đông, ngày 12 tháng 9", "Lâm Đồng, ngày 12 tháng 9"),  # a capitalised province name
        ("BÔ CÔNG THƯƠNG", "BỘ CÔNG THƯƠNG"),
        ("THÀNH PHÓ HÒ CHÍ MINH", "THÀNH PHỐ HỒ CHÍ MINH"),
        ("KT. CHANH VAN PHONG", "KT. CHÁNH VĂN PHÒNG"),  # a title read without any mark
        ("GIÁY MỜI", "GIẤY MỜI"),  # Ấ -> Á on a capital
        ("ĐÈ ÁN", "ĐỀ ÁN"),  # Ề -> È
        ("CỌNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("- Giám đôc;", "- Giám đốc;"),  # 'đôc' is no syllable: the phrase applies in lower case too
        ("nguôn kinh phí", "nguồn kinh phí"),  # no syllable, one closest
        ("xuât", "xuất"),
        ("BÁO VÀ PHÁT THANH, TRUYẺN HÌNH", "BÁO VÀ PHÁT THANH, TRUYỀN HÌNH"),  # a phrase with a comma
        ("TRUYẺN HÌNH", "TRUYỀN HÌNH"),  # beside HÌNH one reading only
        ("BỘ CÔNGAN", "BỘ CÔNG AN"),  # a known phrase read with a lost space
        ("TỈNHỦY LÂMĐÔNG", "TỈNH ỦY LÂM ĐỒNG"),
        ("ỦY BẠN MTTQ VIỆT NAM", "ỦY BAN MTTQ VIỆT NAM"),
        ("- Ban Tô chức Tỉnh ủy;", "- Ban Tổ chức Tỉnh ủy;"),  # an organ's name in a recipients line
        ("vẻ việc cử lãnh đạo", "về việc cử lãnh đạo"),  # collocations of subjects, in any case
        ("Như thành phân mời", "Như thành phần mời"),
        ("tại buôi làm việc", "tại buổi làm việc"),
    ],
)
def test_damaged_marks_are_restored(read, printed):
    assert _fixed(read) == printed


@pytest.mark.parametrize(
    "line",
    [
        "giảm độc tố",  # spells 'giam doc' but every word is a syllable and it is no title: kept
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",  # the old tone placement is right
        "TỈNH KHÁNH HOÀ",
        "câp",  # cấp and cập are as close: no guess
        "TRUYẺN",  # truyền, truyện, truyến (beside HÌNH only 'TRUYỀN HÌNH' is a known phrase)
        "tô màu",  # a right word of a known collocation's letters ('tổ chức') elsewhere: kept
        "Ban Tô Hoài",  # no known name
        "MOOC INDEX PAPI",  # unmarked capitals are acronyms or foreign words
        "nòng cốt",  # grammatical and toned: a syllable the dictionary may lack
        "Số 12/QĐ-UBND",
    ],
)
def test_words_without_one_clear_repair_are_kept(line):
    assert _fixed(line) == line


def test_each_change_is_reported():
    words, notes = correct_words("ỦY BAN NHÂN DÂN TỈNH LÂM ĐÒNG".split())
    assert notes == ["'TỈNH LÂM ĐÒNG' -> 'TỈNH LÂM ĐỒNG'"]


def test_distance_counts_modifier_and_tone_edits_and_ignores_tone_position():
    assert diacritic_distance("ĐÒNG", "ĐỒNG") == 1
    assert diacritic_distance("Đông", "Đồng") == 1
    assert diacritic_distance("HOÀ", "HÒA") == 0
    assert diacritic_distance("CHANH", "CHÁNH") == 1
    assert diacritic_distance("VAN", "VĂN") == 1
    assert diacritic_distance("LAM", "LAN") is None  # other letters: never a repair


def test_glued_capitals_split_into_syllables_only_one_way():
    assert split_glued("TỈNHỦYLÂMĐÔNG") == ["TỈNH", "ỦY", "LÂM", "ĐÔNG"]
    assert split_glued("VIỆTNAM") == ["VIỆT", "NAM"]
    assert split_glued("TRUYẺN") is None  # one damaged syllable
    assert split_glued("HĐND") is None and split_glued("SIPAS") is None  # acronyms
    assert split_glued("ĐỒNG") is None


def test_boxes_of_a_glued_word_are_split_and_repaired():
    boxes = [(0, 10, 90, 30, "UBND", (1, 1, 1), 91.0), (100, 10, 210, 30, "TỈNHLÂMĐÒNG", (1, 1, 1), 80.0)]
    out, notes = correct_boxes(boxes)
    assert [b[4] for b in out] == ["UBND", "TỈNH", "LÂM", "ĐỒNG"]
    assert out[1][0] == 100 and out[-1][2] == 210  # the pieces share the glued box
    assert all(b[5] == (1, 1, 1) for b in out)
    assert notes == ["'TỈNHLÂMĐÒNG' -> 'TỈNH LÂM ĐÒNG'", "'TỈNH LÂM ĐÒNG' -> 'TỈNH LÂM ĐỒNG'"]
