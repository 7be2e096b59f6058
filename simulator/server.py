"""The local portal simulator: real HTTP servers on 127.0.0.1, one port per simulated portal.

Each portal is its own host:port, as real portals are distinct hosts, and serves CMS-like listing, detail and
download URLs, /robots.txt, and 404 for anything else. What is published comes from simulator.site.SiteState,
re-read whenever its file changes, so `--add/--change/--reset` (or SiteState in a test) take effect on the
next request of a running server.

    python -m simulator.server [--state-dir var/simulator] [--base-port 18081]      # serve until Ctrl-C
    python -m simulator.server --add sim-gialai-tu 001_c12fdece1227ca6e text-pdf   # edit the state, exit
    python -m simulator.server --change sim-quangngai-tu 103 | --reset | --list
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from simulator import pages
from simulator.corpus import document_truth, sample_record
from simulator.files import CONTENT_TYPES, DocumentFiles, ServedFile
from simulator.pages import DocView
from simulator.site import (
    DEFAULT_STATE_DIR,
    KINDS,
    PortalSite,
    PublishedDocument,
    SeedListing,
    SimulatorConfig,
    SiteState,
    SiteStateError,
    load_config,
)

log = logging.getLogger(__name__)

HTML = "text/html; charset=utf-8"
ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /seek/
Disallow: /*?*print=1
Allow: /
"""


@dataclass
class Response:
    status: int
    content_type: str = HTML
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def not_found(what: str = "Trang không tồn tại") -> Response:
    body = f"<!DOCTYPE html><html><body><h1>404</h1><p>{what}</p></body></html>".encode()
    return Response(HTTPStatus.NOT_FOUND, HTML, body)


def html_response(markup: str | None) -> Response:
    return not_found() if markup is None else Response(HTTPStatus.OK, HTML, markup.encode("utf-8"))


def _last_modified(doc: PublishedDocument) -> str:
    # Deterministic: the posting day, one minute later per revision.
    stamp = datetime.combine(datetime.fromisoformat(doc.posted).date(), time(8, 0), UTC)
    return format_datetime(stamp + timedelta(minutes=doc.revision), usegmt=True)


class SimulatorApp:
    """Answers a request for one portal: path + query in, Response out. No sockets here."""

    def __init__(self, state: SiteState, files: DocumentFiles):
        self.state = state
        self.files = files

    # --- views --------------------------------------------------------------------------------------------

    def views(self, portal_id: str) -> list[DocView]:
        config = self.state.config
        return [
            DocView(
                doc,
                self.files.seed(doc.seed) if doc.seed else None,
                config.seeds.get(doc.seed, SeedListing()) if doc.seed else SeedListing(),
            )
            for doc in self.state.documents(portal_id)
        ]

    def body_html(self, view: DocView) -> str | None:
        """The document's text on the page: an HTML-only entry, or a file entry that shows its text too."""
        doc = view.published
        if doc.seed and (doc.kind == "html" or view.shows("body-text")):
            return self.files.article_html(doc.seed, doc.revision)
        return None

    def truth(self, portal_id: str) -> list[dict]:
        """What each served document is: the label table the portal prints and the document's own fields
        (simulator.corpus.document_truth), to measure discovered and loaded records against."""
        site = self.state.config.portal(portal_id)
        out = []
        for view in self.views(portal_id):
            doc = view.published
            listed = view.listed_truth(site.markup)
            if site.markup == "news-article":  # a news portal prints a title and a posting date only
                listed = {"subject": view.title, "published_date": doc.posted}
            out.append(
                document_truth(
                    doc_key=doc.doc_key,
                    kind=doc.kind,
                    revision=doc.revision,
                    listed=listed,
                    seed=view.seed,
                    sample_fields=sample_record(self.state.config.samples_dir, doc.sample)
                    if doc.sample
                    else None,
                    body_html_present=site.markup != "news-article" and self.body_html(view) is not None,
                )
            )
        return out

    def served_file(self, doc: PublishedDocument) -> ServedFile:
        """The file a published document links to (a real sample, or the seed rendered as its kind)."""
        if doc.kind == "sample":
            return self.files.sample(str(doc.sample), doc.revision)
        return self.files.file(str(doc.seed), doc.kind, doc.revision)

    def file_response(self, view: DocView, disposition: str) -> Response:
        served = self.served_file(view.published)
        name = view.filename or "document"
        return Response(
            HTTPStatus.OK,
            served.content_type,
            served.content,
            {
                "Content-Disposition": f"{disposition}; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
                "Last-Modified": _last_modified(view.published),
            },
        )

    # --- routing ------------------------------------------------------------------------------------------

    def handle(self, portal_id: str, target: str, origin: str) -> Response:
        parts = urlsplit(target)
        path, query = parts.path, {k.lower(): v for k, v in parse_qs(parts.query).items()}
        if path == "/robots.txt":
            return Response(HTTPStatus.OK, "text/plain; charset=utf-8", ROBOTS.encode())
        site = self.state.config.portal(portal_id)
        if path in ("/", "/index.php"):
            return html_response(pages.home(site, origin))
        if site.markup == "news-article":
            return self._news(site, path, query, origin)
        return self._nukeviet(site, path, query, origin)

    def _nukeviet(self, site: PortalSite, path: str, query: dict, origin: str) -> Response:
        config = self.state.config
        section = re.escape(site.section)
        if match := re.fullmatch(rf"/{section}(?:/page-(\d+))?/?", path):
            number = int(match.group(1) or 1)
            return html_response(
                pages.nukeviet_listing(
                    site, self.views(site.id), number, self.state.page_size, config.sidebar_size, origin
                )
            )
        if match := re.fullmatch(rf"/{section}/detail/(?P<alias>[^/]+?-(?P<key>\d+))(?:\.html|/)?", path):
            views = self.views(site.id)
            view = next((v for v in views if v.key == int(match["key"]) and v.alias == match["alias"]), None)
            if view is None:
                return not_found("Văn bản không tồn tại")
            if "download" in query or "pdf" in query:
                if view.filename is None or query.get("id", ["0"])[0] != "0":
                    return not_found("Tập tin không tồn tại")
                if "download" in query and view.shows("broken-download"):
                    # funcs/detail.php: the stored path is missing -> nv_redirect_location($base_url, true)
                    return Response(HTTPStatus.MOVED_PERMANENTLY, headers={"Location": origin + path})
                if "download" not in query:
                    if not view.filename.endswith(".pdf"):
                        return not_found("Không xem trước được tập tin này")
                    return html_response(pages.nukeviet_pdf_viewer(f"{origin}{path}?download=1&id=0"))
                return self.file_response(view, "attachment")
            others = [v for v in views if v.key != view.key][: config.sidebar_size]
            return html_response(pages.nukeviet_detail(site, view, others, origin, self.body_html(view)))
        if path.startswith(f"/uploads/{site.section}/"):
            view = next(
                (v for v in self.views(site.id) if v.filename and pages.upload_path(site, v) == path), None
            )
            return self.file_response(view, "inline") if view else not_found()
        return not_found()

    def _news(self, site: PortalSite, path: str, query: dict, origin: str) -> Response:
        config = self.state.config
        category = pages.news_category_path(site)
        if path.rstrip("/") == category:
            raw = query.get("pageindex", ["1"])[0]
            number = int(raw) if raw.isdigit() else 0
            return html_response(
                pages.news_listing(
                    site, self.views(site.id), number, self.state.page_size, config.sidebar_size, origin
                )
            )
        if match := re.fullmatch(rf"{re.escape(category)}/[^/]+-(\d+)\.html", path):
            views = self.views(site.id)
            view = next((v for v in views if pages.article_path(site, v) == path), None)
            if view is None:
                return not_found("Bài viết không tồn tại")
            others = [v for v in views if v.key != view.key]
            return html_response(pages.news_article(site, view, others, origin, self.body_html(view)))
        if match := re.fullmatch(rf"/T/{pages.OTHER_NEWS_CATEGORY}/[^/]+-(\d+)\.html", path):
            return html_response(pages.other_news_article(site, int(match.group(1)), origin))
        if path.startswith("/Uploads/files/"):
            view = next(
                (v for v in self.views(site.id) if v.filename and pages.news_file_path(v) == path), None
            )
            return self.file_response(view, "inline") if view else not_found()
        return not_found()


# --- HTTP plumbing ------------------------------------------------------------------------------------


class PortalHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], portal_id: str, app: SimulatorApp):
        super().__init__(address, PortalRequestHandler)
        self.portal_id = portal_id
        self.app = app
        # Every request target answered, in order: what a crawl really cost the portal (tests, benchmarks).
        self.requests: list[str] = []


class PortalRequestHandler(BaseHTTPRequestHandler):
    server: PortalHTTPServer
    server_version = "nginx"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        self.server.requests.append(self.path)  # list.append is atomic: handler threads may share it
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        try:
            response = self.server.app.handle(self.server.portal_id, self.path, f"http://{host}")
        except Exception:  # a simulator bug must show as a 500 with a traceback in the log, not a hang
            log.exception("simulator error on %s %s", self.server.portal_id, self.path)
            response = Response(
                HTTPStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", b"internal error"
            )
        etag = f'"{hashlib.sha256(response.body).hexdigest()[:32]}"'
        if response.status == HTTPStatus.OK and self.headers.get("If-None-Match") == etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if response.status == HTTPStatus.OK:
            self.send_header("ETag", etag)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (signature of the base class)
        log.debug("%s %s", self.server.portal_id, format % args)


@dataclass
class RunningSimulator:
    """The simulator's servers, running in background threads. Use as a context manager or call stop()."""

    state: SiteState
    servers: dict[str, PortalHTTPServer]
    threads: list[threading.Thread]

    @property
    def base_urls(self) -> dict[str, str]:
        return {
            pid: "http://{}:{}".format(*server.server_address[:2]) for pid, server in self.servers.items()
        }

    def requests(self, portal_id: str) -> list[str]:
        """The request targets the portal has answered so far (path and query), in order."""
        return list(self.servers[portal_id].requests)

    def clear_requests(self) -> None:
        for server in self.servers.values():
            server.requests.clear()

    def render_files(self) -> int:
        """Render every published file now, as a real portal has its files on disk before a crawl (the
        benchmarks: the portal's rendering is not the pipeline's time); the number of files."""
        if not self.servers:
            return 0
        app = next(iter(self.servers.values())).app
        count = 0
        for portal_id in self.servers:
            for doc in self.state.documents(portal_id):
                if doc.kind == "sample" or doc.kind in CONTENT_TYPES:
                    app.served_file(doc)
                elif doc.kind == "html":
                    app.files.article_html(str(doc.seed), doc.revision)
                else:
                    continue
                count += 1
        return count

    def env(self) -> dict[str, str]:
        """The variables config/portals.yaml reads for the simulated portals' base URLs."""
        return {env_name(pid): url for pid, url in self.base_urls.items()}

    def stop(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)
        self.servers = {}
        self.threads = []

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def env_name(portal_id: str) -> str:
    return "DIRECTIVES_SIM_URL_" + portal_id.upper().replace("-", "_")


def start_simulator(
    state_dir: str | Path | None = None,
    ports: Mapping[str, int] | None = None,
    host: str = "127.0.0.1",
    config: SimulatorConfig | None = None,
) -> RunningSimulator:
    """Serve every configured portal on its own port (a free one unless `ports` names it)."""
    state = SiteState(state_dir or DEFAULT_STATE_DIR, config or load_config())
    app = SimulatorApp(state, DocumentFiles(state.config.seeds_dir, state.config.samples_dir))
    ports = dict(ports or {})
    unknown = set(ports) - set(state.config.portals)
    if unknown:
        raise SiteStateError(f"ports given for unknown portals: {', '.join(sorted(unknown))}")
    servers: dict[str, PortalHTTPServer] = {}
    threads: list[threading.Thread] = []
    try:
        for portal_id in state.config.portals:
            server = PortalHTTPServer((host, int(ports.get(portal_id, 0))), portal_id, app)
            servers[portal_id] = server
            # A short poll interval: stop() waits up to one interval per server.
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"sim-{portal_id}",
                daemon=True,
            )
            thread.start()
            threads.append(thread)
    except OSError:
        RunningSimulator(state, servers, threads).stop()
        raise
    return RunningSimulator(state, servers, threads)


def serve_forever(
    state_dir: str | Path | None,
    host: str = "127.0.0.1",
    ports: Mapping[str, int] | None = None,
    config: SimulatorConfig | None = None,
) -> None:
    """Run until interrupted, printing each portal's URL and the variable the registry reads it from."""
    with start_simulator(state_dir, ports, host, config) as sim:
        print(f"simulator state: {sim.state.path}")
        for portal_id, url in sim.base_urls.items():
            print(f"{portal_id:28} {url}   ({env_name(portal_id)}={url})")
        print("Ctrl-C to stop", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping")


# --- command line -----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simulate", description="Local portal simulator (one port per portal)."
    )
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR, help="where state.json lives")
    parser.add_argument(
        "--config", type=Path, default=None, help="simulator config (default config/simulator.yaml)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--base-port",
        type=int,
        default=None,
        help="first port; portals take consecutive ports in config order (default: each "
        "portal's default_port)",
    )
    actions = parser.add_mutually_exclusive_group()
    actions.add_argument(
        "--add",
        nargs=3,
        metavar=("PORTAL", "SEED", "KIND"),
        help=f"publish a seed on a portal; KIND is one of {', '.join(KINDS)}",
    )
    actions.add_argument("--change", nargs=2, metavar=("PORTAL", "DOC_KEY"), help="publish a new revision")
    actions.add_argument("--reset", action="store_true", help="back to what the config publishes")
    parser.add_argument(
        "--scale",
        type=int,
        metavar="N",
        help="publish N documents per portal (the configured mix repeated, deterministic; 20 rows a "
        "listing page), then serve them (for benchmarks); --reset goes back",
    )
    actions.add_argument("--list", action="store_true", help="print what each portal publishes")
    actions.add_argument(
        "--truth",
        metavar="PORTAL",
        help="print, as JSON lines, what each document of PORTAL is (label table and own fields)",
    )
    return parser


def _print_state(state: SiteState) -> None:
    for portal_id in state.portal_ids():
        print(portal_id)
        for doc in state.documents(portal_id):
            twice = "  (listed twice)" if doc.listed_twice else ""
            line = f"  {doc.doc_key:>6}  {doc.source}  {doc.kind:12} rev {doc.revision} posted {doc.posted}"
            print(line + twice)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args.config)
        if args.scale is not None:
            state = SiteState(args.state_dir, config)
            state.reset(scale=args.scale)
            print(f"scale: {args.scale} documents per portal, {state.page_size} a listing page")
            if args.add or args.change or args.reset or args.list or args.truth:
                raise SiteStateError("--scale resets the state: give it alone")
        if args.truth:
            state = SiteState(args.state_dir, config)
            app = SimulatorApp(state, DocumentFiles(config.seeds_dir, config.samples_dir))
            for entry in app.truth(args.truth):
                print(json.dumps(entry, ensure_ascii=False))
            return 0
        if args.add or args.change or args.reset or args.list:
            state = SiteState(args.state_dir, config)
            if args.add:
                print(f"added doc_key {state.add_document(*args.add)}")
            elif args.change:
                print(f"revision {state.change_document(*args.change)}")
            elif args.reset:
                state.reset()
                print(f"reset {state.path}")
            _print_state(state)
            return 0
        if args.base_port is not None:
            ports = {pid: args.base_port + i for i, pid in enumerate(config.portals)}
        else:
            ports = {pid: site.default_port for pid, site in config.portals.items()}
        serve_forever(args.state_dir, args.host, ports, config)
        return 0
    except (SiteStateError, ValueError, OSError) as exc:
        print(f"simulate: {exc}", file=sys.stderr)
        return 2


__all__ = [
    "CONTENT_TYPES",
    "RunningSimulator",
    "SimulatorApp",
    "env_name",
    "main",
    "serve_forever",
    "start_simulator",
]

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    raise SystemExit(main())
