"""References from a document's text to other documents: "Chỉ thị số 15/CT-TTg ngày 27/3/2020 của Thủ tướng
Chính phủ", "Kết luận số 125-KL/TU", "Nghị quyết 30-NQ/TW", "Luật ... số 15/2012/QH13".

The number-symbol is the anchor: every number-symbol in the text is a candidate, and it is a citation when a
type name stands right before it ("Quyết định số", "Nghị quyết", "Văn bản số"), or before a law's title
("Luật Ban hành văn bản quy phạm pháp luật số 80/2015/QH13"), or when it continues a list that started with
one ("Nghị quyết số 18-NQ/TW, 19-NQ/TW"). A bare "Số: 12/CT-UBND" (the document's own header) or a page
header ("CÔNG BÁO/Số 1093 + 1094/Ngày ...") is not. Type names are matched on the folded text (OCR and
legacy fonts damage tone marks), values are cut from the original.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from parsers.metadata_tables import DOC_TYPES
from parsers.normalize import fold_lower, fold_vietnamese, nfc

# Longest window looked at before a number for its type name (a law's title can be long).
_LOOKBACK = 160
_MAX_TITLE_WORDS = 14
# Citations are looked for in the first 2 million characters (a 1,000-page gazette); the rest is not read.
MAX_TEXT_CHARS = 2_000_000


def _type_code(printed: str) -> str:
    party, state = DOC_TYPES[printed]
    return party or state or printed.capitalize()


_NAME_CODES: dict[str, str] = {fold_vietnamese(name): _type_code(name) for name in DOC_TYPES}
_NAME_CODES["van ban"] = "CV"  # "Văn bản số 2377/UBND-NCKS": a công văn cited by its generic name
_SYMBOL_CODES = {c for codes in DOC_TYPES.values() for c in codes if c}
# Types whose name is followed by a title before "số": laws, ordinances, programmes and plans of action.
_TITLED = ("luat", "bo luat", "phap lenh", "chuong trinh", "ke hoach", "nghi quyet", "de an")

_names = "|".join(sorted((re.escape(n) for n in _NAME_CODES), key=len, reverse=True))
_DIRECT = re.compile(rf"(?<![a-z0-9])({_names})\s*(?:so\s*)?$")
_TITLED_RE = re.compile(
    rf"(?<![a-z0-9])({'|'.join(_TITLED)})((?:\s+[a-z0-9]+){{1,{_MAX_TITLE_WORDS}}}?)\s+so\s*$"
)
_LIST_CONTINUES = re.compile(r"^\s*(?:,|;|va|,\s*va)\s*(?:so\s*)?$")

_CODE_SEGMENT = r"[A-ZĐ][A-Za-zĐđ0-9&]*"
NUMBER = re.compile(
    r"(?<![\w/.-])(\d{1,5}[a-z]?)"  # the number
    r"(?:\s?/\s?(\d{4}))?"  # the year of a legal document: 15/2012/QH13
    rf"(?:\s?[/-]\s?|(?={_CODE_SEGMENT}/))({_CODE_SEGMENT}(?:[-/]{_CODE_SEGMENT}|/[a-z]{{1,4}}\b)*)"
)
_DATE = re.compile(
    r"^\s*,?\s*(?:ngày|ngay)\s+(\d{1,2})\s*(?:[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})|"
    r"tháng\s+(\d{1,2})\s+năm\s+(\d{4}))",
    re.IGNORECASE,
)
_ISSUER = re.compile(r"^\s*,?\s*của\s+([^,;.:()\n“”\"]{2,120})", re.IGNORECASE)
# Where an issuer "as written" ends: the subject or the next clause begins.
_ISSUER_END = re.compile(
    r"\s(?:về|v/v|ban hành|quy định|hướng dẫn|thực hiện|triển khai|sửa đổi|phê duyệt|tại|theo|đã|có hiệu|"
    r"kể từ|và|trong|đối với|cho|thành lập|công bố|là|được|nhằm|gửi|chỉ đạo)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Citation:
    cited_number: str
    cited_number_key: str
    cited_type: str | None
    cited_type_name: str | None
    cited_date: date | None
    cited_year: int | None
    cited_issuer: str | None
    sentence: str
    char_start: int

    def to_dict(self) -> dict:
        return asdict(self)


def _symbol_code(symbol: str) -> str | None:
    first = re.split(r"[-/]", symbol, maxsplit=1)[0]
    return first if first in _SYMBOL_CODES else None


def _date_after(rest: str) -> tuple[date | None, int]:
    m = _DATE.match(rest)
    if not m:
        return None, 0
    day, month, year = (int(m[1]), int(m[2]), int(m[3])) if m[2] else (int(m[1]), int(m[4]), int(m[5]))
    try:
        return date(year, month, day), m.end()
    except ValueError:
        return None, m.end()


def _issuer_after(rest: str) -> str | None:
    m = _ISSUER.match(rest)
    if not m:
        return None
    issuer = m[1]
    end = _ISSUER_END.search(issuer)
    issuer = issuer[: end.start()] if end else issuer
    words = issuer.split()
    return " ".join(words[:12]) or None


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start), text.rfind("\n\n", 0, start))
    left = max(left + 1, start - 300)
    right_candidates = [
        i for i in (text.find(". ", end), text.find("; ", end), text.find("\n\n", end)) if i >= 0
    ]
    right = min([*right_candidates, len(text), end + 300])
    return re.sub(r"\s+", " ", text[left : right + 1]).strip()


def extract_citations(text: str, own_number: str | None = None) -> list[Citation]:
    """Every citation in reading order; the document's own number is not a citation of itself."""
    text = nfc((text or "")[:MAX_TEXT_CHARS])
    folded = fold_lower(text)
    own_key = fold_vietnamese(own_number) if own_number else None
    found: list[Citation] = []
    last_end, last_type = -1, None
    for m in NUMBER.finditer(text):
        start, end = m.span()
        before = re.sub(r"\s+", " ", folded[max(0, start - _LOOKBACK) : start])
        named = _DIRECT.search(before) or _TITLED_RE.search(before)
        type_name = None
        if named:
            name_start = max(0, start - _LOOKBACK) + _offset_in_collapsed(
                folded[max(0, start - _LOOKBACK) : start], named.start(1)
            )
            type_name = re.sub(r"\s+", " ", text[name_start : name_start + len(named[1]) + 8])
            type_name = type_name[: len(named[1])]
            type_code = _NAME_CODES[named[1]]
        elif last_end >= 0 and _LIST_CONTINUES.match(re.sub(r"\s+", " ", folded[last_end:start])):
            type_code = last_type
        else:
            continue
        number = re.sub(r"\s+", "", m[0])
        key = fold_vietnamese(number)
        if own_key and key == own_key:
            last_end, last_type = end, type_code
            continue
        rest = re.sub(r"\s+", " ", text[end : end + 240])
        cited_date, used = _date_after(rest)
        issuer = _issuer_after(rest[used:])
        year = cited_date.year if cited_date else (int(m[2]) if m[2] else None)
        found.append(
            Citation(
                cited_number=number,
                cited_number_key=key,
                cited_type=_symbol_code(m[3]) or type_code,
                cited_type_name=type_name,
                cited_date=cited_date,
                cited_year=year,
                cited_issuer=issuer,
                sentence=_sentence(text, start, end),
                char_start=start,
            )
        )
        last_end, last_type = end, type_code
    return found


def _offset_in_collapsed(raw: str, collapsed_index: int) -> int:
    """Offset in `raw` of the character at `collapsed_index` once whitespace runs are one space."""
    j = 0
    i = 0
    while i < len(raw) and j < collapsed_index:
        if raw[i].isspace():
            while i + 1 < len(raw) and raw[i + 1].isspace():
                i += 1
        i += 1
        j += 1
    return i
