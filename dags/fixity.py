"""Airflow: the scheduled fixity audit of the archive's originals (warehouse/fixity.py does the work).

A daily sample rotates through the archive (the originals checked longest ago first); the task fails, and
so alerts, when an original is corrupt or missing. `directives fixity` runs the same audit by hand.
"""

from __future__ import annotations

import os
from datetime import datetime

from airflow.sdk import dag, task

from pipeline.settings import S3_CONNECTION_ID, WAREHOUSE_CONNECTION_ID, settings_from_env

SAMPLE = int(os.environ.get("DIRECTIVES_FIXITY_SAMPLE", "1000"))
TIMEOUT = settings_from_env().stage_timeouts["audit_originals"]  # limits only: no credential at parse time


def _connection(conn_id: str):
    """The Airflow connection, or None when it is not defined (then the environment decides)."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        return None


def notify_failure(context) -> None:
    from pipeline.alerts import send_alert

    send_alert(f"[directives] fixity_audit {context.get('run_id')}: {context.get('exception')}")


@dag(
    dag_id="fixity_audit",
    description="Re-hash a rotating sample of the archive's originals and alert on any mismatch",
    schedule=os.environ.get("DIRECTIVES_FIXITY_SCHEDULE", "@daily"),
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "directives", "on_failure_callback": notify_failure},
    on_failure_callback=notify_failure,
    tags=["directives", "fixity"],
    doc_md=__doc__,
)
def fixity_audit():
    @task(execution_timeout=TIMEOUT, retries=1)
    def audit_originals(run_id=None) -> dict:
        """Stream-hash up to DIRECTIVES_FIXITY_SAMPLE originals (the ones checked longest ago first), write
        one fixity_checks row each, and fail (so alert) when one is corrupt or missing."""
        from pipeline.settings import apply_connections
        from warehouse.db import Warehouse
        from warehouse.fixity import FixityMismatch, audit
        from warehouse.objectstore import ObjectStore

        settings = apply_connections(
            settings_from_env(), _connection(S3_CONNECTION_ID), _connection(WAREHOUSE_CONNECTION_ID)
        )
        s3 = settings.s3
        store = ObjectStore(s3.endpoint, s3.access_key, s3.secret_key, s3.bucket, secure=s3.secure)
        with Warehouse.connect(settings.warehouse_url) as wh:
            wh.migrate()
            report = audit(store, wh, sample=SAMPLE, audit_id=f"fixity__{run_id}")
        print(report.summary_line())
        if not report.clean:
            raise FixityMismatch(report.alert_text())
        return report.as_dict()

    audit_originals()


fixity_audit()
