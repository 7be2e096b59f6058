"""A real browser (headless Chromium) opens the search, a document and a portal page of a demo-like archive
and saves screenshots under docs/screenshots/ (the README shows two of them)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.archive.demo_archive import build

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {  # file: (path, window height: the document page is long)
    "search.png": ("/?q=phong+chong+dich+tinh+uy", 1000),
    "document.png": ("/documents/sim-quangngai-tu/1306", 3200),
    "portal.png": ("/portals/sim-gialai-tu", 800),
}


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: `make system-deps` installs the Debian package chromium")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path, object_store):
    import uvicorn

    from warehouse.db import Warehouse
    from webapp.app import create_app

    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    with Warehouse.connect(url) as wh:
        wh.migrate()
        build(wh, object_store)
    port = _free_port()
    app = create_app(warehouse_url=url, store_factory=lambda: object_store, registry_ids=lambda: [])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("the web app did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _browser(args: list[str], profile: Path, height: int = 1000) -> subprocess.CompletedProcess:
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--window-size=1280,{height}",
        "--hide-scrollbars",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_pages_render_in_a_real_browser(server, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, (path, height) in PAGES.items():
        target = SCREENSHOTS / name
        target.unlink(missing_ok=True)
        done = _browser([f"--screenshot={target}", server + path], tmp_path / f"profile-{name}", height)
        assert done.returncode == 0, done.stderr[-2000:]
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 20_000, name
    dom = _browser(["--dump-dom", server + PAGES["document.png"][0]], tmp_path / "profile-dom").stdout
    assert "Bùi Thị Quỳnh Vân" in dom and 'href="/documents/sim-quangngai-tu/1412"' in dom
    search = _browser(["--dump-dom", server + "/?q=dang+uy"], tmp_path / "profile-search").stdout
    assert "<mark>" in search
