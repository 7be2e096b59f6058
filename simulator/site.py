"""What the simulated portals publish: the configuration (config/simulator.yaml) and the mutable site state.

The state is a JSON file in a state directory (default var/simulator/): per portal, the published documents
(a stable numeric doc_key, the seed, how it is published, its revision, when it was posted). Tests and the CLI
change it between two scraper runs (add a document, change one's file, reset); a running server re-reads the
file whenever its modification stamp changes, so edits made by another process show on the next request.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "simulator.yaml"
DEFAULT_STATE_DIR = PROJECT_ROOT / "var" / "simulator"
STATE_FILE = "state.json"
STATE_FORMAT = 1

# How a document is published. File kinds are attached to a listing/article: rendered from a seed, or
# "sample", a real file of tests/fixtures/samples served as is. "html" is the seed's text on the page only;
# "page" is the portal's label table and trích yếu only (the text lives on another site, e.g. a court
# precedent on anle.toaan.gov.vn).
SEED_FILE_KINDS = ("text-pdf", "scan-pdf", "docx", "corrupt-pdf")
FILE_KINDS = (*SEED_FILE_KINDS, "sample")
KINDS = (*FILE_KINDS, "html", "page")
SEED_KINDS = (*SEED_FILE_KINDS, "html")
MARKUPS = ("nukeviet-4.5", "nukeviet-5.0", "news-article")
SCALE_PAGE_SIZE = 20  # listing rows a page in scale mode (module-laws' default; news CMSs are alike)
# How a detail page shows a document's file, beyond its download link (see simulator/pages.py):
#   upload-link      the upload URL linked too (the same file listed twice, as editors paste it)
#   broken-download  the download handler redirects to the detail page (module-laws funcs/detail.php does
#                    so when the stored path is missing), so only the upload URL serves the file
#   office-viewer    an Office Online viewer iframe (src = the encoded upload URL)
#   google-viewer    a Google Docs viewer iframe (url = the encoded upload URL)
#   pdf-embed        the PDF embedded with <object data=...> in the page body
#   body-text        the seed's text on the page as well as the file
PRESENTATIONS = ("upload-link", "broken-download", "office-viewer", "google-viewer", "pdf-embed", "body-text")
# What a portal's label table may print for a document (keys of DocumentRef.listed, docs/design.md).
LABEL_KEYS = (
    "title",
    "summary",
    "number",
    "issued_date",
    "effective_date",
    "expiry_date",
    "doc_type_label",
    "issuer",
    "signer",
    "field",
    "effect_status",
    "external_url",
)


class SimulatorConfigError(ValueError):
    """config/simulator.yaml is unreadable or inconsistent (the message names the entry)."""


class SiteStateError(ValueError):
    """A state change that cannot be made: unknown portal, document, seed or publication kind."""


@dataclass(frozen=True)
class PlannedDocument:
    seed: str | None
    kind: str
    posted: str | None = None
    listed_twice: bool = False
    sample: str | None = None  # path under samples_dir, for kind "sample"
    labels: dict[str, str | None] = field(default_factory=dict)  # what the portal prints (LABEL_KEYS)
    present: tuple[str, ...] = ()  # PRESENTATIONS


@dataclass(frozen=True)
class PortalSite:
    id: str
    name: str
    markup: str
    section: str  # NukeViet module alias ("van-ban") or news category slug ("van-ban-chi-dao")
    default_port: int
    first_doc_key: int
    documents: tuple[PlannedDocument, ...]

    @property
    def family(self) -> str:
        return "news-article" if self.markup == "news-article" else "nukeviet-laws"


@dataclass(frozen=True)
class SeedListing:
    """How portals title a seed document (the seed's own labels supply number, date, issuer, signer)."""

    title: str | None = None
    summary: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class SimulatorConfig:
    page_size: int
    sidebar_size: int
    seeds_dir: Path
    portals: dict[str, PortalSite]
    seeds: dict[str, SeedListing] = field(default_factory=dict)
    samples_dir: Path = PROJECT_ROOT / "tests" / "fixtures" / "samples"

    def portal(self, portal_id: str) -> PortalSite:
        try:
            return self.portals[portal_id]
        except KeyError:
            raise SiteStateError(
                f"no simulated portal {portal_id!r} (configured: {', '.join(self.portals)})"
            ) from None

    def check_seed(self, seed_id: str) -> None:
        if (
            not (self.seeds_dir / f"{seed_id}.txt").is_file()
            or not (self.seeds_dir / f"{seed_id}.meta.yaml").is_file()
        ):
            raise SiteStateError(
                f"no seed {seed_id!r} in {self.seeds_dir} (need <seed>.txt and <seed>.meta.yaml)"
            )


def _positive_int(value: Any, where: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SimulatorConfigError(f"{where}: expected a positive integer, got {value!r}") from None
    if number <= 0:
        raise SimulatorConfigError(f"{where}: expected a positive integer, got {value!r}")
    return number


def load_config(path: str | os.PathLike[str] | None = None) -> SimulatorConfig:
    path = Path(path or DEFAULT_CONFIG)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SimulatorConfigError(f"cannot read simulator config {path}: {exc}") from exc
    seeds_dir = Path(raw.get("seeds_dir", "tests/fixtures/seeds"))
    samples_dir = Path(raw.get("samples_dir", "tests/fixtures/samples"))
    config = SimulatorConfig(
        samples_dir=samples_dir if samples_dir.is_absolute() else PROJECT_ROOT / samples_dir,
        page_size=_positive_int(raw.get("page_size", 2), f"{path}: page_size"),
        sidebar_size=_positive_int(raw.get("sidebar_size", 4), f"{path}: sidebar_size"),
        seeds_dir=seeds_dir if seeds_dir.is_absolute() else PROJECT_ROOT / seeds_dir,
        portals={},
        seeds={
            str(seed): SeedListing(
                **{k: v for k, v in (entry or {}).items() if k in ("title", "summary", "field")}
            )
            for seed, entry in (raw.get("seeds") or {}).items()
        },
    )
    for portal_id, entry in (raw.get("portals") or {}).items():
        where = f"{path}: portal {portal_id}"
        markup = entry.get("markup")
        if markup not in MARKUPS:
            raise SimulatorConfigError(f"{where}: markup {markup!r} is not one of {', '.join(MARKUPS)}")
        documents = []
        for doc in entry.get("documents") or []:
            documents.append(_planned(config, doc, where))
        config.portals[portal_id] = PortalSite(
            id=portal_id,
            name=str(entry.get("name") or portal_id),
            markup=markup,
            section=str(entry.get("section") or "van-ban").strip("/"),
            default_port=_positive_int(entry.get("default_port"), f"{where}: default_port"),
            first_doc_key=_positive_int(entry.get("first_doc_key", 101), f"{where}: first_doc_key"),
            documents=tuple(documents),
        )
    if not config.portals:
        raise SimulatorConfigError(f"{path}: no portals configured")
    return config


def _planned(config: SimulatorConfig, doc: dict, where: str) -> PlannedDocument:
    kind = doc.get("kind")
    if kind not in KINDS:
        raise SimulatorConfigError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    labels = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in (doc.get("labels") or {}).items()}
    unknown = set(labels) - set(LABEL_KEYS)
    present = tuple(doc.get("present") or ())
    strange = sorted(set(present) - set(PRESENTATIONS))
    if unknown or strange:
        raise SimulatorConfigError(f"{where}: unknown labels {sorted(unknown)} or presentations {strange}")
    seed = doc.get("seed")
    if kind in SEED_KINDS:
        config.check_seed(str(seed))
    elif not labels.get("title") or not labels.get("doc_type_label"):
        raise SimulatorConfigError(f"{where}: a {kind} document needs labels: a title and a doc_type_label")
    sample = doc.get("sample")
    if kind == "sample" and not (sample and (config.samples_dir / sample).is_file()):
        raise SimulatorConfigError(f"{where}: sample {sample!r} is not a file in {config.samples_dir}")
    posted = doc.get("posted")
    if kind not in SEED_KINDS and posted is None:
        raise SimulatorConfigError(f"{where}: a {kind} document needs a posted date")
    return PlannedDocument(
        seed=str(seed) if seed else None,
        kind=kind,
        posted=posted.isoformat() if isinstance(posted, date) else posted,
        listed_twice=bool(doc.get("listed_twice", False)),
        sample=sample,
        labels=labels,
        present=present,
    )


# --- state ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedDocument:
    doc_key: int
    seed: str | None
    kind: str
    revision: int
    posted: str  # ISO date the portal shows as the posting date
    listed_twice: bool = False
    sample: str | None = None
    labels: dict = field(default_factory=dict)
    present: tuple[str, ...] = ()

    def __post_init__(self) -> None:  # state.json stores the tuple as a list
        object.__setattr__(self, "present", tuple(self.present))

    @property
    def has_file(self) -> bool:
        return self.kind in FILE_KINDS

    @property
    def source(self) -> str:
        """What the content comes from: the seed id or the sample path."""
        return self.sample or self.seed or f"page-{self.doc_key}"


class SiteState:
    """The published documents of every simulated portal, persisted in <state_dir>/state.json."""

    def __init__(
        self, state_dir: str | os.PathLike[str] | None = None, config: SimulatorConfig | None = None
    ):
        self.config = config or load_config()
        self.state_dir = Path(state_dir or DEFAULT_STATE_DIR)
        self.path = self.state_dir / STATE_FILE
        self._lock = threading.RLock()
        self._stamp: tuple[int, int, int] | None = None
        self._portals: dict[str, dict[str, Any]] = {}
        self._page_size: int | None = None
        if self.path.exists():
            self.refresh()
        else:
            self.reset()

    # --- reading ----------------------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Re-read the file if another process (or this one) changed it; True when it was re-read."""
        with self._lock:
            try:
                info = self.path.stat()
            except FileNotFoundError:
                raise SiteStateError(
                    f"simulator state {self.path} has disappeared (run with --reset)"
                ) from None
            stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
            if stamp == self._stamp:
                return False
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise SiteStateError(f"simulator state {self.path} is unreadable: {exc}") from exc
            if data.get("format") != STATE_FORMAT:
                raise SiteStateError(
                    f"{self.path}: state format {data.get('format')!r}, expected {STATE_FORMAT}"
                )
            self._portals = {
                pid: {
                    "next_key": int(p["next_key"]),
                    "documents": [PublishedDocument(**d) for d in p["documents"]],
                }
                for pid, p in data["portals"].items()
            }
            self._page_size = data.get("page_size")
            self._stamp = stamp
            return True

    def portal_ids(self) -> list[str]:
        return list(self.config.portals)

    def documents(self, portal_id: str) -> list[PublishedDocument]:
        """The portal's documents, each once, in listing order (newest post first)."""
        self.config.portal(portal_id)
        with self._lock:
            self.refresh()
            docs = list(self._portals.get(portal_id, {}).get("documents", []))
        return sorted(docs, key=lambda d: (d.posted, d.doc_key), reverse=True)

    def document(self, portal_id: str, doc_key: int | str) -> PublishedDocument:
        key = _as_key(doc_key)
        for doc in self.documents(portal_id):
            if doc.doc_key == key:
                return doc
        raise SiteStateError(f"portal {portal_id!r} has no document {doc_key!r}")

    # --- changing ---------------------------------------------------------------------------------------

    @property
    def page_size(self) -> int:
        """Listing rows a page: the config's, or the scale mode's (a real CMS's page, for benchmarks)."""
        return self._page_size or self.config.page_size

    def reset(self, scale: int | None = None) -> None:
        """Back to what config/simulator.yaml publishes, every revision 0.

        With `scale`, each portal publishes `scale` documents instead (for benchmarks): its configured mix
        repeated in order, deterministic; copy k of a document is its revision k (other bytes and, for an
        HTML entry, other text; a real sample that is not a PDF keeps its bytes, as a re-post does), posted
        k weeks earlier; listings have SCALE_PAGE_SIZE rows a page, as NukeViet's default."""
        if scale is not None and scale <= 0:
            raise SiteStateError(f"--scale must be a positive number of documents, got {scale}")
        with self._lock:
            portals = {}
            for site in self.config.portals.values():
                count = scale or len(site.documents)
                docs = [self._published(site, index) for index in range(count)]
                portals[site.id] = {"next_key": site.first_doc_key + len(docs), "documents": docs}
            self._portals = portals
            self._page_size = SCALE_PAGE_SIZE if scale else None
            self._save()

    def _published(self, site: PortalSite, index: int) -> PublishedDocument:
        planned = site.documents[index % len(site.documents)]
        copy = index // len(site.documents)
        posted = date.fromisoformat(planned.posted or self._default_posted(planned.seed))
        reissuable = planned.kind != "sample" or str(planned.sample).lower().endswith(".pdf")
        return PublishedDocument(
            doc_key=site.first_doc_key + index,
            seed=planned.seed,
            kind=planned.kind,
            revision=copy if reissuable else 0,
            posted=(posted - timedelta(weeks=copy)).isoformat(),
            listed_twice=planned.listed_twice and copy == 0,
            sample=planned.sample,
            labels=dict(planned.labels),
            present=planned.present,
        )

    def add_document(self, portal_id: str, seed_id: str, kind: str) -> int:
        """Publish a seed on a portal; it gets the next doc_key and tops the listing. Returns the doc_key."""
        self.config.portal(portal_id)
        self.config.check_seed(seed_id)
        if kind not in SEED_KINDS:
            raise SiteStateError(f"publication kind {kind!r} is not one of {', '.join(SEED_KINDS)}")
        with self._lock:
            self.refresh()
            portal = self._portals.setdefault(
                portal_id, {"next_key": self.config.portal(portal_id).first_doc_key, "documents": []}
            )
            key = portal["next_key"]
            newest = max((d.posted for d in portal["documents"]), default=None)
            posted = max(
                date.today(), date.fromisoformat(newest) + timedelta(days=1) if newest else date.today()
            )
            portal["documents"].append(PublishedDocument(key, seed_id, kind, 0, posted.isoformat()))
            portal["next_key"] = key + 1
            self._save()
            return key

    def change_document(self, portal_id: str, doc_key: int | str) -> int:
        """Publish a new revision of a document's file (new bytes, SAME URL). Returns the new revision."""
        key = _as_key(doc_key)
        doc = self.document(portal_id, key)
        if doc.kind == "sample" and not str(doc.sample).lower().endswith(".pdf"):
            raise SiteStateError(
                f"{portal_id} {key}: a real {doc.sample} cannot be re-issued with new bytes (only PDFs can)"
            )
        with self._lock:
            self.refresh()
            docs = self._portals[portal_id]["documents"]
            index = next(i for i, d in enumerate(docs) if d.doc_key == key)
            docs[index] = replace(docs[index], revision=docs[index].revision + 1)
            self._save()
            return docs[index].revision

    # --- persistence ------------------------------------------------------------------------------------

    def _default_posted(self, seed_id: str) -> str:
        meta = yaml.safe_load((self.config.seeds_dir / f"{seed_id}.meta.yaml").read_text(encoding="utf-8"))
        issued = meta["record"]["issued_date"]
        issued = issued if isinstance(issued, date) else date.fromisoformat(str(issued))
        return (issued + timedelta(days=1)).isoformat()

    def _save(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        data = {
            "format": STATE_FORMAT,
            "page_size": self._page_size,
            "portals": {
                pid: {"next_key": p["next_key"], "documents": [asdict(d) for d in p["documents"]]}
                for pid, p in self._portals.items()
            },
        }
        # Write, then rename: a concurrent reader sees the old file or the new one, never half of one.
        fd, tmp = tempfile.mkstemp(dir=self.state_dir, prefix=".state-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
        os.replace(tmp, self.path)
        self._stamp = None
        self.refresh()


def _as_key(doc_key: int | str) -> int:
    try:
        return int(doc_key)
    except (TypeError, ValueError):
        raise SiteStateError(f"doc_key must be a number, got {doc_key!r}") from None
