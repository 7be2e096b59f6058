"""The portal simulator over real HTTP: pages, files, robots.txt, 404s, and state changes between requests."""

from __future__ import annotations

import re

import pytest
import requests
from protego import Protego

from simulator.server import main, start_simulator
from simulator.site import SiteState, SiteStateError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture()
def sim(tmp_path):
    with start_simulator(tmp_path / "state") as running:
        yield running


def get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=10, **kwargs)


def links(html: str, pattern: str) -> list[str]:
    return re.findall(rf'href="([^"]*{pattern}[^"]*)"', html)


def detail_links(sim, portal_id: str, listing: str) -> list[str]:
    base = sim.base_urls[portal_id]
    return sorted({h.removeprefix(base) for h in links(get(base + listing).text, "/detail/") if "?" not in h})


def test_each_portal_is_its_own_host(sim):
    urls = sim.base_urls
    assert set(urls) == {"sim-quangngai-tu", "sim-thanhhoa-camthuy-hu", "sim-gialai-tu"}
    assert len({u.rsplit(":", 1)[1] for u in urls.values()}) == 3
    for url in urls.values():
        assert url.startswith("http://127.0.0.1:")


def test_nukeviet_45_listing_detail_and_download(sim):
    base = sim.base_urls["sim-quangngai-tu"]
    page1 = get(base + "/van-ban/")
    assert page1.status_code == 200 and page1.headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(page1.headers["Content-Length"]) == len(page1.content)
    assert "flex-table-laws" in page1.text and "Số hiệu văn bản" in page1.text
    assert "/van-ban/page-2/" in page1.text
    # Six documents, one listed twice, two rows a page: four pages and no fifth.
    assert get(base + "/van-ban/page-4/").status_code == 200
    assert "/van-ban/page-5/" not in get(base + "/van-ban/page-4/").text
    assert get(base + "/van-ban/page-5/").status_code == 404

    detail = next(p for p in detail_links(sim, "sim-quangngai-tu", "/van-ban/") if p.endswith("-103.html"))
    page = get(base + detail)
    assert page.status_code == 200 and "Ngày ban hành" in page.text and "Tải tập tin" in page.text
    pdf = get(base + detail + "?download=1&id=0")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and int(pdf.headers["Content-Length"]) == len(pdf.content)
    assert pdf.headers["ETag"] and pdf.headers["Last-Modified"].endswith("GMT")
    assert 'filename="125-kl-tu.pdf"' in pdf.headers["Content-Disposition"]
    assert (
        get(base + detail + "?download=1&id=0", headers={"If-None-Match": pdf.headers["ETag"]}).status_code
        == 304
    )
    assert get(base + detail + "?download=1&id=3").status_code == 404

    docx_detail = next(
        p for p in detail_links(sim, "sim-quangngai-tu", "/van-ban/") if p.endswith("-102.html")
    )
    docx = get(base + docx_detail + "?download=1&id=0")
    assert docx.headers["Content-Type"] == DOCX and docx.content.startswith(b"PK")


def test_nukeviet_50_markup_and_quick_view(sim):
    base = sim.base_urls["sim-thanhhoa-camthuy-hu"]
    listing = get(base + "/van-ban/").text
    # list.tpl: the same flex rows as 4.5; this site does not enable downloads from the list
    assert "flex-table-laws" in listing and "c-file" not in listing
    detail = detail_of(sim, "sim-thanhhoa-camthuy-hu", 2203)
    page = get(detail).text
    assert "table-properties" in page and "laws-download-file" in page
    # The quick view is NukeViet's pdf.js viewer page, which loads the download URL (funcs/detail.php).
    viewer = get(detail + "?pdf=1&id=0")
    assert viewer.headers["Content-Type"].startswith("text/html")
    assert f"{detail}?download=1&id=0" in viewer.text
    docx_page = get(detail_of(sim, "sim-thanhhoa-camthuy-hu", 2202)).text
    assert "view.officeapps.live.com/op/embed.aspx?src=http%3A%2F%2F127.0.0.1" in docx_page
    upload = re.search(r"src=(http%3A[^\"]+)", docx_page).group(1)
    assert get(requests.utils.unquote(upload)).headers["Content-Type"] == DOCX


def test_news_listing_article_and_attachment(sim):
    base = sim.base_urls["sim-gialai-tu"]
    first = get(base + "/T/van-ban-chi-dao")
    assert first.status_code == 200 and "?PageIndex=2" in first.text
    last = get(base + "/T/van-ban-chi-dao?PageIndex=2")
    assert last.status_code == 200 and "PageIndex=3" not in last.text
    assert get(base + "/T/van-ban-chi-dao?PageIndex=3").status_code == 404

    articles = {h.removeprefix(base) for h in links(first.text + last.text, "/T/van-ban-chi-dao/")}
    html_only = get(base + next(a for a in articles if a.endswith("-3501.html"))).text
    assert "Thời gian đăng" in html_only
    assert "Ayun Pa" in html_only  # the seed's own text is the article body
    with_pdf = get(base + next(a for a in articles if a.endswith("-3502.html"))).text
    (pdf_link,) = links(with_pdf, r"/Uploads/files/")
    pdf = get(pdf_link if pdf_link.startswith("http") else base + pdf_link)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def published(sim, portal_id, **match):
    return next(
        d for d in sim.state.documents(portal_id) if all(getattr(d, k) == v for k, v in match.items())
    )


def detail_of(sim, portal_id, key, listing_pages=4):
    base = sim.base_urls[portal_id]
    pages = ["/van-ban/"] + [f"/van-ban/page-{n}/" for n in range(2, listing_pages + 1)]
    found = {p for page in pages for p in detail_links(sim, portal_id, page)}
    return base + next(p for p in found if re.search(rf"-{key}(\.html|/)$", p))


def test_broken_download_redirects_to_the_detail_page_and_the_upload_serves_the_file(sim):
    portal_id = "sim-quangngai-tu"
    doc = published(sim, portal_id, sample="pdf/cong-bao-23-VBHN-VPQH.pdf")
    detail = detail_of(sim, portal_id, doc.doc_key)
    page = get(detail).text
    download = get(detail + "?download=1&id=0")
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("text/html")
    assert download.history and download.history[0].status_code == 301 and download.url == detail
    (upload,) = re.findall(r'href="(http[^"]*/uploads/[^"]*\.pdf)"', page)
    original = (sim.state.config.samples_dir / doc.sample).read_bytes()
    assert get(upload).content == original  # a real file, served byte for byte


def test_office_and_google_viewers_carry_the_encoded_upload_url(sim):
    portal_id = "sim-thanhhoa-camthuy-hu"
    law = get(
        detail_of(sim, portal_id, published(sim, portal_id, sample="doc/luat-15-2012-QH13.doc").doc_key)
    )
    (office,) = re.findall(r"view\.officeapps\.live\.com/op/embed\.aspx\?src=([^\"&]+)", law.text)
    assert get(requests.utils.unquote(office)).headers["Content-Type"] == "application/msword"
    constitution = get(
        detail_of(sim, portal_id, published(sim, portal_id, sample="doc/hien-phap-1959.doc").doc_key)
    )
    assert "docs.google.com/viewer?url=http%3A%2F%2F127.0.0.1" in constitution.text


def test_html_only_entry_shows_its_text_and_a_change_serves_new_text(sim):
    portal_id = "sim-thanhhoa-camthuy-hu"
    doc = published(sim, portal_id, kind="html")
    detail = detail_of(sim, portal_id, doc.doc_key)
    first = get(detail).text
    assert '<div class="bodytext">' in first and "Ayun Pa" in first
    sim.state.change_document(portal_id, doc.doc_key)
    second = get(detail).text
    assert second != first and "biên tập lại, lần 1" in second


def test_truth_covers_every_served_document(tmp_path, capsys):
    assert main(["--state-dir", str(tmp_path), "--truth", "sim-thanhhoa-camthuy-hu"]) == 0
    import json

    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    state = SiteState(tmp_path)
    assert [e["doc_key"] for e in entries] == [
        str(d.doc_key) for d in state.documents("sim-thanhhoa-camthuy-hu")
    ]
    law = next(e for e in entries if e["listed"]["number"] == "15/2012/QH13")
    assert law["record"]["signer_name"] == "Nguyễn Sinh Hùng" and law["listed"]["doc_type_label"] == "Luật"
    assert all(e["fields"]["subject"] for e in entries)


def test_only_pdf_samples_can_be_reissued(tmp_path):
    state = SiteState(tmp_path)
    doc = next(d for d in state.documents("sim-thanhhoa-camthuy-hu") if d.sample == "doc/hien-phap-1959.doc")
    with pytest.raises(SiteStateError, match="cannot be re-issued"):
        state.change_document("sim-thanhhoa-camthuy-hu", doc.doc_key)


def test_robots_txt_allows_documents_and_disallows_admin(sim):
    base = sim.base_urls["sim-quangngai-tu"]
    response = get(base + "/robots.txt")
    assert response.headers["Content-Type"].startswith("text/plain")
    robots = Protego.parse(response.text)
    assert robots.can_fetch(base + "/van-ban/page-2/", "party-directives-archiver")
    assert not robots.can_fetch(base + "/admin/", "party-directives-archiver")


@pytest.mark.parametrize(
    "path", ["/nope", "/van-ban/detail/khong-co-999.html", "/van-ban/page-0/", "/T/van-ban-chi-dao"]
)
def test_unknown_paths_are_404(sim, path):
    assert get(sim.base_urls["sim-quangngai-tu"] + path).status_code == 404


def test_head_sends_headers_only(sim):
    response = requests.head(sim.base_urls["sim-gialai-tu"] + "/T/van-ban-chi-dao", timeout=10)
    assert response.status_code == 200 and int(response.headers["Content-Length"]) > 1000
    assert response.content == b""


def test_added_document_tops_the_listing(sim):
    base = sim.base_urls["sim-gialai-tu"]
    before = get(base + "/T/van-ban-chi-dao").text
    key = sim.state.add_document("sim-gialai-tu", "001_c12fdece1227ca6e", "text-pdf")
    after = get(base + "/T/van-ban-chi-dao").text
    assert f"-{key}.html" not in before
    first_item = re.search(r'class="news-item.*?href="([^"]+)"', after, re.S).group(1)
    assert first_item.endswith(f"-{key}.html")
    assert get(base + first_item.removeprefix(base)).status_code == 200


def test_changed_document_has_new_bytes_at_the_same_url(sim, tmp_path):
    portal_id = "sim-quangngai-tu"
    base = sim.base_urls[portal_id]
    detail = next(p for p in detail_links(sim, portal_id, "/van-ban/") if p.endswith("-103.html"))
    first = get(base + detail + "?download=1&id=0")
    # Changed by another SiteState on the same directory (as the CLI does): the server re-reads the file.
    assert main(["--state-dir", str(sim.state.state_dir), "--change", portal_id, "103"]) == 0
    assert detail in detail_links(sim, portal_id, "/van-ban/")
    second = get(base + detail + "?download=1&id=0")
    assert second.content != first.content and second.content.startswith(b"%PDF")
    assert second.headers["ETag"] != first.headers["ETag"]
    sim.state.reset()
    assert get(base + detail + "?download=1&id=0").content == first.content


def test_state_persists_and_rejects_bad_changes(tmp_path):
    state = SiteState(tmp_path)
    key = state.add_document("sim-quangngai-tu", "003_04a3a84a24566528", "html")
    reread = SiteState(tmp_path)
    assert reread.document("sim-quangngai-tu", key).kind == "html"
    assert [d.doc_key for d in reread.documents("sim-quangngai-tu")][0] == key
    with pytest.raises(SiteStateError, match="publication kind 'pdf'"):
        state.add_document("sim-quangngai-tu", "003_04a3a84a24566528", "pdf")
    with pytest.raises(SiteStateError, match="no seed"):
        state.add_document("sim-quangngai-tu", "999_missing", "text-pdf")
    with pytest.raises(SiteStateError, match="no simulated portal"):
        state.change_document("sim-nowhere", 1)
    with pytest.raises(SiteStateError, match="has no document"):
        state.change_document("sim-quangngai-tu", 4242)
    state.reset()
    assert key not in {d.doc_key for d in SiteState(tmp_path).documents("sim-quangngai-tu")}


def test_cli_reports_bad_input_without_a_traceback(tmp_path, capsys):
    assert main(["--state-dir", str(tmp_path), "--add", "sim-gialai-tu", "000_990e28e3400a8969", "fax"]) == 2
    assert "publication kind 'fax'" in capsys.readouterr().err


def test_scale_mode_publishes_n_documents_per_portal_deterministically(tmp_path):
    from scrapers.adapters import get_adapter
    from scrapers.registry import load_registry
    from simulator.files import DocumentFiles
    from simulator.server import SimulatorApp

    state = SiteState(tmp_path)
    state.reset(scale=45)
    first = {pid: state.documents(pid) for pid in state.portal_ids()}
    assert all(len(docs) == 45 for docs in first.values())
    state.reset(scale=45)
    assert {pid: state.documents(pid) for pid in state.portal_ids()} == first
    assert state.page_size == 20
    # the configured mix, repeated: every kind of the portal's configuration, new bytes per copy
    docs = first["sim-thanhhoa-camthuy-hu"]
    assert {d.kind for d in docs} == {
        d.kind for d in state.config.portal("sim-thanhhoa-camthuy-hu").documents
    }
    assert len({(d.source, d.revision) for d in docs if d.kind != "sample"}) == len(
        [d for d in docs if d.kind != "sample"]
    )
    # paginated like the CMS, and discovery walks it all (no sockets: the app answers the adapter directly)
    config = state.config
    app = SimulatorApp(state, DocumentFiles(config.seeds_dir, config.samples_dir))
    origin = "http://127.0.0.1:18082"
    assert app.handle("sim-thanhhoa-camthuy-hu", "/van-ban/page-3/", origin).status == 200
    assert app.handle("sim-thanhhoa-camthuy-hu", "/van-ban/page-4/", origin).status == 404
    portal = next(p for p in load_registry(env={}) if p.id == "sim-thanhhoa-camthuy-hu")

    def fetch(url: str) -> str:
        response = app.handle(portal.id, url.removeprefix(origin), origin)
        assert response.status == 200, url
        return response.body.decode("utf-8")

    refs = list(get_adapter(portal.cms).discover(portal, fetch, open_details=False))
    assert [r.doc_key for r in refs] == [str(d.doc_key) for d in docs]
    state.reset()
    assert state.page_size == config.page_size and len(state.documents("sim-gialai-tu")) == 4
