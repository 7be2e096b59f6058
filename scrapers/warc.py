"""A WARC file of one crawl: every response the pipeline received, with the request that asked for it.

The object store keeps each original under its SHA-256; the WARC keeps what the web server said around it
(status line, every header, the exact URL after redirects, the time), in the format web archives read
(ISO 28500, written with warcio). Records go to a temporary file on disk, so a crawl of large attachments
does not sit in memory.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scrapers.http import FetchResult

# requests hands over the decoded body; a header saying it is still gzip'd or chunked would make the record
# unreadable, so those headers are kept under the name web archives use for an original header.
_TRANSPORT_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class WarcRecorder:
    """Use as a context manager; `record` each FetchResult, then `path` names the finished file (or None)."""

    def __init__(self, software: str, description: str):
        handle, name = tempfile.mkstemp(suffix=".warc.gz", prefix="crawl-")
        self._file = os.fdopen(handle, "w+b")
        self._path = Path(name)
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        self._writer.write_record(
            self._writer.create_warcinfo_record(
                self._path.name,
                {"software": software, "format": "WARC File Format 1.1", "description": description},
            )
        )
        self.responses = 0

    def __enter__(self) -> WarcRecorder:
        return self

    def __exit__(self, *exc_info) -> None:
        self.discard()

    def record(self, result: FetchResult) -> None:
        uri = result.final_url
        date = result.fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        response = self._writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(result.content),
            length=len(result.content),
            warc_headers_dict={"WARC-Date": date},
            http_headers=_response_headers(result),
        )
        request = self._writer.create_warc_record(
            uri,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
            http_headers=_request_headers(result),
        )
        self._writer.write_record(response)
        self._writer.write_record(request)
        self.responses += 1

    def finish(self) -> Path:
        """Close the file and return its path (it stays on disk until `discard`)."""
        self._file.flush()
        self._file.close()
        return self._path

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self._path.unlink(missing_ok=True)


def _response_headers(result: FetchResult) -> StatusAndHeaders:
    headers = [
        (f"X-Archive-Orig-{name}" if name.lower() in _TRANSPORT_HEADERS else name, value)
        for name, value in result.headers
    ]
    headers.append(("Content-Length", str(len(result.content))))
    return StatusAndHeaders(f"{result.status} {result.reason}".strip(), headers, protocol="HTTP/1.1")


def _request_headers(result: FetchResult) -> StatusAndHeaders:
    parts = urlsplit(result.final_url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc), *result.request_headers]
    return StatusAndHeaders(f"GET {target} HTTP/1.1", headers, is_http_request=True)
