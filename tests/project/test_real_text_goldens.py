"""The hand-made goldens of the real text documents (tests/fixtures/real/{pdf,doc,docx,html}) keep their own
contract: the labelled file is the corpus file byte for byte, every record field is there, values are NFC and
in canonical form, the authority fields agree with each other and every body reference exists.

Why a test of the labels themselves: a golden with a typo in its shape (a leading dash left on a recipient,
'Số:' left in a number, an issued_month that contradicts issued_date) would silently lower or raise the
measured accuracy. These checks never run the parser, so they can run before the parser is measured.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
CLASS_BY_FOLDER = {"pdf": "real-text-pdf", "doc": "real-office", "docx": "real-office", "html": "real-html"}
RECORD_FIELDS = [
    "family",
    "doc_type",
    "doc_type_name",
    "number",
    "issuer",
    "issuer_parent",
    "place",
    "issued_date",
    "issued_month",
    "subject",
    "signing_authority",
    "signing_chain",
    "on_behalf_of",
    "signer_title",
    "signer_name",
    "recipients",
]
AUTHORITIES = ("T/M", "K/T", "T/L", "Q.", "TM.", "KT.", "TL.", "TUQ.")
GOLDENS = sorted(p for folder in CLASS_BY_FOLDER for p in (REAL / folder).glob("*.expected.json"))


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def test_every_real_text_document_has_a_golden():
    files = [p for folder in CLASS_BY_FOLDER for p in (REAL / folder).iterdir()]
    documents = [p for p in files if not p.name.endswith((".json", ".txt"))]
    labelled = {_load(g)["file"] for g in GOLDENS}
    assert len(documents) >= 22
    assert {p.name for p in documents} == labelled


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.name)
def test_golden_shape(golden: Path):
    data = _load(golden)
    assert data["class"] == CLASS_BY_FOLDER[golden.parent.name]
    document = golden.parent / data["file"]
    digest = hashlib.sha256(document.read_bytes()).hexdigest()
    assert digest == data["sha256"], "the labelled file must be the corpus file, byte for byte"
    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}:.+", data["source"])
    assert data["notes"].strip()
    record = data["record"]
    assert list(record) == RECORD_FIELDS
    for text in _strings(data):
        assert text == unicodedata.normalize("NFC", text)
    for text in _strings(record):
        assert text == text.strip() and "  " not in text, f"stray spaces in {text!r}"
    for field, why in data.get("unreadable", {}).items():
        assert field in RECORD_FIELDS and record[field] is None and why.strip()


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.name)
def test_golden_values_are_canonical(golden: Path):
    data = _load(golden)
    r = data["record"]
    assert r["family"] in ("party", "state")
    if r["number"] is not None:
        assert not r["number"].lower().startswith("số") and " " not in r["number"]
        assert re.fullmatch(r"\d+(-[A-ZĐa-z]+/|/(\d{4}/)?)[\wĐ&/-]+", r["number"]), r["number"]
    elif r["doc_type"] not in (None, "other"):
        assert data.get("number_suffix") or "number" in data.get("unreadable", {}), "say what was printed"
    if r["issued_date"] is not None:
        dt.date.fromisoformat(r["issued_date"])
        assert r["issued_month"] == r["issued_date"][:7]
    if r["issued_month"] is not None:
        assert re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", r["issued_month"])
    for entry in r["recipients"]:
        assert entry and not entry.startswith(("-", "+", "–")) and not entry.endswith((";", ",", "."))


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.name)
def test_authority_fields_agree(golden: Path):
    r = _load(golden)["record"]
    chain = r["signing_chain"]
    if not chain:
        assert r["signing_authority"] is None and r["on_behalf_of"] is None
        return
    outer = chain[0]
    assert r["signing_authority"] in AUTHORITIES and outer.startswith(r["signing_authority"])
    assert outer[len(r["signing_authority"]) :].strip() == r["on_behalf_of"]
    assert all(line.startswith(AUTHORITIES) for line in chain)
    assert r["signer_title"] and r["signer_name"]


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.name)
def test_body_reference(golden: Path):
    data = _load(golden)
    body = (golden.parent / data["body_file"]).read_text(encoding="utf-8")
    assert body == unicodedata.normalize("NFC", body) and len(body) > 100
    lines = body.splitlines()
    assert all(line == line.strip() and line for line in lines), "one paragraph a line, no blank lines"
    if data["record"]["doc_type"] is not None:  # appendix-only files are tables whose STT cells are numbers
        assert not any(re.fullmatch(r"\d{1,3}", line) for line in lines), "page numbers are not body text"
    assert data["max_cer"]["body"] <= 0.01
