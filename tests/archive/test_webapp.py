"""The web page on a demo-like archive, on both warehouses: search, a document, an original, portals."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from tests.archive.demo_archive import build


@pytest.fixture
def site(wh, object_store):
    current = build(wh, object_store)
    from webapp.app import create_app

    app = create_app(warehouse_url=wh.url, store_factory=lambda: object_store, registry_ids=lambda: [])
    wh.close()  # the app opens its own connection per request (DuckDB: one process, one writer)
    with TestClient(app) as client:
        yield client, current


def test_search_page_folds_accents_and_highlights(site):
    client, _ = site
    page = client.get("/", params={"q": "dang uy"})
    assert page.status_code == 200
    assert "<mark>" in page.text
    assert "/documents/sim-quangngai-tu/1306" in page.text
    assert client.get("/", params={"q": "phong chong dich", "type": "CT"}).text.count('class="hit"') == 1


def test_search_page_explains_bad_arguments(site):
    client, _ = site
    page = client.get("/", params={"q": "x", "portal": "nope"})
    assert page.status_code == 400 and "unknown portal &#39;nope&#39;" in page.text
    assert (
        "is after date_to"
        in client.get("/", params={"q": "x", "from": "2022-01-01", "to": "2021-01-01"}).text
    )


def test_document_page_shows_fields_versions_links_and_assignments(site):
    client, current = site
    page = client.get("/documents/sim-quangngai-tu/1306")
    assert page.status_code == 200
    text = page.text
    assert "125-KL/TU" in text and "Bùi Thị Quỳnh Vân" in text
    assert "document text" in text  # the source of each field
    assert text.count("/originals/") == 2  # both versions, each with its digest
    assert current["sim-quangngai-tu/1306"] in text
    assert "15/CT-TTg" in text  # what it cites
    assert "/documents/sim-quangngai-tu/1412" in text  # the plan that cites it
    assert "Ban Cán sự đảng Ủy ban nhân dân tỉnh" in text  # an assignment
    plan = client.get("/documents/sim-quangngai-tu/1412").text
    assert "trước ngày 30/9/2021" in plan and "hằng tháng" in plan
    assert "/documents/sim-quangngai-tu/1306" in plan  # its citation is linked to the archived conclusion


def test_original_is_sent_byte_for_byte(site):
    client, current = site
    sha = current["sim-gialai-tu/712"]
    response = client.get(f"/originals/{sha}")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == sha
    assert response.headers["content-disposition"] == 'attachment; filename="text.pdf"'
    assert client.get("/originals/" + "0" * 64).status_code == 404
    assert client.get("/originals/not-a-digest").status_code == 400


def test_original_with_a_wrong_digest_is_refused(site, object_store):
    client, current = site
    sha = current["sim-gialai-tu/808"]
    from warehouse.objectstore import original_key

    object_store.put_bytes(original_key(sha), b"tampered bytes", "application/pdf")
    response = client.get(f"/originals/{sha}")
    assert response.status_code == 502 and "refused" in response.text


def test_portal_health_pages(site):
    client, _ = site
    health = client.get("/portals").text
    assert "sim-gialai-tu" in health and "failed" in health
    portal = client.get("/portals/sim-gialai-tu").text
    assert "the PDF has no readable page" in portal and "scheduled__2026-11-21" in portal
    assert client.get("/portals/nope").status_code == 404


def test_no_secret_in_any_page(site, s3_server):
    client, current = site
    pages = [client.get(p).text for p in ("/", "/?q=tinh+uy", "/portals", "/documents/sim-gialai-tu/712")]
    for page in pages:
        assert s3_server.secret_key not in page and s3_server.access_key not in page
