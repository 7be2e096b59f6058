"""The end of an official document: the 'Nơi nhận:' list and the signature block (either order), plus the
'Kính gửi:' list of a công văn.  Lines are the cleaned document lines ('' for a blank line)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.metadata_header import repair_phrases, type_of_line
from parsers.metadata_repairs import repair_surname
from parsers.metadata_tables import AUTHORITY_MARKERS, HEADER_PHRASES, SIGNATURE_NOISE, SIGNER_RANKS
from parsers.normalize import fold, is_caps, proper_case

CLOSING_SCAN_LINES = 60
MAX_FRAGMENT = 16  # chars: a stray piece of the other column, not a line of the signature block
# OCR may put specks of a rule or a seal before the marker ('_—_ K/TTRƯỞNG BAN')
_AUTHORITY = re.compile(
    r"^[\W_]{0,6}(T\s*/\s*M|K\s*/\s*T|T\s*/\s*L|TM\s*\.|KT\s*\.|TL\s*\.|TUQ\s*\.|Q\s*\.)\s*(\S.*)$"
)
# a dash (OCR may put a speck before it: '~- Như trên;') or a dot read for it
_BULLET = re.compile(r"^(?:[~_'`]?\s?[-–—•+*]|\.(?=\s+[A-ZĐ]))\s*")
_NOI_NHAN = re.compile(r"^n[oa]i\s*nh[a]n\s*[:;.]?\s*", re.IGNORECASE)
# 'Kính gửi:'; a Công điện names its addressees after '<ISSUER> điện:' ('THỦ TƯỚNG CHÍNH PHỦ điện:')
_KINH_GUI = re.compile(r"^(?:k[i]nh\s*g[u]i\s*[:;.]?|(?:[A-Z]+,?\s+){1,10}dien\s*:)\s*", re.IGNORECASE)
# exact (accented) words: folding would make the name TRƯƠNG a title word (TRƯỞNG BAN)
_TITLE_WORDS = {w for phrase in HEADER_PHRASES for w in phrase.split()} | {"QUỐC", "HỘI", "ỦY", "UỶ"}


@dataclass
class Closing:
    recipients: list[str] = field(default_factory=list)
    noi_nhan: int | None = None  # index of the 'Nơi nhận:' line
    signature_start: int | None = None  # first line of the signature block
    signing_authority: str | None = None
    on_behalf_of: str | None = None
    signing_chain: list[str] = field(default_factory=list)  # 'TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH'
    signer_title: str | None = None
    signer_name: str | None = None


def find_label(lines: list[str], pattern: re.Pattern, start: int = 0, last: bool = False) -> int | None:
    hits = [i for i in range(start, len(lines)) if lines[i] and pattern.match(fold(lines[i]))]
    if not hits:
        return None
    return hits[-1] if last else hits[0]


def recipient_list(lines: list[str], label: int, pattern: re.Pattern) -> tuple[list[str], int]:
    """Entries after a 'Nơi nhận:'/'Kính gửi:' label; wrapped entries are joined, several entries typed on
    one line ('…; - Thường trực Tỉnh ủy') are split.  Returns (entries, end)."""
    entries: list[str] = []  # as printed (the trailing ',' / ';' matters for wrapping); cleaned at the end
    inline = lines[label][pattern.match(fold(lines[label])).end() :].strip()
    if inline and not _is_signature_line(inline):
        entries.append(_BULLET.sub("", inline))
    i, after_blank, open_entry = label + 1, False, False
    while i < len(lines):
        line = lines[i]
        if not line:
            after_blank = True
            i += 1
            continue
        if _BULLET.match(line) and not _is_signature_line(_BULLET.sub("", line)):
            entries.append(_BULLET.sub("", line))
            open_entry = not re.search(r"[;.:!?]\s*$", line)
        elif entries and (not after_blank or open_entry) and not _is_signature_line(line) and len(line) < 150:
            # a wrapped entry; after a blank line only when the entry did not end ('… Công Thương,')
            entries[-1] = f"{entries[-1]} {line}"
            open_entry = not re.search(r"[;.:!?]\s*$", line)
        else:
            break
        after_blank = False
        i += 1
    split = [part for entry in entries for part in _ONE_LINE_ENTRIES.split(entry)]
    split = [_without_glued_name(part)[0] for part in split]
    return [e for e in (_clean_entry(part) for part in split) if e], i


# '- Lãnh đạo Văn phòng; Phan Thanh Hùng', '- Như kính gửi; PHÓ GIÁM ĐỐC': a line of the signature column read
# into the entry's line
_GLUED_TAIL = re.compile(r";\s+([A-ZĐÀ-Ỹ][^;]*?)\s*$")


def _without_glued_name(entry: str) -> tuple[str, str | None]:
    """(entry, the signer's name or title glued after it, if any)."""
    m = _GLUED_TAIL.search(entry)
    if m and (name_like(m.group(1)) or (is_caps(m.group(1)) and _title_like(m.group(1)))):
        return entry[: m.start()], m.group(1)
    return entry, None


@dataclass
class Displaced:
    """Signature lines the extraction read into the 'Nơi nhận:' column."""

    authority: str | None = None
    title: str | None = None
    name: str | None = None


def displaced_signature(lines: list[str], noi_nhan: int, end: int) -> Displaced:
    """The signature column read into the 'Nơi nhận:' one: an authority or title after the label ('Nơi
    nhận: KT. GIÁM ĐỐC', 'Nơi nhận: CHÁNH VĂN PHÒNG') or a title just above it, a name or title glued after
    an entry's ';'."""
    found = Displaced()
    inline = lines[noi_nhan][_NOI_NHAN.match(fold(lines[noi_nhan])).end() :].strip()
    if inline and _AUTHORITY.match(inline):
        found.authority = inline
    elif inline and is_caps(inline) and _title_like(inline):
        found.title = inline
    for i in range(noi_nhan + 1, min(end, len(lines))):
        glued = _without_glued_name(lines[i])[1] if lines[i] else None
        if glued and name_like(glued):
            found.name = glued
        elif glued and found.title is None:
            found.title = glued
    if found.title is None and found.authority is None:
        above = _title_above(lines, noi_nhan)
        found.title = lines[above] if above is not None else None
    return found


def _title_above(lines: list[str], at: int) -> int | None:
    """A head's title printed on the line right above `at` (the signature column beside 'Nơi nhận:')."""
    i = at - 1
    while i >= 0 and not lines[i]:
        i -= 1
    if i >= 0 and is_caps(lines[i]) and _title_like(lines[i]) and len(lines[i]) <= 60:
        return i
    return None


_ONE_LINE_ENTRIES = re.compile(r";\s*[-–]\s*(?=\S)")


def unlabelled_recipients(lines: list[str], start: int, signature: int) -> tuple[int, list[str]] | None:
    """(first line, entries) of the dash list right above the signature block when its 'Nơi nhận:' label is
    missing (a scan read without its small bold-italic label): only a list whose first entry is 'Như …'
    ('Như trên', 'Như kính gửi', 'Như Điều 3'), the first entry of every Nơi nhận."""
    i = signature - 1
    while i > start and not lines[i]:
        i -= 1
    end = i + 1
    while i >= start and lines[i] and _BULLET.match(lines[i]):
        i -= 1
    first = i + 1
    if first >= end or not fold(_BULLET.sub("", lines[first])).lower().startswith("nhu "):
        return None
    entries = [_clean_entry(_BULLET.sub("", line)) for line in lines[first:end]]
    return first, [e for e in entries if e]


def _clean_entry(text: str) -> str:
    return re.sub(r"[\s;,.:'\"`_]+$", "", text.replace("./.", "")).strip()


def _is_signature_line(line: str) -> bool:
    return bool(_AUTHORITY.match(line)) or (is_caps(line) and _title_like(line))


def _title_like(line: str) -> bool:
    words = re.findall(r"\w+", line.upper())
    return bool(words) and sum(w in _TITLE_WORDS for w in words) * 2 >= len(words)


def is_noise(line: str) -> bool:
    key = line.strip().lower()
    return key in SIGNATURE_NOISE or sum(c.isalpha() for c in line) < 2


def name_like(line: str) -> bool:
    """A person's name: 2-6 capitalised words of letters, not a title ('GIÁM ĐỐC'); a rank may precede it
    ('Thiếu tướng Trương Minh Đương')."""
    rank = _rank_of(line)
    if rank:
        line = line[len(rank) :].strip()
    words = line.split()
    if not 2 <= len(words) <= 6 or len(line) > 50:
        return False
    if not all(w[0].isupper() and all(c.isalpha() for c in w) for w in words):
        return False
    return not (is_caps(line) and _title_like(line))


def _rank_of(line: str) -> str | None:
    """The rank printed before a name, matched without tone marks (OCR reads 'Thiểu tướng'); the printed
    prefix is returned, as long as the rank's own spelling."""
    low = fold(line).lower()
    rank = next((r for r in SIGNER_RANKS if low.startswith(fold(r).lower() + " ")), None)
    return line[: len(rank)] if rank else None


def signer_name(line: str, warnings: list[str]) -> str:
    """The signer's name as printed (capitals made proper case); a rank OCR damaged gets its spelling."""
    rank = _rank_of(line)
    if rank:
        known = next(r for r in SIGNER_RANKS if fold(r).lower() == fold(rank).lower())
        if known != rank:
            warnings.append(f"repaired OCR accents: '{rank}' -> '{known}'")
        return f"{known} {repair_surname(proper_case(line[len(rank) :].strip()), warnings)}"
    return repair_surname(proper_case(line), warnings)


# OCR specks and seal fragments before a signature line: 'x : _ GIÁM ĐỐC', '.. HIỆU TRƯỞNG'
# (one character per step, so a long run of specks cannot make the match backtrack exponentially)
_LEADING_SPECKS = re.compile(r"^(?:[^\w\s]|_|\s|[a-z](?![a-z]))+(?=[A-ZĐ])")


def closing_line(line: str, family: str | None, warnings: list[str]) -> str:
    """A line of the closing as the signature rules read it: without the OCR specks before a signature
    line, and with the punctuation of an authority marker OCR lost ('KTTRƯỞNG BAN')."""
    line = without_specks(line)
    m = _BARE_AUTHORITY.match(line)
    if m and not _AUTHORITY.match(line) and fold(m.group(2)).upper().startswith(_FOLDED_TITLES):
        marker = m.group(1)
        canonical = f"{marker[0]}/{marker[1]}" if family == "party" else f"{marker}."
        warnings.append(f"authority marker read without its punctuation: '{line}' -> '{canonical}'")
        return f"{canonical} {m.group(2)}"
    return line


# 'KTTRƯỚNG BAN', 'TM BAN THƯỜNG VỤ': a marker whose '/' or '.' OCR lost, before a title it signs for
_BARE_AUTHORITY = re.compile(r"^(KT|TM|TL)\s?([A-ZĐ].*)$")
_FOLDED_TITLES = tuple(fold(p).upper() for p in HEADER_PHRASES)


def without_specks(line: str) -> str:
    """A signature line without the OCR specks before it, when what follows is an authority line, a title
    or a name."""
    m = _LEADING_SPECKS.match(line)
    if not m:
        return line
    rest = line[m.end() :]
    if (
        _AUTHORITY.match(rest)
        or _BARE_AUTHORITY.match(rest)
        or (is_caps(rest) and _title_like(rest))
        or name_like(rest)
    ):
        return rest
    return line


def find_signature(
    lines: list[str],
    start: int,
    noi_nhan: int | None,
    recipients_end: int | None,
    warnings: list[str],
    ocr: bool = False,
) -> Closing:
    """Signature fields; the block is after the recipients or right before 'Nơi nhận:'.  `ocr`: the text
    was OCRed (its spacing after an authority marker is no evidence of the printed one)."""
    closing = Closing()
    authority = _last_authority_line(lines, start)
    if authority is not None:
        chain = _authority_chain(lines, authority, start)
        closing.signature_start = chain[0]
        for k, at in enumerate(chain):
            _read_authority(lines[at], k, closing, warnings, ocr)
        end = noi_nhan if noi_nhan is not None and noi_nhan > authority else len(lines)
        _title_and_name(lines, authority + 1, end, closing, warnings)
        _check_deputy_title(closing, warnings)
        return closing
    for lo, hi in _direct_regions(lines, start, noi_nhan, recipients_end):
        name_at = _last_name(lines, lo, hi)
        if name_at is None:
            continue
        closing.signer_name = signer_name(lines[name_at], warnings)
        closing.signature_start = name_at
        titles = _titles_above(lines, lo, name_at)
        if not titles and noi_nhan is not None and lo >= noi_nhan:
            # the name under the recipients, the rest of the block read into the 'Nơi nhận:' column
            _take_displaced(displaced_signature(lines, noi_nhan, lo), closing, warnings, ocr)
        if titles:
            closing.signature_start = titles[0]
            title_lines = _one_position([lines[t] for t in titles])
            closing.signer_title = repair_phrases(" ".join(title_lines), warnings)
        return closing
    if noi_nhan is not None:
        found = displaced_signature(lines, noi_nhan, recipients_end or len(lines))
        if found.name:
            closing.signer_name = signer_name(found.name, warnings)
            _take_displaced(found, closing, warnings, ocr)
    return closing


def _take_displaced(found: Displaced, closing: Closing, warnings: list[str], ocr: bool) -> None:
    if found.authority:
        _read_authority(found.authority, 0, closing, warnings, ocr)
    closing.signer_title = repair_phrases(found.title, warnings) if found.title else None
    warnings.append("signature read from the 'Nơi nhận:' column (two columns interleaved)")


def _read_authority(line: str, k: int, closing: Closing, warnings: list[str], ocr: bool) -> None:
    """Add the authority line to the chain; the first one (k == 0) is the outer authority ('TL. CHỦ TỊCH'
    over 'KT. CHÁNH VĂN PHÒNG')."""
    m = _AUTHORITY.match(line)
    marker, rest = m.groups()
    canonical = AUTHORITY_MARKERS[re.sub(r"\s+", "", marker).upper()]
    rest = repair_phrases(rest.strip(), warnings)
    # the chain is as printed: 'TL.CHỦ TỊCH' typed without the space keeps it (OCR spacing is no evidence)
    spaced = ocr or m.start(2) > m.end(1) or not canonical.endswith(".")
    closing.signing_chain.append(f"{canonical}{' ' if spaced else ''}{rest}")
    if k == 0:
        closing.signing_authority, closing.on_behalf_of = canonical, rest


def _check_deputy_title(closing: Closing, warnings: list[str]) -> None:
    """Under K/T a deputy signs for the head, so the two titles differ ('KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC'); the
    same title twice means a word of the signer's is hidden (a seal over 'PHÓ'): kept as read, and said."""
    if closing.signing_authority in ("K/T", "KT.") and closing.signer_title == closing.on_behalf_of:
        warnings.append(
            f"signer title '{closing.signer_title}' repeats the title signed for under "
            f"{closing.signing_authority}: a word is probably hidden (seal?)"
        )


CHAIN_GAP = 2  # non-blank lines that may sit between two authority lines (a fragment of the other column)


def _authority_chain(lines: list[str], last: int, start: int) -> list[int]:
    """The authority lines stacked above the last one ('TM. ỦY BAN NHÂN DÂN' over 'KT. CHỦ TỊCH'), outer
    first."""
    chain, i, gap = [last], last - 1, 0
    while i >= start and gap <= CHAIN_GAP:
        line = lines[i]
        if line and _AUTHORITY.match(line) and is_caps(_AUTHORITY.match(line).group(2)):
            chain.insert(0, i)
            gap = 0
        elif line and not _fragment(line):
            break
        elif line:
            gap += 1
        i -= 1
    return chain


def _last_authority_line(lines: list[str], start: int) -> int | None:
    seen = 0
    for i in range(len(lines) - 1, start - 1, -1):
        if not lines[i]:
            continue
        seen += 1
        if seen > CLOSING_SCAN_LINES:
            return None
        if _AUTHORITY.match(lines[i]) and is_caps(_AUTHORITY.match(lines[i]).group(2)):
            return i
    return None


def _title_and_name(lines: list[str], lo: int, hi: int, closing: Closing, warnings: list[str]) -> None:
    titles: list[str] = []
    for i in range(lo, hi):
        line = lines[i]
        if not line or is_noise(line):
            continue
        if is_caps(line) and _title_like(line) and len(titles) < 2 and not name_like(line):
            titles.append(line)
            continue
        break
    titles = _one_position(titles)
    closing.signer_title = repair_phrases(" ".join(titles), warnings) if titles else None
    name_at = _last_name(lines, lo, hi)
    if name_at is None:  # something printed after the block (contact lines, a note): the name under the title
        name_at = _first_name(lines, lo, hi)
    closing.signer_name = signer_name(lines[name_at], warnings) if name_at is not None else None


NAME_SEARCH_LINES = 4
# A title line that starts like one of these names a position of its own: 'PHÓ TRƯỞNG BAN' over 'PHÓ CHỦ
# TỊCH UBND TỈNH' is the capacity signed in and the signer's other office (printed above the name); the
# signer title is the first.  'PHÓ CHỦ TỊCH' over 'THƯỜNG TRỰC' is one title on two lines.
_POSITION_STARTS = (
    "PHÓ ",
    "CHỦ TỊCH",
    "CHỦ NHIỆM",
    "GIÁM ĐỐC",
    "TỔNG GIÁM ĐỐC",
    "BÍ THƯ",
    "CHÁNH ",
    "TRƯỞNG ",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "HIỆU TRƯỞNG",
    "VIỆN TRƯỞNG",
    "CỤC TRƯỞNG",
    "THỦ TƯỚNG",
    "TỔNG BIÊN TẬP",
)


def _one_position(titles: list[str]) -> list[str]:
    if len(titles) == 2 and (titles[1].upper() + " ").startswith(_POSITION_STARTS):
        return titles[:1]
    return titles


def _first_name(lines: list[str], lo: int, hi: int) -> int | None:
    """The first name within a few non-blank lines under the signer's title."""
    seen = 0
    for i in range(lo, hi):
        if not lines[i] or is_noise(lines[i]):
            continue
        if name_like(lines[i]):
            return i
        seen += 1
        if seen > NAME_SEARCH_LINES:
            return None
    return None


def _last_name(lines: list[str], lo: int, hi: int) -> int | None:
    """The name closing the block: the last line of [lo, hi) that is a name, passing over noise and short
    fragments a two-column layout can push past it (a wrapped 'Tỉnh ủy,' of the Nơi nhận column)."""
    for i in range(hi - 1, lo - 1, -1):
        if not lines[i] or is_noise(lines[i]) or _BULLET.match(lines[i]):
            continue  # a dashed line is an entry of the Nơi nhận column read below the block
        if name_like(lines[i]):
            return i
        if not _fragment(lines[i]):
            return None
    return None


def _fragment(line: str) -> bool:
    return len(line) <= MAX_FRAGMENT and not is_caps(line) and not _AUTHORITY.match(line)


def _titles_above(lines: list[str], lo: int, name_at: int) -> list[int]:
    titles: list[int] = []
    for i in range(name_at - 1, lo - 1, -1):
        if not lines[i] or is_noise(lines[i]):
            continue
        if is_caps(lines[i]) and len(lines[i]) <= 60 and not type_of_line(lines[i]) and len(titles) < 2:
            titles.insert(0, i)
            continue
        break
    return titles


def _direct_regions(
    lines: list[str], start: int, noi_nhan: int | None, recipients_end: int | None
) -> list[tuple[int, int]]:
    """Where a head's direct signature (title + name, no T/M…) may sit."""
    if noi_nhan is None:
        return [(max(start, _tail_start(lines)), len(lines))]
    regions = []
    if recipients_end is not None and recipients_end < len(lines):
        regions.append((recipients_end, len(lines)))
    regions.append((max(start, _block_start(lines, noi_nhan)), noi_nhan))
    return regions


def _tail_start(lines: list[str], count: int = 6) -> int:
    seen = 0
    for i in range(len(lines) - 1, -1, -1):
        if lines[i]:
            seen += 1
            if seen >= count:
                return i
    return 0


def _block_start(lines: list[str], end: int, count: int = 6) -> int:
    seen = 0
    for i in range(end - 1, -1, -1):
        if lines[i]:
            seen += 1
            if seen >= count:
                return i
    return 0
