"""OCR repairs that lean on context: made only when they land on one known value, reported, else kept."""

import pytest

from parsers.metadata_header import issuer_from_lines, parse_number
from parsers.metadata_repairs import repair_party_number, repair_province


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("TỈNH ỦY GIÁ KAI", "TỈNH ỦY GIA LAI"),
        ("ĐẢNG BỘ TỈNH BÌNH PHƯỚG", "ĐẢNG BỘ TỈNH BÌNH PHƯỚC"),
        ("ĐẢNG BỘ TỈNH QUẢNG NGẢI", "ĐẢNG BỘ TỈNH QUẢNG NGẢI"),  # tone marks only: not this repair's business
        ("ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"),  # printed right: untouched
    ],
)
def test_a_damaged_province_name_is_restored(line, expected):
    warnings: list[str] = []
    assert repair_province(line, warnings) == expected
    assert bool(warnings) == (line != expected)


@pytest.mark.parametrize(
    "line",
    [
        "HUYỆN ỦY CẨM THỦY",  # a district: not a province name, no 'TỈNH' before it
        "TỈNH ỦY HÀ NẠI",  # as close to HÀ NAM as to HÀ NỘI: ambiguous, kept as printed
        "TỈNH ỦY XYZW QRS",  # nothing near: kept
    ],
)
def test_a_province_repair_is_never_a_guess(line):
    warnings: list[str] = []
    assert repair_province(line, warnings) == line
    assert warnings == []


@pytest.mark.parametrize(
    "name",
    # former provinces, spelled in real syllables, one or two letters from a province of today
    ["HÀ TÂY", "VĨNH PHÚ", "HÀ BẮC", "CAO LẠNG", "HÀ NINH"],
)
def test_a_former_province_is_kept_as_printed(name):
    for line in (f"TỈNH ỦY {name}", f"ỦY BAN NHÂN DÂN TỈNH {name}"):
        warnings: list[str] = []
        assert repair_province(line, warnings) == line
        assert warnings == []


def test_issuer_lines_carry_the_repaired_province_and_lose_stray_quotes():
    warnings: list[str] = []
    issuer, parent = issuer_from_lines(["ĐẢNG BỘ TỈNH GIA LAI", "“TỈNH ỦY GIÁ KAI"], warnings)
    assert (issuer, parent) == ("TỈNH ỦY GIA LAI", "ĐẢNG BỘ TỈNH GIA LAI")


def test_a_party_number_takes_the_issuer_code_its_issuer_implies():
    warnings: list[str] = []
    number = parse_number("Số 08.CT/ru", warnings, issuer="TỈNH ỦY GIA LAI")
    assert number is not None and number.value == "08-CT/TU"
    assert any("08.CT/ru" in w for w in warnings)


@pytest.mark.parametrize(
    ("compact", "issuer"),
    [
        ("08.CT/ru", None),  # no issuer known: nothing to check the code against
        ("08.CT/ru", "THÀNH ỦY ĐÀ NẴNG"),  # TU or ThU: the name does not decide
        ("08.XX/TU", "TỈNH ỦY GIA LAI"),  # not a Party type code
        ("08.CT/QX", "TỈNH ỦY GIA LAI"),  # two edits from TU
    ],
)
def test_a_party_number_repair_needs_a_known_type_and_a_deciding_issuer(compact, issuer):
    assert repair_party_number(compact, issuer) is None


def test_an_unrepairable_number_is_left_out_with_a_warning():
    warnings: list[str] = []
    assert parse_number("Số 08.CT/ru", warnings) is None
    assert warnings == ["number unreadable, left out: 'Số 08.CT/ru'"]
