"""The crawl's WARC file, written by warcio and read back by warcio, against a real HTTP server."""

from __future__ import annotations

import gzip
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from warcio.archiveiterator import ArchiveIterator

from scrapers.http import FetchLimits, PoliteSession
from scrapers.warc import WarcRecorder

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40  # binary, as an attachment is
HTML = "<p>Chỉ thị số 08-CT/TU</p>".encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (http.server API)
        if self.path == "/robots.txt":
            self._send(404, b"", {})
        elif self.path == "/file.pdf":
            self._send(200, PDF, {"Content-Type": "application/pdf", "ETag": '"v1"'})
        elif self.path == "/page":  # served compressed: the record must hold the body requests decoded
            self._send(200, gzip.compress(HTML), {"Content-Type": "text/html", "Content-Encoding": "gzip"})
        elif self.path == "/old-link":
            self._send(301, b"", {"Location": "/file.pdf"})


@pytest.fixture(scope="module")
def host():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _crawl(host: str, paths: list[str]):
    results = []
    recorder = WarcRecorder(software="tests", description="a test crawl")
    session = PoliteSession(
        [host],
        rate_limit_per_sec=1000,
        limits=FetchLimits(retries=0),
        on_fetch=lambda r, u, e: None,
        allow_private_network=True,
    )
    for path in paths:
        result = session.get(f"http://{host}{path}")
        recorder.record(result)
        results.append(result)
    return recorder, results


def _records(path):
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            yield record.rec_type, record, record.content_stream().read()


def test_every_response_is_archived_with_its_exact_body_url_and_headers(host):
    recorder, results = _crawl(host, ["/file.pdf", "/page", "/old-link"])
    try:
        records = list(_records(recorder.finish()))
        assert [kind for kind, _, _ in records] == ["warcinfo"] + ["response", "request"] * 3
        responses = [(r, body) for kind, r, body in records if kind == "response"]
        for (record, body), result in zip(responses, results, strict=True):
            assert hashlib.sha256(body).hexdigest() == result.sha256
            assert record.rec_headers.get_header("WARC-Target-URI") == result.final_url
            assert record.http_headers.get_statuscode() == "200"
        pdf_record, pdf_body = responses[0]
        assert pdf_body == PDF and pdf_record.http_headers.get_header("ETag") == '"v1"'
        page_record, page_body = responses[1]
        assert page_body == HTML
        assert page_record.http_headers.get_header("Content-Encoding") is None
        assert page_record.http_headers.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
        assert responses[2][0].rec_headers.get_header("WARC-Target-URI").endswith("/file.pdf")
    finally:
        recorder.discard()


def test_each_request_is_tied_to_its_response(host):
    recorder, _ = _crawl(host, ["/file.pdf"])
    try:
        records = {kind: record for kind, record, _ in _records(recorder.finish())}
        response_id = records["response"].rec_headers.get_header("WARC-Record-ID")
        assert records["request"].rec_headers.get_header("WARC-Concurrent-To") == response_id
        assert records["request"].http_headers.protocol == "GET"
        assert records["request"].http_headers.statusline == "/file.pdf HTTP/1.1"
    finally:
        recorder.discard()


def test_a_discarded_crawl_leaves_no_file(host):
    with WarcRecorder(software="tests", description="discarded") as recorder:
        path = recorder._path
        assert path.exists()
    assert not path.exists()
