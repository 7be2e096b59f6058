"""Who a directive, conclusion or plan tasks, with what, and by when.

Three shapes carry nearly every assignment in these documents:
- a cue and a body: "Giao Sở Tư pháp chủ trì ...", "Đề nghị các cơ quan, đơn vị thực hiện ...",
  "UBND tỉnh yêu cầu các sở, ban, ngành ... tập trung ...";
- a body as the subject of a task verb: "Ban Tuyên giáo Tỉnh ủy chỉ đạo ...", "Các cấp ủy, ... tập trung
  lãnh đạo ...", "Sở Nội vụ chủ trì, phối hợp với ...";
- a body heading a list of tasks: "3.2. Đối với Sở Y tế:", "a) Trung tâm Phát triển quỹ đất tỉnh",
  "2. Bộ Y tế: Mời đại diện ...".
A body is recognised by how organ names begin (Sở, Ban, Ủy ban, UBND, Các cấp ủy, Đồng chí...), a task by a
verb list; the task text of a heading or a cue that ends with ':' includes its list items, and its first
dated deadline ("trước ngày 5/6/2021", "trong quý III/2021", "chậm nhất vào ngày 05 hằng tháng") is the
assignment's. Narrative sentences ("Ủy ban nhân dân tỉnh đã ban hành ...") are not assignments.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache

from parsers.normalize import accent_tokens, fold_vietnamese, nfc, strip_markdown

# Document types whose assignments are extracted at load time (directives, conclusions, plans and kin).
ASSIGNING_TYPES = frozenset({"CT", "KL", "TB", "KH", "CTr", "NQ", "CĐ", "HD", "CV"})


@lru_cache(maxsize=65536)  # called for every word of every candidate sentence: the same few words again
def _key(text: str) -> str:
    """Accent-sensitive, tone-placement-insensitive words: 'bộ' and 'bố', 'cơ' and 'có' stay apart."""
    return " ".join(accent_tokens(text))


_ORGAN_STARTS = tuple(
    _key(w)
    for w in (
        "cấp ủy",
        "cấp",
        "chính quyền",
        "ban",
        "sở",
        "ủy ban",
        "uỷ ban",
        "ubnd",
        "hđnd",
        "văn phòng",
        "công an",
        "bộ",
        "ngành",
        "đảng ủy",
        "đảng đoàn",
        "huyện ủy",
        "tỉnh ủy",
        "thành ủy",
        "thị ủy",
        "mặt trận",
        "mttq",
        "đoàn",
        "hội",
        "trung tâm",
        "cơ quan",
        "đơn vị",
        "địa phương",
        "huyện",
        "xã",
        "phường",
        "thành phố",
        "lực lượng",
        "thành viên",
        "bí thư",
        "chủ tịch",
        "giám đốc",
        "thủ trưởng",
        "người đứng đầu",
        "đồng chí",
        "đ/c",
        "nhà đầu tư",
        "chủ đầu tư",
        "công ty",
        "chủ công trình",
        "cán bộ",
        "trường đại học",
        "trường cao đẳng",
        "bệnh viện",
        "báo quảng",
        "báo và phát thanh",
        "đài phát thanh",
        "đài truyền hình",
        "cục",
        "chi cục",
        "kho bạc",
        "viện",
        "tòa án",
        "ngân hàng",
        "thường trực",
        "bch",
        "bcđ",
        "tỉnh đoàn",
        "quân sự",
        "bộ chỉ huy",
    )
)
_BODY_LEADS = tuple(_key(w) for w in ("các", "mỗi", "toàn thể", "tất cả"))
_TASK_VERBS = tuple(
    _key(v)
    for v in (
        "chỉ đạo",
        "lãnh đạo",
        "chủ trì",
        "phối hợp",
        "tập trung",
        "tiếp tục",
        "khẩn trương",
        "chịu trách nhiệm",
        "có trách nhiệm",
        "tham mưu",
        "triển khai",
        "thực hiện",
        "tổ chức",
        "tăng cường",
        "chấp hành",
        "rà soát",
        "hướng dẫn",
        "theo dõi",
        "xây dựng",
        "kiểm tra",
        "đẩy nhanh",
        "đẩy mạnh",
        "quán triệt",
        "làm nòng cốt",
        "phát huy",
        "nêu cao",
        "phải",
        "cần",
        "siết chặt",
        "kích hoạt",
        "thống nhất",
        "không tổ chức",
        "thường xuyên",
        "chủ động",
        "chuẩn bị",
        "dự hội nghị",
        "nghiên cứu",
        "đề xuất",
        "bố trí",
        "khắc phục",
        "giải quyết",
        "trực tiếp",
        "quan tâm",
        "nâng cao",
        "bảo đảm",
        "đảm bảo",
        "hoàn thành",
        "tuyên truyền",
        "vận động",
        "sẵn sàng",
        "kịp thời",
        "huy động",
        "ưu tiên",
        "đôn đốc",
        "giám sát",
        "nắm chắc",
        "sâu sát",
        "lập hồ sơ",
        "lập kế hoạch",
    )
)
_HEADING_VERBS = (*_TASK_VERBS, *(_key(v) for v in ("mời", "lập", "cử", "gửi", "báo cáo")))
# Words after a body that make the sentence a narrative, not a task.
_NARRATIVE = {_key(w) for w in ("đã", "đang", "vẫn", "còn", "được", "có", "là", "gồm", "do", "năm", "ngày")}
# A task verb right after these words is part of a name or a noun phrase (Ban Chỉ đạo, các tổ chức).
_NOT_VERB_AFTER = {_key(w) for w in ("ban", "các", "những", "mỗi", "của", "cho", "với", "ý kiến")}
_MAX_BODY_WORDS = 45
# Directives, conclusions and plans are a few pages; past this much text (a 100-page report) the rest is
# not read, so the loader's time per document stays bounded.
MAX_TEXT_CHARS = 200_000
_KET_LUAN, _YEU_CAU, _DE_NGHI, _TRAN_TRONG = (
    _key(w).split() for w in ("kết luận", "yêu cầu", "đề nghị", "trân trọng")
)

_MARKER = re.compile(
    r"^\s*(?:(?P<roman>[IVX]{1,4}\.)|(?P<num>\d{1,2}(?:\.\d{1,2})*[.)])|(?P<letter>[a-zđ]\))|"
    r"(?P<dash>[-–•*])|(?P<plus>\+))\s+"
)
_RANKS = {"roman": 0, "num": 1, "letter": 3, "dash": 4, "plus": 5}
_CUE = re.compile(r"(?<![\wÀ-ỹ])(giao|đề nghị|yêu cầu)\s+", re.IGNORECASE)
_NOT_A_CUE_BEFORE = re.compile(r"(?:bàn|chuyển|được|theo|nhiệm vụ|kết quả|tại|của|họp)\s*$", re.IGNORECASE)
# Sections that evaluate what happened: their sentences describe, they do not task.
_NARRATIVE_SECTION = re.compile(r"^(?:về\s+)?(?:đánh giá|tình hình|kết quả)", re.IGNORECASE)
_HEAD_PREFIX = re.compile(r"^(?:đối với|trách nhiệm của|nhiệm vụ của)\s+", re.IGNORECASE)

_DATE = r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?|\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
_DEADLINE = re.compile(
    r"(?:(?:trước|chậm nhất(?:\s+(?:vào|là))?|hạn chót|đến|hoàn thành trước)\s+"
    rf"(?:\d{{1,2}}\s*giờ(?:\s*\d{{1,2}})?\s*,?\s*)?(?:ngày\s+)?(?:{_DATE}|\d{{1,2}}\s+(?:hằng|hàng)\s+tháng)"
    r"|trong\s+quý\s+[IV]{1,3}(?:\s*/\s*|\s+năm\s+)\d{4}"
    r"|trong\s+tháng\s+\d{1,2}(?:\s*/\s*|\s+năm\s+)\d{4}"
    r"|hoàn thành trong năm\s+\d{4})",
    re.IGNORECASE,
)
_RECURRENCE = re.compile(
    r"(?:định kỳ\s+)?(?:hằng|hàng)\s+(?:ngày|tuần|tháng|quý|năm)|định kỳ\s+(?:\d+\s+)?(?:tuần|tháng|quý|năm)"
    r"(?:\s*/\s*lần)?|định kỳ\s+\d+\s+tháng",
    re.IGNORECASE,
)
_PARTNERS = re.compile(
    r"phối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+(.+?)(?=\s(?:để|trong|tổ chức|thực hiện|làm việc|tham mưu|"
    r"xây dựng|triển khai|rà soát|tuyên truyền)\s|[;:.(]|$)",
    re.IGNORECASE,
)
_END_OF_BODY = re.compile(r"^(?:nơi nhận|t/m|tm\.|kt\.|tl\.)", re.IGNORECASE)


@dataclass(frozen=True)
class Assignment:
    assignee: str
    partners: str | None
    cue: str
    task: str
    deadline_text: str | None
    deadline_date: date | None
    recurrence: str | None
    char_start: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Unit:
    text: str
    start: int
    rank: int | None  # list marker depth, None for a plain paragraph


def _units(text: str) -> list[_Unit]:
    """Paragraphs and list items, with the lines a PDF wrapped joined back."""
    units: list[_Unit] = []
    offset = 0
    for raw in text.split("\n"):
        line = raw.strip().strip("|").strip()
        start, offset = offset, offset + len(raw) + 1
        if re.fullmatch(r"\d{1,3}", line):  # a page number between two pages
            continue
        if not line:
            if units and units[-1].text:
                units.append(_Unit("", start, None))
            continue
        m = _MARKER.match(line)
        previous = units[-1] if units else None
        # A PDF wraps a full-width line mid-sentence; a short line without final punctuation is a title.
        joins = (
            previous is not None
            and previous.text
            and not m
            and not re.search(r"[.:;!?]$|\./\.$", previous.text)
            and (line[:1].islower() or len(previous.text.rsplit("\n", 1)[-1]) >= 60)
        )
        if joins:
            previous.text += " " + line
            continue
        rank = _RANKS[m.lastgroup] + (m[0].count(".") - 1 if m.lastgroup == "num" else 0) if m else None
        units.append(_Unit(line[m.end() :] if m else line, start, rank))
    return [u for u in units if u.text]


def _words(folded: str) -> list[str]:
    return folded.split()


def _starts_with_organ(folded_words: list[str]) -> bool:
    words = folded_words
    for lead in _BODY_LEADS:
        lead_words = lead.split()
        if words[: len(lead_words)] == lead_words:
            words = words[len(lead_words) :]
            break
    head = " ".join(words[:3])
    return any(head == o or head.startswith(o + " ") for o in _ORGAN_STARTS)


def _verb_at(words: list[str], i: int, original_words: list[str], verbs=_TASK_VERBS) -> str | None:
    for verb in verbs:
        vw = verb.split()
        if words[i : i + len(vw)] == vw:
            before = " ".join(words[max(0, i - 2) : i])
            if words[i - 1 : i] and (words[i - 1] in _NOT_VERB_AFTER or before in _NOT_VERB_AFTER):
                return None
            if i > 0 and original_words[i][:1].isupper():  # capitalised: part of a name (Ban Chỉ đạo)
                return None
            if words[i + len(vw) : i + len(vw) + 1] == ["số"]:  # a name: Ban Quản lý dự án xây dựng số 1
                return None
            return verb
    return None


def _split_body(sentence: str, verbs=_TASK_VERBS, cued: bool = False) -> tuple[str, str] | None:
    """(body, rest) when the sentence starts with a body followed, within reach, by a task verb; after a
    cue ("Giao X là cơ quan thường trực, có trách nhiệm ...") a narrative word does not end the search."""
    original = sentence.split()
    folded = [_key(w) or w for w in original]
    if not original or not _starts_with_organ(" ".join(folded).split()):
        return None
    for i in range(1, min(len(original), _MAX_BODY_WORDS)):
        if folded[i : i + 2] in (_KET_LUAN, _YEU_CAU, _DE_NGHI, _TRAN_TRONG):  # the issuer speaking
            return None
        if not cued and folded[i] in _NARRATIVE and i <= 12 and not _verb_at(folded, i, original, verbs):
            return None
        if _verb_at(folded, i, original, verbs):
            body = " ".join(original[:i]).rstrip(",;: ")
            if ":" in body:  # "Các Sở: Tư pháp, Nội vụ, ..." is a list of attendees, not a body tasked
                return None
            return body, " ".join(original[i:])
    return None


def _sentences(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])|(?:^|(?<=[;:.])\s*)\(\d{1,2}\)\+?\s*", text):
        out.append((pos, text[pos : m.start()]))
        pos = m.end()
    out.append((pos, text[pos:]))
    return [(p, s.strip()) for p, s in out if s.strip()]


def _deadline_date(text: str | None) -> date | None:
    if not text:
        return None
    m = re.search(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})", text) or re.search(
        r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", text
    )
    if m:
        try:
            return date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            return None
    quarter = re.search(r"quý\s+(I{1,3}|IV)\D+(\d{4})", text)
    if quarter:
        month = {"I": 3, "II": 6, "III": 9, "IV": 12}[quarter[1]]
        return _month_end(int(quarter[2]), month)
    month = re.search(r"tháng\s+(\d{1,2})\s*(?:/|năm)\s*(\d{4})", text)
    if month and 1 <= int(month[1]) <= 12:
        return _month_end(int(month[2]), int(month[1]))
    return None


def _month_end(year: int, month: int) -> date:
    from calendar import monthrange

    return date(year, month, monthrange(year, month)[1])


def _clean_body(body: str) -> str:
    body = _HEAD_PREFIX.sub("", body.strip())
    return re.sub(r"\s+", " ", body).strip(" ,;:.-–")


def _make(assignee: str, cue: str, task: str, start: int) -> Assignment | None:
    assignee = _clean_body(assignee)
    if not fold_vietnamese(assignee):
        return None
    task = re.sub(r"\s+", " ", task).strip()
    deadline = _DEADLINE.search(task)
    recurrence = _RECURRENCE.search(task)
    partners = _PARTNERS.search(task)
    return Assignment(
        assignee=assignee,
        partners=partners[1].strip(" ,") if partners else None,
        cue=cue,
        task=task,
        deadline_text=deadline[0] if deadline else None,
        deadline_date=_deadline_date(deadline[0] if deadline else None),
        recurrence=recurrence[0] if recurrence else None,
        char_start=start,
    )


def extract_assignments(text: str) -> list[Assignment]:
    """Every assignment in reading order (the text up to 'Nơi nhận' is read)."""
    text = strip_markdown(nfc((text or "")[:MAX_TEXT_CHARS]))
    units = _units(text)
    cut = next((i for i, u in enumerate(units) if _END_OF_BODY.match(u.text) and i > 3), len(units))
    units = units[:cut]
    found: list[Assignment] = []
    last_cued: str | None = None

    def items(i: int) -> str:
        """The deeper list items after unit i, when it introduces a list (ends with ':' or is a heading)."""
        unit = units[i]
        parts = []
        heading = unit.rank is not None and len(unit.text.split()) <= 14
        if unit.text.rstrip().endswith(":") or heading:
            for j, nxt in enumerate(units[i + 1 :]):
                # A heading written as a Word paragraph ("3.7. Sở Tư pháp") is followed by plain
                # paragraphs rather than list items: they are its tasks, up to the next list item.
                plain_under_heading = (
                    nxt.rank is None and heading and all(u.rank is None for u in units[i + 1 : i + 2 + j])
                )
                if not plain_under_heading and (
                    nxt.rank is None or (unit.rank is not None and nxt.rank <= unit.rank)
                ):
                    break
                parts.append(nxt.text)
        return "\x1f".join(parts)

    covered: set[int] = set()
    narrative = False

    def with_items(i: int, task: str) -> str:
        if not task.rstrip().endswith(":"):
            return task
        following = items(i)
        covered.update(range(i + 1, i + 1 + following.count("\x1f") + 1) if following else ())
        return f"{task} {following.replace(chr(31), ' ')}"

    for i, unit in enumerate(units):
        produced = False
        if unit.rank is not None and unit.rank <= 1 and len(unit.text.split()) <= 12:
            narrative = bool(_NARRATIVE_SECTION.match(unit.text))
        # Heading shape: "Đối với Sở Y tế:", "a) Trung tâm Phát triển quỹ đất tỉnh", "2. Bộ Y tế: Mời ..."
        head, colon, after = unit.text.partition(":")
        head_body = _HEAD_PREFIX.sub("", head.strip())
        head_words = _key(head_body).split()
        is_heading = (
            unit.rank is not None
            and head_words
            and len(head_words) <= 22
            and _starts_with_organ(head_words)
            and (_split_body(head_body) is None or (colon and not after.strip()))
            and not re.search(r"(?<![\wÀ-ỹ])(?:giao|đề nghị|yêu cầu)(?![\wÀ-ỹ])", head_body, re.IGNORECASE)
            and (colon or unit.rank <= 3)
        )
        if is_heading and after.strip():
            first = _key(" ".join(after.split()[:6]))
            is_heading = any(f" {v} " in f" {first} " for v in _HEADING_VERBS)
        if is_heading:
            nxt = units[i + 1] if i + 1 < len(units) else None
            following = nxt is not None and (nxt.rank is None or nxt.rank > unit.rank)
            if after.strip() or following:
                made = _make(
                    head_body, "heading", with_items(i, unit.text.rstrip().rstrip(":") + ":"), unit.start
                )
                if made:
                    found.append(made)
                    produced = True
        for pos, sentence in _sentences(unit.text):
            # Cue shape, anywhere in the sentence.
            for cue in _CUE.finditer(sentence):
                if _NOT_A_CUE_BEFORE.search(sentence[: cue.start()]):
                    continue
                rest = sentence[cue.end() :]
                split = _split_body(rest, cued=True)
                if split is None:
                    # "Giao Sở Nội vụ:" or a numbered heading "4.4. Đề nghị Viện Kiểm sát nhân dân tỉnh"
                    short = len(rest.split()) <= 15
                    body_only = short and (
                        rest.rstrip().endswith(":") or (unit.rank is not None and pos == 0)
                    )
                    if not (body_only and _starts_with_organ(_key(rest).split())):
                        continue
                    split = (rest.rstrip().rstrip(":"), "")
                made = _make(split[0], cue[1].lower(), with_items(i, rest), unit.start + pos)
                if made:
                    found.append(made)
                    last_cued = made.assignee
                    produced = True
                break
            else:
                # Subject shape, at the start of a sentence or of a clause after ';'.
                if (produced and pos == 0 and is_heading) or narrative:
                    continue
                for clause_pos, _clause in _clauses(sentence):
                    split = _split_body(sentence[clause_pos:])
                    if split is None:
                        continue
                    made = _make(split[0], "subject", with_items(i, sentence[clause_pos:]), unit.start + pos)
                    if made:
                        found.append(made)
                        produced = True
                    break
        # A list item without a body but with a deadline belongs to the body the list was addressed to.
        if (
            not produced
            and i not in covered
            and unit.rank is not None
            and last_cued
            and _DEADLINE.search(unit.text)
        ):
            made = _make(last_cued, "inherited", unit.text, unit.start)
            if made:
                found.append(made)
    return found


def _clauses(sentence: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for m in re.finditer(r";\s+", sentence):
        out.append((pos, sentence[pos : m.start()]))
        pos = m.end()
    out.append((pos, sentence[pos:]))
    return [(p, c) for p, c in out if c.strip()]
