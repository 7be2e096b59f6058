"""Fixtures of the hostile-network tests: a static portal on loopback, a fault proxy before it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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


# --- pipeline runs against the simulator (through a fault proxy when given) ------------------------------

SIM_PORTAL = "sim-quangngai-tu"


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    from simulator.server import start_simulator

    with start_simulator(tmp_path_factory.mktemp("simulator")) as sim:
        yield sim


def portal_at(base_url: str, portal_id: str = SIM_PORTAL):
    from scrapers.registry import load_registry
    from simulator.server import env_name

    return next(p for p in load_registry(env={env_name(portal_id): base_url}) if p.id == portal_id)


def pipeline_settings(s3_server, warehouse_url: str, bucket: str, **limits):
    from pipeline.settings import S3Settings, Settings
    from scrapers.http import FetchLimits

    fetch_limits = FetchLimits(
        **{"retries": 2, "backoff_factor": 0.05, "read_timeout": 2, "total_timeout": 4, **limits}
    )
    return Settings(
        s3=S3Settings(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, bucket),
        var_dir=Path(warehouse_url.removeprefix("duckdb:///")).parent,
        warehouse_url=warehouse_url,
        fetch_limits=fetch_limits,
    )


def run_portal(settings, portal, run_id: str):
    """One whole run, as `directives run` does it; returns (summary or None, the error, the runs row)."""
    from pipeline.context import PipelineContext
    from pipeline.stages import run_all

    ctx = PipelineContext(settings, portal, run_id)
    summary, error = None, None
    try:
        summary = run_all(ctx)
    except Exception as exc:  # noqa: BLE001 - the caller asserts on it
        error = exc
    try:
        row = ctx.warehouse.run(run_id, portal.id)
    finally:
        ctx.close()
    return summary, error, row
