"""News-style portals that publish directives as articles (the dcs.vn vendor CMS shared by dienbien.dcs.vn).

Category listing `/T/<category>?PageIndex=N`; article `/T/<category>/<slug>-<id>.html` whose numeric id is the
document key. The article's HTML body may be the document itself, or link a PDF/Word file.
Both are options per portal (`article_pattern`, a regex over the URL path with a named group `key`, and
`page_param`), so another portal of the same CMS needs only a registry entry.

Sidebars ("Tin mới", "Tin khác") link articles of other categories: only the listed category's articles count.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bs4 import Tag

from scrapers.adapters.base import (
    AdapterError,
    DetailPage,
    Found,
    ListingAdapter,
    ListingPage,
    absolute_url,
    attachments_of,
    clean_text,
    document_filename,
    element_text,
    file_links,
    fold,
    parse_date,
    soup_of,
)
from scrapers.models import Attachment

log = logging.getLogger(__name__)

DEFAULT_ARTICLE_PATTERN = r"/[^/?#]+-(?P<key>\d+)\.html?$"
DEFAULT_PAGE_PARAM = "PageIndex"
# Labels that introduce an article's publication time, folded (see base.fold).
_DATE_LABELS = ("thoi gian dang", "ngay dang", "ngay xuat ban", "dang luc", "dang ngay", "cap nhat")


class NewsArticleAdapter(ListingAdapter):
    family = "news-article"
    own_options = ("article_pattern", "page_param")

    @staticmethod
    def _pattern(options: Mapping[str, Any]) -> re.Pattern[str]:
        pattern = re.compile(str(options.get("article_pattern", DEFAULT_ARTICLE_PATTERN)))
        if "key" not in pattern.groupindex:
            raise AdapterError(f"article_pattern {pattern.pattern!r} needs a named group (?P<key>...)")
        return pattern

    def _article_key(self, url: str, options: Mapping[str, Any]) -> str | None:
        match = self._pattern(options).search(urlsplit(url).path)
        return match.group("key") if match else None

    def is_detail_url(self, url: str, options: Mapping[str, Any]) -> bool:
        return self._article_key(url, options) is not None

    # --- listing ----------------------------------------------------------------------------------------

    def parse_listing(self, html: str, page_url: str, options: Mapping[str, Any]) -> ListingPage:
        soup = soup_of(html)
        category = urlsplit(page_url).path.rstrip("/") + "/"
        by_key: dict[str, list[tuple[Tag, str]]] = {}
        for anchor in soup.find_all("a", href=True):
            url = absolute_url(anchor["href"], page_url)
            key = self._article_key(url, options) if url else None
            if key is None or not urlsplit(url).path.startswith(category):
                continue
            by_key.setdefault(key, []).append((anchor, url))
        items = []
        for key, anchors in by_key.items():
            container = _item_container(anchors[0][0], key, self, page_url, options)
            title = max((_anchor_title(a) or "" for a, _ in anchors), key=len) or None
            items.append(
                Found(
                    doc_key=key,
                    detail_url=anchors[0][1],
                    title=title,
                    listed={"subject": title, "published_date": _published_date(container)},
                )
            )
        return ListingPage(items=items, next_url=_next_page(soup, page_url, options))

    # --- article ----------------------------------------------------------------------------------------

    def parse_detail(self, html: str, page_url: str, options: Mapping[str, Any]) -> DetailPage:
        key = self._article_key(page_url, options)
        if key is None:
            raise AdapterError(f"{page_url} does not match the article pattern")
        soup = soup_of(html)
        headings = soup.find_all("h1")
        if not headings:
            raise AdapterError(f"{page_url}: no article title (h1) on the page")
        heading = max(headings, key=lambda h: len(element_text(h) or ""))
        title = element_text(heading)
        article = _article_container(heading)
        return DetailPage(
            Found(
                doc_key=key,
                detail_url=page_url,
                title=title,
                listed={"subject": title, "published_date": _published_date(article, after=heading)},
                attachments=_file_links(article, page_url),
            )
        )


def _anchor_title(anchor: Tag) -> str | None:
    return element_text(anchor) or clean_text(anchor.get("title"))


def _item_container(anchor: Tag, key: str, adapter: NewsArticleAdapter, page_url: str, options) -> Tag:
    """The largest ancestor of the link that links no other article: the listing item (title, date, sapo)."""
    container = anchor
    for parent in anchor.parents:
        if parent.name in ("body", "html", "[document]"):
            break
        keys = {
            adapter._article_key(url, options)
            for a in parent.find_all("a", href=True)
            if (url := absolute_url(a["href"], page_url))
        }
        if keys - {key, None}:
            break
        container = parent
    return container


def _published_date(scope: Tag, after: Tag | None = None) -> str | None:
    """The date of the publication line ("Thời gian đăng: 02/02/2021 08:15"), else the first date."""
    strings = [
        clean_text(s) for s in (after.find_all_next(string=True) if after is not None else scope.strings)
    ]
    strings = [s for s in strings if s][:60]
    for index, text in enumerate(strings):
        if any(fold(text).startswith(label) for label in _DATE_LABELS):
            found = parse_date(text) or (parse_date(strings[index + 1]) if index + 1 < len(strings) else None)
            if found:
                return found
    return next((d for d in map(parse_date, strings[:12]) if d), None)


def _article_container(heading: Tag) -> Tag:
    """The element holding the title and the body paragraphs (sidebars are its siblings, not inside it)."""
    container = heading.parent
    for _ in range(4):
        if container is None or container.find("p") is not None:
            break
        container = container.parent
    return container if container is not None else heading


def _file_links(scope: Tag, page_url: str) -> list[Attachment]:
    """The article's files: links, embedded viewers (PDF iframes, Office / Google viewers) and embeds."""

    def label_of(anchor: Tag) -> str | None:
        text = element_text(anchor)
        return text if text and re.search(r"\.(pdf|docx?|odt|rtf)$", text, re.IGNORECASE) else None

    links = file_links(scope, page_url, lambda url: document_filename(url) is not None, label_of=label_of)
    return attachments_of(links)


def _next_page(soup: Tag, page_url: str, options: Mapping[str, Any]) -> str | None:
    param = str(options.get("page_param", DEFAULT_PAGE_PARAM)).lower()
    parts = urlsplit(page_url)

    def page_number(query: str) -> int | None:
        values = {k.lower(): v for k, v in parse_qs(query).items()}.get(param)
        return int(values[0]) if values and values[0].isdigit() else None

    current = page_number(parts.query) or 1
    for anchor in soup.find_all("a", href=True):
        url = absolute_url(anchor["href"], page_url)
        if url is None:
            continue
        candidate = urlsplit(url)
        if (
            candidate.path.rstrip("/") == parts.path.rstrip("/")
            and page_number(candidate.query) == current + 1
        ):
            return url
    return None
