"""Airflow: one ingestion DAG per enabled portal of the registry (Openverse-style provider factory).

The registry is config/portals.yaml, or the file $DIRECTIVES_REGISTRY names.

Kept free of business logic: each task builds a PipelineContext and calls one function of pipeline.stages.
Only manifest keys (short strings) travel through XCom; the data itself stays in the object store.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task

from pipeline.alerts import failure_message, send_alert
from scrapers.registry import Portal, load_registry


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


def _context(portal_id: str, run_id: str):
    from pipeline.context import PipelineContext
    from pipeline.settings import settings_from_env
    from scrapers.registry import get_portal

    settings = settings_from_env()
    return PipelineContext(settings, get_portal(portal_id, settings.registry_path), run_id)


def build_portal_dag(portal: Portal):
    default_args = {
        "owner": "directives",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
        "on_failure_callback": notify_failure,
    }

    @dag(
        dag_id=portal.dag_id,
        description=f"Ingest the documents of {portal.name}",
        schedule=portal.schedule,
        start_date=datetime(2025, 1, 1),
        catchup=False,
        max_active_runs=1,
        default_args=default_args,
        on_failure_callback=notify_failure,
        params={"portal_id": portal.id},
        tags=["directives", portal.cms, portal.level, portal.province_name],
        doc_md=(
            f"Ingests **{portal.name}** ({portal.base_url}, CMS family `{portal.cms}`): discover → fetch → "
            "extract → validate → load. Originals go to the object store before the warehouse load; "
            "documents that cannot be parsed or validated go to quarantine with their reasons."
        ),
    )
    def ingest():
        portal_id = portal.id

        @task
        def discover(run_id=None) -> str:
            from pipeline import stages

            return stages.discover(_context(portal_id, run_id))

        @task
        def fetch(discover_key: str, run_id=None) -> dict:
            from pipeline import stages

            return stages.fetch(_context(portal_id, run_id), discover_key)

        @task
        def extract(fetched: dict, run_id=None) -> dict:
            from pipeline import stages

            return stages.extract(_context(portal_id, run_id), fetched)

        @task
        def validate(extracted: dict, run_id=None) -> dict:
            from pipeline import stages

            return stages.validate(_context(portal_id, run_id), extracted)

        @task
        def load(validated: dict, fetched: dict, run_id=None) -> dict:
            from pipeline import stages

            summary = stages.load(_context(portal_id, run_id), validated, fetched)
            print("run summary:", summary.as_dict())
            return summary.as_dict()

        fetched = fetch(discover())
        load(validate(extract(fetched)), fetched)

    return ingest()


for _portal in load_registry():
    if _portal.enabled:
        globals()[_portal.dag_id] = build_portal_dag(_portal)
