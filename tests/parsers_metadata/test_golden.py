"""One generic test per golden file: parse the document beside it (real extraction, real OCR) and compare.

Goldens: tests/fixtures/real/<kind>/<file>.expected.json (the real corpus, labelled by reading the documents),
tests/fixtures/samples/**/<file>.expected.json (the five real samples) and
tests/fixtures/corpus/**/<class>.expected.json (rendered by the simulator).
Real goldens are checked field by field, exactly; a field the labeller marked "unreadable" may also be null
with a warning, one marked "tolerated" (only by the labeller, on scans) must be close.
"""

from __future__ import annotations

from functools import cache

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
    is_scan_class,
    max_body_cer,
    null_with_warning,
)
from parsers.normalize import cer
from parsers.record import parse_path

GOLDENS = find_goldens(DEFAULT_REAL, DEFAULT_SAMPLES, DEFAULT_CORPUS)


@cache
def _parsed(document: str) -> dict:
    return parse_path(document).to_dict()


def test_real_samples_are_labelled():
    assert sum(1 for g in GOLDENS if g.cls == REAL_SAMPLE_CLASS) >= 5


def _rendered_scan(golden: Golden) -> bool:
    return is_scan_class(golden.cls) and not golden.cls.startswith("real")


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda g: f"{g.cls}:{g.document.name}")
def test_fields_match_golden(golden: Golden):
    record = _parsed(str(golden.document))
    unreadable, judged = dict(golden.unreadable), list(golden.truth)
    if _rendered_scan(golden):
        # rendered scans: exact on the robust fields, never-invent on number/date; the rest is in the report
        unreadable.update(dict.fromkeys(SCAN_NEVER_INVENTED, "rendered scan"))
        judged = [n for n in judged if n in SCAN_EXACT_FIELDS or n in SCAN_NEVER_INVENTED]
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
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "golden", [g for g in GOLDENS if g.body is not None], ids=lambda g: f"{g.cls}:{g.document.name}"
)
def test_body_character_error_rate(golden: Golden):
    record = _parsed(str(golden.document))
    rate = cer(record["body"], golden.body)
    assert rate <= max_body_cer(golden), f"body CER {rate:.4f} > {max_body_cer(golden)}"
    assert record["text"], "the full text is kept"
