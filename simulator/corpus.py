"""Seed documents: the extracted text of real Party documents + their header labels, as structured data.

A seed (`tests/fixtures/seeds/<seed>.txt`) is what an extractor got from a real document: the two-column
header
is lost, `**bold**` / `*italic*` markers survive, and a page break can split a paragraph in two.  Its
`<seed>.meta.yaml` holds the labels of the record (docs/design.md).  `load_seed` turns both into a
`SeedDocument` the renderers lay out again, and `SeedDocument.truth()` is the record a perfect parser returns.

Everything read from the text is checked against the labels; a disagreement raises `SeedFormatError` rather
than producing a fixture whose golden file contradicts its own content.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from parsers.metadata import FIELD_NAMES

__all__ = [
    "DEFAULT_SEED_DIR",
    "document_truth",
    "sample_record",
    "RECORD_FIELDS",
    "Paragraph",
    "SeedDocument",
    "SeedFormatError",
    "Signature",
    "Span",
    "list_seeds",
    "load_seed",
    "seed_dir",
]

DEFAULT_SEED_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds"
SEED_DIR_ENV = "DIRECTIVES_SEED_DIR"

# Header labels of the record, in contract order (docs/design.md).
RECORD_FIELDS = tuple(
    name for name in FIELD_NAMES if name not in ("recipients", "issued_month", "signing_chain")
)

PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
STATE_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"

_AUTHORITY_RE = re.compile(r"^(T/M|K/T|T/L|Q\.|TM\.|KT\.|TL\.|TUQ\.)\s+(.+)$")
_PLACE_DATE_RE = re.compile(
    r"^(?P<place>[^,]+),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})$"
)
_NUMBER_RE = re.compile(r"^Số\s*:?\s*(?P<number>\S+)$")
_RECIPIENTS_LABEL = "Nơi nhận:"
_SPAN_RE = re.compile(r"\*\*(?P<b>.+?)\*\*|\*(?P<i>[^*]+?)\*")
# A paragraph ending in one of these closes a sentence (or a heading): never glue the next one onto it.
_SENTENCE_END = ".:;!?…"
_CLOSING_QUOTES = '”"’)»'


class SeedFormatError(ValueError):
    """The seed text or its labels are not shaped as expected (or disagree with each other)."""


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Signature:
    authority_line: str | None  # "T/M BAN THƯỜNG VỤ"; None when the head signs in their own name
    title: str  # "BÍ THƯ"
    name: str  # "Bùi Thị Quỳnh Vân"


@dataclass(frozen=True)
class SeedDocument:
    seed_id: str
    record: dict  # the meta labels (RECORD_FIELDS), issued_date as ISO string
    province: dict = field(default_factory=dict)
    type_line: str = ""
    subject_lines: tuple[str, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    recipient_lines: tuple[str, ...] = ()  # as printed: "- Thường trực Ban Bí thư (báo cáo),"
    signature: Signature | None = None
    printed_place_date: str | None = None  # when the seed itself prints it (kept verbatim, e.g. unpadded)
    printed_number_line: str | None = None

    # --- header lines as the renderers print them ---------------------------------------------------

    @property
    def family(self) -> str:
        return self.record["family"]

    @property
    def title_lines(self) -> tuple[str, ...]:
        """Top-right block: the Party title, or the State national title + motto."""
        return (PARTY_TITLE,) if self.family == "party" else (STATE_TITLE, STATE_MOTTO)

    @property
    def issuer_lines(self) -> tuple[str, ...]:
        parent = self.record.get("issuer_parent")
        return ((parent,) if parent else ()) + (self.record["issuer"],)

    @property
    def number_line(self) -> str:
        if self.printed_number_line:
            return self.printed_number_line
        # Party style: "Số 125-KL/TU" (no colon); State (NĐ 30/2020): "Số: 12/CT-UBND"
        sep = " " if self.family == "party" else ": "
        return f"Số{sep}{self.record['number']}"

    @property
    def place_date_line(self) -> str:
        if self.printed_place_date:
            return self.printed_place_date
        d = date.fromisoformat(self.record["issued_date"])
        return f"{self.record['place']}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"

    @property
    def recipients(self) -> list[str]:
        return [clean_recipient(line) for line in self.recipient_lines]

    @property
    def body(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    def signature_lines(self) -> list[str]:
        if self.signature is None:
            return []
        sig = self.signature
        return ([sig.authority_line] if sig.authority_line else []) + [sig.title, sig.name]

    def text(self) -> str:
        """The full text in reading order (header left column, then right), blocks split by blank lines."""
        blocks = [
            [*self.issuer_lines, "*", self.number_line],
            [*self.title_lines, self.place_date_line],
            [self.type_line, *self.subject_lines],
            [p.text for p in self.paragraphs],
        ]
        if self.recipient_lines:
            blocks.append([_RECIPIENTS_LABEL, *self.recipient_lines])
        if self.signature is not None:
            blocks.append(self.signature_lines())
        text = "\n\n".join("\n".join(b) for b in blocks if b)
        return unicodedata.normalize("NFC", text)

    def truth(self) -> dict:
        """The record a perfect parser returns for this document (header labels + recipients/body/text).

        Rendering-dependent fields (pages, page_sources, ocr_confidence, warnings) are added by the corpus
        builder, which knows the rendered file."""
        out = {k: self.record.get(k) for k in RECORD_FIELDS}
        out["recipients"] = self.recipients
        out["body"] = self.body
        out["text"] = self.text()
        return out


def clean_recipient(line: str) -> str:
    return line.strip().lstrip("-–").strip().rstrip(";,.").strip()


# --- loading --------------------------------------------------------------------------------------------


def seed_dir(folder: str | os.PathLike | None = None) -> Path:
    """The seed folder: the argument, else $DIRECTIVES_SEED_DIR, else tests/fixtures/seeds."""
    if folder is not None:
        return Path(folder)
    env = os.environ.get(SEED_DIR_ENV)
    return Path(env) if env else DEFAULT_SEED_DIR


def list_seeds(folder: str | os.PathLike | None = None) -> list[str]:
    """Seed ids that have both a text and a meta file, sorted."""
    d = seed_dir(folder)
    return sorted(
        p.name[: -len(".meta.yaml")]
        for p in d.glob("*.meta.yaml")
        if (d / (p.name[: -len(".meta.yaml")] + ".txt")).is_file()
    )


def load_seed(seed_id: str, folder: str | os.PathLike | None = None) -> SeedDocument:
    d = seed_dir(folder)
    txt, meta_path = d / f"{seed_id}.txt", d / f"{seed_id}.meta.yaml"
    if not txt.is_file() or not meta_path.is_file():
        raise FileNotFoundError(f"seed {seed_id!r}: need {txt} and {meta_path}")
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    record = _normalise_record(seed_id, meta.get("record") or {})
    text = unicodedata.normalize("NFC", txt.read_text(encoding="utf-8"))
    try:
        return _parse(seed_id, text, record, meta.get("province") or {})
    except SeedFormatError as e:
        raise SeedFormatError(f"seed {seed_id}: {e}") from None


def _normalise_record(seed_id: str, raw: dict) -> dict:
    missing = [k for k in RECORD_FIELDS if k not in raw]
    if missing:
        raise SeedFormatError(f"seed {seed_id}: meta record lacks {missing}")
    rec = {}
    for k in RECORD_FIELDS:
        v = raw[k]
        if isinstance(v, date):
            v = v.isoformat()
        rec[k] = unicodedata.normalize("NFC", str(v)) if v is not None else None
    date.fromisoformat(rec["issued_date"])  # raises ValueError on a malformed label
    if rec["family"] not in ("party", "state"):
        raise SeedFormatError(f"seed {seed_id}: family must be party|state, not {rec['family']!r}")
    return rec


# --- parsing --------------------------------------------------------------------------------------------


def _blocks(text: str) -> list[list[str]]:
    """Runs of non-blank lines (a blank line separates blocks), lines stripped."""
    out: list[list[str]] = []
    cur: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            cur.append(line)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _strip_markers(s: str) -> str:
    return s.replace("*", "").strip()


def _parse(seed_id: str, text: str, record: dict, province: dict) -> SeedDocument:
    lines = [ln for block in _blocks(text) for ln in block]
    blocks = _blocks(text)
    pos = 0  # index into `lines`

    printed_place_date = printed_number = None
    while (
        pos < len(lines)
        and _strip_markers(lines[pos]) != record["doc_type_name"]
        and not lines[pos].startswith(record["doc_type_name"])
    ):
        line = _strip_markers(lines[pos])
        if m := _PLACE_DATE_RE.match(line):
            _check_place_date(m, record)
            printed_place_date = line
        elif m := _NUMBER_RE.match(line):
            if m["number"] != record["number"]:
                raise SeedFormatError(f"printed number {m['number']!r} != label {record['number']!r}")
            printed_number = line
        else:
            raise SeedFormatError(f"unexpected line before the type line: {line[:80]!r}")
        pos += 1
    if pos == len(lines):
        raise SeedFormatError(f"type line {record['doc_type_name']!r} not found")

    # The type line may carry the first subject line glued on ("THÔNG BÁO**Của đồng chí ...**").
    type_raw = lines[pos]
    type_line = record["doc_type_name"]
    rest = _strip_markers(type_raw[len(type_line) :]) if type_raw.startswith(type_line) else ""
    pos += 1
    subject_lines: list[str] = [rest] if rest else []
    target = record["subject"]
    while " ".join(subject_lines) != target:
        if pos == len(lines):
            raise SeedFormatError("ran out of text while reading the subject")
        subject_lines.append(_strip_markers(lines[pos]))
        pos += 1
        if not target.startswith(" ".join(subject_lines)):
            raise SeedFormatError(
                f"subject lines {subject_lines!r} do not spell the labelled subject {target!r}"
            )

    # Map the line cursor back onto blocks: the body starts at the first block after the subject.
    consumed = pos
    block_idx = 0
    while consumed > 0:
        consumed -= len(blocks[block_idx])
        block_idx += 1
    if consumed < 0:
        raise SeedFormatError("the subject ends in the middle of a block")
    rest_blocks = blocks[block_idx:]

    body_blocks: list[list[str]] = []
    i = 0
    while i < len(rest_blocks) and rest_blocks[i][0] != _RECIPIENTS_LABEL:
        if rest_blocks[i][0].startswith("**") and _AUTHORITY_RE.match(_strip_markers(rest_blocks[i][0])):
            break
        body_blocks.append(rest_blocks[i])
        i += 1
    recipient_lines: list[str] = []
    if i < len(rest_blocks) and rest_blocks[i][0] == _RECIPIENTS_LABEL:
        recipient_lines = rest_blocks[i][1:]
        i += 1
        while i < len(rest_blocks) and rest_blocks[i][0].startswith("- "):
            recipient_lines.extend(rest_blocks[i])
            i += 1
        if not recipient_lines or not all(r.startswith("- ") for r in recipient_lines):
            raise SeedFormatError(f"recipient lines must start with '- ': {recipient_lines!r}")
    signature = _parse_signature(rest_blocks[i:], record) if i < len(rest_blocks) else None
    if signature is None and record["signer_name"]:
        raise SeedFormatError(f"labelled signer {record['signer_name']!r} but no signature block in the text")

    paragraphs = rejoin_page_breaks([_parse_spans(" ".join(b)) for b in body_blocks])
    return SeedDocument(
        seed_id=seed_id,
        record=record,
        province=province,
        type_line=type_line,
        subject_lines=tuple(subject_lines),
        paragraphs=tuple(paragraphs),
        recipient_lines=tuple(recipient_lines),
        signature=signature,
        printed_place_date=printed_place_date,
        printed_number_line=printed_number,
    )


def _check_place_date(m: re.Match, record: dict) -> None:
    printed = date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
    if m["place"].strip() != record["place"] or printed != record["issued_date"]:
        raise SeedFormatError(
            f"printed place/date {m['place']!r} {printed} != labels "
            f"{record['place']!r} {record['issued_date']}"
        )


def _parse_signature(blocks: list[list[str]], record: dict) -> Signature:
    lines = [_strip_markers(ln) for b in blocks for ln in b]
    if len(lines) < 2:
        raise SeedFormatError(f"signature block too short: {lines!r}")
    authority_line = None
    if m := _AUTHORITY_RE.match(lines[0]):
        authority_line = lines.pop(0)
        got = (m[1], m[2])
    else:
        got = (None, None)
    if len(lines) != 2:
        raise SeedFormatError(f"signature block must end with title and name: {lines!r}")
    title, name = lines
    want = (record["signing_authority"], record["on_behalf_of"])
    if got != want or title != record["signer_title"] or name != record["signer_name"]:
        raise SeedFormatError(
            f"signature {got + (title, name)!r} disagrees with labels "
            f"{want + (record['signer_title'], record['signer_name'])!r}"
        )
    return Signature(authority_line=authority_line, title=title, name=name)


def _parse_spans(text: str) -> Paragraph:
    """'a **b** *c*' -> spans with the markers removed; an unmatched marker is an error, not text."""
    spans: list[Span] = []
    pos = 0
    for m in _SPAN_RE.finditer(text):
        if m.start() > pos:
            spans.append(Span(text[pos : m.start()]))
        spans.append(Span(m["b"], bold=True) if m["b"] is not None else Span(m["i"], italic=True))
        pos = m.end()
    if pos < len(text):
        spans.append(Span(text[pos:]))
    for s in spans:
        if "*" in s.text:
            raise SeedFormatError(f"unmatched emphasis marker in {text[:80]!r}")
    return Paragraph(tuple(spans))


def _ends_sentence(text: str) -> bool:
    t = text.rstrip().rstrip(_CLOSING_QUOTES)
    return not t or t[-1] in _SENTENCE_END


def rejoin_page_breaks(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Glue a paragraph onto the previous one when a page break split it.

    Conservative: only when the previous one does not end a sentence or heading (.:;!?…) AND the next one
    starts with a lowercase letter (a new paragraph, list item or heading never does)."""
    out: list[Paragraph] = []
    for p in paragraphs:
        first = p.text.lstrip()[:1]
        if out and first.isalpha() and first.islower() and not _ends_sentence(out[-1].text):
            out[-1] = _concat(out[-1], p)
        else:
            out.append(p)
    return out


def _concat(a: Paragraph, b: Paragraph) -> Paragraph:
    spans = list(a.spans)
    last = spans.pop()
    joined = [Span(last.text.rstrip(), last.bold, last.italic)]
    first, *rest = b.spans
    first = Span(" " + first.text.lstrip(), first.bold, first.italic)
    if (first.bold, first.italic) == (joined[0].bold, joined[0].italic):
        joined = [Span(joined[0].text + first.text, first.bold, first.italic)]
    else:
        joined.append(first)
    return Paragraph(tuple(spans + joined + rest))


# --- what a simulated portal serves: the truth to measure a loaded record against ---------------------


def sample_record(samples_dir: Path, sample: str) -> dict:
    """The labelled record of a real sample file (its `<name>.expected.json`, labelled from the document)."""
    path = samples_dir / sample
    expected = path.with_name(path.stem + ".expected.json")
    import json

    return json.loads(expected.read_text(encoding="utf-8"))["record"]


def document_truth(
    *,
    doc_key: int,
    kind: str,
    revision: int,
    listed: dict,
    seed: SeedDocument | None = None,
    sample_fields: dict | None = None,
    body_html_present: bool = False,
) -> dict:
    """One served document's truth: `listed`, what the portal prints (keys of DocumentRef.listed), and
    `record`, what the document itself says (the seed's labels, or the sample's expected.json record; None
    for a page-only entry, whose only witness is the portal). `fields` is the record a merge of the two
    should give: the document's value where it has one, else the portal's."""
    if seed is not None:
        truth = seed.truth()
        record = {k: v for k, v in truth.items() if k not in ("body", "text")}
    else:
        record = dict(sample_fields) if sample_fields is not None else None
    own = record or {}
    fields = {
        "number": own.get("number") or listed.get("number"),
        "issued_date": own.get("issued_date") or listed.get("issued_date"),
        "doc_type_label": listed.get("doc_type_label"),
        "doc_type_name": own.get("doc_type_name"),
        "issuer": own.get("issuer") or listed.get("issuer"),
        "signer_name": own.get("signer_name") or listed.get("signer"),
        "subject": own.get("subject") or listed.get("subject"),
        "family": own.get("family"),
    }
    listed = dict(listed)
    if body_html_present:
        listed["body_html_present"] = "1"
    return {
        "doc_key": str(doc_key),
        "kind": kind,
        "revision": revision,
        "listed": listed,
        "record": record,
        "fields": fields,
    }
