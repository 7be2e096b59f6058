"""A fault-injecting HTTP proxy to put between the pipeline and a (simulated) portal.

    with FaultProxy("http://127.0.0.1:18081", [Fault("reset", match=r"\\.pdf$")]) as proxy:
        ...  # point the portal's base_url at proxy.url

Requests are forwarded to the upstream with their Host header kept, so the simulator's absolute links point
back at the proxy. A request whose path matches a fault's `match` regex (and whose fault still has `times`
left) gets the fault instead of, or on top of, the upstream's answer. The faults are the ways real portals and
networks fail: 5xx, 429 with Retry-After, a stall (connection open, nothing sent), a reset, a body cut short,
an HTML error page served with status 200 instead of a file, a trickling body, a redirect off the portal's
host and an endless robots.txt. `proxy.log` records every request and the fault it got.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

FAULT_KINDS = (
    "status",  # answer `status` (default 503)
    "retry-after",  # 429 with Retry-After: `seconds`
    "stall",  # read the request, send nothing for `seconds`, close
    "reset",  # close the connection with a TCP reset before any answer
    "truncate",  # the upstream's headers (full Content-Length), half its body, close
    "html-200",  # status 200, an HTML error page instead of the file
    "trickle",  # the upstream's answer, its body one byte every `seconds`
    "redirect-off-host",  # 302 to the same path on another host
    "huge-robots",  # robots.txt of `size` bytes, streamed (padding, then rules at the end)
)
HTML_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>Lỗi</title></head><body><h1>Hệ thống đang bảo trì</h1>"
    "<p>Vui lòng quay lại sau.</p></body></html>"
).encode()
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length"}


@dataclass
class Fault:
    kind: str
    match: str = ""  # regex searched in the request path (with query); "" matches every request
    times: int | None = 1  # matching requests that get the fault; None: all of them
    status: int = 503
    seconds: float = 1.0
    size: int = 300 * 1024 * 1024
    target_host: str = "evil.example.net"
    hits: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; one of {', '.join(FAULT_KINDS)}")
        self._pattern = re.compile(self.match)

    def takes(self, path: str) -> bool:
        return bool(self._pattern.search(path)) and (self.times is None or self.hits < self.times)


@dataclass
class LoggedRequest:
    path: str
    fault: str | None
    bytes_sent: int = 0
    aborted: bool = False  # the client closed the connection before the whole answer was sent


@dataclass
class FaultProxy:
    upstream: str
    faults: list[Fault] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self.log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _ProxyServer((self.host, self.port), self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()

    @property
    def url(self) -> str:
        return "http://{}:{}".format(*self._server.server_address[:2])

    def set_faults(self, faults: list[Fault]) -> None:
        with self._lock:
            self.faults = list(faults)

    def clear_log(self) -> None:
        with self._lock:
            self.log = []

    def fault_for(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.takes(path):
                    fault.hits += 1
                    return fault
        return None

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.log.append(entry)

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], proxy: FaultProxy):
        super().__init__(address, _Handler)
        self.proxy = proxy


class _Handler(BaseHTTPRequestHandler):
    server: _ProxyServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base class signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        proxy = self.server.proxy
        fault = proxy.fault_for(self.path)
        entry = LoggedRequest(self.path, fault.kind if fault else None)
        proxy.record(entry)  # logged on arrival: a stalled request is in the log while it stalls
        try:
            self._answer(proxy, fault, entry)
        except (BrokenPipeError, ConnectionResetError):
            entry.aborted = True
        self.close_connection = True

    def _answer(self, proxy: FaultProxy, fault: Fault | None, entry: LoggedRequest) -> None:
        kind = fault.kind if fault else None
        if kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        if kind == "stall":
            proxy._stopping.wait(fault.seconds)
            return
        if kind == "status":
            self._send(entry, fault.status, {"Content-Type": "text/plain"}, b"upstream unavailable")
            return
        if kind == "retry-after":
            headers = {"Content-Type": "text/plain", "Retry-After": f"{fault.seconds:g}"}
            self._send(entry, 429, headers, b"too many requests")
            return
        if kind == "html-200":
            self._send(entry, 200, {"Content-Type": "text/html; charset=utf-8"}, HTML_ERROR_PAGE)
            return
        if kind == "redirect-off-host":
            location = f"http://{fault.target_host}{self.path}"
            self._send(entry, 302, {"Location": location}, b"")
            return
        if kind == "huge-robots":
            self._huge_robots(entry, fault.size)
            return
        status, headers, body = self._forward(proxy)
        if kind == "truncate" and len(body) > 1:
            self._send(entry, status, headers, body, cut=len(body) // 2)
        elif kind == "trickle":
            self._send(entry, status, headers, body, delay=fault.seconds)
        else:
            self._send(entry, status, headers, body)

    def _forward(self, proxy: FaultProxy) -> tuple[int, dict[str, str], bytes]:
        headers = {
            k: v for k, v in self.headers.items() if k.lower() not in ("connection", "accept-encoding")
        }
        response = requests.get(
            proxy.upstream + self.path, headers=headers, allow_redirects=False, timeout=30
        )
        kept = {k: v for k, v in response.headers.items() if k.lower() not in _HOP_HEADERS}
        return response.status_code, kept, response.content

    def _send(
        self,
        entry: LoggedRequest,
        status: int,
        headers: dict[str, str],
        body: bytes,
        cut: int | None = None,
        delay: float = 0.0,
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        payload = body if cut is None else body[:cut]
        if delay:
            for index in range(len(payload)):
                if self.server.proxy._stopping.wait(delay):
                    return
                self.wfile.write(payload[index : index + 1])
                self.wfile.flush()
                entry.bytes_sent += 1
        else:
            self.wfile.write(payload)
            entry.bytes_sent += len(payload)
        self.wfile.flush()

    def _huge_robots(self, entry: LoggedRequest, size: int) -> None:
        rules = b"User-agent: *\nDisallow: /after-the-padding/\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(size))
        self.send_header("Connection", "close")
        self.end_headers()
        line = b"# " + b"x" * 1021 + b"\n"
        remaining = size - len(rules)
        started = time.monotonic()
        while remaining > 0 and time.monotonic() - started < 120:
            piece = line[: min(len(line), remaining)]
            self.wfile.write(piece)
            entry.bytes_sent += len(piece)
            remaining -= len(piece)
        self.wfile.write(rules)
        entry.bytes_sent += len(rules)
        self.wfile.flush()
