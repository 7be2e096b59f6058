"""Adapters against the running simulator: discover yields exactly what each portal publishes, once each."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from scrapers.adapters import ADAPTERS, UnknownAdapter, get_adapter
from scrapers.registry import Portal, load_registry
from simulator.server import start_simulator


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    with start_simulator(tmp_path_factory.mktemp("simulator")) as sim:
        yield sim


@pytest.fixture(scope="module")
def portals(simulator):
    return {p.id: p for p in load_registry(env=simulator.env()) if p.id in simulator.base_urls}


class RecordingFetcher:
    def __init__(self):
        self.urls: list[str] = []

    def __call__(self, url: str) -> str:
        self.urls.append(url)
        response = requests.get(url, timeout=10)
        response.raise_for_status()
        return response.text


def discover(portal, limit=None, fetcher=None):
    return list(get_adapter(portal.cms).discover(portal, fetcher or RecordingFetcher(), limit=limit))


def test_registry_and_simulator_agree_on_the_simulated_portals(simulator, portals):
    assert set(portals) == set(simulator.base_urls)
    families = {p.cms for p in portals.values()}
    assert families == set(ADAPTERS)


@pytest.mark.parametrize("portal_id", ["sim-quangngai-tu", "sim-thanhhoa-camthuy-hu", "sim-gialai-tu"])
def test_discover_yields_exactly_the_published_documents(simulator, portals, portal_id):
    portal = portals[portal_id]
    fetcher = RecordingFetcher()
    refs = discover(portal, fetcher=fetcher)
    published = simulator.state.documents(portal_id)
    assert [r.doc_key for r in refs] == [str(d.doc_key) for d in published]  # once each, listing order
    for ref, doc in zip(refs, published, strict=True):
        assert ref.portal_id == portal_id
        assert ref.detail_url.startswith(portal.base_url + "/")
        assert ref.title and ref.listed["subject"]
        # NukeViet lists the issue date; a news portal shows only when the article was published.
        date_key = "published_date" if portal.cms == "news-article" else "issued_date"
        assert ref.listed[date_key]
        if doc.has_file:
            # one file, however many ways the page links it (download, upload path, viewers): fetched once
            (attachment,) = ref.attachments
            assert attachment.url.startswith(portal.base_url + "/")
            assert attachment.filename.endswith((".pdf", ".docx", ".doc"))
            assert all(u.startswith(portal.base_url + "/") for u in attachment.alternates)
        else:
            assert ref.attachments == ()  # a court precedent's link to the court's site is off-host
    # Every listing page was read once and nothing past the last page was requested.
    listing_pages = [u for u in fetcher.urls if u not in {r.detail_url for r in refs}]
    assert len(listing_pages) == len(set(listing_pages)) >= 2


@pytest.mark.parametrize("portal_id", ["sim-quangngai-tu", "sim-thanhhoa-camthuy-hu"])
def test_label_table_matches_what_the_portal_prints(simulator, portals, portal_id):
    """4.5 and 5.0 markup: every label of the detail table, under its stable key, as the simulator's truth
    says the portal prints it (dates ISO; body_html_present only where the page carries the text)."""
    from simulator.files import DocumentFiles
    from simulator.server import SimulatorApp

    config = simulator.state.config
    truth = SimulatorApp(simulator.state, DocumentFiles(config.seeds_dir, config.samples_dir)).truth(
        portal_id
    )
    refs = {r.doc_key: r for r in discover(portals[portal_id])}
    assert {t["doc_key"] for t in truth} == set(refs)
    kinds = set()
    for entry in truth:
        listed = refs[entry["doc_key"]].listed
        assert {k: listed.get(k) for k in entry["listed"]} == entry["listed"], entry["doc_key"]
        assert ("body_html_present" in listed) == ("body_html_present" in entry["listed"])
        kinds.add(entry["kind"])
    assert {"html", "sample"} <= kinds


def test_nukeviet_fields_come_from_the_seed_labels(portals):
    ref = next(r for r in discover(portals["sim-quangngai-tu"]) if r.listed["number"] == "125-KL/TU")
    assert ref.listed["issued_date"] == "2021-08-12"
    assert ref.listed["signer"] == "Bùi Thị Quỳnh Vân"
    assert ref.listed["issuer"] == "Tỉnh ủy Quảng Ngãi"  # served in decomposed Unicode, yielded NFC
    assert ref.listed["doc_type_label"] == "Kết luận"


def test_limit_stops_early(portals):
    fetcher = RecordingFetcher()
    refs = discover(portals["sim-quangngai-tu"], limit=1, fetcher=fetcher)
    assert len(refs) == 1
    assert len(fetcher.urls) == 2  # one listing page, one detail page


def test_max_pages_bounds_the_walk(portals, caplog):
    portal = portals["sim-gialai-tu"]
    one_page = replace(portal, options={**portal.options, "max_pages": 1})
    fetcher = RecordingFetcher()
    with caplog.at_level(logging.WARNING):
        discover(one_page, fetcher=fetcher)
    assert (
        sum("/T/van-ban-chi-dao" == u.removeprefix(portal.base_url).split("?")[0] for u in fetcher.urls) == 1
    )
    assert "max_pages=1" in caplog.text


@pytest.mark.parametrize("portal_id", ["sim-quangngai-tu", "sim-gialai-tu"])
def test_a_page_cap_is_reported_with_the_page_not_read_and_a_walk_that_ends_is_not(portals, portal_id):
    portal = portals[portal_id]
    capped: list[tuple[str, int]] = []
    one_page = replace(portal, options={**portal.options, "max_pages": 1})
    refs = list(
        get_adapter(portal.cms).discover(
            one_page, RecordingFetcher(), open_details=False, on_page_cap=lambda u, n: capped.append((u, n))
        )
    )
    [(next_url, cap)] = capped
    assert cap == 1 and next_url.startswith(portal.base_url) and "2" in next_url.removeprefix(portal.base_url)
    assert refs  # page 1's documents
    whole, fetcher = [], RecordingFetcher()
    list(get_adapter(portal.cms).discover(portal, fetcher, open_details=False, on_page_cap=whole.append))
    assert whole == [] and len(fetcher.urls) >= 2  # the whole listing read: nothing to report


def test_stop_after_page_ends_the_walk_after_the_page_it_was_shown(portals):
    portal = portals["sim-quangngai-tu"]
    fetcher, shown = RecordingFetcher(), []

    def stop_after_page(page_refs):
        shown.append([r.doc_key for r in page_refs])
        return len(shown) == 2  # the second page "shows nothing new"

    refs = list(
        get_adapter(portal.cms).discover(portal, fetcher, open_details=False, stop_after_page=stop_after_page)
    )
    assert len(fetcher.urls) == 2 and len(shown) == 2
    assert [r.doc_key for r in refs] == list(dict.fromkeys(k for page in shown for k in page))


def test_added_document_tops_the_next_discovery(simulator, portals):
    portal_id = "sim-thanhhoa-camthuy-hu"
    key = simulator.state.add_document(portal_id, "002_0549bf549650297a", "text-pdf")
    try:
        refs = discover(portals[portal_id])
        assert refs[0].doc_key == str(key)
        assert refs[0].listed["number"] == "08-CT/TU"
        assert len(refs) == len(simulator.state.documents(portal_id))
    finally:
        simulator.state.reset()


EXAMPLES = Path(__file__).parent / "examples"


def example_portal(cms: str, base_url: str, listing_path: str, **options) -> Portal:
    return Portal(
        id="example",
        name="Example",
        province_name="Ví dụ",
        province_code="00",
        level="province",
        base_url=base_url,
        cms=cms,
        listing_paths=(listing_path,),
        options={"max_pages": 1, **options},
    )


class RecordedSite:
    """fetch_text over recorded pages (URL prefix -> page); any other URL is an error."""

    def __init__(self, pages: dict[str, str]):
        self.pages = pages
        self.urls: list[str] = []

    def __call__(self, url: str) -> str:
        self.urls.append(url)
        for prefix, html in self.pages.items():
            if url.startswith(prefix):
                return html
        raise AssertionError(f"fetched a URL the test did not expect: {url}")


def test_recorded_messy_listing_dedupes_and_refuses_off_host_links(caplog):
    listing = (EXAMPLES / "nukeviet-laws" / "messy-listing-custom-theme.html").read_text(encoding="utf-8")
    detail = (EXAMPLES / "nukeviet-laws" / "messy-detail-custom-theme.html").read_text(encoding="utf-8")
    site = RecordedSite(
        {
            "https://tinhuy.example.vn/van-ban/page-3/": listing,
            "https://tinhuy.example.vn/van-ban/detail/": detail,
        }
    )
    portal = example_portal("nukeviet-laws", "https://tinhuy.example.vn", "/van-ban/page-3/")
    with caplog.at_level(logging.WARNING):
        refs = list(get_adapter("nukeviet-laws").discover(portal, site))
    assert [r.doc_key for r in refs] == ["45", "46", "47", "48"]  # 45 is listed twice; 99 is on another host
    assert not any("other.example.org" in u for u in site.urls)
    assert "off-host document link https://other.example.org" in caplog.text
    assert "max_pages=1" in caplog.text  # the page links page-4, which the limit keeps us from reading
    # Listing fills what the detail page leaves empty; the detail page wins where both speak.
    by_key = {r.doc_key: r for r in refs}
    assert by_key["45"].listed["number"] == "05-CT/TU" and by_key["45"].listed["field"] == "Y tế, Xã hội"


def test_off_host_attachments_need_extra_hosts():
    article = (EXAMPLES / "news-article" / "messy-article-download-handler.html").read_text(encoding="utf-8")
    listing = '<html><body><a href="/T/van-ban/chi-thi-so-15-ct-tu-1234.html">Chỉ thị số 15</a></body></html>'
    pages = {
        "https://baodientu.example.vn/T/van-ban/chi-thi": article,
        "https://baodientu.example.vn/T/van-ban": listing,
    }
    adapter = get_adapter("news-article")
    plain = example_portal("news-article", "https://baodientu.example.vn", "/T/van-ban")
    (ref,) = adapter.discover(plain, RecordedSite(pages))
    assert [a.filename for a in ref.attachments] == ["CT15-TU.pdf", "CT15-TU.doc"]
    with_cdn = replace(plain, options={**plain.options, "extra_hosts": ["cdn.example.net"]})
    (ref,) = adapter.discover(with_cdn, RecordedSite(pages))
    assert [a.filename for a in ref.attachments] == ["CT15-TU.pdf", "CT15-TU.doc", "CT15-TU-scan.pdf"]


def test_unknown_family_is_a_clear_error():
    with pytest.raises(UnknownAdapter, match="no adapter for CMS family 'joomla'.*nukeviet-laws"):
        get_adapter("joomla")
