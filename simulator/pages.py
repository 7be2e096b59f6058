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
from urllib.parse import quote

from simulator.corpus import SeedDocument
from simulator.files import EXTENSIONS
from simulator.site import PortalSite, PublishedDocument, SeedListing

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
    """One published document as the portal presents it."""

    published: PublishedDocument
    seed: SeedDocument
    listing: SeedListing

    @property
    def key(self) -> int:
        return self.published.doc_key

    @property
    def record(self) -> dict:
        return self.seed.record

    @property
    def title(self) -> str:
        rec = self.record
        return self.listing.title or f"{rec['doc_type_name'].capitalize()} số {rec['number']}"

    @property
    def summary(self) -> str:
        rec = self.record
        return self.listing.summary or f"{rec['doc_type_name'].capitalize()} {rec['subject']}"

    @property
    def doc_type_label(self) -> str:
        return self.record["doc_type_name"].capitalize()

    @property
    def issuer(self) -> str:
        # "TỈNH ỦY QUẢNG NGÃI" -> "Tỉnh ủy Quảng Ngãi", as portals print it
        return self.record["issuer"].title().replace(" Ủy", " ủy")

    @property
    def alias(self) -> str:
        return f"{slug(self.title)[:80].rstrip('-')}-{self.key}"

    @property
    def filename(self) -> str | None:
        ext = EXTENSIONS.get(self.published.kind)
        return f"{slug(self.record['number'])}{ext}" if ext else None

    @property
    def upload_folder(self) -> str:
        return date.fromisoformat(self.published.posted).strftime("%Y_%m")


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
        f'{escape(v.record["number"])}</a> <span class="text-muted">{vn_date(v.published.posted)}</span></li>'
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
    render = _rows_45 if site.markup == "nukeviet-4.5" else _rows_50
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


def _rows_45(site: PortalSite, rows: list[DocView], offset: int, origin: str) -> str:
    out = [
        """<div class="flex-table-laws">
    <div class="table-rows table-head">
        <div class="c-stt a-center">STT</div>
        <div class="c-code">Số hiệu văn bản</div>
        <div class="c-time">Ngày ban hành</div>
        <div class="c-intro">Trích yếu</div>
        <div class="c-file">File đính kèm</div>
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
        out.append(f"""    <div class="table-rows">
        <div class="c-stt a-center">{index}</div>
        <div class="c-code"><span class="label-name">Số hiệu văn bản:</span><a rel="dofollow" href="{url}" title="{escape(view.title)}">{escape(view.record["number"])}</a></div>
        <div class="c-time"><span class="label-name">Ngày ban hành:</span>{vn_date(view.record["issued_date"])}&nbsp;</div>
        <div class="c-intro">
            <a rel="dofollow" href="{url}"><strong>{with_entities(view.title)}</strong></a>
            <div class="l-intro margin-top-sm">
                {with_entities(view.summary)}
            </div>
        </div>
        <div class="c-file">
            <span class="label-name">File đính kèm:</span>
            {files}
        </div>
    </div>""")
    out.append("</div>")
    return "\n".join(out)


def _rows_50(site: PortalSite, rows: list[DocView], offset: int, origin: str) -> str:
    body = []
    for index, view in enumerate(rows, start=offset + 1):
        url = (origin if index % 2 else "") + detail_path(site, view)
        effective = vn_date(view.record["issued_date"]) if index % 2 else ""
        body.append(f"""<tr>
  <td class="text-center">{index}</td>
  <td><a href="{url}">{escape(view.record["number"])}</a></td>
  <td>{vn_date(view.record["issued_date"])}</td>
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
        f'<li><a href="{origin if i % 2 else ""}{detail_path(site, o)}">{escape(o.record["number"])}</a> - '
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


def _detail_45(
    site: PortalSite, view: DocView, url: str, origin: str, body_html: str | None, related: str
) -> str:
    rec = view.record
    # The issuer is written in decomposed Unicode, as some editors paste it.
    issuer = unicodedata.normalize("NFD", view.issuer)
    files = '<p class="text-center m-bottom">Văn bản chưa có file đính kèm</p>'
    if view.filename:
        viewer = ""
        if view.filename.endswith(".pdf"):
            viewer = (
                f'<div class="collapse" id="pdf0" data-src="{url}?pdf=1&amp;id=0" data-toggle="collapsepdf">'
                '<div class="well"><iframe frameborder="0" height="600" src="" width="100%"></iframe></div></div>'
            )
        files = f"""<div class="list-group laws-download-file">
    <div class="list-group-item">
        <span class="badge"><a rel="dofollow" role="button" data-toggle="collapse" href="#pdf0"><i class="fa fa-file-pdf-o" data-title="Xem trước tập tin"></i></a></span>
        <a rel="dofollow" href="{url}?download=1&amp;id=0" title="Tải tập tin{escape(view.filename)}">Tải tập tin: <strong>{escape(view.filename)}</strong></a>
        <div class="clearfix"></div>
        {viewer}
    </div>
</div>"""
    signer = escape(rec["signer_name"]) if rec["signer_name"] else ""
    return f"""<h1 class="lawh3">{escape(view.title)}</h1>
<p>{with_entities(view.summary)}</p>
<div class="table-responsive">
    <table class="table table-striped table-bordered table-hover">
        <tbody>
            <tr class="hoatim"><td style="width:160px" class="text-right">Số hiệu văn bản</td><td>{escape(rec["number"])}</td></tr>
            <tr class="hoatim"><td class="text-right">Ngày ban hành</td><td>{vn_date(rec["issued_date"])}</td></tr>
            <tr class="hoatim"><td class="text-right">Ngày bắt đầu hiệu lực&nbsp;</td><td>{vn_date(rec["issued_date"])}</td></tr>
            <tr class="hoatim"><td class="text-right">Thể loại</td><td><a rel="dofollow" href="/{site.section}/{slug(view.doc_type_label)}/" title="{view.doc_type_label}">{view.doc_type_label}</a></td></tr>
            <tr class="hoatim"><td class="text-right">Lĩnh vực</td><td><a rel="dofollow" href="{origin}/{site.section}/area/{slug(view.listing.field or "khac")}/">{escape(view.listing.field or "")}</a><br /></td></tr>
            <tr class="hoatim"><td class="text-right">Cơ quan ban hành</td><td>{issuer}</td></tr>
            <tr class="hoatim"><td class="text-right">Người ký</td><td>{signer}</td></tr>
        </tbody>
    </table>
</div>
<h2 class="lawh3">Nội dung</h2>
<div class="m-bottom">{body_html or "<p>&nbsp;</p>"}</div>
<div id="comment"></div>
<h2 class="lawh3"><em class="fa fa-download">&nbsp;</em>File đính kèm</h2>
{files}
<h2 class="subtitle">Các văn bản cùng thể loại <a rel="dofollow" href="/{site.section}/{slug(view.doc_type_label)}/">"{view.doc_type_label}"</a></h2>
<ul class="related">{related}</ul>"""


def _detail_50(
    site: PortalSite, view: DocView, url: str, origin: str, body_html: str | None, related: str
) -> str:
    rec = view.record
    file_url = f"{origin}{upload_path(site, view)}" if view.filename else ""
    fileview = files = ""
    if view.filename:
        if view.filename.endswith(".pdf"):
            frame = f'<iframe src="{url}?pdf=1&amp;id=0" frameborder="0" allowfullscreen></iframe>'
        else:
            frame = (
                f'<iframe src="https://view.officeapps.live.com/op/embed.aspx?src={quote(file_url, safe="")}" '
                'frameborder="0" allowfullscreen></iframe>'
            )
        fileview = f"""<p class="text-break-hard margin-bottom"><i class="fa fa-file-o"></i> <strong>{escape(view.filename)}</strong>:</p>
<div class="form-group"><div class="iframe-outer">{frame}</div></div>"""
        files = f"""<div role="tabpanel" class="tab-pane" id="doc-files"><div class="panel-body">
  <div class="h2 fw-bold margin-bottom-lg"><i class="fa fa-download"></i> Tải về</div>
  <div class="list-group laws-download-file mb-0"><div class="list-group-item">
    <div class="download-item">
      <div class="iicon"><i class="fa fa-file-o"></i></div>
      <div class="iname"><a rel="nofollow" href="{url}?download=1&amp;id=0" title="Tải tập tin{escape(view.filename)}">Tải tập tin: <strong>{escape(view.filename)}</strong></a></div>
      <div class="iview"><a rel="nofollow" role="button" data-toggle="collapse" href="#quickview-0"><span class="fa-stack" data-title="Xem trước tập tin"><i class="fa fa-eye fa-stack-1x"></i></span></a></div>
    </div>
    <div class="clearfix"></div>
    <div class="collapse" id="quickview-0" data-pdf="{url}?pdf=1&amp;id=0" data-url="{file_url}" data-type="{view.filename.rsplit(".", 1)[-1]}" data-toggle="collapsepdf"><div class="quickview-holder">&nbsp;</div></div>
  </div></div>
</div></div>"""
    signer = escape(rec["signer_name"]) if rec["signer_name"] else ""
    return f"""<div class="law-detail">
  <h1 class="margin-bottom-lg">{escape(view.title)}</h1>
  <ul class="nav nav-tabs" role="tablist">
    <li role="presentation" class="active"><a href="#doc-basic" role="tab" data-toggle="tab">Thuộc tính</a></li>
    <li role="presentation"><a href="#doc-body" role="tab" data-toggle="tab">Nội dung</a></li>
    <li role="presentation"><a href="#doc-files" role="tab" data-toggle="tab">Tải về</a></li>
  </ul>
  <div class="tab-content tab-content-main">
    <div role="tabpanel" class="tab-pane active" id="doc-basic"><div class="panel-body">
      <p>{with_entities(view.summary)}</p>
      <table class="table table-properties table-bordered mb-0"><tbody>
        <tr><td class="col-header fw-bold">Số hiệu</td><td>{escape(rec["number"])}</td>
            <td class="col-header fw-bold">Loại văn bản</td><td><a href="/{site.section}/{slug(view.doc_type_label)}/">{view.doc_type_label}</a></td></tr>
        <tr><td class="col-header fw-bold">Ngày ban hành</td><td>{vn_date(rec["issued_date"])}</td>
            <td class="col-header fw-bold">Ngày hiệu lực</td><td></td></tr>
        <tr><td class="col-header fw-bold">Cơ quan ban hành</td><td><a href="/{site.section}/organ/{slug(view.issuer)}/">{escape(view.issuer)}</a></td>
            <td class="col-header fw-bold">Người ký</td><td>{signer}</td></tr>
        <tr><td class="col-header fw-bold">Lĩnh vực</td><td colspan="3">{escape(view.listing.field or "")}</td></tr>
      </tbody></table>
    </div></div>
    <div role="tabpanel" class="tab-pane" id="doc-body"><div class="panel-body">
      {f'<div class="bodytext">{body_html}</div>' if body_html else ""}
      {fileview}
    </div></div>
    {files}
  </div>
</div>
<div class="law-detail-other">
  <h3 class="margin-bottom"><i class="fa fa-file-text-o"></i> Văn bản cùng thể loại <a href="/{site.section}/{slug(view.doc_type_label)}/">"{view.doc_type_label}"</a></h3>
  <ul class="list-unstyled">{related}</ul>
</div>"""


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
    rec = view.record
    if view.filename:
        link_text = escape(view.filename) if view.key % 2 else "Tải về toàn văn"
        href = (origin if view.key % 2 == 0 else "") + news_file_path(view)
        body_html = f"""<p>Ngày {vn_date(rec["issued_date"])}, {escape(view.issuer)} ban hành {escape(view.title)}.</p>
<p>{with_entities(view.summary)}.</p>
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
