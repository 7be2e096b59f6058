"""The parser's record of an original is kept in the object store and read back for the same bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from parsers import PARSER_VERSION
from parsers.errors import ExtractionError, WrongContentType
from pipeline.records import parsed_original

TEXT_PDF = Path(__file__).parents[1] / "fixtures" / "corpus" / "000_990e28e3400a8969" / "text.pdf"


def _primary(data: bytes, filename: str = "kl-125.pdf", content_type: str = "application/pdf") -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "filename": filename, "content_type": content_type}


def test_the_same_bytes_are_parsed_once(object_store):
    data = TEXT_PDF.read_bytes()
    first, reused = parsed_original(object_store, _primary(data), data)
    assert not reused and first["number"] == "125-KL/TU" and first["parser_version"] == PARSER_VERSION
    (key,) = object_store.list_keys("parsed/")
    digest = _primary(data)["sha256"]
    assert key.startswith(f"parsed/sha256/{digest[:2]}/{digest}-p{PARSER_VERSION}-pdf-")
    # posted again under another name with the same claim: read back, not parsed
    again, reused = parsed_original(object_store, _primary(data, filename="ban-ky-lai.pdf"), data)
    assert reused and again == first
    assert object_store.count_objects("parsed/") == 1


def test_a_claim_the_bytes_belie_is_still_an_error(object_store):
    data = TEXT_PDF.read_bytes()
    parsed_original(object_store, _primary(data), data)
    with pytest.raises(WrongContentType):
        parsed_original(object_store, _primary(data, "ban.docx", "application/msword"), data)
    # no claim at all is a key of its own: parsed, not read back
    _, reused = parsed_original(object_store, _primary(data, "", ""), data)
    assert not reused and object_store.count_objects("parsed/") == 2


def test_failures_are_not_kept(object_store):
    data = b"%PDF-1.4\n% no objects at all\n%%EOF\n"
    with pytest.raises(ExtractionError):
        parsed_original(object_store, _primary(data), data)
    assert object_store.count_objects("parsed/") == 0
