"""Routes of the archive's web page: search, a document with its versions and links, portal health.

Read-only: every route is a GET that reads the warehouse (and, for a download, the object store). It binds
to 127.0.0.1 by default (`directives serve`); no setting, credential or endpoint is rendered in a page.
The search is warehouse/search.py, the same query layer as `directives search`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlparse

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from warehouse.db import Warehouse

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
PAGE_SIZE = 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Fields shown on a document page, in reading order, with the label archivists know them by.
FIELDS = (
    ("family", "Family"),
    ("doc_type", "Type code"),
    ("doc_type_name", "Type as printed"),
    ("number", "Number"),
    ("issuer_parent", "Issuer's parent"),
    ("issuer", "Issuer"),
    ("place", "Place"),
    ("issued_date", "Issued"),
    ("subject", "Subject"),
    ("signing_authority", "Signing authority"),
    ("on_behalf_of", "On behalf of"),
    ("signer_title", "Signer's title"),
    ("signer_name", "Signer"),
    ("recipients", "Recipients"),
    ("pages", "Pages"),
    ("page_sources", "Page sources"),
    ("ocr_confidence", "OCR confidence"),
    ("province_name", "Province"),
    ("province_merged_into", "Province since July 2025"),
)


def field_sources(doc: dict[str, Any]) -> dict[str, str]:
    """Where each field came from: the record's own `field_sources` when it has them, otherwise the
    document's text unless a warning says the portal's listing supplied it."""
    given = doc.get("field_sources")
    if isinstance(given, dict) and given:
        return {k: str(v) for k, v in given.items()}
    sources = {}
    for name, _ in FIELDS:
        listed = any(
            isinstance(w, str) and w.startswith(f"{name} taken from the portal listing")
            for w in doc.get("warnings") or []
        )
        sources[name] = "portal listing" if listed else "document text"
    for name in ("province_name", "province_merged_into"):
        sources[name] = "portal registry"
    return sources


def _filename(url: str | None, sha256: str) -> str:
    name = unquote(Path(urlparse(url or "").path).name) if url else ""
    name = re.sub(r"[^\w.\-]+", "_", name).strip("._")
    return name or f"{sha256}.bin"


def create_app(
    warehouse_url: str | None = None,
    store_factory: Callable[[], Any] | None = None,
    registry_ids: Callable[[], list[str]] | None = None,
) -> FastAPI:
    """`warehouse_url` and `store_factory` default to the environment's settings (DIRECTIVES_*)."""
    from pipeline.settings import settings_from_env

    settings = settings_from_env()
    url = warehouse_url or settings.warehouse_url
    app = FastAPI(title="Party directives archive", docs_url=None, redoc_url=None, openapi_url=None)

    def default_store():
        from warehouse.objectstore import ObjectStore

        s3 = settings.s3
        return ObjectStore(s3.endpoint, s3.access_key, s3.secret_key, s3.bucket, secure=s3.secure)

    make_store = store_factory or default_store

    with Warehouse.connect(url) as wh:  # tables and views exist before the first page is read
        wh.migrate()

    @contextmanager
    def warehouse() -> Iterator[Warehouse]:
        # One connection per request: a DuckDB file is then locked only while a page is being read.
        wh = Warehouse.connect(url)
        try:
            yield wh
        finally:
            wh.close()

    def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)

    @app.get("/", response_class=HTMLResponse)
    def search_page(request: Request) -> HTMLResponse:
        from warehouse.search import SearchError, SearchQuery, known_portals, search

        args = request.query_params
        form = {
            k: args.get(k, "") for k in ("q", "portal", "province", "type", "issuer", "signer", "from", "to")
        }
        form["family"] = args.get("family", "")
        form["sort"] = args.get("sort", "relevance")
        try:
            page = max(1, int(args.get("page", "1")))
        except ValueError:
            page = 1
        results, error = None, None
        with warehouse() as wh:
            portals = sorted(known_portals(wh, registry_ids() if registry_ids else ()))
            if any(v for k, v in form.items() if k != "sort"):
                query = SearchQuery(
                    text=form["q"],
                    portal=form["portal"] or None,
                    province=form["province"] or None,
                    doc_type=form["type"] or None,
                    issuer=form["issuer"] or None,
                    signer=form["signer"] or None,
                    date_from=form["from"] or None,
                    date_to=form["to"] or None,
                    family=form["family"] or None,
                    sort=form["sort"],
                    limit=PAGE_SIZE,
                    offset=(page - 1) * PAGE_SIZE,
                )
                try:
                    results = search(wh, query, registry_ids() if registry_ids else ())
                except SearchError as exc:
                    error = str(exc)
            recent = (
                None
                if results or error
                else wh.query(
                    "SELECT portal_id, doc_key, version, number, doc_type, issued_date, subject "
                    "FROM documents WHERE is_current ORDER BY loaded_at DESC, portal_id, doc_key LIMIT 10"
                )
            )
        keep = {k: v for k, v in form.items() if v}
        pages = {}
        if results and results.total > page * PAGE_SIZE:
            pages["next"] = "/?" + urlencode({**keep, "page": page + 1})
        if page > 1:
            pages["previous"] = "/?" + urlencode({**keep, "page": page - 1})
        return render(
            request,
            "search.html",
            status_code=400 if error else 200,
            form=form,
            portals=portals,
            results=results,
            error=error,
            recent=recent,
            pages=pages,
            page=page,
        )

    @app.get("/documents/{portal_id}/{doc_key}", response_class=HTMLResponse)
    def document_page(request: Request, portal_id: str, doc_key: str, version: int | None = None):
        from warehouse import links

        with warehouse() as wh:
            versions = wh.document_versions(portal_id, doc_key)
            if not versions:
                raise HTTPException(404, f"no document {doc_key!r} on portal {portal_id!r}")
            chosen = next((v for v in versions if v["version"] == version), None) if version else None
            doc = chosen or next((v for v in versions if v["is_current"]), versions[-1])
            cites = links.citations_of(wh, portal_id, doc_key, doc["version"])
            cited_by = links.cited_by(wh, portal_id, doc_key)
            assignments = links.assignments_of(wh, portal_id, doc_key, doc["version"])
        warc_keys = _warc_keys(make_store, versions)
        return render(
            request,
            "document.html",
            doc=doc,
            versions=versions,
            fields=FIELDS,
            sources=field_sources(doc),
            cites=cites,
            cited_by=cited_by,
            assignments=assignments,
            warc_keys=warc_keys,
        )

    @app.get("/originals/{sha256}")
    def original(sha256: str) -> Response:
        """The original byte for byte; its SHA-256 is checked before a byte is sent."""
        from warehouse.objectstore import IntegrityError, ObjectNotFound

        if not _SHA256.match(sha256):
            raise HTTPException(400, "an original is named by its SHA-256: 64 lower-case hex digits")
        with warehouse() as wh:
            rows = wh.query(
                "SELECT source_url, content_type FROM documents WHERE original_sha256 = :sha "
                "ORDER BY version DESC LIMIT 1",
                {"sha": sha256},
            )
        if not rows:
            raise HTTPException(404, f"no archived document has the original {sha256}")
        try:
            data = make_store().get_original(sha256)
        except ObjectNotFound as exc:
            raise HTTPException(404, f"original {sha256} is not in the object store") from exc
        except IntegrityError as exc:
            raise HTTPException(502, f"refused: {exc}") from exc
        name = _filename(rows[0]["source_url"], sha256)
        return Response(
            data,
            media_type=rows[0]["content_type"] or "application/octet-stream",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "X-Content-SHA256": sha256,
            },
        )

    @app.get("/portals", response_class=HTMLResponse)
    def portals_page(request: Request) -> HTMLResponse:
        with warehouse() as wh:
            health = wh.query("SELECT * FROM portal_health ORDER BY portal_id")
        return render(request, "portals.html", health=health)

    @app.get("/portals/{portal_id}", response_class=HTMLResponse)
    def portal_page(request: Request, portal_id: str) -> HTMLResponse:
        with warehouse() as wh:
            runs = wh.query(
                "SELECT * FROM runs WHERE portal_id = :p ORDER BY started_at DESC, run_id DESC LIMIT 50",
                {"p": portal_id},
                table="runs",
            )
            quarantined = wh.quarantined(portal_id)
            count = wh.document_count(portal_id, current_only=True)
        if not runs and not quarantined and not count:
            raise HTTPException(404, f"no portal {portal_id!r} in the archive")
        return render(
            request, "portal.html", portal_id=portal_id, runs=runs, quarantined=quarantined, count=count
        )

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> HTMLResponse:
        return render(
            request, "error.html", status_code=exc.status_code, status=exc.status_code, detail=exc.detail
        )

    return app


def _warc_keys(make_store: Callable[[], Any], versions: list[dict]) -> dict[int, str | None]:
    """The WARC file of the crawl that fetched each version (from the stored record), when known."""
    keys: dict[int, str | None] = {}
    store = None
    for v in versions:
        key = v.get("warc_key")
        if not key and v.get("record_key"):
            try:
                store = store or make_store()
                files = store.get_json(v["record_key"]).get("files") or []
                primary = next((f for f in files if f.get("sha256") == v["original_sha256"]), None)
                key = (primary or {}).get("warc_key")
            except Exception:  # an unreachable store must not hide the rest of the page
                key = None
        keys[v["version"]] = key
    return keys
