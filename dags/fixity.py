"""Airflow: the scheduled fixity audit of the archive's originals (warehouse/fixity.py does the work).

A daily sample rotates through the archive (the originals checked longest ago first); the task fails, and
so alerts, when an original is corrupt or missing. `directives fixity` runs the same audit by hand.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import dag, task

SAMPLE = int(os.environ.get("DIRECTIVES_FIXITY_SAMPLE", "1000"))


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
    @task(execution_timeout=timedelta(hours=2), retries=1)
    def audit_originals(run_id=None) -> dict:
        """Stream-hash up to DIRECTIVES_FIXITY_SAMPLE originals; one fixity_checks row each."""
        from pipeline.settings import settings_from_env
        from warehouse.db import Warehouse
        from warehouse.fixity import FixityMismatch, audit
        from warehouse.objectstore import ObjectStore

        settings = settings_from_env()
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
