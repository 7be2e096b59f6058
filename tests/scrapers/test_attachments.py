# ruff: noqa: E501  (recorded markup is kept one element a line, as the templates are)
"""Every way a detail page gives a file becomes one Attachment per file, fetched once.

Markup follows nukeviet/module-laws themes/default/modules/laws/detail.tpl (4.5: `list-group laws-download-file`
with a `collapse` quick view whose data-src is `?pdf=1&id=k`; 5.0: `#doc-body` iframes — the Office viewer
with `src={FILE.url_encode}`, or `{FILE.urlpdf}` for PDFs — and `#doc-files` with data-pdf / data-url).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from scrapers.adapters import get_adapter
from scrapers.adapters.base import viewer_target
from scrapers.models import Attachment, DocumentRef

BASE = "https://tinhuy.example.vn"
DETAIL = f"{BASE}/van-ban/detail/chi-thi-so-05-ct-tu-45.html"
DOWNLOAD = f"{DETAIL}?download=1&id=0"
UPLOAD = f"{BASE}/uploads/van-ban/2020_03/ct-05.pdf"
UPLOAD_DOC = f"{BASE}/uploads/van-ban/2020_03/ct-05.doc"


def detail_page(files_html: str, body_html: str = "") -> str:
    return f"""<html><body>
<h3 class="lawh3">Chỉ thị số 05-CT/TU</h3>
<p>Về tăng cường lãnh đạo công tác phòng, chống dịch</p>
<div class="table-responsive"><table class="table table-striped table-bordered table-hover"><tbody>
<tr class="hoatim"><td class="text-right">Số hiệu văn bản</td><td>05-CT/TU</td></tr>
<tr class="hoatim"><td class="text-right">Ngày ban hành</td><td>05/03/2020</td></tr>
</tbody></table></div>
{body_html}
{files_html}
<h3 class="subtitle">Các văn bản cùng thể loại</h3>
<ul><li><a href="/van-ban/detail/ke-hoach-so-7-46.html">7-KH/TU</a>
 <a href="/van-ban/detail/ke-hoach-so-7-46.html?download=1&amp;id=0">Tải về</a></li></ul>
</body></html>"""


def attachments(html: str) -> list[Attachment]:
    return get_adapter("nukeviet-laws").parse_page(html, DETAIL).document.attachments


def test_plain_link_to_the_upload():
    html = detail_page(f'<div class="list-group laws-download-file"><a href="{UPLOAD}">ct-05.pdf</a></div>')
    assert attachments(html) == [Attachment(UPLOAD, "ct-05.pdf")]


def test_download_handler_link_names_its_file_and_other_documents_downloads_are_not_ours():
    html = detail_page(
        f'<div class="list-group laws-download-file"><div class="list-group-item">'
        f'<a href="{DOWNLOAD.replace("&", "&amp;")}" title="Tải tập tin ct-05.pdf">Tải tập tin: '
        f"<strong>ct-05.pdf</strong></a></div></div>"
    )
    assert attachments(html) == [Attachment(DOWNLOAD, "ct-05.pdf")]


def test_45_quick_view_is_the_same_file_as_the_download():
    # 4.5: <div class="collapse" id="pdf{FILE.key}" data-src="{FILE.urlpdf}" data-toggle="collapsepdf">
    html = detail_page(
        f'<div class="list-group laws-download-file"><div class="list-group-item">'
        f'<a href="{DOWNLOAD}">Tải tập tin: <strong>ct-05.pdf</strong></a>'
        f'<div class="collapse" id="pdf0" data-src="{DETAIL}?pdf=1&amp;id=0" data-toggle="collapsepdf">'
        f'<div class="well"><iframe frameborder="0" height="600" src="" width="100%"></iframe></div></div>'
        f"</div></div>"
    )
    assert attachments(html) == [Attachment(DOWNLOAD, "ct-05.pdf")]


def test_50_pdf_iframe_alone_gives_the_download_url():
    # 5.0 #doc-body: <iframe src="{FILE.urlpdf}">, the files tab hidden (no download right, "noright").
    html = detail_page(f'<div id="doc-body"><iframe src="{DETAIL}?pdf=1&amp;id=0"></iframe></div>')
    assert attachments(html) == [Attachment(DOWNLOAD, None)]


@pytest.mark.parametrize(
    "viewer",
    [
        "https://view.officeapps.live.com/op/embed.aspx?src={enc}",
        "https://view.officeapps.live.com/op/view.aspx?src={enc}&wdOrigin=BROWSELINK",
        "https://docs.google.com/viewer?url={enc}&embedded=true",
        "https://docs.google.com/gview?url={enc}&embedded=true",
        "/assets/js/pdf.js/web/viewer.html?file={enc}",
        "https://view.officeapps.live.com/op/embed.aspx?src={twice}",
    ],
)
@pytest.mark.parametrize("tag", ['iframe src="{}"', 'embed src="{}"', 'object data="{}"', 'a href="{}"'])
def test_viewer_urls_are_decoded_to_the_file(viewer, tag):
    url = viewer.format(enc=quote(UPLOAD_DOC, safe=""), twice=quote(quote(UPLOAD_DOC, safe=""), safe=""))
    html = detail_page(f"<div><{tag.format(url.replace('&', '&amp;'))}></div>")
    assert attachments(html) == [Attachment(UPLOAD_DOC, "ct-05.doc")]


def test_relative_file_parameter_resolves_against_the_page():
    assert viewer_target("/pdfjs/web/viewer.html?file=%2Fuploads%2Fa.pdf", DETAIL) == f"{BASE}/uploads/a.pdf"
    assert viewer_target(f"{BASE}/uploads/a.pdf", DETAIL) is None


def test_same_file_listed_twice_is_one_attachment_with_its_other_urls():
    # 5.0 files tab: the download link, the quick view (data-pdf) and data-url; the body tab's Office viewer
    # iframe carries the upload URL; the editor also pasted a plain link to the upload.
    office = "https://view.officeapps.live.com/op/embed.aspx?src=" + quote(UPLOAD_DOC, safe="")
    html = detail_page(
        f"""<div id="doc-files"><div class="list-group laws-download-file mb-0"><div class="list-group-item">
  <div class="iname"><a rel="nofollow" href="{DOWNLOAD}" title="Tải tập tinct-05.doc">Tải tập tin: <strong>ct-05.doc</strong></a></div>
  <div class="collapse" id="quickview-0" data-pdf="{DETAIL}?pdf=1&amp;id=0" data-url="{UPLOAD_DOC}" data-type="word"></div>
</div></div></div>
<p>Bản gốc: <a href="{UPLOAD_DOC}">ct-05.doc</a></p>""",
        body_html=f'<div id="doc-body"><iframe src="{office}"></iframe></div>',
    )
    assert attachments(html) == [Attachment(DOWNLOAD, "ct-05.doc", (UPLOAD_DOC,))]


def test_two_different_files_stay_two():
    html = detail_page(
        f'<a href="{DOWNLOAD}">Tải tập tin 1: <strong>ct-05.pdf</strong></a>'
        f'<a href="{DETAIL}?download=1&amp;id=1">Tải tập tin 2: <strong>ct-05-phu-luc.docx</strong></a>'
        f'<a href="{UPLOAD}">ct-05.pdf</a>'
    )
    assert attachments(html) == [
        Attachment(DOWNLOAD, "ct-05.pdf", (UPLOAD,)),
        Attachment(f"{DETAIL}?download=1&id=1", "ct-05-phu-luc.docx"),
    ]


def test_news_article_finds_embedded_and_viewer_files():
    page = f"{BASE}/T/van-ban/chi-thi-05-45.html"
    html = f"""<html><body><div class="detail"><h1>Chỉ thị 05</h1><p>Toàn văn:</p>
<iframe src="https://docs.google.com/viewer?url={quote(UPLOAD, safe="")}&amp;embedded=true"></iframe>
<p><a href="{UPLOAD}">ct-05.pdf</a> <object data="/Uploads/files/ct-05-phu-luc.pdf"></object></p></div></body></html>"""
    found = get_adapter("news-article").parse_page(html, page).document.attachments
    assert found == [
        Attachment(UPLOAD, "ct-05.pdf"),
        Attachment(f"{BASE}/Uploads/files/ct-05-phu-luc.pdf", "ct-05-phu-luc.pdf"),
    ]


def test_alternates_survive_the_manifest_round_trip():
    ref = DocumentRef("p", "45", DETAIL, attachments=(Attachment(DOWNLOAD, "ct-05.pdf", (UPLOAD,)),))
    assert DocumentRef.from_dict(ref.to_dict()) == ref
    old = {"portal_id": "p", "doc_key": "45", "detail_url": DETAIL, "attachments": [{"url": DOWNLOAD}]}
    assert DocumentRef.from_dict(old).attachments == (Attachment(DOWNLOAD),)
