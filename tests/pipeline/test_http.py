"""PoliteSession against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scrapers.http import (
    FetchLimits,
    HTTPStatusError,
    OffHostURL,
    PoliteSession,
    ResponseTooLarge,
    RobotsDisallowed,
)


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *args):  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (http.server API)
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /private/\n")
        elif self.path == "/doc":
            self._send(200, "Văn bản".encode(), {"Content-Type": "text/html; charset=utf-8"})
        elif self.path == "/big":
            self._send(200, b"x" * 5000)
        elif self.path == "/flaky":
            # fails twice, then answers: the retry policy must absorb it
            if Handler.hits[self.path] <= 2:
                self._send(503, b"busy")
            else:
                self._send(200, b"ok")
        elif self.path == "/away":
            self._send(302, b"", {"Location": "http://198.51.100.1/elsewhere"})
        elif self.path == "/here":
            self._send(301, b"", {"Location": "/doc"})
        else:
            self._send(404, b"not found")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def session(host: str, **kwargs) -> PoliteSession:
    limits = kwargs.pop("limits", FetchLimits(retries=3, backoff_factor=0.01, max_bytes=1000))
    kwargs.setdefault("allow_private_network", True)  # the test server listens on loopback
    return PoliteSession([host], rate_limit_per_sec=kwargs.pop("rate", 1000), limits=limits, **kwargs)


def test_fetch_records_digest_and_decodes_utf8(server):
    result = session(server).get(f"http://{server}/doc")
    assert result.status == 200
    assert result.sha256 == hashlib.sha256("Văn bản".encode()).hexdigest()
    assert result.text() == "Văn bản"


def test_other_hosts_are_refused(server):
    with pytest.raises(OffHostURL):
        session(server).get("http://198.51.100.1/doc")


def test_redirect_off_host_is_refused_before_it_is_followed(server):
    with pytest.raises(OffHostURL):
        session(server).get(f"http://{server}/away")


def test_redirect_on_host_is_followed(server):
    result = session(server).get(f"http://{server}/here")
    assert result.final_url.endswith("/doc")


def test_robots_txt_is_honoured(server):
    with pytest.raises(RobotsDisallowed):
        session(server).get(f"http://{server}/private/x")


def test_size_cap(server):
    with pytest.raises(ResponseTooLarge):
        session(server).get(f"http://{server}/big")


def test_transient_errors_are_retried(server):
    assert session(server).get(f"http://{server}/flaky").content == b"ok"


def test_http_errors_are_named(server):
    with pytest.raises(HTTPStatusError) as info:
        session(server).get(f"http://{server}/missing")
    assert info.value.status == 404


def test_fetch_callback_sees_success_and_failure(server):
    seen = []
    s = session(server, on_fetch=lambda result, url, error: seen.append((url, result is not None, error)))
    s.get(f"http://{server}/doc")
    with pytest.raises(HTTPStatusError):
        s.get(f"http://{server}/missing")
    assert [(u.rsplit("/", 1)[1], ok) for u, ok, _ in seen] == [("doc", True), ("missing", False)]


def test_rate_limit_spaces_requests_to_one_host(server):
    s = session(server, rate=20)  # one request per 50 ms
    s.get(f"http://{server}/doc")  # robots.txt + first request
    started = time.monotonic()
    for _ in range(4):
        s.get(f"http://{server}/doc")
    assert time.monotonic() - started >= 0.15
