"""The adapter protocol and what all CMS families share: text cleaning, labels, dates, URLs, the listing walk.

An adapter turns a portal's listing and detail pages into DocumentRefs. Page parsing is pure (HTML and the
page's URL in, plain data out) so it can be tested against recorded pages; `discover` only adds the walk:
pages in order, de-duplication, the host fence, the explicit page and document limits.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from scrapers.models import Attachment, DocumentRef
from scrapers.registry import Portal

log = logging.getLogger(__name__)

FetchText = Callable[[str], str]
# Told about a listing page that could not be fetched (after the HTTP layer's retries): its URL and why.
OnListingFailure = Callable[[str, Exception], None]
# Told that a listing walk stopped at options.max_pages while the listing had more: the next page's URL (not
# read) and the cap.
OnPageCap = Callable[[str, int], None]
# Asked after each listing page, with the page's documents (as the listing shows them): True ends that
# listing's walk after the page (an incremental run: the page shows only documents the archive holds as is).
StopAfterPage = Callable[[list[DocumentRef]], bool]

DEFAULT_MAX_PAGES = 50
# Every Nth scheduled run of a portal walks its whole listing and revisits every known document; the runs
# between stop at the first listing page that shows nothing new (pipeline/walk.py).
DEFAULT_FULL_WALK_EVERY = 7
# Files a portal attaches as "the document"; anything else linked from a page is navigation.
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".zip", ".rar")

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;)\]])")
_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")


class AdapterError(ValueError):
    """A portal page could not be read as the adapter's CMS family (the message names the page)."""


class UnknownAdapter(KeyError):
    def __str__(self) -> str:  # KeyError quotes its argument; the message should read as a sentence
        return str(self.args[0])


# --- text ---------------------------------------------------------------------------------------------


def clean_text(value: str | None) -> str | None:
    """NFC; every kind of space (nbsp, zero-width, ideographic) folded to one ASCII space; '' -> None."""
    if value is None:
        return None
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    return text or None


def element_text(element: Any) -> str | None:
    """An element's text, words of adjacent inline elements kept apart but no space before punctuation."""
    if element is None:
        return None
    text = clean_text(element.get_text(" "))
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text) if text else None


def fold(value: str) -> str:
    """Case- and accent-insensitive form for comparing labels: 'Số hiệu văn bản:' -> 'so hieu van ban'."""
    text = clean_text(value) or ""
    text = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s:：.\-–]+$", "", text).strip()


def parse_date(value: str | None) -> str | None:
    """The first dd/mm/yyyy (also d-m-yyyy, dd.mm.yyyy) in the value as ISO 8601, or None."""
    if not value:
        return None
    for match in _DATE.finditer(value):
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


# --- URLs ---------------------------------------------------------------------------------------------


def absolute_url(href: str | None, page_url: str) -> str | None:
    """Resolve a link against its page; javascript:, mailto:, '#' and empty links are not links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(urljoin(page_url, href))
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def allowed_hosts(portal: Portal) -> frozenset[str]:
    return frozenset({portal.host.lower(), *(h.lower() for h in portal.options.get("extra_hosts", ()))})


def document_filename(url: str) -> str | None:
    """A file name with a document extension, from the URL's path or one of its query values."""
    parts = urlsplit(url)
    candidates = [unquote(PurePosixPath(parts.path).name)]
    candidates += [unquote(v) for values in parse_qs(parts.query).values() for v in values]
    for candidate in candidates:
        name = PurePosixPath(candidate).name
        if PurePosixPath(name.lower()).suffix in DOCUMENT_EXTENSIONS:
            return clean_text(name)
    return None


def has_document_extension(url: str) -> bool:
    return PurePosixPath(unquote(urlsplit(url).path).lower()).suffix in DOCUMENT_EXTENSIONS


# --- what pages yield ---------------------------------------------------------------------------------


@dataclass
class Found:
    """One document as one page shows it (a listing row, or a detail page)."""

    doc_key: str
    detail_url: str
    title: str | None = None
    listed: dict[str, str | None] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_key": self.doc_key,
            "detail_url": self.detail_url,
            "title": self.title,
            "listed": dict(sorted(self.listed.items())),
            "attachments": [a.to_dict() for a in self.attachments],
        }


@dataclass
class ListingPage:
    items: list[Found]
    next_url: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "listing", "items": [i.to_dict() for i in self.items], "next_url": self.next_url}


@dataclass
class DetailPage:
    document: Found

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "detail", **self.document.to_dict()}


def unique_attachments(attachments: list[Attachment]) -> list[Attachment]:
    """One Attachment per file: the same URL, or the same file name, is the same file (a portal links one
    file as its download handler, its upload path and a viewer's parameter). The first URL stays the one
    to fetch; the others become its alternates, in the order they were found; a later link may still
    supply a missing file name."""
    groups: list[tuple[str | None, list[str]]] = []
    for att in attachments:
        name = _name_key(att.filename)
        urls = [att.url, *att.alternates]
        index = next(
            (
                i
                for i, (known_name, known_urls) in enumerate(groups)
                if any(u in known_urls for u in urls) or (name is not None and name == known_name)
            ),
            None,
        )
        if index is None:
            groups.append((name, []))
            index = len(groups) - 1
        known_name, known_urls = groups[index]
        known_urls.extend(u for u in urls if u not in known_urls)
        groups[index] = (known_name or name, known_urls)
    names: dict[str, str] = {}
    for att in attachments:
        if att.filename and _name_key(att.filename) not in names:
            names[_name_key(att.filename)] = att.filename
    result = []
    for name, urls in groups:
        filename = names.get(name) if name else None
        if filename is None:  # nameless links merged by URL: take any name one of them carried
            filename = next((a.filename for a in attachments if a.url in urls and a.filename), None)
        result.append(Attachment(urls[0], filename, tuple(urls[1:])))
    return result


def _name_key(filename: str | None) -> str | None:
    return clean_text(filename).casefold() if filename and clean_text(filename) else None


# --- where pages put their files ---------------------------------------------------------------------

# Viewers that show a file given its URL as a query parameter: (host, path prefix) -> parameter.
# Office Online (view.officeapps.live.com/op/view.aspx|embed.aspx?src=), Google Docs viewer
# (docs.google.com/viewer|gview?url=), and pdf.js (.../web/viewer.html?file=, NukeViet bundles it).
VIEWERS: tuple[tuple[str, str, str], ...] = (
    ("view.officeapps.live.com", "/op/", "src"),
    ("docs.google.com", "/viewer", "url"),
    ("docs.google.com", "/gview", "url"),
    ("docs.google.com", "/viewerng/", "url"),
    ("", "/viewer.html", "file"),
)
# Attributes that carry a file's URL: embeds, and NukeViet's quick-view containers (data-src, data-url,
# data-pdf are read by its laws.js to build the preview iframe on click).
_STILL_ENCODED = re.compile(r"^[a-z][a-z0-9+.-]*%3a|%2f", re.IGNORECASE)
_EMBED_ATTRIBUTES = (("iframe", "src"), ("embed", "src"), ("object", "data"), ("frame", "src"))
_DATA_ATTRIBUTES = ("data-src", "data-url", "data-pdf", "data-file")


def viewer_target(url: str, page_url: str) -> str | None:
    """The file URL a viewer URL carries (decoded, resolved against the page), or None for other URLs."""
    parts = urlsplit(url)
    host, path = parts.netloc.lower(), parts.path.lower()
    query = {k.lower(): v for k, v in parse_qs(parts.query).items()}
    for viewer_host, path_marker, param in VIEWERS:
        on_host = host == viewer_host if viewer_host else True
        at_path = path.startswith(path_marker) if viewer_host else path.endswith(path_marker)
        if on_host and at_path and query.get(param):
            value = query[param][0]
            for _ in range(3):  # some sites encode the parameter twice
                if not _STILL_ENCODED.search(value):
                    break
                value = unquote(value)
            return absolute_url(value, page_url)
    return None


def unwrap_viewers(url: str, page_url: str) -> str:
    """Follow viewer URLs down to the file they show (a viewer may wrap another, at most a few deep)."""
    for _ in range(4):
        target = viewer_target(url, page_url)
        if target is None or target == url:
            return url
        url = target
    return url


@dataclass(frozen=True)
class FileLink:
    """A URL a page gives for a file, with what the page says about it."""

    url: str
    label: str | None  # the file name the link shows, if any
    explicit: bool  # an <a> the reader clicks (as opposed to an embed or a preview attribute)


def file_links(
    scope: Any,
    page_url: str,
    is_file: Callable[[str], bool],
    canonical: Callable[[str], str] = lambda url: url,
    label_of: Callable[[Any], str | None] = lambda anchor: None,
) -> list[FileLink]:
    """Every URL under `scope` that serves a file: links, embeds and quick-view attributes, with viewer
    URLs decoded to the file they show. `canonical` maps a CMS's own aliases of a file URL (a preview
    handler) to the file URL; `is_file` says whether a (decoded, canonical) URL serves a file."""
    found: list[FileLink] = []

    def consider(raw: str | None, label: str | None, explicit: bool) -> None:
        url = absolute_url(raw, page_url)
        if url is None:
            return
        decoded = unwrap_viewers(url, page_url)
        via_viewer = decoded != url
        url = canonical(decoded)
        if via_viewer or is_file(url):
            found.append(FileLink(url, label or document_filename(url), explicit))

    for element in scope.find_all(True):
        if element.name == "a" and element.get("href"):
            consider(element["href"], label_of(element), True)
        for tag, attribute in _EMBED_ATTRIBUTES:
            if element.name == tag and element.get(attribute):
                consider(element[attribute], None, False)
        for attribute in _DATA_ATTRIBUTES:
            if element.get(attribute):
                consider(element[attribute], None, False)
    return found


def attachments_of(links: list[FileLink]) -> list[Attachment]:
    """Group file links into attachments: links the reader clicks first (the portal's own download link
    is the URL to fetch), then embeds and previews of the same file as alternates."""
    ordered = [link for link in links if link.explicit] + [link for link in links if not link.explicit]
    return unique_attachments([Attachment(link.url, link.label) for link in ordered])


def merge_found(listed: Found, detail: Found) -> Found:
    """The detail page is the fuller source; the listing row fills what the detail page leaves empty."""
    fields = dict(listed.listed)
    fields.update({k: v for k, v in detail.listed.items() if v is not None or k not in fields})
    return Found(
        doc_key=listed.doc_key,
        detail_url=listed.detail_url,
        title=detail.title or listed.title,
        listed=fields,
        attachments=unique_attachments(detail.attachments or listed.attachments),
    )


# --- the protocol ---------------------------------------------------------------------------------------


# Registry options every portal may set, whatever its CMS: listing pages walked per run, hosts allowed for
# files (CDNs), the share of quarantined/failed documents above which a run is `degraded` (pipeline),
# whether the portal may resolve to a private address (the simulator, an intranet mirror; scrapers.http),
# and every how many runs the walk is a full one instead of an incremental one (pipeline/walk.py).
COMMON_OPTIONS = (
    "max_pages",
    "extra_hosts",
    "degraded_threshold",
    "allow_private_network",
    "full_walk_every",
)


class Adapter(ABC):
    """One CMS family. `discover` walks a portal's listings and yields each document once."""

    family: ClassVar[str]
    # Registry options this family reads beyond COMMON_OPTIONS; the registry refuses any other option.
    own_options: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def declared_options(cls) -> tuple[str, ...]:
        return COMMON_OPTIONS + cls.own_options

    @abstractmethod
    def discover(
        self,
        portal: Portal,
        fetch_text: FetchText,
        limit: int | None = None,
        open_details: bool = True,
        on_listing_failure: OnListingFailure | None = None,
        on_page_cap: OnPageCap | None = None,
        stop_after_page: StopAfterPage | None = None,
    ) -> Iterator[DocumentRef]:
        """Yield the portal's documents, newest listing first, each once, never leaving the portal's hosts.

        With open_details=False only the listing pages are read: each ref carries what its listing row
        shows, and `complete` opens its detail page later (the pipeline does so only for new documents).
        With on_listing_failure, a listing page whose fetch fails is reported there and the walk goes on
        with the next listing (the pages after it cannot be reached); without it, the error propagates.
        With on_page_cap, a walk that stops at options.max_pages while the listing goes on reports the next
        page's URL and the cap there (it is always logged). With stop_after_page, each listing page's
        documents are shown to it once they are yielded; True ends that listing's walk (newest first, so
        an incremental run stops where the archive is up to date).
        """

    @abstractmethod
    def complete(self, portal: Portal, fetch_text: FetchText, ref: DocumentRef) -> DocumentRef:
        """The ref with what its detail page adds (fields, attachments)."""

    @abstractmethod
    def parse_page(self, html: str, page_url: str, options: Mapping[str, Any] | None = None) -> Any:
        """Parse one recorded page (listing or detail, told apart by its URL) into plain data."""


class ListingAdapter(Adapter):
    """A CMS whose documents are found by walking paginated listings and opening each detail page."""

    @abstractmethod
    def parse_listing(self, html: str, page_url: str, options: Mapping[str, Any]) -> ListingPage: ...

    @abstractmethod
    def parse_detail(self, html: str, page_url: str, options: Mapping[str, Any]) -> DetailPage: ...

    @abstractmethod
    def is_detail_url(self, url: str, options: Mapping[str, Any]) -> bool: ...

    def parse_page(self, html: str, page_url: str, options: Mapping[str, Any] | None = None) -> Any:
        options = options or {}
        if self.is_detail_url(page_url, options):
            return self.parse_detail(html, page_url, options)
        return self.parse_listing(html, page_url, options)

    def discover(
        self,
        portal: Portal,
        fetch_text: FetchText,
        limit: int | None = None,
        open_details: bool = True,
        on_listing_failure: OnListingFailure | None = None,
        on_page_cap: OnPageCap | None = None,
        stop_after_page: StopAfterPage | None = None,
    ) -> Iterator[DocumentRef]:
        if limit is not None and limit <= 0:
            return
        hosts = allowed_hosts(portal)
        max_pages = int(portal.options.get("max_pages", DEFAULT_MAX_PAGES))
        if max_pages <= 0:
            raise AdapterError(f"{portal.id}: options.max_pages must be positive, got {max_pages}")
        seen: set[str] = set()
        yielded = 0
        for start_url in portal.listing_urls():
            walk = self._walk_listing(
                portal,
                fetch_text,
                start_url,
                max_pages,
                hosts,
                on_listing_failure,
                on_page_cap,
                stop_after_page,
            )
            for item in walk:
                if item.doc_key in seen:
                    log.debug("%s: %s listed again (%s); kept once", portal.id, item.doc_key, item.detail_url)
                    continue
                seen.add(item.doc_key)
                if open_details:
                    yield self._complete(portal, fetch_text, item, hosts)
                else:
                    yield _ref_of(portal, item, hosts)
                yielded += 1
                if limit is not None and yielded >= limit:
                    return

    def _walk_listing(
        self,
        portal: Portal,
        fetch_text: FetchText,
        start_url: str,
        max_pages: int,
        hosts: frozenset[str],
        on_listing_failure: OnListingFailure | None = None,
        on_page_cap: OnPageCap | None = None,
        stop_after_page: StopAfterPage | None = None,
    ) -> Iterator[Found]:
        from scrapers.http import FetchError

        url: str | None = start_url
        visited: set[str] = set()
        for _ in range(max_pages):
            if url is None or url in visited:
                return
            visited.add(url)
            try:
                html = fetch_text(url)
            except FetchError as exc:
                if on_listing_failure is None:
                    raise
                log.warning(
                    "%s: listing page %s failed, the walk goes on without it: %s", portal.id, url, exc
                )
                on_listing_failure(url, exc)
                return
            page = self.parse_listing(html, url, portal.options)
            if not page.items:
                log.warning("%s: listing page %s shows no documents", portal.id, url)
            shown = []
            for item in page.items:
                if host_of(item.detail_url) not in hosts:
                    log.warning("%s: not following off-host document link %s", portal.id, item.detail_url)
                    continue
                shown.append(item)
                yield item
            if stop_after_page and shown and stop_after_page([_ref_of(portal, i, hosts) for i in shown]):
                log.info("%s: listing page %s shows nothing new; the walk stops there", portal.id, url)
                return
            if page.next_url and host_of(page.next_url) not in hosts:
                log.warning("%s: not following off-host next-page link %s", portal.id, page.next_url)
                return
            url = page.next_url
        if url is not None and url not in visited:
            log.warning("%s: stopped at options.max_pages=%d; %s not read", portal.id, max_pages, url)
            if on_page_cap is not None:
                on_page_cap(url, max_pages)

    def complete(self, portal: Portal, fetch_text: FetchText, ref: DocumentRef) -> DocumentRef:
        item = Found(ref.doc_key, ref.detail_url, ref.title, dict(ref.listed), list(ref.attachments))
        return self._complete(portal, fetch_text, item, allowed_hosts(portal))

    def _complete(
        self, portal: Portal, fetch_text: FetchText, item: Found, hosts: frozenset[str]
    ) -> DocumentRef:
        detail = self.parse_detail(fetch_text(item.detail_url), item.detail_url, portal.options).document
        return _ref_of(portal, merge_found(item, detail), hosts)


def _ref_of(portal: Portal, found: Found, hosts: frozenset[str]) -> DocumentRef:
    attachments = []
    for att in found.attachments:
        urls = [url for url in (att.url, *att.alternates) if host_of(url) in hosts]
        for url in (att.url, *att.alternates):
            if url not in urls:
                log.warning("%s: %s: ignoring off-host file URL %s", portal.id, found.detail_url, url)
        if urls:
            attachments.append(Attachment(urls[0], att.filename, tuple(urls[1:])))
    return DocumentRef(
        portal_id=portal.id,
        doc_key=found.doc_key,
        detail_url=found.detail_url,
        title=found.title,
        listed=found.listed,
        attachments=tuple(attachments),
    )
