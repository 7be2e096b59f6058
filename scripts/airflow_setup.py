"""Create what the portal DAGs expect in an Airflow deployment: one pool per portal host.

Idempotent (create or update); run after `airflow db migrate` by the compose airflow-init service, the Celery
end-to-end test and anyone deploying by hand:  python scripts/airflow_setup.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from airflow.models.pool import Pool

    from pipeline.deployment import host_pools
    from pipeline.settings import settings_from_env
    from scrapers.registry import load_registry

    for pool in host_pools(load_registry(), settings_from_env().host_tasks):
        Pool.create_or_update_pool(pool.name, pool.slots, pool.description, include_deferred=False)
        print(f"pool {pool.name}: {pool.slots} slot(s), {pool.task_rate_per_sec:g} req/s each")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
