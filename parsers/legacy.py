"""Legacy Vietnamese 8-bit encodings (TCVN3/ABC and VNI-Windows) <-> Unicode.

Documents typed with the pre-Unicode fonts (.VnTime, .VnArial, VNI-Times...) carry a PDF/Word text layer in
which each Vietnamese letter is a Latin-1/cp1252 byte (TCVN3) or a base letter followed by a mark byte (VNI).
Extracted naively that text reads as mojibake ('§¶ng Céng s¶n ViÖt Nam').  This module converts both ways; the
corpus renderer imports the encoders to fabricate such text layers, the extractor the decoders.

The TCVN3 table is data, generated once (not at run time) from glibc iconv on Debian with::

    for b in range(1, 256):
        iconv -f TCVN5712-1 -t UTF-8 <<< bytes([b])      # keep the bytes whose result differs from chr(b)

TCVN5712-1 is the full VN1 set (it also has precomposed capitals); TCVN3 fonts use the VN3 subset, where
accented capitals do not exist and are typed with the lowercase codes in an "H" font (.VnTimeH).  Decoding
must happen BEFORE any whitespace/soft-hyphen cleanup: TCVN3 'ư' is byte 0xAD, U+00AD SOFT HYPHEN.

The VNI-Windows table is built below from the VNI convention: base letter + one mark byte per diacritic
combination ('aû' = ả, 'oä' = ộ), and single bytes for letters VNI encodes whole ('ô' = ơ, 'ö' = ư, 'ñ' = đ,
'æ' = ỉ, 'ó' = ĩ, 'ò' = ị, 'î' = ỵ, 'í' = í, 'ì' = ì).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "UNICODE_VIETNAMESE",
    "VIETNAMESE_LETTERS",
    "decode_tcvn3",
    "decode_vni",
    "detect_legacy_encoding",
    "encode_tcvn3",
    "encode_vni",
    "is_vietnamese_syllable",
    "legacy_encoding_for_font",
]

# --- TCVN3 ------------------------------------------------------------------------------------------------

# byte -> Unicode, from `iconv -f TCVN5712-1` (only the bytes that do not map to themselves).
_TCVN5712_BYTES: dict[int, str] = {
    0x01: "\u00da",
    0x02: "\u1ee4",
    0x04: "\u1eea",
    0x05: "\u1eec",
    0x06: "\u1eee",
    0x11: "\u1ee8",
    0x12: "\u1ef0",
    0x13: "\u1ef2",
    0x14: "\u1ef6",
    0x15: "\u1ef8",
    0x16: "\u00dd",
    0x17: "\u1ef4",
    0x80: "\u00c0",
    0x81: "\u1ea2",
    0x82: "\u00c3",
    0x83: "\u00c1",
    0x84: "\u1ea0",
    0x85: "\u1eb6",
    0x86: "\u1eac",
    0x87: "\u00c8",
    0x88: "\u1eba",
    0x89: "\u1ebc",
    0x8A: "\u00c9",
    0x8B: "\u1eb8",
    0x8C: "\u1ec6",
    0x8D: "\u00cc",
    0x8E: "\u1ec8",
    0x8F: "\u0128",
    0x90: "\u00cd",
    0x91: "\u1eca",
    0x92: "\u00d2",
    0x93: "\u1ece",
    0x94: "\u00d5",
    0x95: "\u00d3",
    0x96: "\u1ecc",
    0x97: "\u1ed8",
    0x98: "\u1edc",
    0x99: "\u1ede",
    0x9A: "\u1ee0",
    0x9B: "\u1eda",
    0x9C: "\u1ee2",
    0x9D: "\u00d9",
    0x9E: "\u1ee6",
    0x9F: "\u0168",
    0xA1: "\u0102",
    0xA2: "\u00c2",
    0xA3: "\u00ca",
    0xA4: "\u00d4",
    0xA5: "\u01a0",
    0xA6: "\u01af",
    0xA7: "\u0110",
    0xA8: "\u0103",
    0xA9: "\u00e2",
    0xAA: "\u00ea",
    0xAB: "\u00f4",
    0xAC: "\u01a1",
    0xAD: "\u01b0",
    0xAE: "\u0111",
    0xAF: "\u1eb0",
    0xB0: "\u0300",
    0xB1: "\u0309",
    0xB2: "\u0303",
    0xB3: "\u0301",
    0xB4: "\u0323",
    0xB5: "\u00e0",
    0xB6: "\u1ea3",
    0xB7: "\u00e3",
    0xB8: "\u00e1",
    0xB9: "\u1ea1",
    0xBA: "\u1eb2",
    0xBB: "\u1eb1",
    0xBC: "\u1eb3",
    0xBD: "\u1eb5",
    0xBE: "\u1eaf",
    0xBF: "\u1eb4",
    0xC0: "\u1eae",
    0xC1: "\u1ea6",
    0xC2: "\u1ea8",
    0xC3: "\u1eaa",
    0xC4: "\u1ea4",
    0xC5: "\u1ec0",
    0xC6: "\u1eb7",
    0xC7: "\u1ea7",
    0xC8: "\u1ea9",
    0xC9: "\u1eab",
    0xCA: "\u1ea5",
    0xCB: "\u1ead",
    0xCC: "\u00e8",
    0xCD: "\u1ec2",
    0xCE: "\u1ebb",
    0xCF: "\u1ebd",
    0xD0: "\u00e9",
    0xD1: "\u1eb9",
    0xD2: "\u1ec1",
    0xD3: "\u1ec3",
    0xD4: "\u1ec5",
    0xD5: "\u1ebf",
    0xD6: "\u1ec7",
    0xD7: "\u00ec",
    0xD8: "\u1ec9",
    0xD9: "\u1ec4",
    0xDA: "\u1ebe",
    0xDB: "\u1ed2",
    0xDC: "\u0129",
    0xDD: "\u00ed",
    0xDE: "\u1ecb",
    0xDF: "\u00f2",
    0xE0: "\u1ed4",
    0xE1: "\u1ecf",
    0xE2: "\u00f5",
    0xE3: "\u00f3",
    0xE4: "\u1ecd",
    0xE5: "\u1ed3",
    0xE6: "\u1ed5",
    0xE7: "\u1ed7",
    0xE8: "\u1ed1",
    0xE9: "\u1ed9",
    0xEA: "\u1edd",
    0xEB: "\u1edf",
    0xEC: "\u1ee1",
    0xED: "\u1edb",
    0xEE: "\u1ee3",
    0xEF: "\u00f9",
    0xF0: "\u1ed6",
    0xF1: "\u1ee7",
    0xF2: "\u0169",
    0xF3: "\u00fa",
    0xF4: "\u1ee5",
    0xF5: "\u1eeb",
    0xF6: "\u1eed",
    0xF7: "\u1eef",
    0xF8: "\u1ee9",
    0xF9: "\u1ef1",
    0xFA: "\u1ef3",
    0xFB: "\u1ef7",
    0xFC: "\u1ef9",
    0xFE: "\u1ef5",
    0xFF: "\u1ed0",
}

# A PDF text layer shows the bytes 0x80-0x9F through WinAnsi/cp1252 ('€' for 0x80); undefined cp1252 slots
# come out as the C1 control of the same value.  Map both back to the byte.
_CP1252_TO_BYTE: dict[str, int] = {}
for _b in range(0x80, 0xA0):
    try:
        _CP1252_TO_BYTE[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        pass

_VN3_CAPITALS = "ĂÂÊÔƠƯĐ"  # the only accented capitals the VN3 (ABC) set has

# The 134 Vietnamese letters (67 lowercase + their capitals) that differ from ASCII.
_LOWER_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
VIETNAMESE_LETTERS: str = _LOWER_LETTERS + _LOWER_LETTERS.upper()


def _char_for_byte(b: int) -> str:
    """The character a cp1252 text layer shows for byte b."""
    if 0x80 <= b < 0xA0:
        try:
            return bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            return chr(b)
    return chr(b)


@lru_cache(maxsize=2)
def _tcvn3_decode_map(vn1: bool) -> dict[str, str]:
    """Character -> Unicode.  VN3 (the ABC fonts, default): 0x80-0x9F keep their Windows punctuation
    (“ ” – — …), as .VnTime fonts draw them; vn1=True reads them as the VN1 capitals instead."""
    out = {chr(b): u for b, u in _TCVN5712_BYTES.items() if vn1 or not 0x80 <= b <= 0x9F}
    if vn1:
        for ch, b in _CP1252_TO_BYTE.items():
            if b in _TCVN5712_BYTES:
                out[ch] = _TCVN5712_BYTES[b]
    return out


@lru_cache(maxsize=2)
def _tcvn3_encode_map(vn1_capitals: bool) -> dict[str, str]:
    """Unicode letter -> the character a TCVN3 text layer shows.

    Accented capitals outside VN3 get the lowercase code, as typed in an "H" font, unless vn1_capitals (the
    full TCVN 5712 VN1 set, whose capitals occupy 0x01-0x17/0x80-0x9F... and round-trip exactly)."""
    by_letter = {u: _char_for_byte(b) for b, u in _TCVN5712_BYTES.items() if not 0xB0 <= b <= 0xB4}
    out: dict[str, str] = {}
    for lower in _LOWER_LETTERS:
        # 'ý' is byte 0xFD in TCVN3 and in Latin-1 alike, so iconv lists no change for it
        out[lower] = by_letter.get(lower, lower)
        upper = lower.upper()
        out[upper] = by_letter[upper] if upper in _VN3_CAPITALS or vn1_capitals else out[lower]
    return out


def encode_tcvn3(text: str, *, vn1_capitals: bool = False) -> str:
    """Unicode -> the cp1252-looking string a TCVN3 (.VnTime) PDF text layer shows.

    'Đảng Cộng sản Việt Nam' -> '§¶ng Céng s¶n ViÖt Nam'.  Accented capitals that VN3 lacks (Ả, Ộ...) are
    written with their lowercase code, as an "H" font does: 'ĐẢNG' -> '§¶NG' (decode_tcvn3 restores them in
    all-capital words; a lone title-case 'Ủy' comes back as 'ủy', as from a real .VnTime layer).
    vn1_capitals=True uses the VN1 capital codes instead, which round-trip exactly."""
    table = _tcvn3_encode_map(vn1_capitals)
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


_WORD_RE = re.compile(r"\S+")


def _reliable_case_letters(text: str) -> list[str]:
    return [c for c in text if c.isascii() and c.isalpha() or c.upper() in _VN3_CAPITALS]


def _restore_capitals(decoded: str) -> str:
    """Upper-case accented letters that VN3 could only write in lowercase, in all-capital lines and words.

    Letters whose case survives TCVN3 (ASCII letters and the VN3 capitals ĂÂÊÔƠƯĐ): a line with at least three
    of them in plain words, all upper case, was typed in capitals; so was a word with at least two."""

    def fix_word(m: re.Match[str]) -> str:
        word = m.group(0)
        reliable = _reliable_case_letters(word)
        if len(reliable) >= 2 and all(c.isupper() for c in reliable):
            return word.upper()
        return word

    out = []
    for line in decoded.split("\n"):
        # symbols such as '168-TB/HU' are capitals in any line: only plain words count
        words = [w for w in line.split() if not any(c.isdigit() or c in "/-" for c in w)]
        reliable = _reliable_case_letters(" ".join(words))
        if len(reliable) >= 3 and all(c.isupper() for c in reliable):
            out.append(line.upper())
        else:
            out.append(_WORD_RE.sub(fix_word, line))
    return "\n".join(out)


def decode_tcvn3(s: str, *, capitals: bool = False, vn1: bool = False) -> str:
    """TCVN3 text as a cp1252/Latin-1 text layer shows it -> NFC Unicode.

    capitals=True upper-cases everything (text drawn in an "H" font such as .VnTimeH, whose lowercase codes
    show capital glyphs).  Otherwise accented letters inside all-capital lines/words are upper-cased.
    vn1=True also reads 0x80-0x9F as VN1 capitals (text made with encode_tcvn3(vn1_capitals=True))."""
    table = _tcvn3_decode_map(vn1)
    decoded = "".join(table.get(ch, ch) for ch in s)
    decoded = unicodedata.normalize("NFC", decoded)
    if capitals:
        return decoded.upper()
    return _restore_capitals(decoded)


# --- VNI-Windows ------------------------------------------------------------------------------------------

# tone -> mark byte after a plain vowel (a, e, o, u, y) in VNI: sắc ù, huyền ø, hỏi û, ngã õ, nặng ï
_VNI_TONE = {"": "", "\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
# after the circumflex (â ê ô): â, ấ á, ầ à, ẩ å, ẫ ã, ậ ä
_VNI_CIRC = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
# after the breve (ă): ê, ắ é, ằ è, ẳ ú, ẵ ü, ặ ë
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
# letters VNI encodes as one byte (lowercase; capitals are the same bytes upper-cased)
_VNI_SINGLE = {"đ": "ñ", "ơ": "ô", "ư": "ö", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î"}


@lru_cache(maxsize=1)
def _vni_encode_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for letter in _LOWER_LETTERS:
        if letter in _VNI_SINGLE:
            out[letter] = _VNI_SINGLE[letter]
            continue
        nfd = unicodedata.normalize("NFD", letter)
        base, marks = nfd[0], nfd[1:]
        tone = next((m for m in marks if m in _VNI_TONE and m), "")
        shape = next((m for m in marks if m in "\u0302\u0306\u031b"), "")
        if shape == "\u0302":
            code = base + _VNI_CIRC[tone]
        elif shape == "\u0306":
            code = base + _VNI_BREVE[tone]
        elif shape == "\u031b":  # ơ/ư with a tone: the single byte of ơ/ư + tone mark
            code = _VNI_SINGLE[unicodedata.normalize("NFC", base + shape)] + _VNI_TONE[tone]
        elif base == "i":
            code = _VNI_SINGLE[letter]
        else:
            code = base + _VNI_TONE[tone]
        out[letter] = code
    for letter in _LOWER_LETTERS:
        out[letter.upper()] = out[letter].upper()
    return out


@lru_cache(maxsize=1)
def _vni_decode_map() -> dict[str, str]:
    enc = _vni_encode_map()
    out = {code: letter for letter, code in enc.items()}
    # capital base with a lowercase mark (seen when only the base was typed shifted) -> capital letter
    for letter, code in enc.items():
        if len(code) == 2 and letter.isupper():
            out.setdefault(code[0] + code[1].lower(), letter)
    return out


def encode_vni(text: str) -> str:
    """Unicode -> the string a VNI-Windows text layer shows: 'Đảng Cộng Sản' -> 'Ñaûng Coäng Saûn'."""
    table = _vni_encode_map()
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def decode_vni(s: str) -> str:
    """VNI-Windows text layer -> NFC Unicode (two-character sequences first, then single bytes)."""
    table = _vni_decode_map()
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        pair = s[i : i + 2]
        if len(pair) == 2 and pair in table:
            out.append(table[pair])
            i += 2
            continue
        out.append(table.get(s[i], s[i]))
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


# --- syllables and detection ----------------------------------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
    r"(?:uyê|uya|oai|oay|oao|oeo|iêu|yêu|uôi|ươi|ươu|uây|uyu|"
    r"ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    r"[aăâeêioôơuưy])"
    r"(?:ng|nh|ch|[cmnpt])?"
)


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """True if `word` (one token, any case) is shaped like a Vietnamese syllable with at most one tone."""
    w = unicodedata.normalize("NFD", word.lower())
    if sum(1 for c in w if c in _TONES) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in w if c not in _TONES))
    return bool(bare) and _SYLLABLE_RE.fullmatch(bare) is not None


_TOKEN_RE = re.compile(r"[^\s\d.,;:!?()\[\]\"'“”/\\\-–—*+=<>%&@#|_]+")
# Unicode Vietnamese letters outside Latin-1: no TCVN3/VNI text layer ever contains them.
_UNICODE_VIET_RE = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)
UNICODE_VIETNAMESE = _UNICODE_VIET_RE


_HIGH_LATIN_RE = re.compile("[\u0080-\u00ff]")
_NON_ASCII_RE = re.compile("[^\u0000-\u007f]")


def _share_valid(tokens: list[str]) -> float:
    return sum(is_vietnamese_syllable(t) for t in tokens) / len(tokens) if tokens else 0.0


def detect_legacy_encoding(s: str, *, min_words: int = 3) -> str | None:
    """'tcvn3' | 'vni' | None for a text layer, from its own characters only (conservative).

    Looks at the words holding non-ASCII characters: fires only when at least `min_words` of them exist, the
    text has (almost) no Unicode-only Vietnamese letters, and one decoding turns clearly more of those words
    into Vietnamese syllables than the text as it is.  Never fires on Unicode Vietnamese or English."""
    sample = s[:20000]
    unicode_letters = len(_UNICODE_VIET_RE.findall(sample))
    if unicode_letters >= 20 and unicode_letters > len(_HIGH_LATIN_RE.findall(sample)):
        return None  # plainly Unicode Vietnamese: skip the per-word test
    tokens = _TOKEN_RE.findall(sample)
    odd = [t for t in tokens if _NON_ASCII_RE.search(t)]
    if len(odd) < min_words:
        return None
    unicode_viet = sum(1 for t in odd if _UNICODE_VIET_RE.search(t))
    if unicode_viet > 0.1 * len(odd):
        return None
    as_is = _share_valid(odd)
    tcvn = _share_valid([decode_tcvn3(t) for t in odd])
    vni_tokens = [decode_vni(t) for t in odd]
    vni = _share_valid(vni_tokens)
    best, score = ("tcvn3", tcvn) if tcvn >= vni else ("vni", vni)
    if score >= 0.6 and score >= as_is + 0.3:
        return best
    return None


def legacy_encoding_for_font(fontname: str | None) -> str | None:
    """'tcvn3' for ABC fonts (.VnTime, .VnArialH...), 'vni' for VNI fonts (VNI-Times...), else None.

    PDF font names carry a subset prefix ('ABCDEF+.VnTime') and sometimes style suffixes."""
    if not fontname:
        return None
    name = fontname.split("+", 1)[-1].lstrip("/")
    if name.startswith(".Vn") or name.startswith("Vn") and not name.startswith("VNI"):
        return "tcvn3"
    if name.upper().startswith("VNI-") or name.upper().startswith("VNI "):
        return "vni"
    return None


def is_h_font(fontname: str | None) -> bool:
    """True for TCVN3 capital ("H") fonts such as .VnTimeH, .VnArialH, .VnTimeH-Bold."""
    if not fontname:
        return False
    name = fontname.split("+", 1)[-1].lstrip("/")
    stem = re.split(r"[-,]", name, maxsplit=1)[0]
    return legacy_encoding_for_font(name) == "tcvn3" and stem.endswith("H")
