"""Airflow: one ingestion DAG per enabled portal of the registry (Openverse-style provider factory).

The registry is config/portals.yaml, or the file $DIRECTIVES_REGISTRY names.

Kept free of business logic: each task builds a PipelineContext and calls one function of pipeline.stages.
Only manifest keys (short strings) travel through XCom; the data itself stays in the object store.
Airflow-side resources: the tasks that talk to the portal run in the host's pool (pipeline.deployment;
created by scripts/airflow_setup.py), the load task updates the portal's documents Asset, storage and
warehouse come from the Airflow connections `directives_s3` / `directives_warehouse` when defined, and a
triggered run takes typed parameters (max_pages, since, full_walk), so a backfill is a run with a form.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from airflow.sdk import Asset, Param, dag, task

from pipeline.alerts import failure_message, send_alert
from pipeline.deployment import documents_asset_uri, pool_name
from pipeline.settings import S3_CONNECTION_ID, WAREHOUSE_CONNECTION_ID, settings_from_env
from scrapers.adapters.base import DEFAULT_MAX_PAGES
from scrapers.registry import Portal, load_registry

TASK_DOCS = {
    "discover": "Walks the portal's listing pages (at most `max_pages`) and writes the references found to a "
    "manifest in the object store. Fails when the listing yields nothing: a broken scraper is never a "
    "success.",
    "fetch": "Revisits known documents with conditional requests and fetches new or changed ones in full; "
    "every original goes to the object store (content-addressed) and the crawl's WARC file.",
    "extract": "Extracts text and metadata from each new original in a sandboxed parser; what cannot be "
    "extracted goes to quarantine with the original and the reason.",
    "validate": "Runs the Great Expectations suite over the batch; failing records go to quarantine with the "
    "failed expectations. The only task that imports GX.",
    "load": "Upserts the records into the warehouse (a changed document becomes a new version), reconciles "
    "the run's counts and updates the portal's documents Asset.",
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


def _context(portal_id: str, run_id: str, params: dict | None = None):
    from pipeline.context import PipelineContext
    from pipeline.settings import apply_connections
    from scrapers.registry import get_portal

    params = params or {}
    settings = apply_connections(
        settings_from_env(), _connection(S3_CONNECTION_ID), _connection(WAREHOUSE_CONNECTION_ID)
    )
    if params.get("since"):
        settings = settings.with_overrides(since=date.fromisoformat(params["since"]))
    portal = get_portal(portal_id, settings.registry_path)
    if params.get("max_pages"):
        portal = replace(portal, options={**portal.options, "max_pages": int(params["max_pages"])})
    if params.get("full_walk"):
        settings = settings.with_overrides(full_walk=True)
    return PipelineContext(settings, portal, run_id)


def build_portal_dag(portal: Portal):
    settings = settings_from_env()  # limits only: no connection, no credential is read at parse time
    default_args = {
        "owner": "directives",
        "retries": 2,
        "retry_delay": settings.task_retry_delay,
        "retry_exponential_backoff": True,
        "on_failure_callback": notify_failure,
    }
    documents = Asset(name=f"documents_{portal.id}", uri=documents_asset_uri(portal))
    portal_pool = pool_name(portal)

    def stage_task(stage: str, **kwargs):
        return task(
            task_id=stage,
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
            "full_walk": Param(
                False,
                type="boolean",
                description="Walk every listing page and revisit every known document (a backfill); "
                "otherwise a scheduled run stops at the first listing page that shows nothing new.",
            ),
        },
        tags=["directives", portal.cms, portal.level, portal.province_name],
        doc_md=(
            f"Ingests **{portal.name}** ({portal.base_url}, CMS family `{portal.cms}`): discover → fetch → "
            "extract → validate → load. Originals go to the object store before the warehouse load; "
            "documents that cannot be parsed or validated go to quarantine with their reasons. "
            f"Requests to the portal run in pool `{portal_pool}`; the load updates asset "
            f"`{documents.uri}`. Trigger with a config to backfill (`max_pages`, `since`, `full_walk`)."
        ),
    )
    def ingest():
        portal_id = portal.id

        @stage_task("discover", pool=portal_pool)
        def discover(params=None, run_id=None) -> str:
            from pipeline import stages

            return stages.discover(_context(portal_id, run_id, params))

        @stage_task("fetch", pool=portal_pool)
        def fetch(discover_key: str, params=None, run_id=None) -> dict:
            from pipeline import stages

            return stages.fetch(_context(portal_id, run_id, params), discover_key)

        @stage_task("extract")
        def extract(fetched: dict, params=None, run_id=None) -> dict:
            from pipeline import stages

            return stages.extract(_context(portal_id, run_id, params), fetched)

        @stage_task("validate")
        def validate(extracted: dict, params=None, run_id=None) -> dict:
            from pipeline import stages

            return stages.validate(_context(portal_id, run_id, params), extracted)

        @stage_task("load", outlets=[documents])
        def load(validated: dict, fetched: dict, params=None, run_id=None) -> dict:
            from pipeline import stages

            summary = stages.load(_context(portal_id, run_id, params), validated, fetched)
            print("run summary:", summary.as_dict())
            return summary.as_dict()

        fetched = fetch(discover())
        load(validate(extract(fetched)), fetched)

    return ingest()


for _portal in load_registry():
    if _portal.enabled:
        globals()[_portal.dag_id] = build_portal_dag(_portal)
