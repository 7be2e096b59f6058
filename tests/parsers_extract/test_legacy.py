import unicodedata

import pytest

from parsers.legacy import (
    VIETNAMESE_LETTERS,
    decode_tcvn3,
    decode_vni,
    detect_legacy_encoding,
    encode_tcvn3,
    encode_vni,
    is_h_font,
    is_vietnamese_syllable,
    legacy_encoding_for_font,
)


def test_vietnamese_letters_are_the_134():
    assert len(VIETNAMESE_LETTERS) == 134 == len(set(VIETNAMESE_LETTERS))


def test_tcvn3_examples_from_the_reference():
    assert encode_tcvn3("Đảng Cộng sản Việt Nam") == "§¶ng Céng s¶n ViÖt Nam"
    assert decode_tcvn3("§¶ng Céng s¶n ViÖt Nam") == "Đảng Cộng sản Việt Nam"
    assert decode_tcvn3("TØnh ñy Qu¶ng Ng·i") == "Tỉnh ủy Quảng Ngãi"
    assert decode_tcvn3("Uû ban nh©n d©n") == "Uỷ ban nhân dân"
    assert decode_tcvn3("Sè 168-TB/HU") == "Số 168-TB/HU"
    # U+00AD is TCVN3 'ư', not a soft hyphen to delete
    assert decode_tcvn3("KÕt luËn cña Ban Th\u00adêng vô TØnh ñy") == "Kết luận của Ban Thường vụ Tỉnh ủy"


def test_tcvn3_round_trips_every_letter_with_vn1_capitals():
    for letter in VIETNAMESE_LETTERS:
        assert decode_tcvn3(encode_tcvn3(letter, vn1_capitals=True), vn1=True) == letter


def test_tcvn3_lowercase_letters_round_trip_and_capitals_come_back_in_capital_words():
    lower = VIETNAMESE_LETTERS[:67]
    assert decode_tcvn3(encode_tcvn3(lower)) == lower
    capitals = ("ĐẢNG CỘNG SẢN VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    for text in capitals:
        assert decode_tcvn3(encode_tcvn3(text)) == text


def test_tcvn3_keeps_windows_punctuation():
    text = "Phương châm “đi từng ngõ, gõ từng nhà” – Tỉnh ủy…"
    assert decode_tcvn3(encode_tcvn3(text)) == text


def test_tcvn3_h_font_upper_cases():
    assert decode_tcvn3("®¶ng céng s¶n viÖt nam", capitals=True) == "ĐẢNG CỘNG SẢN VIỆT NAM"


def test_vni_examples_and_round_trip_of_all_letters():
    assert encode_vni("Đảng Cộng Sản Việt Nam") == "Ñaûng Coäng Saûn Vieät Nam"
    assert decode_vni("Ñaûng Coäng Saûn Vieät Nam") == "Đảng Cộng Sản Việt Nam"
    assert decode_vni("Tænh uûy") == "Tỉnh ủy"
    for letter in VIETNAMESE_LETTERS:
        assert decode_vni(encode_vni(letter)) == letter
    sentence = "Kết luận của Ban Thường vụ Tỉnh ủy về tiếp tục tăng cường phòng, chống dịch"
    assert decode_vni(encode_vni(sentence)) == sentence
    assert unicodedata.is_normalized("NFC", decode_vni(encode_vni(sentence)))


SENTENCE = "Kết luận của Ban Thường vụ Tỉnh ủy về tiếp tục tăng cường công tác phòng, chống dịch bệnh"


@pytest.mark.parametrize(
    "text",
    [
        SENTENCE,
        "Có thể là và các",
        "The café in Zürich costs 5 € © 2021 § 3, a naïve résumé",
        "Über größe Straße: façade à la carte, déjà vu, señor",
        "Số 168-TB/HU ngày 16 tháng 8 năm 2021",
        "",
    ],
)
def test_detection_never_fires_on_unicode_or_english(text):
    assert detect_legacy_encoding(text) is None


def test_detection_finds_tcvn3_and_vni():
    assert detect_legacy_encoding(encode_tcvn3(SENTENCE)) == "tcvn3"
    assert detect_legacy_encoding(encode_vni(SENTENCE)) == "vni"


def test_font_names():
    assert legacy_encoding_for_font("ABCDEF+.VnTime") == "tcvn3"
    assert legacy_encoding_for_font("FJPBOI+.VnCenturySchoolbook") == "tcvn3"
    assert legacy_encoding_for_font("VNI-Times") == "vni"
    assert legacy_encoding_for_font("TimesNewRomanPSMT") is None
    assert is_h_font(".VnTimeH") and is_h_font("XYZ+.VnArialH-Bold") and not is_h_font(".VnTime")


def test_syllables():
    assert all(is_vietnamese_syllable(w) for w in ["nghiêng", "Thường", "quyết", "Đảng", "khuya", "CỘNG"])
    assert not any(is_vietnamese_syllable(w) for w in ["CHiJx", "strength", "Hcok", "xyz"])
