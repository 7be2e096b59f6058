"""One generic test per golden file: parse the document beside it (real extraction, real OCR) and compare.

Goldens: tests/fixtures/real/<kind>/<file>.expected.json (the real corpus, labelled by reading the documents),
tests/fixtures/samples/**/<file>.expected.json (the five real samples) and
tests/fixtures/corpus/**/<class>.expected.json (rendered by the simulator).
Real goldens are checked field by field, exactly; a field the labeller marked "unreadable" may also be null
with a warning, one marked "tolerated" (only by the labeller, on scans) must be close.  The fields the parser
still gets wrong on the real corpus are listed, with their error class, in real_known_misses.txt: they run as
strict expected failures, so a fix shows up as an unexpected pass (remove the line then) and a new miss as a
failure.  The list is the parser's defect ledger, never a relaxation of a golden.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from parsers.eval import (
    DEFAULT_CORPUS,
    DEFAULT_REAL,
    DEFAULT_SAMPLES,
    REAL_SAMPLE_CLASS,
    SCAN_EXACT_FIELDS,
    SCAN_NEVER_INVENTED,
    Golden,
    close_enough,
    field_value,
    find_goldens,
    is_real_class,
    is_scan_class,
    max_body_cer,
    null_with_warning,
)
from parsers.normalize import cer
from parsers.record import parse_path

GOLDENS = find_goldens(DEFAULT_REAL, DEFAULT_SAMPLES, DEFAULT_CORPUS)
REAL_GOLDENS = [g for g in GOLDENS if is_real_class(g.cls)]
OTHER_GOLDENS = [g for g in GOLDENS if not is_real_class(g.cls)]
KNOWN_MISSES_FILE = Path(__file__).with_name("real_known_misses.txt")


def _known_misses() -> dict[tuple[str, str], str]:
    """(document file name, field or 'body') -> error class, from real_known_misses.txt."""
    out = {}
    for line in KNOWN_MISSES_FILE.read_text(encoding="utf-8").splitlines():
        entry, _, why = line.partition("#")
        if entry.strip():
            name, field = entry.split()
            out[(name, field)] = why.strip()
    return out


KNOWN_MISSES = _known_misses()


def _real_cases(kind: str) -> list:
    cases = []
    for golden in REAL_GOLDENS:
        names = ["body"] if kind == "body" else [n for n in golden.truth if n != "body"]
        if kind == "body" and golden.body is None:
            continue
        for name in names:
            why = KNOWN_MISSES.get((golden.document.name, name))
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why is not None else []
            cases.append(pytest.param(golden, name, marks=marks, id=f"{golden.document.name}:{name}"))
    return cases


@cache
def _parsed(document: str) -> dict:
    return parse_path(document).to_dict()


def test_real_samples_are_labelled():
    assert sum(1 for g in GOLDENS if g.cls == REAL_SAMPLE_CLASS) >= 5


def _rendered_scan(golden: Golden) -> bool:
    return is_scan_class(golden.cls) and not golden.cls.startswith("real")


def test_every_real_corpus_file_has_a_golden():
    kinds = {g.document.parent.name for g in REAL_GOLDENS}
    assert {"pdf", "doc", "docx", "scan", "html"} <= kinds
    assert len(REAL_GOLDENS) >= 35


def test_known_misses_name_real_fields():
    names = {(g.document.name, n) for g in REAL_GOLDENS for n in [*g.truth, "body"]}
    assert set(KNOWN_MISSES) <= names, sorted(set(KNOWN_MISSES) - names)


@pytest.mark.parametrize(("golden", "name"), _real_cases("fields"))
def test_real_field_matches_golden(golden: Golden, name: str):
    wrong = _wrong_fields(golden, _parsed(str(golden.document)), [name], dict(golden.unreadable))
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("golden", "name"), _real_cases("body"))
def test_real_body_character_error_rate(golden: Golden, name: str):
    record = _parsed(str(golden.document))
    rate = cer(record["body"], golden.body)
    assert rate <= max_body_cer(golden), f"body CER {rate:.4f} > {max_body_cer(golden)}"


@pytest.mark.parametrize("golden", OTHER_GOLDENS, ids=lambda g: f"{g.cls}:{g.document.name}")
def test_fields_match_golden(golden: Golden):
    record = _parsed(str(golden.document))
    unreadable, judged = dict(golden.unreadable), list(golden.truth)
    if _rendered_scan(golden):
        # rendered scans: exact on the robust fields, never-invent on number/date; the rest is in the report
        unreadable.update(dict.fromkeys(SCAN_NEVER_INVENTED, "rendered scan"))
        judged = [n for n in judged if n in SCAN_EXACT_FIELDS or n in SCAN_NEVER_INVENTED]
    wrong = _wrong_fields(golden, record, judged, unreadable)
    assert not wrong, "\n".join(wrong)


def _wrong_fields(golden: Golden, record: dict, judged: list[str], unreadable: dict) -> list[str]:
    wrong = []
    for name in judged:
        expected = golden.truth[name]
        if name == "body":
            continue
        got = field_value(record, name)
        if name in unreadable:
            # never invent: the right value, or nothing plus a warning saying so
            if got in (None, []):
                if got != expected and not null_with_warning(record, name):
                    wrong.append(f"{name}: null without a warning naming it ({record['warnings']})")
            elif got != expected:
                wrong.append(f"{name}: {got!r} != {expected!r} (unreadable field: only null is acceptable)")
        elif name in golden.tolerated:
            if not close_enough(got, expected):
                wrong.append(f"{name}: {got!r} is not close to {expected!r}")
        elif got != expected:
            wrong.append(f"{name}: {got!r} != {expected!r}")
    return wrong


@pytest.mark.parametrize(
    "golden", [g for g in OTHER_GOLDENS if g.body is not None], ids=lambda g: f"{g.cls}:{g.document.name}"
)
def test_body_character_error_rate(golden: Golden):
    record = _parsed(str(golden.document))
    rate = cer(record["body"], golden.body)
    assert rate <= max_body_cer(golden), f"body CER {rate:.4f} > {max_body_cer(golden)}"
    assert record["text"], "the full text is kept"
