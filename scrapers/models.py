"""What a portal adapter finds: references to documents, before anything is fetched or stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Attachment:
    """One file of a document. A portal often links the same file several ways (its download handler, the
    upload path, a viewer's parameter): `url` is the one to fetch first, `alternates` the other URLs that
    serve the same file, tried in order when `url` answers something that is not the file (an HTML page)."""

    url: str
    filename: str | None = None
    alternates: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "filename": self.filename, "alternates": list(self.alternates)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attachment:
        return cls(data["url"], data.get("filename"), tuple(data.get("alternates") or ()))


@dataclass(frozen=True)
class DocumentRef:
    """A document as a portal lists it: its own key, where it lives, and what the portal says of it."""

    portal_id: str
    doc_key: str
    detail_url: str
    title: str | None = None
    listed: Mapping[str, str | None] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "portal_id": self.portal_id,
            "doc_key": self.doc_key,
            "detail_url": self.detail_url,
            "title": self.title,
            "listed": dict(self.listed),
            "attachments": [a.to_dict() for a in self.attachments],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentRef:
        return cls(
            portal_id=data["portal_id"],
            doc_key=str(data["doc_key"]),
            detail_url=data["detail_url"],
            title=data.get("title"),
            listed=dict(data.get("listed") or {}),
            attachments=tuple(Attachment.from_dict(a) for a in data.get("attachments") or ()),
        )
