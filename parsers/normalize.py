"""Text helpers shared by the metadata layer and the accuracy report.

Accent folding is done character by character so that an offset found in the folded string is the same offset
in the original: regexes run on the folded text (OCR damages tone marks), values are cut from the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")
_BOLD = re.compile(r"\*\*")
# single '*' wrapping words (markdown italic); a lone '*' line (the Party header asterisk) is kept
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    if ch == "\u00d0":  # Icelandic Eth, typed for Đ by some fonts and OCR engines
        return "D"
    base = unicodedata.normalize("NFD", ch)[0]
    return base if base.isascii() else ch


class _CharTable(dict):
    """A str.translate table filled on first use of each character (fast on long texts)."""

    def __init__(self, fn):
        super().__init__()
        self._fn = fn

    def __missing__(self, code: int) -> str:
        value = self[code] = self._fn(chr(code))
        return value


_FOLD = _CharTable(_fold_char)
# Lower-cased too, but only where lower-casing keeps one character (offsets stay offsets).
_FOLD_LOWER = _CharTable(
    lambda ch: _fold_char(ch).lower() if len(_fold_char(ch).lower()) == 1 else _fold_char(ch)
)


# Lines are folded through a cache: the field rules fold the same document lines several times each (debris,
# appendix and closing tests), and str.translate costs ~40 ns a character on Vietnamese text.  Only short
# strings: a long-lived worker that folds whole bodies (the search index) must not keep thousands of them.
FOLD_CACHED_LENGTH = 500


def fold(text: str) -> str:
    """Strip Vietnamese diacritics keeping the length: fold(s)[i] is the base letter of s[i] (s is NFC)."""
    if text.isascii():
        return text
    return _fold_line(text) if len(text) <= FOLD_CACHED_LENGTH else text.translate(_FOLD)


@lru_cache(maxsize=8192)
def _fold_line(text: str) -> str:
    return text.translate(_FOLD)


def fold_lower(text: str) -> str:
    """fold() and lower case, still character for character: offsets found here are offsets in `text`."""
    return text.translate(_FOLD_LOWER)


def fold_key(text: str) -> str:
    """Accent-, case- and punctuation-insensitive key: 'Cộng hòa  XÃ-HỘI' -> 'cong hoa xa hoi'.

    This is the archive's Vietnamese folding (search, filters, citation keys all use it under its other
    name, `fold_vietnamese`): NFC first, đ/Đ -> d, tones and vowel marks stripped (so the old and the new tone
    placement, hoà/hòa and uỷ/ủy, fold alike), lower case, every run of other characters one space."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(nfc(text)).lower()))


fold_vietnamese = fold_key

# Tone marks as one digit, so an accented token stays one alphanumeric word for any full-text tokenizer.
_TONE_DIGITS = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}


def accent_tokens(text: str) -> list[str]:
    """Accent-sensitive but tone-placement-insensitive tokens: 'Đảng' -> ['đang3'], 'đang' -> ['đang'],
    'hoà' and 'hòa' -> ['hoa2']. Search ranks a match of these above a folded-only match."""
    return [_accent_token(word) for word in re.findall(r"[^\W_]+", nfc(text).lower())]


@lru_cache(maxsize=65536)
def _accent_token(word: str) -> str:
    letters, tones = tone_key(word)
    return letters.lower() + "".join(_TONE_DIGITS[t] for t in tones)


def strip_markdown(text: str) -> str:
    """Remove the bold/italic markers of the seed texts; `**` glued between two words becomes a line break
    (the seeds print 'THÔNG BÁO**Của đồng chí…**' for a type line followed by a bold subject line)."""
    text = re.sub(r"(?<=\S)\*\*(?=\S)", "\n", text)
    text = _BOLD.sub("", text)
    return _ITALIC.sub(r"\1", text)


def clean_line(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def collapse_ws(text: str) -> str:
    return _SPACES.sub(" ", re.sub(r"\s+", " ", text)).strip()


def is_caps(text: str, min_letters: int = 2) -> bool:
    """True when every cased letter is upper case and there are enough letters to judge."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= min_letters and all(not c.islower() for c in letters)


def proper_case(name: str) -> str:
    """'NGUYỄN VĂN AN' -> 'Nguyễn Văn An'; a name already in mixed case is returned as printed."""
    if not is_caps(name):
        return name
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split())


# Tone marks vs. vowel modifiers: the old and new tone placement ("HOÀ"/"HÒA", "UỶ"/"ỦY") are both correct
# spellings, so comparisons that decide whether a word was damaged ignore where the tone mark sits.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def tone_key(word: str) -> tuple[str, str]:
    """(letters with their vowel modifiers, the tone marks) of a word, insensitive to the tone's position."""
    letters, tones = [], []
    for ch in unicodedata.normalize("NFD", word.upper()):
        (tones if ch in _TONES else letters).append(ch)
    return unicodedata.normalize("NFC", "".join(letters)), "".join(sorted(tones))


def same_spelling(a: str, b: str) -> bool:
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(tone_key(x) == tone_key(y) for x, y in zip(wa, wb, strict=True))


def normalize_for_cer(text: str) -> str:
    """What CER compares: NFC, no markdown markers, all whitespace runs as one space."""
    return collapse_ws(strip_markdown(nfc(text or "")))


def cer(hypothesis: str | None, reference: str | None) -> float:
    """Character error rate = Levenshtein(hyp, ref) / len(ref) on normalised text (1.0 when hyp is empty)."""
    ref = normalize_for_cer(reference or "")
    hyp = normalize_for_cer(hypothesis or "")
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(hyp, ref) / len(ref)
