"""HTML of the simulated portals: NukeViet "laws" module 4.5 and 5.0 markup, and a dcs.vn-style news CMS.

Pages imitate what real portals serve, messiness included: site chrome (header, menu, sidebar, footer),
Vietnamese labels with `&nbsp;` and numeric entities, a label or value in decomposed Unicode, empty cells,
relative and absolute links mixed, quick-view links and Office-viewer iframes beside the real download links,
sidebars listing other documents, and a row listed twice.
"""

# HTML templates are kept one element a line, as the CMS templates they imitate are.
# ruff: noqa: E501
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import PurePosixPath
from urllib.parse import quote

from simulator.corpus import SeedDocument
from simulator.files import EXTENSIONS
from simulator.site import LABEL_KEYS, PortalSite, PublishedDocument, SeedListing

# Non-document news the news portal's sidebar links to (another category: the scraper must ignore them).
OTHER_NEWS = {
    9001: "Hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm",
    9002: "Gặp mặt kỷ niệm ngày thành lập Đảng Cộng sản Việt Nam",
}
OTHER_NEWS_CATEGORY = "tin-hoat-dong"


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def vn_date(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def with_entities(text: str) -> str:
    """Escape, then write some letters as numeric entities, as old WYSIWYG editors did."""
    return escape(text).replace("ộ", "&#7897;").replace("ư", "&#432;").replace("Đ", "&#272;")


@dataclass(frozen=True)
class DocView:
    """One published document as the portal presents it: `printed` is its label table."""

    published: PublishedDocument
    seed: SeedDocument | None
    listing: SeedListing

    @property
    def key(self) -> int:
        return self.published.doc_key

    @property
    def printed(self) -> dict[str, str | None]:
        """What the portal prints for the document (LABEL_KEYS): from the seed's own labels and its listing
        title, or, for a real sample or a page-only entry, the labels config/simulator.yaml gives it."""
        base: dict[str, str | None] = {}
        if self.seed is not None:
            rec = self.seed.record
            kind_name = rec["doc_type_name"].capitalize()
            base = {
                "title": self.listing.title or f"{kind_name} số {rec['number']}",
                "summary": self.listing.summary or f"{kind_name} {rec['subject']}",
                "number": rec["number"],
                "issued_date": rec["issued_date"],
                # Party documents take effect when signed: the portal repeats the issue date.
                "effective_date": rec["issued_date"],
                "doc_type_label": kind_name,
                # "TỈNH ỦY QUẢNG NGÃI" -> "Tỉnh ủy Quảng Ngãi", as portals print it
                "issuer": rec["issuer"].title().replace(" Ủy", " ủy"),
                "signer": rec["signer_name"],
                "field": self.listing.field,
            }
        labels = self.published.labels
        return {key: labels.get(key, base.get(key)) for key in LABEL_KEYS}

    def label(self, key: str) -> str:
        """A printed value, '' when the portal leaves it empty."""
        return self.printed.get(key) or ""

    @property
    def title(self) -> str:
        return self.label("title")

    @property
    def summary(self) -> str:
        return self.label("summary") or self.title

    @property
    def number(self) -> str:
        return self.label("number")

    @property
    def doc_type_label(self) -> str:
        return self.label("doc_type_label")

    @property
    def issuer(self) -> str:
        return self.label("issuer")

    @property
    def alias(self) -> str:
        return f"{slug(self.title)[:80].rstrip('-')}-{self.key}"

    @property
    def filename(self) -> str | None:
        if self.published.kind == "sample":
            return PurePosixPath(str(self.published.sample)).name
        ext = EXTENSIONS.get(self.published.kind)
        return f"{slug(self.number or self.title)[:60]}{ext}" if ext else None

    @property
    def upload_folder(self) -> str:
        return date.fromisoformat(self.published.posted).strftime("%Y_%m")

    def shows(self, presentation: str) -> bool:
        return presentation in self.published.present

    def listed_truth(self, markup: str) -> dict[str, str | None]:
        """The label table a scraper should read (DocumentRef.listed keys, docs/design.md)."""
        printed = self.printed
        listed = {key: printed.get(key) for key in LISTED_TRUTH_KEYS}
        listed["subject"] = self.summary
        return listed


LISTED_TRUTH_KEYS = (
    "number",
    "issued_date",
    "effective_date",
    "expiry_date",
    "doc_type_label",
    "issuer",
    "signer",
    "field",
    "effect_status",
)


# --- chrome -------------------------------------------------------------------------------------------


def page(
    site: PortalSite, origin: str, title: str, main: str, sidebar: str, menu: list[tuple[str, str]]
) -> str:
    nav = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in menu)
    return f"""<!DOCTYPE html>
<html lang="vi" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<title>{escape(title)} - {escape(site.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/themes/default/css/style.css">
<script src="/assets/js/jquery/jquery.min.js"></script>
</head>
<body>
<div id="wrapper">
<header class="site-header">
  <div class="banner"><a href="{origin}/" title="{escape(site.name)}"><img src="/uploads/banner.png" alt="{escape(site.name)}"></a></div>
  <div class="site-name">{escape(site.name)}</div>
  <nav class="main-menu"><ul class="menu">{nav}</ul></nav>
  <div class="headerSearch"><form action="/seek/" method="get"><input type="text" name="q" placeholder="Tìm kiếm&#8230;"></form></div>
</header>
<div class="container"><div class="row">
<div class="col-md-18 col-main">
{main}
</div>
<div class="col-md-6 col-right">
{sidebar}
<div class="panel panel-default"><div class="panel-heading">Liên kết website</div>
<div class="panel-body"><a href="https://dangcongsan.vn/" target="_blank">Báo điện tử Đảng Cộng sản Việt Nam</a></div></div>
</div>
</div></div>
<footer class="site-footer">
  <p><strong>{escape(site.name)}</strong></p>
  <p>Giấy phép số&nbsp;: 123/GP-TTĐT &nbsp;|&nbsp; Chịu trách nhiệm chính&nbsp;: Trưởng Ban Tuyên giáo</p>
  <p>&copy; Bản quyền thuộc về {escape(site.name)}. <a href="/admin/">Quản trị</a></p>
</footer>
</div>
</body>
</html>
"""


def _menu_nukeviet(site: PortalSite, origin: str) -> list[tuple[str, str]]:
    return [
        (f"{origin}/", "Trang chủ"),
        ("/gioi-thieu/", "Giới thiệu"),
        ("/news/", "Tin tức"),
        (f"/{site.section}/", "Văn bản"),
        ("/contact/", "Liên hệ"),
    ]


# --- NukeViet "laws" module -------------------------------------------------------------------------------


def detail_path(site: PortalSite, view: DocView) -> str:
    if site.markup == "nukeviet-4.5":
        return f"/{site.section}/detail/{view.alias}.html"
    return f"/{site.section}/detail/{view.alias}/"


def upload_path(site: PortalSite, view: DocView) -> str:
    return f"/uploads/{site.section}/{view.upload_folder}/{view.filename}"


def listing_path(site: PortalSite, number: int) -> str:
    return f"/{site.section}/" if number == 1 else f"/{site.section}/page-{number}/"


def listing_rows(views: list[DocView]) -> list[DocView]:
    """Listing order; a document published twice shows again two rows further down, as a re-post does."""
    rows = list(views)
    for view in views:
        if view.published.listed_twice:
            position = rows.index(view) + 3
            rows.insert(min(position, len(rows)), view)
    return rows


def page_count(rows: int, page_size: int) -> int:
    return max(1, -(-rows // page_size))


def _pagination(site: PortalSite, current: int, pages: int) -> str:
    if pages <= 1:
        return ""
    items = [
        '<li class="disabled"><span>&laquo;</span></li>'
        if current == 1
        else f'<li><a href="{listing_path(site, current - 1)}" rel="prev">&laquo;</a></li>'
    ]
    for number in range(1, pages + 1):
        if number == current:
            items.append(f'<li class="active"><a href="#">{number}</a></li>')
        else:
            items.append(f'<li><a href="{listing_path(site, number)}">{number}</a></li>')
    items.append(
        '<li class="disabled"><span>&raquo;</span></li>'
        if current == pages
        else f'<li><a href="{listing_path(site, current + 1)}" rel="next">&raquo;</a></li>'
    )
    return f'<div class="text-center"><ul class="pagination">{"".join(items)}</ul></div>'


def _sidebar_new_laws(site: PortalSite, views: list[DocView], origin: str, size: int) -> str:
    items = "".join(
        f'<li><a href="{origin if i % 2 else ""}{detail_path(site, v)}" title="{escape(v.title)}">'
        f'{escape(v.number or v.title)}</a> <span class="text-muted">{vn_date(v.published.posted)}</span></li>'
        for i, v in enumerate(views[:size])
    )
    return f'<div class="panel panel-default"><div class="panel-heading">Văn bản mới</div><ul class="list-unstyled">{items}</ul></div>'


def nukeviet_listing(
    site: PortalSite, views: list[DocView], number: int, page_size: int, sidebar: int, origin: str
) -> str | None:
    rows = listing_rows(views)
    pages = page_count(len(rows), page_size)
    if number < 1 or number > pages:
        return None
    shown = rows[(number - 1) * page_size : number * page_size]
    offset = (number - 1) * page_size
    # module-laws themes/default/modules/laws/list.tpl (both versions): div.flex-table-laws rows; the
    # file column only where the site enables "down_in_home" (the 4.5 portal here, not the 5.0 one).
    render = _rows_45 if site.markup == "nukeviet-4.5" else _rows_flex_without_files
    main = f"""<ol class="breadcrumb"><li><a href="/">Trang chủ</a></li><li><a href="/{site.section}/">Văn bản</a></li></ol>
<div class="page panel panel-default"><div class="panel-body">
{render(site, shown, offset, origin)}
{_pagination(site, number, pages)}
</div></div>"""
    return page(
        site,
        origin,
        "Văn bản",
        main,
        _sidebar_new_laws(site, views, origin, sidebar),
        _menu_nukeviet(site, origin),
    )


def _rows_45(
    site: PortalSite, rows: list[DocView], offset: int, origin: str, down_in_home: bool = True
) -> str:
    file_head = '\n        <div class="c-file">File đính kèm</div>' if down_in_home else ""
    out = [
        f"""<div class="flex-table-laws">
    <div class="table-rows table-head">
        <div class="c-stt a-center">STT</div>
        <div class="c-code">Số hiệu văn bản</div>
        <div class="c-time">Ngày ban hành</div>
        <div class="c-intro">Trích yếu</div>{file_head}
    </div>"""
    ]
    for index, view in enumerate(rows, start=offset + 1):
        # Absolute links on even rows, relative on odd ones: both occur on real sites.
        url = (origin if index % 2 == 0 else "") + detail_path(site, view)
        files = ""
        if view.filename:
            files = (
                f'<ul class="laws-download list-unstyled"><li><a rel="dofollow" href="{url}?download=1&amp;id=0" '
                f'title="{escape(view.filename)}"><i class="fa fa-download"></i> Tải về</a></li></ul>'
            )
        file_cell = (
            f"""
        <div class="c-file">
            <span class="label-name">File đính kèm:</span>
            {files}
        </div>"""
            if down_in_home
            else ""
        )
        out.append(f"""    <div class="table-rows">
        <div class="c-stt a-center">{index}</div>
        <div class="c-code"><span class="label-name">Số hiệu văn bản:</span><a rel="dofollow" href="{url}" title="{escape(view.title)}">{escape(view.number)}</a></div>
        <div class="c-time"><span class="label-name">Ngày ban hành:</span>{vn_date(view.printed["issued_date"])}&nbsp;</div>
        <div class="c-intro">
            <a rel="dofollow" href="{url}"><strong>{with_entities(view.title)}</strong></a>
            <div class="l-intro margin-top-sm">
                {with_entities(view.summary)}
            </div>
        </div>{file_cell}
    </div>""")
    out.append("</div>")
    return "\n".join(out)


def _rows_flex_without_files(site: PortalSite, rows: list[DocView], offset: int, origin: str) -> str:
    return _rows_45(site, rows, offset, origin, down_in_home=False)


def _rows_table_theme(site: PortalSite, rows: list[DocView], offset: int, origin: str) -> str:
    """A theme's table listing (kept for themes that override list.tpl; recorded in the examples)."""
    body = []
    for index, view in enumerate(rows, start=offset + 1):
        url = (origin if index % 2 else "") + detail_path(site, view)
        # Some rows leave the column empty (the detail page has the date): merged from both.
        effective = vn_date(view.printed["effective_date"]) if index % 2 else ""
        body.append(f"""<tr>
  <td class="text-center">{index}</td>
  <td><a href="{url}">{escape(view.number)}</a></td>
  <td>{vn_date(view.printed["issued_date"])}</td>
  <td><a href="{url}" title="{escape(view.title)}">{with_entities(view.summary)}</a></td>
  <td>{effective}</td>
</tr>""")
    return f"""<div class="table-responsive"><table class="table table-striped table-bordered table-hover vblist">
<thead><tr><th class="text-center">STT</th><th>Số hiệu</th><th>Ngày&nbsp;ban hành</th><th>Trích yếu</th><th>Ngày hiệu lực</th></tr></thead>
<tbody>
{"".join(body)}
</tbody></table></div>"""


def nukeviet_detail(
    site: PortalSite, view: DocView, others: list[DocView], origin: str, body_html: str | None
) -> str:
    url = detail_path(site, view)
    related = "".join(
        f'<li><a href="{origin if i % 2 else ""}{detail_path(site, o)}">{escape(o.number or o.title)}</a> - '
        f"{with_entities(o.summary)}</li>"
        for i, o in enumerate(others)
    )
    render = _detail_45 if site.markup == "nukeviet-4.5" else _detail_50
    main = f"""<ol class="breadcrumb"><li><a href="/">Trang chủ</a></li><li><a href="/{site.section}/">Văn bản</a></li></ol>
<div class="page panel panel-default"><div class="panel-body">
{render(site, view, url, origin, body_html, related)}
</div></div>"""
    return page(
        site,
        origin,
        view.title,
        main,
        _sidebar_new_laws(site, others, origin, 3),
        _menu_nukeviet(site, origin),
    )


def _extra_file_views(view: DocView, file_url: str) -> str:
    """What themes and editors add beside the module's own download link (simulator.site.PRESENTATIONS)."""
    parts = []
    if view.shows("upload-link"):
        parts.append(
            f'<p>Xem văn bản gốc: <a href="{file_url}" target="_blank">{escape(view.filename or "")}</a></p>'
        )
    if view.shows("office-viewer"):
        parts.append(
            f'<div class="iframe-outer"><iframe src="https://view.officeapps.live.com/op/view.aspx?src={quote(file_url, safe="")}" '
            'width="100%" height="600" frameborder="0"></iframe></div>'
        )
    if view.shows("google-viewer"):
        parts.append(
            f'<iframe src="https://docs.google.com/viewer?url={quote(file_url, safe="")}&amp;embedded=true" '
            'width="100%" height="600" style="border:none"></iframe>'
        )
    if view.shows("pdf-embed"):
        parts.append(f'<object data="{file_url}" type="application/pdf" width="100%" height="600"></object>')
    return "\n".join(parts)


def _detail_45(
    site: PortalSite, view: DocView, url: str, origin: str, body_html: str | None, related: str
) -> str:
    """module-laws 4.5 themes/default/modules/laws/detail.tpl:
    <h3 class="lawh3">{DATA.title}</h3> <p>{DATA.introtext}</p> <table class="table table-striped ..."> rows
    <tr class="hoatim"><td class="text-right">{LANG.code}</td><td>{DATA.code}</td></tr> (publtime, startvalid,
    exptime, cat, area, subject, signer; the optional ones only when set); then, when the entry has text,
    <h3 class="lawh3">{LANG.bodytext}</h3><p class="m-bottom">{DATA.bodytext}</p>; then the files
    <h3 class="lawh3"><em class="fa fa-download">&nbsp;</em>{LANG.files}</h3><div class="list-group
    laws-download-file"> ... <a href="{FILE.url}" title="{FILE.titledown}{FILE.title}">{FILE.titledown}:
    <strong>{FILE.title}</strong></a> with the quick view <div class="collapse" id="pdf{FILE.key}"
    data-src="{FILE.urlpdf}" data-toggle="collapsepdf">; then <h3 class="subtitle">{LANG.other_cat} ...</h3>."""
    printed = view.printed
    # The issuer is written in decomposed Unicode, as some editors paste it.
    issuer = unicodedata.normalize("NFD", view.issuer)
    rows = [("Số hiệu văn bản", escape(view.number))]
    for label, key in (
        ("Ngày ban hành", "issued_date"),
        ("Ngày bắt đầu hiệu lực&nbsp;", "effective_date"),
        ("Ngày hết hiệu lực", "expiry_date"),
    ):
        if printed[key]:
            rows.append((label, vn_date(printed[key])))
    rows.append(
        (
            "Thể loại",
            f'<a href="/{site.section}/{slug(view.doc_type_label)}/" title="{escape(view.doc_type_label)}">{escape(view.doc_type_label)}</a>',
        )
    )
    rows.append(
        (
            "Lĩnh vực",
            f'<a href="{origin}/{site.section}/area/{slug(view.label("field") or "khac")}/">{escape(view.label("field"))}</a><br />',
        )
    )
    rows.append(("Cơ quan ban hành", issuer))
    rows.append(("Người ký", escape(view.label("signer"))))
    if printed["effect_status"]:
        rows.append(("Tình trạng hiệu lực", escape(view.label("effect_status"))))
    width = ' style="width:200px"'
    table = "\n".join(
        f'            <tr class="hoatim"><td{width if i == 0 else ""} class="text-right">{label}</td><td>{value}</td></tr>'
        for i, (label, value) in enumerate(rows)
    )
    body = f'<h3 class="lawh3">Nội dung</h3>\n<p class="m-bottom">{body_html}</p>' if body_html else ""
    files = ""
    if view.filename:
        file_url = f"{origin}{upload_path(site, view)}"
        viewer = ""
        if view.filename.endswith(".pdf"):
            viewer = (
                f'<div class="clearfix"></div><div class="collapse" id="pdf0" data-src="{url}?pdf=1&amp;id=0" data-toggle="collapsepdf">'
                '<div style="height:10px"></div><div class="well"><iframe frameborder="0" height="600" scrolling="yes" src="" width="100%"></iframe></div></div>'
            )
        quick = (
            '<span class="badge"><a role="button" data-toggle="collapse" href="#pdf0" aria-expanded="false" aria-controls="pdf0">'
            '<i class="fa fa-file-pdf-o" data-toggle="tooltip" data-title="Xem trước tập tin"></i></a></span>'
            if viewer
            else ""
        )
        files = f"""<h3 class="lawh3"><em class="fa fa-download">&nbsp;</em>File đính kèm</h3>
<div class="list-group laws-download-file">
    <div class="list-group-item">
        {quick}<a href="{url}?download=1&amp;id=0" title="Tải tập tin {escape(view.filename)}">Tải tập tin : <strong>{escape(view.filename)}</strong></a>
        {viewer}
    </div>
</div>
{_extra_file_views(view, file_url)}"""
    elif printed["external_url"]:
        # The row stores an external link: FILE.url is that link, FILE.title "Nhấn vào link để tải file".
        files = f"""<h3 class="lawh3"><em class="fa fa-download">&nbsp;</em>File đính kèm</h3>
<div class="list-group laws-download-file"><div class="list-group-item">
        <a href="{escape(view.label("external_url"))}" title="Tải tập tin Nhấn vào link để tải file">Tải tập tin : <strong>Nhấn vào link để tải file</strong></a>
</div></div>"""
    return f"""<h3 class="lawh3">{escape(view.title)}</h3>
<p>{with_entities(view.summary)}</p>
<div class="table-responsive">
    <table class="table table-striped table-bordered table-hover">
        <tbody>
{table}
        </tbody>
    </table>
</div>
{body}
{files}
<div id="comment"></div>
<h3 class="subtitle">Các văn bản cùng thể loại <a href="/{site.section}/{slug(view.doc_type_label)}/" title="{escape(view.doc_type_label)}">"{escape(view.doc_type_label)}"</a></h3>
<ul class="related">{related}</ul>"""


def _detail_50(
    site: PortalSite, view: DocView, url: str, origin: str, body_html: str | None, related: str
) -> str:
    """module-laws 5.0 themes/default/modules/laws/detail.tpl: <div class="law-detail"> <h1>{DATA.title}</h1>,
    tabs; #doc-basic: <p>{DATA.introtext}</p><table class="table table-properties"> of
    <td class="col-header fw-bold">{COL.label}</td><td>{COL.value}</td>, two properties a row (a lone one
    colspan="3"); #doc-body: <div class="bodytext">{DATA.bodytext}</div> when the entry has text, else per
    file <iframe src="https://view.officeapps.live.com/op/embed.aspx?src={FILE.url_encode}"> (Office files)
    or <iframe src="{FILE.urlpdf}"> (PDF); #doc-files: <a rel="nofollow" href="{FILE.url}"
    title="{FILE.titledown}{FILE.title}">{FILE.titledown}: <strong>{FILE.title}</strong></a> and the quick
    view <div class="collapse" id="quickview-{FILE.key}" data-pdf="{FILE.urlpdf}" data-url="{FILE.url}"
    data-type="{FILE.file_type}" data-toggle="collapsepdf">."""
    printed = view.printed
    file_url = f"{origin}{upload_path(site, view)}" if view.filename else ""
    properties = [
        ("Số hiệu", escape(view.number)),
        (
            "Loại văn bản",
            f'<a href="/{site.section}/{slug(view.doc_type_label)}/">{escape(view.doc_type_label)}</a>',
        ),
        ("Ngày ban hành", vn_date(printed["issued_date"])),
        ("Ngày hiệu lực", vn_date(printed["effective_date"])),
        (
            "Cơ quan ban hành",
            f'<a href="/{site.section}/organ/{slug(view.issuer)}/">{escape(view.issuer)}</a>',
        ),
        ("Người ký", escape(view.label("signer"))),
    ]
    if printed["expiry_date"]:
        properties.append(("Ngày hết hiệu lực", vn_date(printed["expiry_date"])))
    if printed["effect_status"]:
        properties.append(("Tình trạng hiệu lực", escape(view.label("effect_status"))))
    properties.append(("Lĩnh vực", escape(view.label("field"))))
    rows = []
    for i in range(0, len(properties), 2):
        pair = properties[i : i + 2]
        span = ' colspan="3"' if len(pair) == 1 else ""
        cells = "".join(
            f'<td class="col-header fw-bold">{label}</td><td{span}>{value}</td>' for label, value in pair
        )
        rows.append(f"        <tr>{cells}</tr>")
    fileview = files = ""
    if view.filename:
        ext = view.filename.rsplit(".", 1)[-1]
        if not body_html:
            if ext == "pdf":
                frame = f'<iframe src="{url}?pdf=1&amp;id=0" frameborder="0" allowfullscreen></iframe>'
            else:
                frame = (
                    f'<iframe src="https://view.officeapps.live.com/op/embed.aspx?src={quote(file_url, safe="")}" '
                    'frameborder="0" allowfullscreen></iframe>'
                )
            fileview = f"""<p class="text-break-hard margin-bottom"><i class="fa fa-file-o"></i> <strong>{escape(view.filename)}</strong>:</p>
<div class="form-group"><div class="iframe-outer">{frame}</div></div>"""
        files = f"""<div role="tabpanel" class="tab-pane" id="doc-files"><div class="panel-body">
  <div class="h2 fw-bold margin-bottom-lg"><i class="fa fa-download"></i> Tải tập tin</div>
  <div class="list-group laws-download-file mb-0"><div class="list-group-item">
    <div class="download-item">
      <div class="iicon"><i class="fa fa-file-o"></i></div>
      <div class="iname"><a rel="nofollow" href="{url}?download=1&amp;id=0" title="Tải tập tin {escape(view.filename)}">Tải tập tin : <strong>{escape(view.filename)}</strong></a></div>
      <div class="iview"><a rel="nofollow" role="button" data-toggle="collapse" href="#quickview-0"><span class="fa-stack" data-title="Xem trước tập tin"><i class="fa fa-eye fa-stack-1x"></i></span></a></div>
    </div>
    <div class="clearfix"></div>
    <div class="collapse" id="quickview-0" data-pdf="{url}?pdf=1&amp;id=0" data-url="{file_url}" data-type="{"pdf" if ext == "pdf" else "word"}" data-toggle="collapsepdf"><div class="quickview-holder">&nbsp;</div></div>
  </div></div>
  {_extra_file_views(view, file_url)}
</div></div>"""
    return f"""<div class="law-detail enable-responsive">
  <h1 class="margin-bottom-lg">{escape(view.title)}</h1>
  <ul class="nav nav-tabs" role="tablist">
    <li role="presentation" class="active"><a href="#doc-basic" role="tab" data-toggle="tab">Thuộc tính</a></li>
    <li role="presentation"><a href="#doc-body" role="tab" data-toggle="tab">Nội dung</a></li>
    {'<li role="presentation"><a href="#doc-files" role="tab" data-toggle="tab">Tải về</a></li>' if files else ""}
  </ul>
  <div class="tab-content tab-content-main">
    <div role="tabpanel" class="tab-pane active" id="doc-basic"><div class="panel-body">
      <p>{with_entities(view.summary)}</p>
      <table class="table table-properties table-bordered mb-0"><tbody>
{chr(10).join(rows)}
      </tbody></table>
    </div></div>
    <div role="tabpanel" class="tab-pane" id="doc-body"><div class="panel-body">
      {f'<div class="bodytext">{body_html}</div>' if body_html else ""}
      {fileview}
    </div></div>
    {files}
  </div>
</div>
<div id="comment"></div>
<div class="law-detail-other">
  <h2 class="margin-bottom"><i class="fa fa-file-text-o" aria-hidden="true"></i> Các văn bản cùng thể loại <a href="/{site.section}/{slug(view.doc_type_label)}/" title="{escape(view.doc_type_label)}">"{escape(view.doc_type_label)}"</a></h2>
  <ul class="list-unstyled">{related}</ul>
</div>"""


def nukeviet_pdf_viewer(download_url: str) -> str:
    """`?pdf=1&id=k`: module-laws funcs/detail.php answers nv_theme_viewpdf($file_url), NukeViet's bundled
    pdf.js viewer page (assets/js/pdf.js/viewer.tpl, PDF_URL = the `?download=1&id=k` URL), not the file."""
    return f"""<!DOCTYPE html>
<html dir="ltr" mozdisallowselectionprint>
<head><meta charset="utf-8"><title>PDF.js viewer</title>
<link rel="stylesheet" href="/assets/js/pdf.js/viewer.css">
<script src="/assets/js/pdf.js/pdf.js"></script>
<script>var DEFAULT_URL = '{download_url}';</script>
<script src="/assets/js/pdf.js/viewer.js"></script>
</head>
<body tabindex="1"><div id="outerContainer"><div id="mainContainer"><div id="viewerContainer"><div id="viewer" class="pdfViewer"></div></div></div></div></body>
</html>
"""


# --- news-style CMS ---------------------------------------------------------------------------------------


def news_category_path(site: PortalSite) -> str:
    return f"/T/{site.section}"


def article_path(site: PortalSite, view: DocView) -> str:
    return f"{news_category_path(site)}/{slug(view.title)[:80].rstrip('-')}-{view.key}.html"


def news_file_path(view: DocView) -> str:
    posted = date.fromisoformat(view.published.posted)
    return f"/Uploads/files/{posted:%Y}/{posted:%m}/{view.filename}"


def _menu_news(site: PortalSite, origin: str) -> list[tuple[str, str]]:
    return [
        (f"{origin}/", "Trang chủ"),
        ("/GioiThieu/gioi-thieu", "Giới thiệu"),
        (f"/T/{OTHER_NEWS_CATEGORY}", "Tin hoạt động"),
        (news_category_path(site), "Văn bản chỉ đạo"),
    ]


def _posted_line(view: DocView) -> str:
    posted = date.fromisoformat(view.published.posted)
    return f"Thời gian đăng:&nbsp;{posted:%d/%m/%Y} 08:{view.key % 60:02d}:00 AM"


def _news_sidebar(site: PortalSite, views: list[DocView], origin: str, size: int) -> str:
    items = [
        f'<li><a href="/T/{OTHER_NEWS_CATEGORY}/{slug(t)}-{k}.html">{escape(t)}</a></li>'
        for k, t in OTHER_NEWS.items()
    ]
    items += [
        f'<li><a href="{origin}{article_path(site, v)}">{escape(v.title)}</a></li>' for v in views[:size]
    ]
    return f'<div class="box-tinmoi"><div class="box-title">Tin mới nhất</div><ul>{"".join(items)}</ul></div>'


def news_listing(
    site: PortalSite, views: list[DocView], number: int, page_size: int, sidebar: int, origin: str
) -> str | None:
    pages = page_count(len(views), page_size)
    if number < 1 or number > pages:
        return None
    items = []
    for i, view in enumerate(views[(number - 1) * page_size : number * page_size]):
        url = (origin if i % 2 else "") + article_path(site, view)
        items.append(f"""<div class="news-item clearfix">
  <a class="thumb" href="{url}"><img src="/Uploads/images/thumb-{view.key}.jpg" alt=""></a>
  <h3 class="title"><a href="{url}">{escape(view.title)}</a></h3>
  <div class="date">{_posted_line(view)}</div>
  <p class="sapo">{with_entities(view.summary)}</p>
</div>""")
    paging = []
    base = news_category_path(site)
    for n in range(1, pages + 1):
        href = base if n == 1 else f"{base}?PageIndex={n}"
        paging.append(f'<span class="active">{n}</span>' if n == number else f'<a href="{href}">{n}</a>')
    if number < pages:
        paging.append(f'<a href="?PageIndex={number + 1}">Trang sau &rsaquo;</a>')
    main = f"""<div class="category-title"><h2><a href="{base}">Văn bản chỉ đạo</a></h2></div>
<div class="list-news">
{"".join(items)}
</div>
<div class="paging">{" ".join(paging)}</div>"""
    return page(
        site,
        origin,
        "Văn bản chỉ đạo",
        main,
        _news_sidebar(site, views, origin, sidebar),
        _menu_news(site, origin),
    )


def news_article(
    site: PortalSite, view: DocView, others: list[DocView], origin: str, body_html: str | None
) -> str:
    if view.filename:
        link_text = escape(view.filename) if view.key % 2 else "Tải về toàn văn"
        href = (origin if view.key % 2 == 0 else "") + news_file_path(view)
        viewer = ""
        if view.shows("google-viewer") or view.shows("pdf-embed") or view.shows("office-viewer"):
            viewer = _extra_file_views(view, origin + news_file_path(view))
        body_html = f"""<p>Ngày {vn_date(view.printed["issued_date"])}, {escape(view.issuer)} ban hành {escape(view.title)}.</p>
<p>{with_entities(view.summary)}.</p>
{viewer}
<p><strong>Tải văn bản:</strong> <a href="{href}" target="_blank">{link_text}</a></p>"""
    related = "".join(f'<li><a href="{article_path(site, o)}">{escape(o.title)}</a></li>' for o in others[:3])
    main = f"""<div class="detail-news">
  <div class="breadcrumb"><a href="/">Trang chủ</a> &raquo; <a href="{news_category_path(site)}">Văn bản chỉ đạo</a></div>
  <h1 class="title-detail">{escape(view.title)}</h1>
  <div class="date-detail">{_posted_line(view)}</div>
  <div class="sapo-detail"><strong>{with_entities(view.summary)}</strong></div>
  <div class="content-detail">
{body_html or ""}
  </div>
  <div class="author-detail">Ban Tuyên giáo Tỉnh ủy</div>
  <div class="tin-lien-quan"><div class="box-title">Các tin khác</div><ul>{related}</ul></div>
</div>"""
    return page(
        site, origin, view.title, main, _news_sidebar(site, others, origin, 4), _menu_news(site, origin)
    )


def other_news_article(site: PortalSite, key: int, origin: str) -> str | None:
    title = OTHER_NEWS.get(key)
    if title is None:
        return None
    main = f"""<div class="detail-news"><h1 class="title-detail">{escape(title)}</h1>
<div class="date-detail">Thời gian đăng: 05/03/2021 09:00:00 AM</div>
<div class="content-detail"><p>Tin hoạt động của Đảng bộ tỉnh.</p></div></div>"""
    return page(site, origin, title, main, "", _menu_news(site, origin))


def home(site: PortalSite, origin: str) -> str:
    if site.markup == "news-article":
        link, menu = news_category_path(site), _menu_news(site, origin)
    else:
        link, menu = f"/{site.section}/", _menu_nukeviet(site, origin)
    main = f'<div class="panel-body"><p>Chào mừng đến với {escape(site.name)}.</p><p><a href="{link}">Văn bản</a></p></div>'
    return page(site, origin, "Trang chủ", main, "", menu)
