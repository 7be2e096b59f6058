"""NukeViet's "laws" module (văn bản), module versions 4.5 and 5.0 with one parser.

The versions differ in markup (4.5: `div.flex-table-laws` list, plain striped label/value detail table; 5.0:
tabbed detail with `table.table-properties`; themes override both), so every field is found by its printed
Vietnamese label, compared without case, accents, nbsp or trailing colons — never by position or class name.

URLs: listing `/<module>/`, `/<module>/page-N/`; detail `/<module>/detail/<alias>-<id>.html` (or without
`.html`, or with a trailing slash); files `<detail>?download=1&id=k` (funcs/detail.php), or the file's own
URL when the row stores an external link. The detail page may show a file several more ways, all of them
the same file, which become one Attachment with alternates (scrapers.adapters.base.unique_attachments):
- `?pdf=1&id=k`: NukeViet's quick view, an HTML page (nv_theme_viewpdf, the bundled pdf.js viewer) that
  loads `?download=1&id=k`; mapped back to that download URL.
- 5.0 `#doc-body` tab: `<iframe src="https://view.officeapps.live.com/op/embed.aspx?src={FILE.url_encode}">`
  for Office files, `<iframe src="{FILE.urlpdf}">` for PDFs (themes/default/modules/laws/detail.tpl).
- quick-view containers: 4.5 `<div class="collapse" data-src="{FILE.urlpdf}">`, 5.0 `data-pdf="{FILE.urlpdf}"
  data-url="{FILE.url}"` (read by laws.js to build the preview iframe).
- themes and editors add plain links to /uploads/..., Google Docs viewer (`?url=`) or pdf.js (`?file=`)
  iframes, `<embed>`/`<object>` PDF views; viewer parameters are decoded to the file URL.

The label table (DocumentRef.listed): LISTED_KEYS below, documented in docs/design.md. `body_html_present`
is "1" when the detail page itself carries the document's text (the bodytext block of detail.tpl).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

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
    element_text,
    file_links,
    fold,
    has_document_extension,
    parse_date,
    soup_of,
    unique_attachments,
)
from scrapers.models import Attachment

log = logging.getLogger(__name__)

# Printed label (folded) -> key in DocumentRef.listed. Keys starting with "_" are columns, not metadata.
LABELS: dict[str, str] = {
    "so hieu van ban": "number",
    "so hieu": "number",
    "so ky hieu": "number",
    "so/ky hieu": "number",
    "so, ky hieu": "number",
    "ngay ban hanh": "issued_date",
    "ngay bat dau hieu luc": "effective_date",
    "ngay hieu luc": "effective_date",
    "ngay co hieu luc": "effective_date",
    "ngay het hieu luc": "expiry_date",
    "ngay het han": "expiry_date",
    "tinh trang hieu luc": "effect_status",
    "tinh trang": "effect_status",
    "hieu luc": "effect_status",
    "trang thai hieu luc": "effect_status",
    "trich yeu": "subject",
    "trich yeu noi dung": "subject",
    "the loai": "doc_type_label",
    "loai van ban": "doc_type_label",
    "the loai van ban": "doc_type_label",
    "hinh thuc van ban": "doc_type_label",
    "co quan ban hanh": "issuer",
    "don vi ban hanh": "issuer",
    "nguoi ky": "signer",
    "linh vuc": "field",
    "file dinh kem": "_files",
    "tap tin dinh kem": "_files",
    "tai ve": "_files",
    "stt": "_index",
}
LISTED_KEYS = (
    "number",
    "issued_date",
    "effective_date",
    "expiry_date",
    "subject",
    "doc_type_label",
    "issuer",
    "signer",
    "field",
    "effect_status",
)
# Set to "1" when the detail page carries the document's own text (an HTML-only entry, or text + file).
BODY_HTML_PRESENT = "body_html_present"
DATE_KEYS = frozenset({"issued_date", "effective_date", "expiry_date"})
_DOWNLOAD_PREFIX = re.compile(r"^\s*(tải tập tin|tải về|tải xuống|download)\s*:?\s*", re.IGNORECASE)
_PAGE = re.compile(r"/page-(\d+)/?$")


def label_key(text: str | None) -> str | None:
    return LABELS.get(fold(text)) if text else None


def empty_listed() -> dict[str, str | None]:
    return dict.fromkeys(LISTED_KEYS)


def set_field(listed: dict[str, str | None], key: str, raw: str | None, where: str) -> None:
    """Store a labelled value as printed (cleaned); dates become ISO, an unreadable one is kept as printed."""
    value = clean_text(raw)
    if key in DATE_KEYS:
        iso = parse_date(value)
        if value and iso is None:
            log.warning("%s: %s %r is not a dd/mm/yyyy date; kept as printed", where, key, value)
            listed[key + "_as_printed"] = value
        value = iso
    if value is not None or key not in listed:
        listed[key] = value


class NukeVietLawsAdapter(ListingAdapter):
    family = "nukeviet-laws"
    own_options = ("detail_segment",)  # the module's detail alias, "detail" unless the site renamed it

    # --- URLs -------------------------------------------------------------------------------------------

    @staticmethod
    def _detail_match(url: str, options: Mapping[str, Any]) -> re.Match[str] | None:
        segment = re.escape(str(options.get("detail_segment", "detail")))
        return re.search(rf"/{segment}/(?P<alias>[^/?#]+?)(?:\.html?)?/?$", urlsplit(url).path)

    def is_detail_url(self, url: str, options: Mapping[str, Any]) -> bool:
        return self._detail_match(url, options) is not None

    def doc_key(self, detail_url: str, options: Mapping[str, Any]) -> str:
        match = self._detail_match(detail_url, options)
        if match is None:
            raise AdapterError(f"{detail_url} is not a NukeViet laws detail URL")
        alias = match.group("alias")
        numeric = re.search(r"-(\d+)$", alias)
        return numeric.group(1) if numeric else alias

    # --- listing ----------------------------------------------------------------------------------------

    def parse_listing(self, html: str, page_url: str, options: Mapping[str, Any]) -> ListingPage:
        soup = soup_of(html)
        header, columns = _find_list_header(soup)
        items: list[Found] = []
        if header is None:
            log.warning("%s: no document list (no 'Số hiệu' / 'Trích yếu' header) on the page", page_url)
        else:
            for row in _rows_after(header):
                found = self._parse_row(row, columns, page_url, options)
                if found is not None:
                    items.append(found)
        return ListingPage(items=items, next_url=_next_page(soup, page_url))

    def _parse_row(
        self, row: Tag, columns: list[str | None], page_url: str, options: Mapping[str, Any]
    ) -> Found | None:
        detail_link = next(
            (a for a in row.find_all("a", href=True) if self._is_detail_link(a, page_url, options)), None
        )
        if detail_link is None:
            return None
        detail_url = absolute_url(detail_link["href"], page_url)
        assert detail_url is not None  # _is_detail_link resolved it already
        listed = empty_listed()
        title = None
        attachments: list[Attachment] = []
        for index, cell in enumerate(_cells(row)):
            key = _take_inline_label(cell) or (columns[index] if index < len(columns) else None)
            if key is None or key == "_index":
                continue
            if key == "_files":
                attachments += self._files(cell, page_url, options, None)
            elif key == "subject":
                link_title, subject = _title_and_intro(cell, page_url, self, options)
                title = link_title or title
                set_field(listed, "subject", subject, page_url)
            elif key == "number":
                link = cell.find("a")
                set_field(listed, "number", element_text(link) or element_text(cell), page_url)
                if link is not None:
                    title = title or clean_text(link.get("title"))
            else:
                set_field(listed, key, element_text(cell), page_url)
        return Found(
            doc_key=self.doc_key(detail_url, options),
            detail_url=detail_url,
            title=title,
            listed=listed,
            attachments=unique_attachments(attachments),
        )

    def _files(self, scope: Tag, page_url: str, options: Mapping[str, Any], own_key: str | None):
        """The files `scope` links, as attachments; on a detail page (own_key set) only this document's:
        a sidebar's download link of another document is not one of them."""

        def is_file(url: str) -> bool:
            query = {k.lower() for k in parse_qs(urlsplit(url).query)}
            if "download" in query and self.is_detail_url(url, options):
                return own_key is None or self.doc_key(url, options) == own_key
            return "download" in query or has_document_extension(url)

        links = file_links(scope, page_url, is_file, canonical=_quick_view_to_download, label_of=_file_label)
        return attachments_of(links)

    def _is_detail_link(self, anchor: Tag, page_url: str, options: Mapping[str, Any]) -> bool:
        url = absolute_url(anchor.get("href"), page_url)
        return (
            url is not None
            and self.is_detail_url(url, options)
            and "download" not in parse_qs(urlsplit(url).query)
        )

    # --- detail -----------------------------------------------------------------------------------------

    def parse_detail(self, html: str, page_url: str, options: Mapping[str, Any]) -> DetailPage:
        soup = soup_of(html)
        table = _properties_table(soup)
        listed = empty_listed()
        if table is not None:
            for row in table.find_all("tr"):
                for key, value_cell in _label_pairs(_cells(row)):
                    if not key.startswith("_"):
                        set_field(listed, key, element_text(value_cell), page_url)
        # 5.0 and most themes: <h1>; 4.5 detail.tpl: <h3 class="lawh3">{DATA.title}</h3> before the table.
        heading = (
            (table.find_previous("h1") or table.find_previous(["h2", "h3"])) if table is not None else None
        ) or _last(soup.find_all("h1"))
        title = element_text(heading)
        if title is None and table is None:
            raise AdapterError(
                f"{page_url}: neither a document title (h1) nor a properties table on the page"
            )
        if listed.get("subject") is None:
            set_field(listed, "subject", _intro_paragraph(heading, table), page_url)
        if _carries_body_text(soup):
            listed[BODY_HTML_PRESENT] = "1"
        key = self.doc_key(page_url, options)
        return DetailPage(
            Found(
                doc_key=key,
                detail_url=page_url,
                title=title,
                listed=listed,
                attachments=self._files(soup, page_url, options, key),
            )
        )


# --- helpers ------------------------------------------------------------------------------------------


def _element_children(tag: Tag) -> list[Tag]:
    return [child for child in tag.children if isinstance(child, Tag)]


def _cells(row: Tag) -> list[Tag]:
    if row.name == "tr":
        return [c for c in _element_children(row) if c.name in ("td", "th")]
    return [c for c in _element_children(row) if c.name not in ("script", "style")]


def _find_list_header(soup: Tag) -> tuple[Tag | None, list[str | None]]:
    """The row whose cells are the column labels: it names at least the number and the subject or date."""
    for element in soup.find_all(True):
        cells = _cells(element)
        if len(cells) < 2:
            continue
        keys = [label_key(element_text(cell)) for cell in cells]
        if "number" in keys and ("subject" in keys or "issued_date" in keys):
            return element, keys
    return None, []


def _rows_after(header: Tag) -> list[Tag]:
    if header.name == "tr":
        table = header.find_parent("table")
        return [tr for tr in table.find_all("tr") if tr is not header and tr.find_parent("table") is table]
    return [sib for sib in header.find_next_siblings() if isinstance(sib, Tag) and sib.name == header.name]


def _take_inline_label(cell: Tag) -> str | None:
    """4.5 rows repeat the column label in each cell for narrow screens: "<span>Số hiệu văn bản:</span>"."""
    for candidate in cell.find_all(["span", "label", "b", "strong", "em", "small"], limit=3):
        key = label_key(element_text(candidate))
        if key is not None:
            candidate.decompose()
            return key
    return None


def _title_and_intro(cell: Tag, page_url: str, adapter: NukeVietLawsAdapter, options: Mapping[str, Any]):
    link = next(
        (a for a in cell.find_all("a", href=True) if adapter._is_detail_link(a, page_url, options)), None
    )
    title = element_text(link)
    if link is not None:
        link.extract()
    intro = element_text(cell)
    return title, intro or title


def _label_pairs(cells: list[Tag]) -> list[tuple[str, Tag]]:
    """(key, value cell) for each label cell followed by a value cell: handles 2- and 4-cell property rows."""
    pairs, index = [], 0
    while index < len(cells) - 1:
        key = label_key(element_text(cells[index]))
        if key is not None and label_key(element_text(cells[index + 1])) is None:
            pairs.append((key, cells[index + 1]))
            index += 2
        else:
            index += 1
    return pairs


def _properties_table(soup: Tag) -> Tag | None:
    """The first table with at least two label/value rows (sidebars and lists have none)."""
    for table in soup.find_all("table"):
        labelled = sum(
            1
            for row in table.find_all("tr")
            if row.find_parent("table") is table
            and any(not k.startswith("_") for k, _ in _label_pairs(_cells(row)))
        )
        if labelled >= 2:
            return table
    return None


def _intro_paragraph(heading: Tag | None, table: Tag | None) -> str | None:
    """The trích yếu printed as a paragraph between the title and the properties table."""
    if heading is None:
        return None
    for element in heading.find_all_next(["p", "table"]):
        if element.name == "table":
            return None
        text = element_text(element)
        if text and element.find_parent("table") is None:
            return text
    return None


def _quick_view_to_download(url: str) -> str:
    """`?pdf=1&id=k` answers NukeViet's pdf.js viewer page, which loads `?download=1&id=k`: the same file."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k.lower() == "pdf" for k, _ in pairs) or any(k.lower() == "download" for k, _ in pairs):
        return url
    query = urlencode([("download" if k.lower() == "pdf" else k, v) for k, v in pairs], safe="/")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _carries_body_text(soup: Tag) -> bool:
    """detail.tpl prints the bodytext block only when the entry has text: 5.0 `<div class="bodytext">`,
    4.5 `<h3 class="lawh3">Nội dung</h3>` followed by the text (up to the next heading or the files)."""
    for block in soup.find_all(class_="bodytext"):
        if element_text(block):
            return True
    for heading in soup.find_all(["h2", "h3", "h4"]):
        if fold(element_text(heading) or "") != "noi dung":
            continue
        for sibling in heading.find_next_siblings():
            if sibling.name in ("h1", "h2", "h3", "h4") or "laws-download-file" in sibling.get("class", []):
                break
            if sibling.get("id") == "comment":
                continue
            if element_text(sibling):
                return True
    return False


def _file_label(anchor: Tag) -> str | None:
    for candidate in (
        element_text(anchor.find("strong")),
        element_text(anchor),
        clean_text(anchor.get("title")),
    ):
        if candidate:
            name = _DOWNLOAD_PREFIX.sub("", candidate).strip()
            if re.search(r"\.[A-Za-z0-9]{2,5}$", name):
                return name
    return None


def _next_page(soup: Tag, page_url: str) -> str | None:
    path = urlsplit(page_url).path
    match = _PAGE.search(path)
    current = int(match.group(1)) if match else 1
    base = _PAGE.sub("/", path).rstrip("/") + "/"
    for anchor in soup.find_all("a", href=True):
        url = absolute_url(anchor["href"], page_url)
        if url is None:
            continue
        candidate = urlsplit(url).path
        found = _PAGE.search(candidate)
        if (
            found
            and int(found.group(1)) == current + 1
            and _PAGE.sub("/", candidate).rstrip("/") + "/" == base
        ):
            return url
    return None


def _last(items: list[Any]) -> Any:
    return items[-1] if items else None
