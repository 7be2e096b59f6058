"""Data Docs from the project's file-backed GX context: built by the portal's Checkpoint, readable offline,
published to the object store and var/, and rendered by headless Chromium (the screenshot is kept in
docs/screenshots/ for the README; DIRECTIVES_UPDATE_SCREENSHOTS=1 replaces it)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
import yaml

from quality import validate_records
from quality.data_docs import DATA_DOCS_PREFIX, publish, remote_assets

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
SCREENSHOT = ROOT / "docs" / "screenshots" / "data-docs-validation.png"
_LOCAL_ASSET = re.compile(r"<(?:link|script)\b[^>]*\b(?:href|src)=\"(?!https?://|#)([^\"]+)\"", re.IGNORECASE)


def records() -> list[dict]:
    out = []
    for meta in sorted(SEEDS.glob("*.meta.yaml"))[:4]:
        labels = yaml.safe_load(meta.read_text(encoding="utf-8"))
        text = meta.with_name(meta.name.replace(".meta.yaml", ".txt")).read_text(encoding="utf-8")
        identity = {"portal_id": "sim-test", "doc_key": labels["seed"], "original_sha256": "0" * 64}
        out.append(
            dict(
                labels["record"],
                record_id=labels["seed"],
                text=unicodedata.normalize("NFC", text),
                **identity,
            )
        )
    out[0] = {**out[0], "number": "12/ABC x"}  # one failing record, so the page shows unexpected values
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    docs = tmp_path_factory.mktemp("data-docs")
    outcome = validate_records(
        records(), today=date(2026, 11, 22), checkpoint="document_records_sim-test", data_docs_dir=docs
    )
    # a malformed number is a warning-level expectation: the record is loaded, the page shows the failure
    assert not outcome.failed and "does not match" in outcome.warnings[records()[0]["record_id"]][0]
    return docs


def validation_page(site: Path) -> Path:
    [page] = list((site / "validations").rglob("*.html"))
    return page


def test_the_checkpoint_builds_index_suite_and_validation_pages(site):
    assert (site / "index.html").is_file()
    assert list((site / "expectations").glob("*.html"))
    page = validation_page(site).read_text(encoding="utf-8")
    assert "12/ABC x" in page  # the unexpected value, as an archivist reads it


def test_pages_load_nothing_from_another_host_and_their_local_assets_exist(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert remote_assets(html) == [], page.name
        local = _LOCAL_ASSET.findall(html)
        assert any("bootstrap.min.css" in ref for ref in local), page.name
        for ref in local:
            assert (page.parent / ref).resolve().is_file(), f"{page.name}: {ref}"


def test_remote_assets_are_detected():
    assert remote_assets('<link href="https://cdn.example/x.css"><script src="http://a/b.js"></script>') == [
        "https://cdn.example/x.css",
        "http://a/b.js",
    ]
    assert remote_assets('<a href="https://docs.example/">docs</a>') == []  # a link, not an asset


def test_publish_puts_the_site_under_its_prefix_and_in_var(site, object_store, tmp_path):
    prefix = publish(object_store, site, tmp_path / "var", "sim-test", "manual__2026-12-01T00:00:00+00:00")
    assert prefix == f"{DATA_DOCS_PREFIX}/sim-test/manual__2026-12-01T00_00_00_00_00/"
    keys = object_store.list_keys(prefix)
    assert prefix + "index.html" in keys
    assert len(keys) == sum(1 for p in site.rglob("*") if p.is_file())
    assert (tmp_path / "var" / prefix / "index.html").is_file()
    assert publish(object_store, site, tmp_path / "var", "sim-test", "manual__2026-12-01T00:00:00+00:00")
    assert len(object_store.list_keys(prefix)) == len(keys)  # a retried task adds nothing


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_headless_chromium_renders_a_styled_validation_page(site, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is not installed: run `make system-deps` (Debian package chromium)"
    shot = tmp_path / "page.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--hide-scrollbars", "--window-size=1280,1400", f"--screenshot={shot}",
         validation_page(site).as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    data = shot.read_bytes()
    assert _png_size(data) == (1280, 1400)
    assert len(data) > 50_000  # a rendered page, not a blank one (a blank PNG of this size is ~10 kB)
    if not SCREENSHOT.exists() or os.environ.get("DIRECTIVES_UPDATE_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
