"""Repairs of OCR damage that need context: the province in an issuer's name, the issuer code in a number.

Both follow the rule of the header module: a repair is made only when its result is one known value reached
by a small edit, and it is reported in `warnings`; anything else is left as printed (or dropped upstream).
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from parsers.metadata_tables import (
    HEADER_VOCABULARY,
    PARTY_ISSUER_CODE_BY_NAME,
    PARTY_TYPE_CODES,
    PROVINCES,
    SAME_LETTERS_AS_KNOWN,
    SURNAMES,
)
from parsers.normalize import fold, fold_key, is_caps, same_spelling

MAX_PROVINCE_EDITS = 2  # accent-free edits; the closest two provinces ('HA NAM'/'HA NOI') are 2 apart...
# ...so a damaged name is repaired only when it is strictly closer to one province than to any other.
_PROVINCE_AFTER = re.compile(r"^(.*?\bTỈNH(?: ỦY)?\s+)(.+)$")
_DAMAGED_PARTY_NUMBER = re.compile(r"^(\d{1,5})[.,_–—~-]([A-Za-zĐđ]{1,5})/([A-Za-z0-9|]{1,4})$")
_FOLDED_PROVINCES = {fold(p): p for p in PROVINCES}


def repair_province(line: str, warnings: list[str]) -> str:
    """'TỈNH ỦY GIÁ KAI' -> 'TỈNH ỦY GIA LAI': the name after 'TỈNH' is fuzzy-matched to the province list,
    only when OCR visibly damaged it: one of its words is no Vietnamese syllable.  A name spelled in real
    syllables is a real name, today's or a former province's ('HÀ TÂY', 'VĨNH PHÚ', 'HÀ BẮC' are not damaged
    'HÀ NAM', 'VĨNH PHÚC'), and an archive keeps the issuer its document printed."""
    m = _PROVINCE_AFTER.match(line)
    if not m or len(m.group(2)) < 4:
        return line
    printed = m.group(2)
    folded = fold(printed)
    if folded in _FOLDED_PROVINCES:
        return line
    ranked = sorted((Levenshtein.distance(folded, f), p) for f, p in _FOLDED_PROVINCES.items())
    (best, province), (second, _) = ranked[0], ranked[1]
    if best > MAX_PROVINCE_EDITS or second <= best:
        return line
    if all(_is_syllable(w) for w in re.findall(r"[^\W\d_]+", printed)):  # only now: it loads the dictionary
        return line
    warnings.append(f"repaired OCR damage: '{printed}' -> '{province}'")
    return m.group(1) + province


def _is_syllable(word: str) -> bool:
    """A written Vietnamese syllable: in the spelling dictionary's inventory, or without the dictionary
    shaped by the syllable grammar (then fewer damaged words are seen, and fewer repairs made)."""
    from parsers.ocr_correct import is_grammatical, is_syllable, syllable_inventory

    return is_syllable(word) if syllable_inventory() else is_grammatical(word)


def repair_party_number(compact: str, issuer: str | None) -> str | None:
    """'08.CT/ru' with issuer 'TỈNH ỦY …' -> '08-CT/TU': the separator becomes '-', the type code must be a
    known one, and the issuer code may only become the code the issuer's name implies, one edit away."""
    m = _DAMAGED_PARTY_NUMBER.match(compact)
    if not m or not issuer:
        return None
    digits, type_code, issuer_code = m.groups()
    known_type = next((t for t in PARTY_TYPE_CODES if t.upper() == type_code.upper()), None)
    key = fold_key(issuer)
    implied = next((code for start, code in PARTY_ISSUER_CODE_BY_NAME.items() if key.startswith(start)), None)
    if not known_type or not implied or Levenshtein.distance(issuer_code.upper(), implied) > 1:
        return None
    return f"{digits}-{known_type}/{implied}"


def _vocabulary() -> tuple[re.Pattern, dict[str, str]]:
    by_fold: dict[str, set[str]] = {}
    for phrase in HEADER_VOCABULARY:
        if len(phrase.split()) >= 2:
            by_fold.setdefault(fold(phrase).lower(), set()).add(phrase)
    shared = {fold(phrase).lower() for phrase in SAME_LETTERS_AS_KNOWN}  # other real words with these letters
    # one spelling per letter string, and no other real phrase spelled with its letters
    unique = {f: next(iter(p)) for f, p in by_fold.items() if len(p) == 1 and f not in shared}
    keys = sorted(unique, key=len, reverse=True)
    pattern = re.compile(
        # OCR may also drop the space of a capitals phrase ('BỘ CÔNGAN'): '\s*' between its words
        r"(?<!\w)(" + "|".join(re.escape(k).replace(r"\ ", r"\s*") for k in keys) + r")(?!\w)"
    )
    return pattern, unique


_VOCAB_RE, _VOCAB = _vocabulary()
_GLUED = {k.replace(" ", ""): k for k in _VOCAB}
# What running text (a subject, in capitals too) may have repaired: names, whose letters spell nothing else
# (province names, phrases of three words or more).  A two-word header phrase often shares its letters with
# other words of a sentence ('CÔNG SẢN' public property / 'CỘNG SẢN', 'TỪ ĐÓ' / 'TỰ DO', 'MẶT TRẦN').
_NAME_KEYS = frozenset(k for k, p in _VOCAB.items() if len(p.split()) >= 3 or p in PROVINCES)
# A province's name is a province only after 'tỉnh' or 'thành phố': elsewhere the same letters may name a
# district or a commune ('Huyện ủy Quang Bình' of Hà Giang is not 'Quảng Bình').
_PROVINCE_KEYS = frozenset(fold(p).lower() for p in PROVINCES) - frozenset(
    fold(p).lower() for p in HEADER_VOCABULARY if p not in PROVINCES
)
_PROVINCE_BEFORE = re.compile(r"(?:tinh(?: uy)?|thanh pho|thanh uy|tp\.?)\s*$")


def restore_accents(text: str | None, warnings: list[str], running_text: bool = False) -> str | None:
    """Known header words read with wrong tone marks or vowel hats get their spelling back ('LÂM ĐÒNG' ->
    'LÂM ĐỒNG', 'Lâm Đông' -> 'Lâm Đồng', 'CHANH VAN PHONG' -> 'CHÁNH VĂN PHÒNG').  Only the accents change:
    the letters must be the same as the one known phrase with those letters; the case is kept.

    Only in capitals and in capitalised words (header lines, the names of places and organs): in lower-case
    running text the same letters are often another real phrase ('công sản', public property, is not 'cộng
    sản'; 'mặt trần' is not 'mặt trận'), which no accent rule can tell apart.  Outside capitals D and Đ are
    letters, not accents: 'Từ Đó' never becomes 'Tự Do'.  `running_text` (a subject, which may be printed
    in capitals): only names are repaired (_NAME_KEYS), and D/Đ are letters in capitals too.  A province's
    name only where it names a province, after 'tỉnh' or 'thành phố'."""
    if not text:
        return text
    folded = fold(text).lower()
    out, last = [], 0
    for m in _VOCAB_RE.finditer(folded):
        printed = text[m.start() : m.end()]
        key = re.sub(r"\s+", " ", m.group(1))
        glued = key not in _VOCAB
        if glued:  # words run together: only a capitals header phrase is split again
            key = _GLUED.get(key.replace(" ", ""))
            if key is None or not is_caps(printed):
                continue
        if running_text and key not in _NAME_KEYS:
            continue
        if key in _PROVINCE_KEYS and not _PROVINCE_BEFORE.search(folded, 0, m.start()):
            continue
        phrase = _VOCAB[key]
        wanted = _in_case_of(printed, phrase)
        if wanted is None or same_spelling(printed, wanted):
            continue  # as printed, or only the old tone placement ('HOÀ' for 'HÒA')
        if (running_text or not is_caps(printed)) and _d_letters(printed) != _d_letters(wanted):
            continue
        out.append(text[last : m.start()])
        out.append(wanted)
        last = m.end()
        warnings.append(f"repaired OCR accents: '{printed}' -> '{wanted}'")
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _d_letters(text: str) -> list[bool]:
    """Which of the letters d/đ (any case) are đ, in order."""
    return [c in "đĐ" for c in text if c in "dDđĐ"]


def _in_case_of(printed: str, phrase: str) -> str | None:
    words = printed.split()
    if is_caps(printed):
        return phrase.upper()
    if all(w[:1].isupper() and (len(w) == 1 or w[1:].islower()) for w in words):
        return " ".join(w[:1].upper() + w[1:].lower() for w in phrase.split())
    return None  # lower or mixed case running text ('công sản', 'Công an' in a sentence): left as printed


_SURNAMES_BY_LETTERS: dict[str, list[str]] = {}
for _name in SURNAMES:
    _SURNAMES_BY_LETTERS.setdefault(fold(_name).lower(), []).append(_name)


def repair_surname(name: str, warnings: list[str]) -> str:
    """'Pham Minh Chính' -> 'Phạm Minh Chính': the first word of a signer's name read without (or with other)
    marks is restored when exactly one common surname has its letters.  A word printed with marks keeps its
    D or Đ (a letter, not an accent: 'Đường' is a surname of its own, not a damaged 'Dương'); only a word
    printed without any mark ('Do') may take the Đ of the one surname it spells ('Đỗ')."""
    first, _, rest = name.partition(" ")
    known = _SURNAMES_BY_LETTERS.get(fold(first).lower(), [])
    if len(known) != 1 or known[0] == first or not first[:1].isupper() or not first[1:].islower():
        return name
    if not first.isascii() and _d_letters(first) != _d_letters(known[0]):
        return name
    warnings.append(f"repaired OCR accents: '{first}' -> '{known[0]}'")
    return f"{known[0]} {rest}" if rest else known[0]


# A trích yếu opening 'Về việc …' read by OCR with another vowel ('và việc', 'vẻ việc')
_VE_VIEC_DAMAGED = re.compile(r"^(v[aàảeèẻẽé])\s+(việc)\b", re.IGNORECASE)


def repair_ve_viec(subject: str | None, warnings: list[str]) -> str | None:
    """The trích yếu's opening 'Về việc' with its vowel damaged by OCR: no trích yếu opens with 'và việc'."""
    if not subject:
        return subject
    m = _VE_VIEC_DAMAGED.match(subject)
    if not m or m.group(1) in ("Về", "về"):
        return subject
    warnings.append(f"repaired OCR accents: '{m.group(0)}' -> 'Về việc'")
    return "Về việc" + subject[m.end() :]
