"""The typed stage hand-over: one serialisation, and every item checked when a manifest is read."""

from __future__ import annotations

import pytest

from parsers.fields import DocumentRecord
from pipeline.handover import ExtractedEntry, FetchedItem, HandoverError, StoredFile, read_items
from scrapers.models import Attachment, DocumentRef
from warehouse.keys import original_key

SHA = "ab" * 32
REF = DocumentRef(
    "sim-quangngai-tu",
    "101",
    "http://h/van-ban/detail/x-101/",
    listed={"number": "125-KL/TU"},
    attachments=(Attachment("http://h/f.pdf", "f.pdf", alternates=("http://h/?download=1&id=1",)),),
)
FILE = StoredFile("primary", "http://h/f.pdf", SHA, original_key(SHA), 10, "f.pdf", "application/pdf")


def test_items_survive_their_one_serialisation():
    item = FetchedItem(REF, "new", (FILE,), ("a warning",))
    assert FetchedItem.from_dict(item.to_dict()) == item
    assert item.to_dict()["ref"]["attachments"][0]["alternates"] == ["http://h/?download=1&id=1"]
    entry = ExtractedEntry(
        item, DocumentRecord(number="125-KL/TU", issued_date=None, field_sources={"a": "text"})
    )
    assert ExtractedEntry.from_dict(entry.to_dict()) == entry
    assert item.primary is FILE and item.with_warc("warc/x").files[0].warc_key == "warc/x"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.pop("files"), "without 'files'"),
        (lambda d: d["files"][0].update(sha256="xyz"), "not a SHA-256"),
        (lambda d: d["files"][0].update(key="originals/elsewhere"), "not the original's key"),
        (lambda d: d["files"][0].update(role="thumbnail"), "file role"),
        (lambda d: d.update(status="maybe"), "fetch status"),
        (lambda d: d.update(ref={"doc_key": "1"}), "invalid ref"),
    ],
)
def test_a_bad_item_fails_at_the_stage_boundary_naming_the_manifest(change, words):
    raw = FetchedItem(REF, "new", (FILE,)).to_dict()
    change(raw)
    with pytest.raises(HandoverError, match="manifest manifests/p/fetch/1.json, item 0") as exc:
        read_items({"items": [raw]}, FetchedItem, "manifests/p/fetch/1.json")
    assert words in str(exc.value)


def test_a_record_with_an_unknown_field_is_refused():
    raw = ExtractedEntry(FetchedItem(REF, "new", (FILE,))).to_dict()
    raw["record"]["numbr"] = "x"
    with pytest.raises(HandoverError, match="numbr"):
        read_items({"items": [raw]}, ExtractedEntry, "m")


def _answer(content: bytes, content_type: str | None):
    import hashlib
    from datetime import UTC, datetime

    from scrapers.http import FetchResult

    digest = hashlib.sha256(content).hexdigest()
    return FetchResult(
        "http://h/f.pdf", "http://h/f.pdf", 200, content, content_type, digest, datetime.now(UTC), 1
    )


@pytest.mark.parametrize(
    ("content", "content_type", "is_page"),
    [
        (
            b"<!DOCTYPE html><html><body>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y</body></html>",
            "text/html",
            True,
        ),
        (b"\n  <html lang='vi'><head><title>404</title>", "application/pdf", True),  # the type lies
        (b"%PDF-1.7\n...", "text/html", False),  # a PDF served as text/html is still the PDF
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 ole", "application/octet-stream", False),
        (b"<html xmlns:w='urn:schemas-microsoft-com:office:word'><body>QUY\xe1\xba\xbeT", "text/html", False),
    ],
)
def test_what_counts_as_a_web_page_instead_of_the_file(content, content_type, is_page):
    from pipeline.stages import served_html

    assert served_html(_answer(content, content_type)) is is_page
