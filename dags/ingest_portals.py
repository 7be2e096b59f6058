"""Airflow: one ingestion DAG per enabled portal of the registry (Openverse-style provider factory).

The registry is config/portals.yaml, or the file $DIRECTIVES_REGISTRY names.

Kept free of business logic: each task builds a PipelineContext and calls one function of pipeline.stages.
Only manifest keys (short strings) travel through XCom; the data itself stays in the object store.
Shape: choose_path -> discover -> split -> chunks.fetch -> chunks.extract (a task group mapped over chunks
of the discovered documents, pipeline/chunks.py, so that workers share a big portal; chunk i's extract starts
as soon as its fetch is done) -> validate -> load (each once, over all chunks: one Checkpoint and one Data
Docs site per run, counts reconciled over the whole run). With the run parameter `reprocess` the path goes to
the `reprocess` task instead: the stored originals read again with the current parser, no request sent.
Airflow-side resources: the tasks that talk to the portal run in the host's pool at the pool's share of the
host's rate limit (pipeline.deployment; created by scripts/airflow_setup.py), load and reprocess update the
portal's documents Asset, storage and warehouse come from the Airflow connections `directives_s3` /
`directives_warehouse` when defined, and a triggered run takes typed parameters (max_pages, since,
full_walk, reprocess), so a backfill is a run with a form.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from airflow.sdk import Asset, Param, dag, task, task_group

from pipeline.alerts import failure_message, send_alert
from pipeline.deployment import HostPool, documents_asset_uri, host_pools, pool_name
from pipeline.settings import S3_CONNECTION_ID, WAREHOUSE_CONNECTION_ID, settings_from_env
from scrapers.adapters.base import DEFAULT_MAX_PAGES
from scrapers.registry import Portal, load_registry

TASK_DOCS = {
    "choose_path": "Chooses the run's path from its `reprocess` parameter: crawl the portal (discover "
    "onwards) or re-read the stored originals (reprocess).",
    "discover": "Walks the portal's listing pages (at most `max_pages`) and writes the references found to a "
    "manifest in the object store. Fails when the listing yields nothing: a broken scraper is never a "
    "success.",
    "split": "Splits the discovered references into chunk manifests of `DIRECTIVES_CHUNK_SIZE` documents; "
    "fetch and extract run once per chunk, so that several workers share a big portal.",
    "fetch": "For one chunk of the discovered documents: revisits known documents with conditional requests "
    "and fetches new or changed ones in full; every original goes to the object store (content-addressed) "
    "and the crawl's WARC file.",
    "extract": "For one chunk: extracts text and metadata from each new original in a sandboxed parser; what "
    "cannot be extracted goes to quarantine with the original and the reason.",
    "validate": "Runs the Great Expectations suite (the portal's Checkpoint) once over the records of all "
    "the chunks; failing records go to quarantine with the failed expectations. The only task that "
    "imports GX.",
    "load": "Upserts the records into the warehouse (a changed document becomes a new version), reconciles "
    "the run's counts over all chunks and updates the portal's documents Asset.",
    "reprocess": "Re-reads every stored original of the portal with the current parser (extract, validate, "
    "load; no request to the portal): a parser change gives new record versions, a quarantined document "
    "the new parser can read is loaded. Runs instead of the crawl when the `reprocess` parameter is true.",
}


def notify_failure(context) -> None:
    ti = context.get("task_instance")
    dag_obj = context.get("dag")
    portal_id = (dag_obj.params.get("portal_id") if dag_obj else None) or "?"
    send_alert(
        failure_message(
            portal_id,
            getattr(ti, "task_id", "?"),
            context.get("exception"),
            context.get("run_id"),
        )
    )
    from pipeline.health import mark_failed
    from pipeline.settings import apply_connections

    try:
        settings = apply_connections(
            settings_from_env(), _connection(S3_CONNECTION_ID), _connection(WAREHOUSE_CONNECTION_ID)
        )
    except Exception:  # noqa: BLE001 - reporting the failure must not raise a new one
        settings = settings_from_env()
    mark_failed(settings, portal_id, context.get("run_id"), context.get("exception"))  # never `running`


def _connection(conn_id: str):
    """The Airflow connection, or None when it is not defined (then the environment decides)."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        return None


def _context(portal_id: str, run_id: str, params: dict | None = None, rate_per_sec: float | None = None):
    """The task's PipelineContext; `rate_per_sec`: the request rate of a task in the host's pool (its
    share of the host's limit, pipeline.deployment), in place of the portal's whole rate."""
    from pipeline.context import PipelineContext
    from pipeline.settings import apply_connections
    from scrapers.registry import get_portal

    params = params or {}
    settings = apply_connections(
        settings_from_env(), _connection(S3_CONNECTION_ID), _connection(WAREHOUSE_CONNECTION_ID)
    )
    if params.get("since"):
        settings = settings.with_overrides(since=date.fromisoformat(params["since"]))
    if params.get("full_walk"):
        settings = settings.with_overrides(full_walk=True)
    portal = get_portal(portal_id, settings.registry_path)
    if params.get("max_pages"):
        portal = replace(portal, options={**portal.options, "max_pages": int(params["max_pages"])})
    if rate_per_sec is not None:
        portal = replace(portal, rate_limit_per_sec=min(portal.rate_limit_per_sec, rate_per_sec))
    return PipelineContext(settings, portal, run_id)


def build_portal_dag(portal: Portal, host_pool: HostPool):
    settings = settings_from_env()  # limits only: no connection, no credential is read at parse time
    default_args = {
        "owner": "directives",
        "retries": 2,
        "retry_delay": settings.task_retry_delay,
        "retry_exponential_backoff": True,
        "on_failure_callback": notify_failure,
    }
    documents = Asset(name=f"documents_{portal.id}", uri=documents_asset_uri(portal))
    portal_pool = host_pool.name
    pool_rate = host_pool.task_rate_per_sec

    def stage_task(stage: str, decorator=task, **kwargs):
        # multiple_outputs off: a hand-over dict is one XCom (TaskFlow would split a `-> dict` into keys,
        # and the chunks' outputs would no longer reach validate/load as a list of dicts).
        return decorator(
            task_id=stage,
            multiple_outputs=False,
            doc_md=TASK_DOCS[stage],
            execution_timeout=settings.stage_timeouts[stage],
            **kwargs,
        )

    @dag(
        dag_id=portal.dag_id,
        description=f"Ingest the documents of {portal.name}",
        schedule=portal.schedule,
        start_date=datetime(2025, 1, 1),
        catchup=False,
        max_active_runs=1,
        default_args=default_args,
        on_failure_callback=notify_failure,
        params={
            "portal_id": Param(portal.id, type="string", const=portal.id, description="The registry entry."),
            "max_pages": Param(
                int(portal.options.get("max_pages", DEFAULT_MAX_PAGES)),
                type="integer",
                minimum=1,
                description="Listing pages walked in this run (raise it for a backfill).",
            ),
            "since": Param(
                None,
                type=["null", "string"],
                format="date",
                description="Only documents listed as dated on or after this day (YYYY-MM-DD); empty: all.",
            ),
            "reprocess": Param(
                False,
                type="boolean",
                description="Re-read the stored originals with the current parser instead of crawling "
                "(no request to the portal), e.g. after a parser change.",
            ),
            "full_walk": Param(
                False,
                type="boolean",
                description="Walk every listing page and revisit every known document (a backfill); "
                "otherwise a scheduled run stops at the first listing page that shows nothing new.",
            ),
        },
        tags=["directives", portal.cms, portal.level, portal.province_name],
        doc_md=(
            f"Ingests **{portal.name}** ({portal.base_url}, CMS family `{portal.cms}`): discover → "
            "fetch → extract (mapped over chunks of the documents) → validate → load. Originals go to the "
            "object store before the warehouse load; documents that cannot be parsed or validated go to "
            "quarantine with their reasons. "
            f"Requests to the portal run in pool `{portal_pool}`; the load updates asset "
            f"`{documents.uri}`. Trigger with a config to backfill (`max_pages`, `since`, `full_walk`) "
            "or to re-read the archive with the current parser (`reprocess`)."
        ),
    )
    def ingest():
        portal_id = portal.id

        @stage_task("choose_path", decorator=task.branch)
        def choose_path(params=None) -> str:
            return "reprocess" if (params or {}).get("reprocess") else "discover"

        @stage_task("discover", pool=portal_pool)
        def discover(params=None, run_id=None) -> str:
            from pipeline import stages

            return stages.discover(_context(portal_id, run_id, params, pool_rate))

        @stage_task("split")
        def split(discover_key: str, params=None, run_id=None) -> list[str]:
            from pipeline.chunks import split_discovery

            ctx = _context(portal_id, run_id, params)
            return split_discovery(ctx.store, portal_id, discover_key, ctx.settings.chunk_size)

        @stage_task("fetch", pool=portal_pool)
        def fetch(chunk_key: str, params=None, run_id=None) -> dict:
            from pipeline import stages
            from pipeline.chunks import chunk_label

            ctx = _context(portal_id, run_id, params, pool_rate)
            ctx.crawl_part = chunk_label(chunk_key)  # one WARC file per chunk
            return stages.fetch(ctx, chunk_key)

        @stage_task("extract")
        def extract(fetched: dict, params=None, run_id=None) -> dict:
            from pipeline import stages

            return {
                "fetched": fetched,
                "extracted": stages.extract(_context(portal_id, run_id, params), fetched),
            }

        @task_group(group_id="chunks")
        def per_chunk(chunk_key: str):
            """fetch -> extract of one chunk of the discovered documents."""
            return extract(fetch(chunk_key))

        @stage_task("validate")
        def validate(chunks: list[dict], params=None, run_id=None) -> dict:
            from pipeline import stages
            from pipeline.chunks import chunk_outputs, merge_handovers

            ctx = _context(portal_id, run_id, params)
            parts = [c["extracted"] for c in chunk_outputs(chunks)]
            extracted = merge_handovers(ctx.store, portal_id, "extract", parts)
            return stages.validate(ctx, extracted)

        @stage_task("load", outlets=[documents])
        def load(validated: dict, chunks: list[dict], params=None, run_id=None) -> dict:
            from pipeline import stages
            from pipeline.chunks import chunk_outputs, merge_handovers

            ctx = _context(portal_id, run_id, params)
            parts = [c["fetched"] for c in chunk_outputs(chunks)]
            fetched = merge_handovers(ctx.store, portal_id, "fetch", parts)
            summary = stages.load(ctx, validated, fetched)
            print("run summary:", summary.as_dict())
            return summary.as_dict()

        @stage_task("reprocess", outlets=[documents])
        def reprocess(params=None, run_id=None) -> dict:
            from pipeline.reprocess import reprocess as reprocess_stored

            summary = reprocess_stored(_context(portal_id, run_id, params))
            print("run summary:", summary.as_dict())
            return summary.as_dict()

        path = choose_path()
        discovered = discover()
        chunks = per_chunk.expand(chunk_key=split(discovered))
        load(validate(chunks), chunks)
        path >> [discovered, reprocess()]

    return ingest()


_REGISTRY = load_registry()
_POOLS = {pool.name: pool for pool in host_pools(_REGISTRY, settings_from_env().host_tasks)}
for _portal in _REGISTRY:
    if _portal.enabled:
        globals()[_portal.dag_id] = build_portal_dag(_portal, _POOLS[pool_name(_portal)])
