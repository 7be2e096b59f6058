"""Fixtures of the hostile-network tests: a small static portal on loopback and a fault proxy in front of it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

PDF_BYTES = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
PAGES = {
    "/robots.txt": (b"User-agent: *\nDisallow: /private/\n", "text/plain"),
    "/doc.pdf": (PDF_BYTES, "application/pdf"),
    "/page": ("<html><body>Văn bản</body></html>".encode(), "text/html; charset=utf-8"),
    "/forty": (b"0123456789" * 4, "text/plain"),
}


class StaticHandler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        StaticHandler.hits[self.path] = StaticHandler.hits.get(self.path, 0) + 1
        body, content_type = PAGES.get(self.path, (b"not found", "text/plain"))
        self.send_response(200 if self.path in PAGES else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(handler) -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return httpd, "http://{}:{}".format(*httpd.server_address[:2])


@pytest.fixture(scope="module")
def upstream():
    httpd, url = serve(StaticHandler)
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def proxy(upstream):
    from simulator.faults import FaultProxy

    with FaultProxy(upstream) as running:
        yield running
