"""The GX suite on real seed records: good records pass, each broken field fails with its own reason.

GX is slow to import, so the whole batch (seeds + one mutant per broken field) is validated once per module.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
import yaml

from quality import QualityError, SuiteLimits, validate_records
from quality.codes import KNOWN_DOC_TYPES, NUMBER_PATTERNS

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
TODAY = date(2026, 11, 22)


def seed_records() -> list[dict]:
    records = []
    for meta in sorted(SEEDS.glob("*.meta.yaml")):
        labels = yaml.safe_load(meta.read_text(encoding="utf-8"))
        text = meta.with_name(meta.name.replace(".meta.yaml", ".txt")).read_text(encoding="utf-8")
        records.append(
            dict(
                labels["record"],
                record_id=labels["seed"],
                text=unicodedata.normalize("NFC", text),
                portal_id="sim-test",
                doc_key=labels["seed"],
                original_sha256="0" * 64,
            )
        )
    return records


GOOD = seed_records()
BASE = GOOD[0]

# record_id -> (changed fields, the words its reason must contain). Critical: quarantine.
CRITICAL_MUTANTS = {
    "no-text": ({"text": None}, ["text is missing"]),
    "short-text": ({"text": "Kết luận"}, ["text has 8 characters, fewer than the 100"]),
    "no-original": ({"original_sha256": None}, ["original_sha256 is missing"]),
    "no-doc-key": ({"doc_key": ""}, ["doc_key is missing"]),
    "no-portal": ({"portal_id": None}, ["portal_id is missing"]),
}
# Warnings: the record is loaded with the findings listed.
MUTANTS = {
    "bad-number": ({"number": "12/ABC x"}, ["number '12/ABC x' does not match"]),
    "prefixed-number": ({"number": "Số: 125-KL/TU"}, ["number 'Số: 125-KL/TU' does not match"]),
    "no-number": ({"number": None}, ["number is missing"]),
    "blank-issuer": ({"issuer": "  "}, ["issuer is missing"]),
    "no-type": ({"doc_type": None}, ["doc_type is missing"]),
    "unknown-type": ({"doc_type": "XYZ"}, ["doc_type 'XYZ' is not a known"]),
    "no-date": ({"issued_date": None}, ["issued_date is missing"]),
    "too-old": ({"issued_date": "1929-12-31"}, ["issued_date '1929-12-31' is not between 1930-01-01"]),
    "future": ({"issued_date": "2026-11-24"}, ["issued_date '2026-11-24' is not between", "2026-11-23"]),
    "impossible-date": ({"issued_date": "2021-02-30"}, ["issued_date '2021-02-30' is not a valid ISO date"]),
    "no-signer": ({"signer_name": None}, ["signer_name is missing"]),
    "bad-family": ({"family": "church"}, ["family 'church' is neither"]),
    "decomposed": (
        {"subject": unicodedata.normalize("NFD", "về công tác phòng, chống dịch")},
        ["not in Unicode NFC"],
    ),
}
# Edge cases that are valid and must pass.
VALID_VARIANTS = {
    "state-number": {"family": "state", "doc_type": "CT", "number": "12/CT-UBND"},
    "qppl-number": {"family": "state", "doc_type": "QĐ", "number": "12/2020/QĐ-UBND"},
    "state-cong-van": {"family": "state", "doc_type": "CV", "number": "1906/SGDĐT-CTrTT"},
    "party-cong-van": {"doc_type": "CV", "number": "123-CV/TU"},
    "tomorrow": {"issued_date": "2026-11-23"},
    "constitution-without-number": {"family": "state", "doc_type": "HP", "number": None},
    "cong-bao-without-number": {"family": "state", "doc_type": "CB", "number": None},
    "court-precedent": {"family": "state", "doc_type": "AL", "number": "01/2016/AL"},
    "law": {"family": "state", "doc_type": "Lu", "number": "15/2012/QH13"},
    "first-day": {"issued_date": "1930-01-01"},
}


@pytest.fixture(scope="module")
def outcome():
    batch = [dict(r) for r in GOOD]
    batch += [dict(BASE, record_id=rid, **change) for rid, (change, _) in MUTANTS.items()]
    batch += [dict(BASE, record_id=rid, **change) for rid, (change, _) in CRITICAL_MUTANTS.items()]
    batch += [dict(BASE, record_id=rid, **change) for rid, change in VALID_VARIANTS.items()]
    return validate_records(batch, today=TODAY)


def test_seed_records_and_valid_variants_pass(outcome):
    expected = [r["record_id"] for r in GOOD] + list(VALID_VARIANTS)
    assert set(expected) <= set(outcome.passed_ids), {k: outcome.failed.get(k) for k in expected}
    assert not any(outcome.warnings.get(k) for k in VALID_VARIANTS), outcome.warnings
    for record in GOOD:  # a seed is warned only of what its labels say it lacks (002 has no signature)
        expected_missing = {f"{k} is missing" for k in ("signer_name", "number") if record.get(k) is None}
        assert set(outcome.warnings.get(record["record_id"], [])) == expected_missing


@pytest.mark.parametrize("record_id", list(MUTANTS))
def test_each_broken_field_is_a_warning_with_its_own_reason(outcome, record_id):
    assert record_id in outcome.passed_ids and record_id not in outcome.failed
    reasons = outcome.warnings.get(record_id)
    assert reasons, f"{record_id} passed without a warning"
    assert len(reasons) == 1, reasons  # only the broken field is reported
    for words in MUTANTS[record_id][1]:
        assert words in reasons[0], reasons


@pytest.mark.parametrize("record_id", list(CRITICAL_MUTANTS))
def test_what_cannot_be_archived_fails_critically(outcome, record_id):
    reasons = outcome.failed.get(record_id)
    assert reasons and record_id not in outcome.passed_ids, f"{record_id} passed"
    assert len(reasons) == 1, reasons
    for words in CRITICAL_MUTANTS[record_id][1]:
        assert words in reasons[0], reasons


def test_statistics_count_the_batch(outcome):
    stats = outcome.statistics
    assert stats["records"] == len(GOOD) + len(MUTANTS) + len(CRITICAL_MUTANTS) + len(VALID_VARIANTS)
    assert stats["failed"] == len(CRITICAL_MUTANTS)
    assert stats["passed"] == stats["records"] - len(CRITICAL_MUTANTS)
    assert sum(stats["failures_by_check"].values()) == len(CRITICAL_MUTANTS)
    unsigned = sum(1 for r in GOOD if r.get("signer_name") is None)
    assert stats["warned"] == len(MUTANTS) + unsigned
    assert sum(stats["warnings_by_check"].values()) == len(MUTANTS) + unsigned
    assert stats["evaluated_expectations"] > 0 and not outcome.success


def test_limits_are_configurable():
    strict = SuiteLimits(min_text_chars=len(BASE["text"]) + 1, earliest_issued=date(2022, 1, 1))
    outcome = validate_records([dict(BASE, record_id="x")], limits=strict, today=TODAY)
    assert any("fewer than the" in r for r in outcome.failed["x"])
    assert any("2022-01-01" in r for r in outcome.warnings["x"])


def test_batches_without_unique_ids_are_refused():
    with pytest.raises(QualityError, match="duplicate record_id"):
        validate_records([dict(BASE, record_id="a"), dict(BASE, record_id="a")])
    with pytest.raises(QualityError, match="no record_id"):
        validate_records([dict(BASE, record_id=None)])
    empty = validate_records([])
    assert empty.passed_ids == [] and empty.failed == {} and empty.success


def test_code_sets_and_number_shapes():
    assert {"NQ", "QĐ", "CT", "KL", "TB", "CV", "CTr", "QyĐ", "ĐA"} <= KNOWN_DOC_TYPES

    def shape_ok(number: str) -> bool:
        return any(re.match(p, number) for p in NUMBER_PATTERNS)

    for good in ("168-TB/HU", "08-CT/TU", "12-QĐi/TU", "12/CT-UBND", "12/2020/NĐ-CP", "1906/SGDĐT-CTrTT"):
        assert shape_ok(good), good
    for bad in ("Số 12-KL/TU", "12 - KL/TU", "12/", "KL/TU", "123456-KL/TU", "12-KL/T U"):
        assert not shape_ok(bad), bad
