"""Benchmark: the simulator at scale through `directives run` and through Airflow on the CeleryExecutor.

    .venv/bin/python benchmarks/airflow_celery.py [--scale 334] [--workers 2]

Each simulated portal publishes --scale documents (`directives simulate --scale`: the configured mix of kinds
repeated, 20 listing rows a page); 3 portals x 334 ~ 1,000 documents. The same documents go once through
`directives run` (one process per portal, one after the other) and once through Airflow: api-server,
scheduler, dag-processor and --workers Celery workers (prefork pool) on a fresh PostgreSQL metadata database
and Redis database (tests/dags/airflow_stack.py), the portal DAGs triggered together. Then a second Airflow
run, with nothing new on the portals, counts the requests each portal receives. Prints documents/minute,
Airflow's overhead ratio, peak RSS per worker (the worker and its task processes) and requests per portal.
Separate buckets and warehouse databases keep the two paths from seeing each other's archive.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapers.registry import load_registry  # noqa: E402
from tests.dags.airflow_stack import AirflowStack  # noqa: E402
from tests.services import (  # noqa: E402
    PrivatePostgres,
    PrivateRedis,
    claim_redis_db,
    free_port,
    postgres_answers,
    redis_answers,
)

PG_ADMIN_URL = os.environ.get("DIRECTIVES_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("DIRECTIVES_TEST_REDIS_URL", "redis://127.0.0.1:6379")


class RequestCounter(logging.Handler):
    """Counts the simulator's requests per portal (its handler logs each one at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.args:
            self.counts[str(record.args[0])] += 1


def group_rss_mib(pgid: int) -> float:
    """Resident memory of every process in a process group (a worker and the task processes it forks)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return total / 2**20


def create_database(admin_url: str, prefix: str) -> str:
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    return admin_url.rpartition("/")[0] + "/" + name


def drop_databases(admin_url: str, urls: list[str]) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        for url in urls:
            admin.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


def documents_in(warehouse_url: str, portal_ids: list[str]) -> int:
    from warehouse.db import Warehouse

    wh = Warehouse.connect(warehouse_url)
    try:
        return sum(len(wh.current_documents(p)) + len(wh.quarantined(p)) for p in portal_ids)
    finally:
        wh.close()


def wait_for_runs(stack: AirflowStack, run_id: str, dag_ids: list[str], peaks: dict, workers: list[str]):
    while True:
        states = stack.dag_run_states(run_id)
        if len(states) == len(dag_ids) and all(s in ("success", "failed") for s in states.values()):
            return states
        for name in workers:
            peaks[name] = max(peaks.get(name, 0.0), group_rss_mib(stack.processes[name].pid))
        stack.check_alive()
        time.sleep(1)


def trigger(stack: AirflowStack, dag_ids: list[str], run_id: str, conf: dict) -> None:
    for dag_id in dag_ids:
        status, answer = stack.api(
            "POST", f"dags/{dag_id}/dagRuns", {"dag_run_id": run_id, "logical_date": None, "conf": conf}
        )
        if status != 200:
            raise RuntimeError(f"trigger {dag_id}: {status} {answer}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=334, help="documents per simulated portal")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers")
    args = parser.parse_args()

    import yaml

    from simulator.server import start_simulator
    from warehouse.services import EmbeddedS3

    work = Path(tempfile.mkdtemp(prefix="directives-bench-"))
    services, databases = [], []
    pg_admin = PG_ADMIN_URL
    if not postgres_answers(pg_admin):
        services.append(PrivatePostgres().start())
        pg_admin = services[-1].admin_url
    redis_base = REDIS_URL
    if not redis_answers(redis_base):
        services.append(PrivateRedis(work / "redis").start())
        redis_base = services[-1].url
    s3 = EmbeddedS3(work / "s3")
    s3.start()
    services.append(s3)
    counter = RequestCounter()
    sim_log = logging.getLogger("simulator.server")
    sim_log.setLevel(logging.DEBUG)
    sim_log.addHandler(counter)
    sim_log.propagate = False
    stack = None
    redis_url = None
    try:
        sim = start_simulator(work / "simulator")
        sim.state.reset(scale=args.scale)
        registry = yaml.safe_load((ROOT / "config" / "portals.yaml").read_text())
        for entry in registry["portals"]:
            entry["schedule"] = None
        (work / "portals.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True))
        portals = [p for p in load_registry(str(work / "portals.yaml")) if p.enabled]
        portal_ids = [p.id for p in portals]
        base_env = {
            **sim.env(),
            "DIRECTIVES_REGISTRY": str(work / "portals.yaml"),
            "DIRECTIVES_S3_ENDPOINT": s3.endpoint,
            "DIRECTIVES_S3_ACCESS_KEY": s3.access_key,
            "DIRECTIVES_S3_SECRET_KEY": s3.secret_key,
            "DIRECTIVES_VAR_DIR": str(work / "var"),
            "DIRECTIVES_TASK_RETRY_DELAY_SECONDS": "5",
        }
        max_pages = {"max_pages": max(50, args.scale // 20 + 2)}

        # 1. directives run, one portal after the other.
        cli_wh = create_database(pg_admin, "bench_cli")
        databases.append(cli_wh)
        cli_env = {
            **os.environ,
            **base_env,
            "DIRECTIVES_S3_BUCKET": "bench-cli",
            "DIRECTIVES_WAREHOUSE_URL": cli_wh,
        }
        cli_registry = dict(registry)
        for entry in cli_registry["portals"]:
            entry.setdefault("options", {}).update(max_pages)
        (work / "portals-cli.yaml").write_text(yaml.safe_dump(cli_registry, allow_unicode=True))
        cli_env["DIRECTIVES_REGISTRY"] = str(work / "portals-cli.yaml")
        started = time.monotonic()
        for portal_id in portal_ids:
            subprocess.run(
                [str(Path(sys.executable).parent / "directives"), "run", portal_id],
                env=cli_env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        cli_seconds = time.monotonic() - started
        cli_docs = documents_in(cli_wh, portal_ids)

        # 2. Airflow, CeleryExecutor.
        af_wh = create_database(pg_admin, "bench_airflow_wh")
        metadata = create_database(pg_admin, "bench_airflow")
        databases += [af_wh, metadata]
        redis_url = f"{redis_base.rstrip('/')}/{claim_redis_db(redis_base)}"
        env = {**base_env, "DIRECTIVES_S3_BUCKET": "bench-airflow", "DIRECTIVES_WAREHOUSE_URL": af_wh}
        stack = AirflowStack(work / "airflow", metadata, redis_url, free_port(), env)
        stack.setup()
        for name in ("api-server", "scheduler", "dag-processor"):
            stack.start(name, name)
        workers = [f"worker-{i + 1}" for i in range(args.workers)]
        for name in workers:
            stack.start_worker(name)
        stack.wait_for_api()
        dag_ids = [p.dag_id for p in portals]
        stack.wait_for_dags(set(dag_ids))
        peaks: dict[str, float] = {}
        started = time.monotonic()
        trigger(stack, dag_ids, "bench-1", max_pages)
        states = wait_for_runs(stack, "bench-1", dag_ids, peaks, workers)
        airflow_seconds = time.monotonic() - started
        airflow_docs = documents_in(af_wh, portal_ids)

        # 3. A second run with nothing new: requests per portal.
        counter.counts.clear()
        started = time.monotonic()
        trigger(stack, dag_ids, "bench-2", max_pages)
        states2 = wait_for_runs(stack, "bench-2", dag_ids, peaks, workers)
        second_seconds = time.monotonic() - started
        second_requests = dict(counter.counts)
    finally:
        if stack is not None:
            stack.stop()
        if redis_url is not None:
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        for service in reversed(services):
            service.stop()
        if databases:
            drop_databases(pg_admin, databases)

    print(f"\nSimulator scale {args.scale} documents per portal x {len(portal_ids)} portals")
    print(f"{'path':<40} {'documents':>9} {'wall s':>8} {'docs/min':>9}")
    cli_rate = cli_docs / cli_seconds * 60
    print(f"{'directives run (sequential)':<40} {cli_docs:>9} {cli_seconds:>8.0f} {cli_rate:>9.0f}")
    label = f"Airflow Celery, {args.workers} workers (prefork)"
    print(
        f"{label:<40} {airflow_docs:>9} {airflow_seconds:>8.0f} {airflow_docs / airflow_seconds * 60:>9.0f}"
    )
    print(f"Airflow overhead ratio (wall Airflow / wall directives run): {airflow_seconds / cli_seconds:.2f}")
    print(
        "peak RSS per worker (worker + task processes): "
        + ", ".join(f"{k} {v:.0f} MiB" for k, v in peaks.items())
    )
    print(f"run states: {states}; second run: {states2} in {second_seconds:.0f} s")
    print(
        "second run, nothing new, requests per portal: "
        + ", ".join(f"{k} {v}" for k, v in second_requests.items())
    )
    return 0 if set(states.values()) == {"success"} and set(states2.values()) == {"success"} else 1


if __name__ == "__main__":
    raise SystemExit(main())
