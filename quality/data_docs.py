"""Data Docs that work offline, published beside the archive.

GX writes pages that load Bootstrap, jQuery and bootstrap-table from CDNs (and Vega, Font Awesome, a date
picker, a dark theme and a logo from more hosts): read offline they are unstyled and leak a request per view.
`make_offline` points them at the copies vendored in quality/gx/vendor/ (Font Awesome included: the status
icons), removes the rest and keeps only the static files the pages use. `publish` stores the site under
the object-store prefix `data-docs/<portal_id>/<run_id>/` and in `var/data-docs/<portal_id>/<run_id>/`.
"""

from __future__ import annotations

import mimetypes
import os
import re
import shutil
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "gx" / "vendor"
DATA_DOCS_PREFIX = "data-docs"
# CDN file name -> vendored copy; any other remote asset is dropped.
VENDORED = {
    "bootstrap.min.css": "bootstrap.min.css",
    "bootstrap.min.js": "bootstrap.bundle.min.js",
    "jquery-3.7.1.min.js": "jquery.min.js",
    "bootstrap-table.min.css": "bootstrap-table.min.css",
    "bootstrap-table.min.js": "bootstrap-table.min.js",
    "bootstrap-table-filter-control.min.css": "bootstrap-table-filter-control.min.css",
    "bootstrap-table-filter-control.css": "bootstrap-table-filter-control.min.css",
    "bootstrap-table-filter-control.min.js": "bootstrap-table-filter-control.min.js",
    "all.min.css": "fontawesome/css/all.min.css",  # the status icons of the validation tables
}
KEPT_IMAGES = {"favicon.ico", "logo-long.png"}
_REMOTE_TAG = re.compile(
    r"<(?P<tag>link|script|img)\b(?P<attrs>[^>]*?)\b(?P<attr>href|src)=\"(?P<url>https?://[^\"]+)\"(?P<rest>[^>]*)>"
    r"(?:\s*</script>)?",
    re.IGNORECASE,
)

_RELATIVE_STATIC = re.compile(r'(?P<attr>href|src)="(?:\./|(?:\.\./)+)?static/')


def remote_assets(html: str) -> list[str]:
    """URLs of the stylesheets, scripts and images a page would load from another host."""
    return [m.group("url") for m in _REMOTE_TAG.finditer(html)]


def _offline_page(html: str, to_root: str) -> str:
    def replace(match: re.Match[str]) -> str:
        tag, url = match.group("tag").lower(), match.group("url")
        if tag == "img":  # the GX logo (with a tracking query): the site's own copy
            logo = f"{to_root}/static/images/logo-long.png"
            return f'<img{match.group("attrs")}src="{logo}"{match.group("rest")}>'
        name = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        vendored = VENDORED.get(name)
        if vendored is None:
            return ""
        path = f"{to_root}/static/vendor/{vendored}"
        if tag == "script":
            return f'<script src="{path}"></script>'
        return f'<link rel="stylesheet" href="{path}">'

    html = _REMOTE_TAG.sub(replace, html)
    # GX counts the depth of a validation page wrongly for its favicon link: every static path from the root.
    return _RELATIVE_STATIC.sub(lambda m: f'{m.group("attr")}="{to_root}/static/', html)


def make_offline(site_dir: Path) -> None:
    site_dir = Path(site_dir)
    shutil.copytree(
        VENDOR_DIR, site_dir / "static" / "vendor", dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md")
    )
    images = site_dir / "static" / "images"
    if images.is_dir():
        for image in images.iterdir():
            if image.name not in KEPT_IMAGES:
                image.unlink()
    for page in site_dir.rglob("*.html"):
        to_root = os.path.relpath(site_dir, page.parent).replace(os.sep, "/")
        page.write_text(_offline_page(page.read_text(encoding="utf-8"), to_root), encoding="utf-8")


def _safe(run_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", run_id)


def publish(store, site_dir: Path, var_dir: Path, portal_id: str, run_id: str) -> str:
    """Upload the site and copy it under var/; returns the object-store prefix. A retried task writes the
    same keys again (one site per run), so it adds no object."""
    prefix = f"{DATA_DOCS_PREFIX}/{portal_id}/{_safe(run_id)}/"
    local = Path(var_dir) / DATA_DOCS_PREFIX / portal_id / _safe(run_id)
    shutil.rmtree(local, ignore_errors=True)
    shutil.copytree(site_dir, local)
    for path in sorted(p for p in Path(site_dir).rglob("*") if p.is_file()):
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        store.put_file(prefix + path.relative_to(site_dir).as_posix(), path, content_type=content_type)
    return prefix
