"""Correction of OCR words against Vietnamese syllables and the known vocabulary of official headers.

Tesseract's `vie` model gets the letters of a scanned directive right far more often than their diacritics:
it drops or swaps tone marks and vowel modifiers ('LÂM ĐÒNG', 'Lâm Đông', 'BÔ CÔNG THƯƠNG', 'Giám đôc',
'CHANH VAN PHONG'), most of all on capitals.  Two passes over each OCR line undo that, each changing words
only when exactly one candidate is clearly closest, and only in their diacritics (the accent-free letters
stay as read, so a right word can never turn into a different word with other letters):

1. phrases: a run of words that spells, accent-insensitively, one known name of the headers and signature
   blocks (province names, organs, titles, document types, the mottos: PHRASES) takes that name's marks when
   the run is printed in capitals, is a capitalised proper name, is a name of three or more words starting
   with a capital ('Ban Tô chức' -> 'Ban Tổ chức'), or holds a word that is no syllable; capitals read with
   some of their spaces lost ('BỘ CÔNGAN') are split at the known phrase's spaces;
2. syllables: a word with a mark that is no Vietnamese syllable (not in the inventory, and either without a
   tone or against the syllable grammar) takes the marks of the one syllable of the inventory at the smallest
   diacritic distance (modifier and tone edits), if that distance is small and no other syllable is as close
   ('quôc' -> 'quốc', 'nguôn' -> 'nguồn'; 'TRUYẺN' has three equally close readings and is left).
Capitals OCR read without their spaces ('TỈNHỦYLÂMĐÔNG') are first split where they split into syllables in
one way only.

The syllable inventory is the Vietnamese spelling dictionary of LibreOffice (Debian `hunspell-vi`, the list of
the language's ~6,600 written syllables); without it the second pass is skipped.  Old and new tone placement
('HOÀ'/'HÒA', 'UỶ'/'ỦY') are both right and never changed.  Every change is returned as a readable note so the
caller can report it."""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from parsers.legacy import is_vietnamese_syllable
from parsers.metadata_tables import DOC_TYPES, HEADER_PHRASES, PROVINCES, SAME_LETTERS_AS_KNOWN
from parsers.normalize import fold, same_spelling, tone_key

DICTIONARY_ENV = "DIRECTIVES_VI_DICTIONARY"
DICTIONARY_PATHS = (Path("/usr/share/hunspell/vi_VN.dic"), Path("/usr/share/myspell/vi_VN.dic"))
MAX_SYLLABLE_EDITS = 2  # diacritic edits a non-syllable may need to become the one closest syllable

# Names of the header and signature blocks beyond metadata_tables (State and Party organs and titles of the
# format rules: NĐ 30/2020 Phụ lục, Quy định 66-QĐ/TW); all in capitals as headers print them.
EXTRA_PHRASES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "ĐỘC LẬP - TỰ DO - HẠNH PHÚC",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "ỦY BAN NHÂN DÂN",
    "ỦY BAN",
    "HỘI ĐỒNG NHÂN DÂN",
    "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM",
    "MẶT TRẬN TỔ QUỐC",
    "BAN THƯỜNG TRỰC",
    "BAN CHẤP HÀNH",
    "BAN TỔ CHỨC",
    "BAN TUYÊN GIÁO",
    "BAN DÂN VẬN",
    "BAN NỘI CHÍNH",
    "BAN TUYÊN GIÁO VÀ DÂN VẬN",
    "BAN CHỈ ĐẠO",
    "BAN BIÊN TẬP",
    "THỦ TƯỚNG CHÍNH PHỦ",
    "VĂN PHÒNG CHÍNH PHỦ",
    "CHÍNH PHỦ",
    "THỦ TƯỚNG",
    "PHÓ THỦ TƯỚNG",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "HIỆU TRƯỞNG",
    "PHÓ HIỆU TRƯỞNG",
    "TỔNG BIÊN TẬP",
    "PHÓ TỔNG BIÊN TẬP",
    "TỔNG GIÁM ĐỐC",
    "PHÓ TỔNG GIÁM ĐỐC",
    "PHÓ CHỦ TỊCH THƯỜNG TRỰC",
    "CHÁNH THANH TRA",
    "TRƯỞNG PHÒNG",
    "PHÓ TRƯỞNG PHÒNG",
    "CÔNG AN TỈNH",
    "BỘ CÔNG AN",
    "BỘ QUỐC PHÒNG",
    "BỘ NGOẠI GIAO",
    "BỘ NỘI VỤ",
    "BỘ TƯ PHÁP",
    "BỘ TÀI CHÍNH",
    "BỘ CÔNG THƯƠNG",
    "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "BỘ XÂY DỰNG",
    "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
    "BỘ KHOA HỌC VÀ CÔNG NGHỆ",
    "BỘ GIÁO DỤC VÀ ĐÀO TẠO",
    "BỘ Y TẾ",
    "BỘ DÂN TỘC VÀ TÔN GIÁO",
    "NGÂN HÀNG NHÀ NƯỚC VIỆT NAM",
    "THANH TRA CHÍNH PHỦ",
    "SỞ NỘI VỤ",
    "SỞ TƯ PHÁP",
    "SỞ TÀI CHÍNH",
    "SỞ CÔNG THƯƠNG",
    "SỞ XÂY DỰNG",
    "SỞ Y TẾ",
    "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
    "SỞ NGOẠI VỤ",
    "SỞ DÂN TỘC VÀ TÔN GIÁO",
    "THÀNH PHỐ HỒ CHÍ MINH",
    "BÁO VÀ PHÁT THANH, TRUYỀN HÌNH",
    "PHÁT THANH VÀ TRUYỀN HÌNH",
    "PHÁT THANH",
    "TRUYỀN HÌNH",
    "BƯU CHÍNH VIỄN THÔNG",
    "VIỄN THÔNG",
)
# Lines printed in mixed case that OCR damages the same way.
MIXED_CASE_PHRASES = ("Độc lập - Tự do - Hạnh phúc", "Nơi nhận", "Kính gửi")
# Word pairs of the subject and body lines of directives that no other pair of syllables spells without
# marks: repaired in any case ('vẻ việc' -> 'về việc', 'thành phân' -> 'thành phần').
COLLOCATIONS = (
    "về việc",
    "đề nghị",
    "tổ chức",
    "thành phần",
    "buổi làm việc",
    "tiến bộ",
    "triển khai",
    "chỉ đạo",
    "hội đồng",
    # the ranks printed before a Công an or army signer's name
    "thiếu tướng",
    "trung tướng",
    "thượng tướng",
    "đại tướng",
    "thiếu tá",
    "trung tá",
    "thượng tá",
    "đại tá",
)

_WORD = re.compile(r"^(\W*)([^\W\d_]+)(\W*)$")
_PUNCT = re.compile(r"^[^\w\s]+$")
_MODIFIERS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn (đ is its own letter)


def _split_word(token: str) -> tuple[str, str, str] | None:
    """(leading punctuation, letters, trailing punctuation) of a word, ('', token, '') for a dash or other
    punctuation token; None for a token holding digits or inner punctuation ('V/v', '02/2026')."""
    m = _WORD.match(token)
    if m:
        return m.group(1), m.group(2), m.group(3)
    return ("", token, "") if _PUNCT.match(token) else None


def _case_like(model: str, target: str) -> str:
    """`target` (same length as `model`) with the case of each of `model`'s letters."""
    return "".join(t.upper() if m.isupper() else t.lower() for m, t in zip(model, target, strict=True))


def _fold_upper(word: str) -> str:
    return fold(word).upper()


def diacritic_distance(a: str, b: str) -> int | None:
    """Edits of vowel modifiers and of the tone between two words of the same accent-free letters (case and
    tone position ignored); None when the letters differ."""
    if _fold_upper(a) != _fold_upper(b):
        return None
    letters_a, tone_a = tone_key(a)
    letters_b, tone_b = tone_key(b)
    return sum(x != y for x, y in zip(letters_a, letters_b, strict=True)) + (tone_a != tone_b)


# ---- the syllable inventory -------------------------------------------------------------------------------


def dictionary_path() -> Path | None:
    env = os.environ.get(DICTIONARY_ENV)
    if env:
        return Path(env) if Path(env).is_file() else None
    return next((p for p in DICTIONARY_PATHS if p.is_file()), None)


@lru_cache(maxsize=1)
def syllable_inventory() -> dict[str, tuple[str, ...]]:
    """Accent-free upper-case letters -> the written syllables (lower case) that fold to them; empty without
    the dictionary.  The .dic file's first line is its entry count; entries may carry '/flags'."""
    path = dictionary_path()
    if path is None:
        return {}
    by_fold: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        entry = unicodedata.normalize("NFC", line.split("/", 1)[0].strip()).lower()
        if entry.isalpha() and " " not in entry:
            by_fold.setdefault(_fold_upper(entry), set()).add(entry)
    return {k: tuple(sorted(v)) for k, v in by_fold.items()}


@lru_cache(maxsize=1)
def _valid_keys() -> frozenset[tuple[str, str]]:
    return frozenset(tone_key(s) for spellings in syllable_inventory().values() for s in spellings)


def is_syllable(word: str) -> bool:
    """True when `word` is a written syllable of the inventory (any case, either tone placement)."""
    return tone_key(word) in _valid_keys()


_STOP_CODA = re.compile(r"(?:c|ch|p|t)$")
_STOP_TONES = {"\u0301", "\u0323"}  # sắc, nặng: the only tones a syllable ending in c/ch/p/t can carry


def has_tone(word: str) -> bool:
    return bool(tone_key(word)[1])


def is_grammatical(word: str) -> bool:
    """The rule-based check: shaped like a Vietnamese syllable (parsers.legacy's onset-rhyme grammar) and,
    if it ends in a stop consonant, carrying the sắc or nặng tone ('quôc', 'xuât' break that rule)."""
    if not is_vietnamese_syllable(word):
        return False
    tone = tone_key(word)[1]
    return not _STOP_CODA.search(fold(word).lower()) or tone in _STOP_TONES


def closest_syllable(word: str) -> str | None:
    """The one syllable of the inventory that `word` becomes by the fewest diacritic edits (at most
    MAX_SYLLABLE_EDITS, and strictly fewer than any other), in `word`'s case; None otherwise."""
    spellings = syllable_inventory().get(_fold_upper(word))
    if not spellings:
        return None
    scored = sorted((diacritic_distance(word, s), s) for s in spellings)
    best, spelling = scored[0]
    if best == 0 or best > MAX_SYLLABLE_EDITS or (len(scored) > 1 and scored[1][0] == best):
        return None
    return _case_like(word, spelling)


# ---- phrases ----------------------------------------------------------------------------------------------


def _title(phrase: str) -> str:
    return " ".join(w[:1] + w[1:].lower() for w in phrase.split())


@lru_cache(maxsize=1)
def _phrases() -> dict[tuple[str, ...], tuple[tuple[str, ...], bool]]:
    """Accent-free upper-case words -> (the phrase's words, is a proper name) for phrases of >= 2 words whose
    accent-free spelling is unique (two names differing only in marks would make a repair a guess), and no
    other real phrase's (metadata_tables.SAME_LETTERS_AS_KNOWN)."""
    known = (*HEADER_PHRASES, *DOC_TYPES, *EXTRA_PHRASES, *MIXED_CASE_PHRASES, *COLLOCATIONS)
    names = {p: False for p in known}
    names.update({_title(p): True for p in PROVINCES})
    for province in PROVINCES:  # the province in an issuer's line: 'TỈNH LÂM ĐỒNG', 'TỈNH ỦY LÂM ĐỒNG'
        names.update({f"{unit} {province}": False for unit in ("TỈNH", "TỈNH ỦY", "THÀNH PHỐ", "THÀNH ỦY")})
    out: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
    clashes: set[tuple[str, ...]] = set()
    for phrase, proper in names.items():
        # the words without their punctuation ('VĂN HÓA,'): OCR words are matched by their letters
        words = tuple(w.strip(",.;:") for w in phrase.split() if w.strip(",.;:"))
        if len(words) < 2:
            continue
        key = tuple(_fold_upper(w) for w in words)
        if key in out and tuple(tone_key(w) for w in out[key][0]) != tuple(tone_key(w) for w in words):
            clashes.add(key)
        out.setdefault(key, (words, proper))
    clashes.update(tuple(_fold_upper(w) for w in p.split()) for p in SAME_LETTERS_AS_KNOWN)
    for key in clashes:
        out.pop(key, None)
    return out


@lru_cache(maxsize=1)
def _phrase_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(k) for k in _phrases()}, reverse=True))


@lru_cache(maxsize=1)
def _glued_phrases() -> dict[str, tuple[str, ...]]:
    """Accent-free capitals of a phrase without its spaces -> its words ('BOCONGAN' -> BỘ CÔNG AN)."""
    out: dict[str, tuple[str, ...]] = {}
    clashes: set[str] = set()
    for words, _proper in _phrases().values():
        key = "".join(_fold_upper(w) for w in words)
        if key in out and out[key] != words:
            clashes.add(key)
        out.setdefault(key, words)
    for key in clashes:
        del out[key]
    return out


MAX_GLUED_RUN = 3  # OCR words a known phrase read with some of its spaces lost may span


def _unglue(cores: list[str]) -> list[list[str]] | None:
    """The phrase words each of a run of capitals words covers, when the run is a known phrase with some
    spaces lost ('BỘ', 'CÔNGAN' -> [['BỘ'], ['CÔNG', 'AN']]); None otherwise, or when no space was lost."""
    if not all(c.isalpha() and c.isupper() for c in cores):
        return None
    phrase = _glued_phrases().get("".join(_fold_upper(c) for c in cores))
    if phrase is None or len(phrase) == len(cores):
        return None
    out: list[list[str]] = []
    k = 0
    for core in cores:
        taken, length = [], 0
        while k < len(phrase) and length < len(core):
            taken.append(phrase[k])
            length += len(phrase[k])
            k += 1
        if length != len(core):  # a word boundary of the phrase falls inside an OCR word
            return None
        out.append(taken)
    return out


@lru_cache(maxsize=1)
def _collocation_keys() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(_fold_upper(w) for w in c.split()) for c in COLLOCATIONS)


def _applies(printed: list[str], words: tuple[str, ...], proper: bool) -> bool:
    """A run is repaired when it is printed in capitals (headers, titles), is a capitalised proper name, or
    holds a word that is no syllable; never when it already is the phrase in either tone placement."""
    if all(tone_key(p) == tone_key(w) for p, w in zip(printed, words, strict=True)):
        return False
    if all(not c.islower() for p in printed for c in p):
        return True
    if proper and all(p[:1].isupper() for p in printed):
        return True
    if len(words) >= 3 and printed[0][:1].isupper():  # an organ's name in a sentence: 'Ban Tô chức'
        return True
    if tuple(_fold_upper(w) for w in words) in _collocation_keys():
        return True
    inventory = syllable_inventory()
    return bool(inventory) and any(p.isalpha() and not is_syllable(p) for p in printed)


# ---- the passes --------------------------------------------------------------------------------------------


def split_glued(token: str) -> list[str] | None:
    """The syllables of a capitals token OCR read without its spaces ('TỈNHỦYLÂMĐÔNG'), when it splits into
    syllables of two or more letters in exactly one way with the fewest parts; None otherwise.  Only tokens
    with a Vietnamese letter are tried (acronyms such as 'UBND', 'PAPI' are no glued words)."""
    if len(token) < 5 or not token.isalpha() or not token.isupper() or token.isascii():
        return None
    if not syllable_inventory() or _fold_upper(token) in syllable_inventory():
        return None  # one syllable, maybe with damaged marks ('TRUYẺN'), not two glued ones
    n = len(token)
    # best[i] = (fewest parts for token[i:], number of ways with that many, first cut)
    best: list[tuple[int, int, int] | None] = [None] * n + [(0, 1, n)]
    for i in range(n - 2, -1, -1):
        options = [
            (best[j][0] + 1, best[j][1], j)
            for j in range(i + 2, min(n, i + 7) + 1)
            if best[j] is not None and is_syllable(token[i:j])
        ]
        if options:
            fewest = min(o[0] for o in options)
            ways = sum(o[1] for o in options if o[0] == fewest)
            best[i] = (fewest, ways, next(o[2] for o in options if o[0] == fewest))
    if best[0] is None or best[0][1] != 1 or best[0][0] < 2:
        return None
    out, i = [], 0
    while i < n:
        j = best[i][2]
        out.append(token[i:j])
        i = j
    return out


def correct_words(words: list[str]) -> tuple[list[str], list[str]]:
    """(corrected words, notes of the changes) for the words of one OCR line, in reading order.  A word keeps
    its leading and trailing punctuation; only its letters' diacritics may change (and the spaces of a glued
    word: use split_words first)."""
    parts = [_split_word(w) for w in words]
    cores = [None if part is None else part[1] for part in parts]
    out = list(words)
    notes: list[str] = []
    fixed = [False] * len(words)
    i = 0
    while i < len(words):  # pass 1: the longest known phrase starting at i
        glued = _unglue_at(cores, i)
        if glued is not None:
            n, pieces = glued
            for k, targets in enumerate(pieces):
                lead, core, trail = parts[i + k]
                spelled, start = [], 0
                for target in targets:
                    spelled.append(_case_like(core[start : start + len(target)], target))
                    start += len(target)
                out[i + k] = lead + " ".join(spelled) + trail
                fixed[i + k] = True
            notes.append(f"'{' '.join(cores[i : i + n])}' -> '{' '.join(out[i : i + n])}'")
            i += n
            continue
        for n in _phrase_lengths():
            run = cores[i : i + n]
            if len(run) < n or None in run:
                continue
            key = tuple(_fold_upper(c) for c in run)
            hit = _phrases().get(key)
            if hit is None or not _applies(run, hit[0], hit[1]):
                continue
            if any(_printed_right_at(cores, j, i + n) for j in range(i + 1, i + n)):
                continue  # 'để nghị quyết': 'nghị quyết' printed right; 'để nghị' is no damaged 'đề nghị'
            phrase, _ = hit
            for k, (core, target) in enumerate(zip(run, phrase, strict=True)):
                lead, _, trail = parts[i + k]
                out[i + k] = lead + _case_like(core, target) + trail
                fixed[i + k] = True
            notes.append(f"'{' '.join(run)}' -> '{' '.join(out[i : i + n])}'")
            i += n - 1
            break
        i += 1
    if not syllable_inventory():
        return out, notes
    for i, core in enumerate(cores):  # pass 2: words that are no syllable
        if fixed[i] or core is None or len(core) < 2 or not core.isalpha() or core.isascii():
            continue  # a word without any mark is an acronym or a foreign word as often as damage ('MOOC')
        if is_syllable(core) or (has_tone(core) and is_grammatical(core)):
            continue  # a toned word the grammar allows may be a syllable the dictionary lacks ('nòng')
        better = closest_syllable(core)
        if better is not None:
            lead, _, trail = parts[i]
            out[i] = lead + better + trail
            notes.append(f"'{core}' -> '{better}'")
    return out, notes


def _printed_right_at(cores: list[str | None], j: int, end: int) -> bool:
    """A known phrase starts at word j, runs past word `end` (the end of a run that might be repaired) and is
    printed exactly (either tone placement): the two overlap, and the words are right as printed, read as
    that phrase ('để nghị quyết' is 'để' + 'nghị quyết', not a damaged 'đề nghị' + 'quyết')."""
    for n in _phrase_lengths():
        run = cores[j : j + n]
        if j + n <= end or len(run) < n or None in run:
            continue
        hit = _phrases().get(tuple(_fold_upper(c) for c in run))
        if hit and same_spelling(" ".join(run), " ".join(hit[0])):
            return True
    return False


def _unglue_at(cores: list[str | None], i: int) -> tuple[int, list[list[str]]] | None:
    """(run length, pieces) of the longest run from i that is a known phrase with lost spaces."""
    for n in range(MAX_GLUED_RUN, 0, -1):
        run = cores[i : i + n]
        if len(run) == n and None not in run:
            pieces = _unglue(run)
            if pieces is not None:
                return n, pieces
    return None


def split_boxes(boxes: list[tuple], notes: list[str]) -> list[tuple]:
    """Glued capitals words (split_glued) cut into one box per syllable, the width shared by letters."""
    out = []
    for box in boxes:
        part = _split_word(box[4])
        pieces = split_glued(part[1]) if part else None
        if not pieces:
            out.append(box)
            continue
        lead, _, trail = part
        x0, x1, total = box[0], box[2], len(box[4])
        start = len(lead)
        for k, piece in enumerate(pieces):
            text = (lead if k == 0 else "") + piece + (trail if k == len(pieces) - 1 else "")
            left = x0 + (x1 - x0) * start // total
            start += len(piece)
            right = x0 + (x1 - x0) * (start + (len(trail) if k == len(pieces) - 1 else 0)) // total
            out.append((left, box[1], right, box[3], text, *box[5:]))
        notes.append(f"'{box[4]}' -> '{' '.join(pieces)}'")
    return out


def correct_boxes(boxes: list[tuple]) -> tuple[list[tuple], list[str]]:
    """OCR word boxes (x0, top, x1, bottom, text, line_id, conf) with glued capitals words split and their
    texts corrected line by line (boxes of a line in x order); (boxes, notes of the changes)."""
    notes: list[str] = []
    boxes = split_boxes(boxes, notes)
    by_line: dict[tuple, list[int]] = {}
    for index, box in enumerate(boxes):
        by_line.setdefault(box[5], []).append(index)
    out = list(boxes)
    for indexes in by_line.values():
        indexes.sort(key=lambda k: boxes[k][0])
        texts, changed = correct_words([boxes[k][4] for k in indexes])
        notes.extend(changed)
        for k, text in zip(indexes, texts, strict=True):
            if text != boxes[k][4]:
                out[k] = (*boxes[k][:4], text, *boxes[k][5:])
    return out, notes
