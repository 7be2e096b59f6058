"""The typed stage hand-over: what fetch gives extract (FetchedItem with its StoredFiles), what extract and
validate give the next stage (ExtractedEntry: the item and its DocumentRecord).

One serialisation (to_dict / from_dict, written by pipeline/manifests.py as canonical JSON), and every
object is checked whenever a manifest is read (HandoverError names the manifest and the problem), as Open
States validates every object before import: a manifest written by another version of the code, or edited
by hand, fails loudly at the stage boundary instead of deep inside a parser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from parsers.fields import DocumentRecord
from scrapers.models import DocumentRef
from warehouse.keys import original_key

ROLES = ("detail", "primary", "attachment")
FETCH_STATUSES = ("new", "changed", "reprocess")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class HandoverError(ValueError):
    """A manifest item that is not what the stage hand-over promises."""


def _need(data: Mapping[str, Any], name: str, what: str) -> Any:
    if name not in data or data[name] in (None, ""):
        raise HandoverError(f"{what} without {name!r}")
    return data[name]


@dataclass(frozen=True)
class StoredFile:
    """One original in the object store, as fetched for a document."""

    role: str  # detail (the detail page), primary (the document's file) or attachment
    url: str
    sha256: str
    key: str
    size: int
    filename: str | None = None
    content_type: str | None = None
    warc_key: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise HandoverError(f"file role must be one of {ROLES}, got {self.role!r}")
        if not _SHA256.match(self.sha256):
            raise HandoverError(f"file {self.url}: not a SHA-256 digest: {self.sha256!r}")
        if self.key != original_key(self.sha256):
            raise HandoverError(f"file {self.url}: key {self.key!r} is not the original's key")

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "url": self.url,
            "filename": self.filename,
            "sha256": self.sha256,
            "key": self.key,
            "size": self.size,
            "content_type": self.content_type,
            **({"warc_key": self.warc_key} if self.warc_key else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredFile:
        what = "stored file"
        return cls(
            role=_need(data, "role", what),
            url=_need(data, "url", what),
            sha256=_need(data, "sha256", what),
            key=_need(data, "key", what),
            size=int(data.get("size") or 0),
            filename=data.get("filename"),
            content_type=data.get("content_type"),
            warc_key=data.get("warc_key"),
        )


@dataclass(frozen=True)
class FetchedItem:
    """A document whose originals are stored and that extract must read."""

    ref: DocumentRef
    status: str  # new, changed or reprocess
    files: tuple[StoredFile, ...]
    fetch_warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in FETCH_STATUSES:
            raise HandoverError(f"{self.ref.doc_key}: fetch status must be one of {FETCH_STATUSES}")
        if not self.files:
            raise HandoverError(f"{self.ref.doc_key}: a fetched item without stored files")

    @property
    def primary(self) -> StoredFile:
        """The file that is the document: the primary attachment, else the detail page."""
        return next((f for f in self.files if f.role == "primary"), self.files[0])

    @property
    def doc_key(self) -> str:
        return self.ref.doc_key

    def with_warc(self, warc_key: str) -> FetchedItem:
        return replace(self, files=tuple(replace(f, warc_key=warc_key) for f in self.files))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref.to_dict(),
            "status": self.status,
            "primary_sha256": self.primary.sha256,
            "files": [f.to_dict() for f in self.files],
            "fetch_warnings": list(self.fetch_warnings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FetchedItem:
        what = "fetched item"
        try:
            ref = DocumentRef.from_dict(_need(data, "ref", what))
        except (KeyError, TypeError) as exc:
            raise HandoverError(f"{what} with an invalid ref: {exc}") from exc
        return cls(
            ref=ref,
            status=_need(data, "status", what),
            files=tuple(StoredFile.from_dict(f) for f in _need(data, "files", what)),
            fetch_warnings=tuple(data.get("fetch_warnings") or ()),
        )


@dataclass(frozen=True)
class ExtractedEntry:
    """A fetched item and the record read from its primary file (after validate: with quality_warnings)."""

    item: FetchedItem
    record: DocumentRecord = field(default_factory=DocumentRecord)

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item.to_dict(), "record": self.record.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExtractedEntry:
        item = FetchedItem.from_dict(_need(data, "item", "extracted entry"))
        try:
            record = DocumentRecord.from_dict(dict(_need(data, "record", "extracted entry")))
        except (TypeError, ValueError) as exc:
            raise HandoverError(f"{item.doc_key}: invalid record: {exc}") from exc
        return cls(item, record)


def read_items(payload: Mapping[str, Any], kind: type, manifest: str) -> list:
    """The manifest's items as `kind` objects; HandoverError names the manifest and the bad item."""
    items = payload.get("items")
    if not isinstance(items, list):
        raise HandoverError(f"manifest {manifest}: no list of items")
    out = []
    for index, raw in enumerate(items):
        try:
            out.append(kind.from_dict(raw))
        except HandoverError as exc:
            raise HandoverError(f"manifest {manifest}, item {index}: {exc}") from exc
    return out
