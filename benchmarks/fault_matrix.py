"""The fault matrix: one simulated portal run through each network fault, then a clean rerun.

    .venv/bin/python benchmarks/fault_matrix.py   # starts its own S3 server and simulator, prints the table

For every fault (simulator/faults.py puts it between the pipeline and the portal) a fresh archive (bucket +
DuckDB file) runs the portal once with the fault and once without it. Printed per fault: the portal's
documents, what the faulted run loaded and quarantined, documents lost (discovered but neither loaded nor
quarantined: must be 0), documents missed on a listing page the run named, retries (requests the proxy saw
more than once), the run's status, wall time, and whether the clean rerun brought the archive to the same
state as a run that never saw a fault (same documents loaded, same quarantine, no duplicate).
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator.faults import Fault, FaultProxy  # noqa: E402

PORTAL_ID = "sim-quangngai-tu"
LIMITS = {"retries": 2, "backoff_factor": 0.05, "read_timeout": 2.0, "total_timeout": 4.0}


@dataclass
class Scenario:
    name: str
    faults: list[Fault]
    # what the faulted run must show
    retried: bool = False  # a transient fault: the HTTP layer retries it
    file_lost_to_quarantine: bool = False  # the target document is quarantined instead of loaded
    listing_failure: bool = False

    @property
    def status(self) -> str:
        """A listing page or a document that cannot be fetched makes the run degraded (pipeline/health.py)."""
        return "degraded" if self.listing_failure or self.file_lost_to_quarantine else "success"


def scenarios(target: str, listing_page: str) -> list[Scenario]:
    """Faults on the primary file of one document (`target` path) or on a listing page."""
    file = re.escape(target)
    return [
        Scenario("none", []),
        Scenario("5xx (503 once)", [Fault("status", match=file, times=1, status=503)], retried=True),
        Scenario(
            "429 + Retry-After: 1", [Fault("retry-after", match=file, times=1, seconds=1)], retried=True
        ),
        Scenario("stall (5 s, once)", [Fault("stall", match=file, times=1, seconds=5)], retried=True),
        Scenario("reset (once)", [Fault("reset", match=file, times=1)], retried=True),
        Scenario("truncated body (once)", [Fault("truncate", match=file, times=1)], retried=True),
        Scenario(
            "HTML error page, status 200",
            [Fault("html-200", match=file, times=None)],
            file_lost_to_quarantine=True,
        ),
        Scenario(
            "trickle (1 B / 0.5 s)",
            [Fault("trickle", match=file, times=None, seconds=0.5)],
            file_lost_to_quarantine=True,
            retried=True,
        ),
        Scenario(
            "off-host redirect",
            [Fault("redirect-off-host", match=file, times=None)],
            file_lost_to_quarantine=True,
        ),
        Scenario(
            "huge robots.txt (40 MB)",
            [Fault("huge-robots", match=r"^/robots\.txt$", times=None, size=40 << 20)],
        ),
        Scenario(
            "listing page 503 (always)",
            [Fault("status", match=re.escape(listing_page), times=None, status=503)],
            listing_failure=True,
            retried=True,
        ),
    ]


@dataclass
class Outcome:
    fault: str
    documents: int
    discovered: int
    loaded: int
    quarantined: int
    lost: int
    missed_named: int
    retries: int
    status: str
    seconds: float
    duplicates: int
    rerun_status: str
    rerun_recovered: bool
    listing_failures: list[dict] = field(default_factory=list)
    error: str | None = None


class Archive:
    """A fresh bucket and DuckDB warehouse on a running S3 server."""

    def __init__(self, s3_endpoint: str, access_key: str, secret_key: str, workdir: Path):
        from pipeline.settings import S3Settings, Settings
        from scrapers.http import FetchLimits

        self.workdir = workdir / uuid.uuid4().hex[:8]
        self.workdir.mkdir(parents=True)
        self.warehouse_url = f"duckdb:///{self.workdir / 'warehouse.duckdb'}"
        self.settings = Settings(
            s3=S3Settings(s3_endpoint, access_key, secret_key, f"faults-{uuid.uuid4().hex[:10]}"),
            var_dir=self.workdir,
            warehouse_url=self.warehouse_url,
            fetch_limits=FetchLimits(**LIMITS),
        )

    def run(self, portal, run_id: str):
        from pipeline.context import PipelineContext
        from pipeline.stages import run_all

        ctx = PipelineContext(self.settings, portal, run_id)
        summary, error = None, None
        try:
            summary = run_all(ctx)
        except Exception as exc:  # noqa: BLE001 - recorded in the outcome
            error = exc
            ctx.mark_failed(exc)
        finally:
            ctx.close()
        return summary, error

    def state(self, run_id: str) -> dict:
        from warehouse.db import Warehouse

        with Warehouse.connect(self.warehouse_url) as wh:
            current = wh.current_documents(PORTAL_ID)
            quarantined = {
                r["doc_key"]
                for r in wh.quarantined(PORTAL_ID)
                if r["doc_key"] not in {c["doc_key"] for c in current}
            }
            duplicates = wh.scalar(
                "SELECT count(*) FROM (SELECT doc_key FROM documents WHERE is_current AND portal_id = :p"
                " GROUP BY doc_key HAVING count(*) > 1) AS d",
                {"p": PORTAL_ID},
            )
            versions = wh.document_count(PORTAL_ID)
            row = wh.run(run_id, PORTAL_ID)
        return {
            "loaded": {r["doc_key"]: r["original_sha256"] for r in current},
            "quarantined": quarantined,
            "duplicates": int(duplicates) + (versions - len(current)),
            "status": row["status"] if row else "none",
        }


def portal_at(base_url: str):
    from scrapers.registry import load_registry
    from simulator.server import env_name

    return next(p for p in load_registry(env={env_name(PORTAL_ID): base_url}) if p.id == PORTAL_ID)


def _retries(log) -> int:
    """Requests of a path that an injected fault had already hit: the pipeline's retries (robots.txt is
    fetched once per stage's session, so asking for it again is no retry)."""
    hit: set[str] = set()
    retries = 0
    for entry in log:
        if entry.path == "/robots.txt":
            continue
        if entry.path in hit:
            retries += 1
        if entry.fault:
            hit.add(entry.path)
    return retries


def run_matrix(simulator_url: str, s3: tuple[str, str, str], workdir: Path, only: set[str] | None = None):
    """Every scenario's Outcome, after a reference run with no proxy fault."""
    reference = Archive(*s3, workdir)
    with FaultProxy(simulator_url) as proxy:
        portal = portal_at(proxy.url)
        summary, error = reference.run(portal, "reference")
        if error is not None:
            raise RuntimeError(f"the reference run failed: {error}")
        baseline = reference.state("reference")
        paths = [entry.path for entry in proxy.log]
    target = _target_path(reference, baseline)
    listing_page = next(p for p in paths if re.search(r"/page-2/?$|PageIndex=2", p))
    outcomes = []
    for scenario in scenarios(target, listing_page):
        if only and scenario.name not in only:
            continue
        outcomes.append(_run_scenario(scenario, simulator_url, s3, workdir, baseline, summary.discovered))
    return outcomes


def _target_path(archive: Archive, baseline: dict) -> str:
    from warehouse.db import Warehouse

    with Warehouse.connect(archive.warehouse_url) as wh:
        rows = [r for r in wh.current_documents(PORTAL_ID) if r["source_url"].lower().endswith(".pdf")]
        rows = rows or wh.current_documents(PORTAL_ID)
    parts = urlsplit(sorted(rows, key=lambda r: r["doc_key"])[0]["source_url"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _run_scenario(scenario: Scenario, simulator_url, s3, workdir, baseline: dict, documents: int) -> Outcome:
    archive = Archive(*s3, workdir)
    with FaultProxy(simulator_url, scenario.faults) as proxy:
        portal = portal_at(proxy.url)
        started = time.monotonic()
        summary, error = archive.run(portal, "faulted")
        seconds = time.monotonic() - started
        retries = _retries(proxy.log)
        faulted = archive.state("faulted")
        proxy.set_faults([])
        _, rerun_error = archive.run(portal, "clean-rerun")
    rerun = archive.state("clean-rerun")
    discovered = summary.discovered if summary else 0
    loaded, quarantined = len(faulted["loaded"]), len(faulted["quarantined"])
    return Outcome(
        fault=scenario.name,
        documents=documents,
        discovered=discovered,
        loaded=loaded,
        quarantined=quarantined,
        lost=discovered - loaded - quarantined,
        missed_named=documents - discovered if summary and summary.listing_failures else 0,
        retries=retries,
        status=faulted["status"],
        seconds=seconds,
        duplicates=faulted["duplicates"] + rerun["duplicates"],
        rerun_status=rerun["status"],
        rerun_recovered=(
            rerun_error is None
            # the same documents (an HTML-only document's page, its original, differs between fetches)
            and set(rerun["loaded"]) == set(baseline["loaded"])
            and rerun["quarantined"] == baseline["quarantined"]
        ),
        listing_failures=list(summary.listing_failures) if summary else [],
        error=f"{type(error).__name__}: {error}" if error else None,
    )


def format_table(outcomes: list[Outcome]) -> str:
    header = (
        "| fault | documents | loaded | quarantined | lost | missed (named) | retries | status | wall time | "
        "duplicates | clean rerun |"
    )
    lines = [header, "|" + "---|" * 11]
    for o in outcomes:
        rerun = f"{o.rerun_status}, {'recovered' if o.rerun_recovered else 'NOT recovered'}"
        lines.append(
            f"| {o.fault} | {o.documents} | {o.loaded} | {o.quarantined} | {o.lost} | {o.missed_named} | "
            f"{o.retries} | {o.status} | {o.seconds:.1f} s | {o.duplicates} | {rerun} |"
        )
    return "\n".join(lines)


def main() -> int:
    from simulator.server import start_simulator
    from warehouse.services import EmbeddedS3

    with tempfile.TemporaryDirectory(prefix="fault-matrix-") as tmp:
        tmp_path = Path(tmp)
        with EmbeddedS3(tmp_path / "s3") as s3, start_simulator(tmp_path / "simulator") as sim:
            outcomes = run_matrix(
                sim.base_urls[PORTAL_ID], (s3.endpoint, s3.access_key, s3.secret_key), tmp_path
            )
    print(format_table(outcomes))
    return 0 if all(o.lost == 0 and o.duplicates == 0 and o.rerun_recovered for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
