"""Page-1 header of an official document: mottos, issuer block, number, place and date, type line, trích yếu.

Every finder takes the document's lines (cleaned, '' for a blank line) and appends to `warnings` what it
repaired or could not read.  Nothing is guessed: a value that does not validate is dropped with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from parsers.metadata_repairs import repair_party_number, repair_province
from parsers.metadata_tables import (
    BODY_HEADINGS,
    BODY_OPENERS,
    DIGIT_LOOKALIKES,
    DOC_TYPES,
    HEADER_PHRASES,
    MONTH_WORDS,
    NONSTANDARD_TYPE_NAMES,
    PARTY_ISSUER_ENDINGS,
    PARTY_TYPE_CODES,
    STATE_TYPE_CODES,
)
from parsers.normalize import clean_line, fold, fold_key, is_caps, same_spelling

HEADER_SCAN_LINES = 40  # non-blank lines at the top of page 1 where the header may sit
LONG_PARAGRAPH = 220  # a line this long is body text, never a header or trích yếu line
MIN_YEAR = 1930  # the Party was founded in 1930; nothing older is a plausible issued date
MOTTO_SCORE = 80  # rapidfuzz partial_ratio for an OCR-damaged motto to count

PARTY_MOTTO = "dang cong san viet nam"
STATE_MOTTO = "cong hoa xa hoi chu nghia viet nam"
STATE_MOTTO_2 = "doc lap tu do hanh phuc"
OLD_STATE_MOTTO = "viet nam dan chu cong hoa"

_L = "A-Za-zĐđ"
PARTY_NUMBER = re.compile(rf"^(\d{{1,5}})-([{_L}]{{1,5}})/([{_L}][{_L}0-9&]*(?:-[{_L}][{_L}0-9&]*)*)$")
STATE_NUMBER = re.compile(rf"^(\d{{1,5}})/(?:(\d{{4}})/)?([{_L}][{_L}0-9&]*)((?:-[{_L}0-9&]+)*)$")
# On folded text: 'Số:', 'S6:', 'So'; the number may be a blank or handwriting ('Số: /UBND-NC', 'Số: -.-- /…',
# 'Số:...../KH-DCT', 'Số {l3 -CV/…', 'Số: ⁄2#7MTTQ-BTT')
_NUMBER_LINE = re.compile(r"^[^\w]{0,3}S[o06&]\s*[:;]?\s*(?=\S)")
# A line that starts with the word 'Số' and has neither its colon nor a digit nor a slash is a sentence or a
# table row ('Số lượng văn bản…', 'Số lớp tập huấn…' in an appendix table), not the number line.
_NUMBER_MARK = re.compile(r"^[^\w]{0,3}S[o06&]\s*[:;]|[\d/⁄]")


def is_number_line(folded: str) -> bool:
    """The header's number line ('Số: 12/KH-TU', a blank 'Số:   /UBND-NC', handwriting), on folded text."""
    return bool(_NUMBER_LINE.match(folded) and _NUMBER_MARK.search(folded))


# The day may be blank: unsigned drafts and scans with a handwritten day print 'ngày    tháng 11 năm 2025'.
_DATE = re.compile(
    r"ngay\s*[,.]?\s*(?:(\S{1,3})\s+)??th[a-z]{2,4}\s+(.{1,12}?)\s+n[a-z]m\s+(\S{4})", re.IGNORECASE
)
# OCR reads the V of 'V/v' as 'ƒ' too; some offices quote the whole trích yếu ('“V/v … giúp việc”')
_VV = re.compile(r"^[“\"]?[Vƒ]\s*/\s*[vV]?\s*[.:]?\s+")
# a công văn may print 'Về việc' in full under its number (folded: OCR damages the tones, 'vẻ việc')
_VE_VIEC = re.compile(r"^[“\"]?ve\s+viec\s*[.:]?\s+", re.IGNORECASE)


def _vv_start(line: str) -> int | None:
    """Where the trích yếu starts after a 'V/v' or 'Về việc' opening the line, else None."""
    m = _VV.match(line) or _VE_VIEC.match(fold(line))
    return m.end() if m else None


# A rule drawn under a header block ('-----', '____', '* * *'); a lone '-' or '+' is a list or table-cell
# marker, which must not stretch the header over an appendix table's rows.
_RULE = re.compile(r"^(?=(?:\s*[\-_=*~.·•]){2})[\s\-_=*~.·•]+$")
# First words of an organ's name in the left header block.
ORGAN_STARTS = (
    "dang bo",
    "dang uy",
    "tinh uy",
    "huyen uy",
    "thanh uy",
    "thi uy",
    "quan uy",
    "chi bo",
    "ban ",
    "uy ban",
    "ubnd",
    "hdnd",
    "hoi dong",
    "so ",
    "bo ",
    "van phong",
    "quoc hoi",
    "chinh phu",
    "cuc ",
    "tong cuc",
    "toa an",
    "vien ",
    "truong ",
    "phong ",
    "dai hoi",
    "dang doan",
    "mat tran",
    "cong an",
    "bch ",
    "doan ",
    "tap doan",
    "tong cong ty",
    "cong ty",
    "vien thong",
    "dai hoc",
    "hoc vien",
    "chi cuc",
    "trung tam",
    "bao ",
    "thu tuong",  # THỦ TƯỚNG CHÍNH PHỦ issues as a person-organ
    "chu tich nuoc",
)
_ADMIN_UNITS = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran")
_COLLECTIVE_STEMS = ("uy ban nhan dan", "hoi dong nhan dan")
_PARTY_COMMITTEE = re.compile(r"^(tinh|huyen|thanh|quan|thi|xa|phuong) uy\b")


@dataclass
class Header:
    motto_family: str | None = None
    issuer_lines: list[str] = field(default_factory=list)
    number_line: int | None = None
    number_text: str | None = None
    date_line: int | None = None
    vv_line: int | None = None
    end: int = -1  # index of the last header line


def motto_kind(line: str) -> tuple[str | None, int]:
    """('party'|'state'|'state2', start offset of the motto in the line) or (None, -1)."""
    key = fold(line).lower()
    for kind, motto in (
        ("party", PARTY_MOTTO),
        ("state", STATE_MOTTO),
        ("state", OLD_STATE_MOTTO),
        ("state2", STATE_MOTTO_2),
    ):
        if len(re.sub(r"[^a-z]", "", key)) < 10:
            break
        aligned = fuzz.partial_ratio_alignment(motto, key, score_cutoff=MOTTO_SCORE)
        if aligned is not None:
            if kind == "state" and motto == OLD_STATE_MOTTO and aligned.dest_start > 0:
                continue  # 'NƯỚC VIỆT NAM DÂN CHỦ CỘNG HOÀ' inside a title is not the motto line
            start = aligned.dest_start
            if start > 0 and line[start - 1] != " ":  # the alignment may start inside the motto's first word
                start = line.rfind(" ", 0, start) + 1
            return kind, start
    return None, -1


def _is_noise_header(line: str) -> bool:
    key = fold_key(line)
    return (
        not line
        or _RULE.match(line) is not None
        or key.replace(" ", "").isdigit()
        or "cong bao" in key
        or key.startswith(("ky boi", "email", "co quan", "thoi gian ky"))
        or _DRAFT_MARK.match(key) is not None
    )


# 'DỰ THẢO', 'DỰ THẢO LẦN 2' (a draft's mark, often a text box beside the number): not the issuer's name
_DRAFT_MARK = re.compile(r"^(du thao)( lan \d+| \d+)?( (du thao)( lan \d+| \d+)?)*$")


def scan_header(lines: list[str]) -> Header:
    """Classify the top lines; the header ends at its last motto/number/date/asterisk line."""
    head = Header()
    seen = 0
    for i, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > HEADER_SCAN_LINES or len(line) > LONG_PARAGRAPH:
            break
        if type_of_line(line) or fold_key(line).startswith(("kinh gui", "noi nhan")):
            break
        if line == "*" or _RULE.match(line):
            head.end = i if head.end >= 0 or head.issuer_lines else head.end
            continue
        kind, start = motto_kind(line)
        if kind and _motto_is_a_header_line(line, start):
            if kind != "state2" and head.motto_family is None:
                head.motto_family = kind
            left = line[:start].strip(" -_|")
            if left and is_caps(left) and not _is_noise_header(left):
                head.issuer_lines.append(left)
            head.end = i
            continue
        folded = fold(line)
        if head.number_line is None and is_number_line(folded):
            head.number_line, head.number_text, head.end = i, line, i
            if _DATE.search(folded) and head.date_line is None:
                head.date_line = i
            continue
        if head.date_line is None and _DATE.search(folded) and len(line) < 90 and _date_starts_line(folded):
            head.date_line, head.end = i, i
            continue
        if head.vv_line is None and _vv_start(line) is not None and head.number_line is not None:
            head.vv_line, head.end = i, i
            continue
        if (
            is_caps(line)
            and not _is_noise_header(line)
            and not _starts_with_type_name(line)
            and head.vv_line is None
            and head.number_line is None
            and len(line) < 90
        ):
            head.issuer_lines.append(line.strip(" -_|*"))
    if head.end < 0:
        head.issuer_lines = []  # caps lines without any header element around them are titles, not issuers
    return head


def _motto_is_a_header_line(line: str, start: int) -> bool:
    """A motto quoted in a sentence ('Căn cứ Hiến pháp nước Cộng hòa…;') is not the header's motto."""
    left = line[:start].strip(" -_|")
    return not left or (is_caps(left) and len(line) - start < 60)


def _starts_with_type_name(line: str) -> bool:
    key = fold_key(line)
    return any(key == tkey or key.startswith(tkey + " ") for tkey, _ in _TYPE_KEYS)


def _date_starts_line(folded: str) -> bool:
    """The place-and-date line starts with the place (or 'ngày'); a body sentence has the date inside it."""
    m = _DATE.search(folded)
    before = folded[: m.start()].strip(" ,")
    return len(before) <= 40 and not re.search(r"\d", before)


# ---- issuer -------------------------------------------------------------------------------------------


def issuer_from_lines(lines: list[str], warnings: list[str]) -> tuple[str | None, str | None]:
    """(issuer, issuer_parent) from the left block lines, repaired against HEADER_PHRASES."""
    lines = [
        repair_province(repair_phrases(_strip_junk(x), warnings), warnings) for x in lines if _strip_junk(x)
    ]
    lines = _join_wrapped(lines)
    if len(lines) >= 2:
        issuer, parent = _issuer_and_parent(lines, warnings)
        return (issuer and issuer.rstrip(" ,")), (parent and parent.rstrip(" ,"))
    return (_valid_organ(lines[0].rstrip(" ,"), warnings), None) if lines else (None, None)


def _issuer_and_parent(lines: list[str], warnings: list[str]) -> tuple[str | None, str | None]:
    if (
        len(lines) >= 2
        and fold_key(lines[0]) in _COLLECTIVE_STEMS
        and fold_key(lines[1]).startswith(_ADMIN_UNITS)
    ):
        lines = [f"{lines[0]} {lines[1]}", *lines[2:]]  # 'ỦY BAN NHÂN DÂN / TỈNH QUẢNG NGÃI' is one name
    if (
        len(lines) >= 3
        and fold_key(lines[1]).startswith(_ADMIN_UNITS)
        and not _PARTY_COMMITTEE.match(fold_key(lines[1]))
    ):
        # 'BAN CHỈ HUY PCTT VÀ TKCN / TỈNH THỪA THIÊN HUẾ / VĂN PHÒNG THƯỜNG TRỰC': the place names the parent
        lines = [f"{lines[0]} {lines[1]}", *lines[2:]]
    if len(lines) == 1:
        return _valid_organ(lines[0], warnings), None
    return _valid_organ(" ".join(lines[1:]), warnings), _valid_organ(lines[0], warnings)


def _valid_organ(name: str, warnings: list[str]) -> str | None:
    """An organ's name starts like one and is made of words; OCR debris (a seal over the line) is dropped."""
    words = name.split()
    # letters, or a plain number ('ĐỀ ÁN 06'); OCR debris mixes symbols into words
    wordy = all(sum(c.isalpha() for c in w) >= len(w) - 1 or w.strip(",.").isdigit() for w in words)
    if fold_key(name).startswith(ORGAN_STARTS) and wordy:
        return name
    warnings.append(f"issuer line unreadable, left out: '{name}'")
    return None


def _near_phrase(line: str) -> str | None:
    """A whole line one substitution away from a known phrase, the odd character being a digit or symbol
    ('3Í THƯ' -> 'BÍ THƯ'): a title never holds one, so the repair cannot turn a right word into another."""
    if len(line) < 5 or all(c.isalpha() or c.isspace() for c in line):
        return None
    for phrase in HEADER_PHRASES:
        if len(phrase) == len(line) and Levenshtein.distance(line, phrase) == 1:
            return phrase
    return None


def _strip_junk(line: str) -> str:
    """Rules, asterisks and OCR specks around a header line ('NGÃI ___', '- SỞ GIÁO DỤC…')."""
    line = re.sub(r"[_=~]{2,}|\s-{2,}", " ", line)
    line = clean_line(line).strip(_JUNK).lstrip(",")
    # a trailing comma stays while wrapped lines are joined ('… SÁNG TẠO,' / 'CHUYỂN ĐỔI SỐ …')
    trailing = line.endswith(",")
    line = line.rstrip(" ,")
    return line + "," if trailing and line else line


_JUNK = " -_|*%.:;'\"`^“”‘’«»"


def _join_wrapped(lines: list[str]) -> list[str]:
    """A line that does not start an organ's name is the rest of the line above it ('ĐẢNG BỘ TỈNH QUẢNG' /
    'NGÃI'; 'TẬP ĐOÀN' / 'BƯU CHÍNH VIỄN THÔNG' / 'VIỆT NAM'; 'ỦY BAN NHÂN DÂN' / 'TỈNH LÂM ĐỒNG')."""
    out: list[str] = []
    for line in lines:
        key = fold_key(line)
        if out and not key.startswith(ORGAN_STARTS):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def repair_phrases(line: str, warnings: list[str]) -> str:
    """Restore tone marks OCR damaged in known header/signature phrases (accent-insensitive match only)."""
    if not is_caps(line, min_letters=1) or fold(line) == line:
        return line  # a line printed without any diacritics is left as printed, not half-accented
    near = _near_phrase(line)
    if near and near != line:
        warnings.append(f"repaired OCR damage: '{line}' -> '{near}'")
        return near
    folded = fold(line).upper()
    out = line
    for phrase in sorted(HEADER_PHRASES, key=len, reverse=True):
        target = fold(phrase).upper()
        for m in re.finditer(rf"(?<![A-Z]){re.escape(target)}(?![A-Z])", folded):
            printed = out[m.start() : m.end()]
            if printed != phrase and not same_spelling(printed, phrase):
                out = out[: m.start()] + phrase + out[m.end() :]
                warnings.append(f"repaired OCR damage: '{printed}' -> '{phrase}'")
    return out


# ---- number -------------------------------------------------------------------------------------------


@dataclass
class Number:
    value: str
    style: str  # 'party' | 'state'
    type_code: str | None  # the code inside the number; 'CV' for a State công văn


def parse_number(
    raw_line: str, warnings: list[str], issuer: str | None = None, ocr: bool = False
) -> Number | None:
    """Canonical number-symbol from the 'Số ...' line; repaired only if the repair validates (the issuer's
    name, when known, tells which issuer code a damaged Party number must carry).  On an OCRed page a
    number written into the printed blank ('Số: 233 /TTr-…', digits apart from the typed symbol) is left
    out with a warning: OCR of handwriting is a guess, never a value."""
    folded = fold(raw_line)
    m = _NUMBER_LINE.match(folded)
    rest = raw_line[m.end() :] if m else raw_line
    date_m = _DATE.search(fold(rest))
    if date_m:  # OCR merged the number with the place-and-date line
        rest = rest[: date_m.start()]
        # the place after the number ('2571/VNPT-LĐG-NSTH Lâm Đồng,'), apart from it by a space
        rest = re.sub(r"\s+[A-ZĐ][^\d/\-]*,?\s*$", "", rest) if re.search(r"[/\-]", rest) else rest
    if ocr and _FILLED_BLANK.match(rest.strip()):
        warnings.append(f"number filled in by hand (apart from its symbol), left out: '{rest.strip()}'")
        return None
    compact = re.sub(r"\s*([/\-])\s*", r"\1", rest.strip()).split(" ")[0].strip(".,;:")
    compact = compact.replace("\u00d0", "Đ")
    found = _validate_number(compact)
    if found:
        return found
    for candidate in [*_number_repairs(compact), repair_party_number(compact, issuer)]:
        found = _validate_number(candidate) if candidate else None
        if found:
            warnings.append(f"number repaired: '{compact}' -> '{found.value}'")
            return found
    warnings.append(f"number unreadable, left out: '{clean_line(raw_line)}'")
    return None


# The typed symbol of a number whose digits were written into a blank after printing: the digits (or what
# OCR made of the handwriting) stand apart from the '/' or '-' that starts the symbol.
_FILLED_BLANK = re.compile(r"^\S*\s+[/\-]\s*[A-Za-zĐđ]")


def _validate_number(text: str) -> Number | None:
    m = PARTY_NUMBER.match(text)
    if m:
        if m.group(2) not in PARTY_TYPE_CODES or not all(
            part.endswith(PARTY_ISSUER_ENDINGS) for part in m.group(3).split("-")
        ):
            return None
        return Number(text, "party", m.group(2))
    m = STATE_NUMBER.match(text)
    if m:
        number, year, first, more = m.groups()
        if year and not MIN_YEAR <= int(year) <= date.today().year + 1:
            return None
        if first in STATE_TYPE_CODES:
            return Number(text, "state", first)
        if not year and (more or first.isupper()):
            return Number(text, "state", "CV")  # 4869/UBND-SYT: issuer then unit, no type code
        return Number(text, "state", None)  # QPPL law numbers (15/2012/QH13) carry no type code
    return None


def _number_repairs(text: str) -> list[str]:
    """Candidate readings of an OCR-damaged number: look-alike letters in the digits, 'IJ' for 'U'."""
    out = []
    head = re.match(r"^([0-9OolI|]+)(.*)$", text)
    if head and any(c.isdigit() for c in head.group(1)):
        digits = "".join(DIGIT_LOOKALIKES.get(c, c) for c in head.group(1))
        out.append(digits + head.group(2))
    symbol = text.replace("IJ", "U").replace("0", "O") if "/" in text else text
    if head:
        lead = "".join(DIGIT_LOOKALIKES.get(c, c) for c in head.group(1))
        tail = head.group(2).replace("IJ", "U")
        tail = re.sub(r"(?<=[A-Z])0|0(?=[A-Z])", "O", tail)
        out.append(lead + tail)
    out.append(symbol)
    return [c for c in dict.fromkeys(out) if c != text]


# ---- place and date -----------------------------------------------------------------------------------


def parse_place_date(line: str, warnings: list[str], after: int = 0) -> tuple[str | None, date | None]:
    place, issued, _month_text = place_date_month(line, warnings, after)
    return place, issued


def place_date_month(
    line: str, warnings: list[str], after: int = 0
) -> tuple[str | None, date | None, str | None]:
    """(place, issued date, 'YYYY-MM') of a place-and-date line.  A blank or unreadable day gives no date
    (with a warning) but keeps the place and the month: a draft or a handwritten day is never guessed."""
    folded = fold(line)
    m = _DATE.search(folded, after)
    if not m:
        return None, None, None
    place = re.sub(r"^[^\w]+|[\d_]+", "", line[after : m.start()]).strip(" ,.;:-_|")
    place = re.split(r"\s{2,}", place)[-1] if place else place
    place = place or None
    day_token = m.group(1)
    if day_token is not None and not any(c.isalnum() for c in day_token):
        day_token = None  # 'ngày ... tháng', 'ngày __ tháng': left blank
    day, month, year = (_to_int(day_token or ""), _month(m.group(2)), _to_int(m.group(3)))
    month_text = None
    if month and year and MIN_YEAR <= year <= date.today().year + 1:
        month_text = f"{year:04d}-{month:02d}"
    issued = None
    if day and month_text:
        try:
            issued = date(year, month, day)
        except ValueError:
            issued = None
    if issued is None:
        if day_token is None and month_text:
            warnings.append(f"issued date has no day (left blank), month kept: '{line[m.start() : m.end()]}'")
        else:
            warnings.append(f"issued date unreadable, left out: '{line[m.start() : m.end()]}'")
    return place, issued, month_text


def _to_int(token: str) -> int | None:
    digits = "".join(DIGIT_LOOKALIKES.get(c, c) for c in token.strip(",.;:"))
    return int(digits) if digits.isdigit() else None


def _month(token: str) -> int | None:
    token = token.strip(" ,.")
    value = _to_int(token)
    if value is not None:
        return value if 1 <= value <= 12 else None
    return MONTH_WORDS.get(fold_key(token))


# ---- type line and trích yếu ---------------------------------------------------------------------------

_TYPE_KEYS = sorted(((fold_key(name), name) for name in DOC_TYPES), key=lambda kv: -len(kv[0]))


def type_of_line(line: str) -> tuple[str, str, str] | None:
    """(canonical type name, name as printed, remainder) when the line starts with a type name in caps."""
    line = line.lstrip(" .,;:'`\"-_|*•") if line else line  # OCR specks before the type name ('. GIẤY MỜI')
    if not line or len(line) > 160:
        return None
    key = fold_key(line)
    for tkey, name in _TYPE_KEYS:
        if key == tkey or key.startswith(tkey + " "):
            words = len(name.split())
            parts = line.split()
            printed = " ".join(parts[:words])
            rest = " ".join(parts[words:]).lstrip(" -–:")
            if not is_caps(printed) or fold_key(printed) != tkey:
                return None
            if rest and is_caps(rest) and fold_key(rest).startswith(("van phong", "ve ")):
                return None  # 'VĂN BẢN HỢP NHẤT - VĂN PHÒNG QUỐC HỘI' is a Công báo section title
            return name, printed, rest
    return None


def find_type_line(lines: list[str], start: int, max_lines: int = 8) -> int | None:
    seen = 0
    for i in range(max(start, 0), len(lines)):
        if not lines[i]:
            continue
        seen += 1
        if seen > max_lines or len(lines[i]) > LONG_PARAGRAPH:
            return None
        if type_of_line(lines[i]):
            return i
    return None


def subject_lines(lines: list[str], start: int, first: str = "") -> tuple[list[str], int]:
    """Trích yếu lines from `start` (plus the type line's remainder `first`); returns them and the index
    of the first body line."""
    parts = [first] if first else []
    i = start
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        if _RULE.match(line):  # the rule printed under the trích yếu closes it
            i += 1
            break
        if _ends_subject(line, parts):
            break
        parts.append(line)
        i += 1
    return parts, i


def _ends_subject(line: str, parts: list[str]) -> bool:
    key = fold_key(line)
    if len(parts) >= 6 or sum(map(len, parts)) > 400:
        return True
    # a trích yếu line ending with a comma is unfinished: the next paragraph goes on with it
    unfinished = bool(parts) and parts[-1].rstrip().endswith(",")
    if len(line) > LONG_PARAGRAPH and (
        (parts and not unfinished) or len(line) > 400 or line.rstrip()[-1:] in ".:;!?"
    ):
        # a Word paragraph is one line: a long first line is the trích yếu unless it ends like a sentence
        return True
    if any(key == fold_key(h) or key.startswith(fold_key(h) + " ") for h in BODY_HEADINGS):
        return True
    if any(_opens_with(line, key, o) for o in BODY_OPENERS) and len(line) > 60:
        return True
    if re.match(r"^(\d+|[IVX]+)[.)]\s", line) or line.startswith(("- ", "+ ", "• ")):
        return True
    if line.rstrip().endswith((":", ";")) or (line.rstrip().endswith(".") and len(line) > 80):
        return True
    if parts and is_caps(line) and not any(is_caps(p) for p in parts) and len(line) > 12:
        # the enacting authority under a Quyết định ('TRƯỞNG BAN CHỈ ĐẠO TỈNH …') after a sentence-case
        # trích yếu opens the body
        return True
    return bool(key.startswith(("kinh gui", "noi nhan")))


def _opens_with(line: str, key: str, opener: str) -> bool:
    """The line starts with the opener; its first word must keep the opener's tone when it carries any
    ('Để …' opens a sentence, the trích yếu 'Đề nghị …' does not)."""
    if not key.startswith(fold_key(opener) + " "):
        return False
    first, want = line.lstrip(" _-.'`").split(" ", 1)[0].lower(), opener.split(" ", 1)[0].lower()
    return first == want or fold(first) == first


VV_MAX_LINES = 8  # a long V/v wraps to 4-5 lines; the block ends at a blank line or a header element anyway


def vv_subject(lines: list[str], vv: int) -> tuple[str, int]:
    """The công văn's 'V/v …' text (without 'V/v') and its continuation lines in the same block."""
    first = lines[vv][_vv_start(lines[vv]) or 0 :]
    parts = [_cut_annotation(first)]
    i = vv + 1
    while i < len(lines) and len(parts) < VV_MAX_LINES:
        if not lines[i]:
            # OCR may put a blank line inside the trích yếu: a lower-case line after it, or a short line
            # of the narrow V/v column after an unfinished one, continues it
            nxt = i + 1
            if nxt < len(lines) and (lines[nxt][:1].islower() or _continues_vv(parts, lines[nxt])):
                i = nxt
                continue
            break
        if _is_header_element(lines[i]) or fold_key(lines[i]).startswith(("kinh gui", "noi nhan")):
            break
        parts.append(_cut_annotation(lines[i]))
        i += 1
    return " ".join(p for p in parts if p).strip('“”" '), i


VV_COLUMN_CHARS = 60  # a line of the V/v block under the number (the left column) is no longer than this


def _continues_vv(parts: list[str], line: str) -> bool:
    last = parts[-1].rstrip() if parts else ""
    return (
        bool(last)
        and not last.endswith((".", ";", ":", "!", "?", "”", '"'))
        and len(line) <= VV_COLUMN_CHARS
        and (not is_caps(line) or is_caps(last))  # a capitals line under a sentence is another element
        and not _is_header_element(line)
        and not fold_key(line).startswith(("kinh gui", "noi nhan"))
    )


def _cut_annotation(line: str) -> str:
    """A numbered item glued to a trích yếu line is a margin note OCR merged into the line."""
    return re.split(r"\s+\d+\.\s+(?=[A-ZĐ])", line, maxsplit=1)[0].strip()


def _is_header_element(line: str) -> bool:
    folded = fold(line)
    return bool(
        motto_kind(line)[0] or is_number_line(folded) or (_DATE.search(folded) and _date_starts_line(folded))
    )


# ---- documents without the official header --------------------------------------------------------------

_NONSTANDARD_KEYS = sorted((fold_key(n) for n in NONSTANDARD_TYPE_NAMES), key=len, reverse=True)
NONSTANDARD_TITLE_LINES = 6


@dataclass
class Opening:
    """The opening of a document of a non-standard genre: its printed name, title (the subject) and the
    presenting body printed under the title ('UBND Thành phố Huế')."""

    printed_type: str
    subject_lines: list[str]
    presenter: str | None
    body_start: int


def nonstandard_opening(lines: list[str]) -> Opening | None:
    """A document whose first line is the name of a non-standard genre in capitals ('THAM LUẬN'), then its
    title, then (optionally) the presenting body, a short line starting like an organ's name."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None or not is_caps(lines[first]) or fold_key(lines[first]) not in _NONSTANDARD_KEYS:
        return None
    parts: list[str] = []
    presenter = None
    i = first + 1
    while i < len(lines) and len(parts) < NONSTANDARD_TITLE_LINES:
        line = lines[i]
        key = fold_key(line)
        if not line:
            i += 1
            continue
        if key.startswith(("kinh thua", "kinh gui")) or (parts and len(line) > LONG_PARAGRAPH):
            break
        if parts and _presenter_like(line):
            presenter = line
            i += 1
            break
        parts.append(line)
        if len(line) > LONG_PARAGRAPH:
            i += 1
            break
        i += 1
    return Opening(lines[first], parts, presenter, i)


def _presenter_like(line: str) -> bool:
    return (
        len(line) <= 80
        and fold_key(line).startswith(ORGAN_STARTS)
        and not line.rstrip().endswith((".", ",", ";", ":"))
    )


# '(Kèm theo Công văn số /BNV-CCH ngày … của Bộ Nội vụ)': the document an appendix is attached to
_ATTACHED_TO = re.compile(r"^\(?\s*kem theo\b.{0,60}?\bso\s*[:.]?\s*(\S*[/\-]\S+)", re.IGNORECASE)
ATTACHMENT_SCAN_LINES = 12


def attached_number_style(lines: list[str]) -> str | None:
    """'party' or 'state' from the number of the document an appendix names in its '(Kèm theo … số …)'
    line near the top (the number may be blank: '/BC-UBND' is State-style, '-KH/TU' Party-style)."""
    seen = 0
    for line in lines:
        if not line:
            continue
        seen += 1
        if seen > ATTACHMENT_SCAN_LINES:
            return None
        m = _ATTACHED_TO.match(fold(line))
        if m:
            token = m.group(1).strip(".,;)")
            if re.match(r"^\d*-[A-Za-z]{1,5}/[A-Za-z]", token):
                return "party"
            if re.match(r"^\d*/(\d{4}/)?[A-Za-z]", token):
                return "state"
            return None
    return None
