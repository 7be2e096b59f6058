"""Benchmark: the simulator at scale through `directives run` and through Airflow on the CeleryExecutor.

    nice -n 10 .venv/bin/python benchmarks/airflow_celery.py [--portals 4] [--scale 250] [--workers 2]
                                                             [--airflow-only]

--portals simulated portals (the three of config/simulator.yaml, cloned under new ids and ports when more are
asked for) each publish --scale documents (`directives simulate --scale`: the configured mix of kinds
repeated, 20 listing rows a page); 4 x 250 = 1,000 documents. The same documents go once through
`directives run` (one process per portal, one after the other) and once through Airflow: api-server,
scheduler, dag-processor and --workers Celery workers (prefork pool, one task each) on a PostgreSQL metadata
database and a Redis database number of the run's own (tests/dags/airflow_stack.py), the portal DAGs
triggered together; their fetch and extract are mapped over chunks of DIRECTIVES_CHUNK_SIZE documents.
Then each path runs again with nothing new on the portals, and the requests each portal receives are counted.

The simulator renders every file before any clock starts (a real portal has its files on disk; rendering
scans is the simulator's cost, not the pipeline's). Prints documents/minute, Airflow's overhead ratio
(Airflow wall / directives run wall), peak RSS per worker (the worker and its task processes; shared pages
counted in each), the requests per portal of the second runs, where the Airflow run's time went (per task:
instances, summed and longest run time; each DAG run's span), and the load average around each measurement
(figures taken while other jobs run are upper bounds).
Targets (issue 10): <= 10 minutes through Celery for 1,000 documents with 2 workers, ratio <= 2.
Every step has a timeout; the stack, the S3 server and any private service are stopped, the Redis database
flushed and the PostgreSQL databases dropped at the end, also after a failure, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import copy
import logging
import os
import signal
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


class BenchmarkTimeout(RuntimeError):
    pass


def wait_for_runs(
    stack: AirflowStack, run_id: str, dag_ids: list[str], peaks: dict, workers: list[str], timeout: float
) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = stack.dag_run_states(run_id)
        if len(states) == len(dag_ids) and all(s in ("success", "failed") for s in states.values()):
            return states
        for name in workers:
            peaks[name] = max(peaks.get(name, 0.0), group_rss_mib(stack.processes[name].pid))
        stack.check_alive()
        time.sleep(1)
    raise BenchmarkTimeout(
        f"runs {run_id} not finished within {timeout:.0f} s: {stack.dag_run_states(run_id)}"
    )


def wait_for_parsed(stack: AirflowStack, dag_ids: set[str], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dag_ids <= {row[0] for row in stack.query("SELECT dag_id FROM dag WHERE NOT is_stale")}:
            return
        stack.check_alive()
        time.sleep(2)
    raise BenchmarkTimeout(f"DAGs {sorted(dag_ids)} not parsed within {timeout:.0f} s")


def simulated_portals(work: Path, count: int):
    """The simulator config and the registry with `count` simulated portals (schedules off: only the runs
    the benchmark triggers exist). Beyond the configured ones, portals are clones under new ids and ports,
    publishing the same mix with other document keys."""
    import yaml

    from simulator.server import env_name
    from simulator.site import DEFAULT_CONFIG, load_config

    sim_raw = yaml.safe_load(Path(DEFAULT_CONFIG).read_text())
    registry = yaml.safe_load((ROOT / "config" / "portals.yaml").read_text())
    entries = {e["id"]: e for e in registry["portals"] if e["id"] in sim_raw["portals"] and e.get("enabled")}
    sources = list(entries)
    portals = []
    for index in range(count):
        source = sources[index % len(sources)]
        entry = copy.deepcopy(entries[source])
        if index >= len(sources):
            new_id = f"sim-bench-{index + 1}"
            site = copy.deepcopy(sim_raw["portals"][source])
            site.update(default_port=19000 + index, first_doc_key=100_000 * (index + 1))
            sim_raw["portals"][new_id] = site
            entry.update(id=new_id, name=f"{entry['name']} ({new_id})")
            entry["base_url"] = "${" + env_name(new_id) + "}"
        entry["schedule"] = None
        portals.append(entry)
    for key in (k for k in ("seeds_dir", "samples_dir") if k in sim_raw):
        sim_raw[key] = str(ROOT / sim_raw[key])
    registry["portals"] = portals + [e for e in registry["portals"] if e["id"] not in sim_raw["portals"]]
    (work / "simulator.yaml").write_text(yaml.safe_dump(sim_raw, allow_unicode=True))
    (work / "portals.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True))
    return load_config(work / "simulator.yaml"), registry


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def run_cli(portal_ids: list[str], env: dict, timeout: float) -> float:
    """`directives run` for each portal, one after the other; the wall time."""
    started = time.monotonic()
    for portal_id in portal_ids:
        subprocess.run(
            [str(Path(sys.executable).parent / "directives"), "run", portal_id],
            env=env, check=True, stdout=subprocess.DEVNULL, timeout=timeout,
        )  # fmt: skip
    return time.monotonic() - started


def _terminate(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def trigger(stack: AirflowStack, dag_ids: list[str], run_id: str, conf: dict) -> None:
    for dag_id in dag_ids:
        status, answer = stack.api(
            "POST", f"dags/{dag_id}/dagRuns", {"dag_run_id": run_id, "logical_date": None, "conf": conf}
        )
        if status != 200:
            raise RuntimeError(f"trigger {dag_id}: {status} {answer}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--portals", type=int, default=4, help="simulated portals")
    parser.add_argument("--scale", type=int, default=250, help="documents per simulated portal")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers")
    parser.add_argument("--run-timeout", type=float, default=1800, help="seconds allowed to each path's run")
    parser.add_argument(
        "--airflow-only", action="store_true", help="leave out the `directives run` path (and the ratio)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _terminate)  # clean up (finally) when stopped by kill or a timeout

    from pipeline.settings import settings_from_env
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
    stack = sim = redis_url = None
    figures: dict = {"load": {}}
    try:
        sim_config, registry = simulated_portals(work, args.portals)
        sim = start_simulator(work / "simulator", config=sim_config)
        sim.state.reset(scale=args.scale)
        started = time.monotonic()
        rendered = sim.render_files()  # before any clock runs: the portal's rendering is not the pipeline's
        progress(f"simulator: {rendered} files rendered in {time.monotonic() - started:.0f} s")
        portals = [
            p for p in load_registry(str(work / "portals.yaml"), env={**os.environ, **sim.env()}) if p.enabled
        ]
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

        # 1. directives run, one portal after the other; then again with nothing new.
        cli_seconds = cli_docs = cli_second_seconds = None
        cli_second_requests: dict = {}
        if not args.airflow_only:
            cli_seconds, cli_docs, cli_second_seconds, cli_second_requests = cli_path(
                work, pg_admin, databases, registry, max_pages, base_env, portal_ids, counter, args, figures
            )

        # 2. Airflow, CeleryExecutor.
        af_wh = create_database(pg_admin, "bench_airflow_wh")
        metadata = create_database(pg_admin, "bench_airflow")
        databases += [af_wh, metadata]
        redis_url = f"{redis_base.rstrip('/')}/{claim_redis_db(redis_base)}"
        env = {**base_env, "DIRECTIVES_S3_BUCKET": "bench-airflow", "DIRECTIVES_WAREHOUSE_URL": af_wh}
        stack = AirflowStack(work / "airflow", metadata, redis_url, free_port(), env)
        # Only the portal DAGs run: the fixity audit (scheduled daily) would compete for the workers.
        stack.env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] = "True"
        stack.setup()
        for name in ("api-server", "scheduler", "dag-processor"):
            stack.start(name, name)
        workers = [f"worker-{i + 1}" for i in range(args.workers)]
        for name in workers:
            stack.start_worker(name)
        stack.wait_for_api()
        dag_ids = [p.dag_id for p in portals]
        wait_for_parsed(stack, set(dag_ids))
        for dag_id in dag_ids:
            status, answer = stack.api("PATCH", f"dags/{dag_id}", {"is_paused": False})
            if status != 200:
                raise RuntimeError(f"unpause {dag_id}: {status} {answer}")
        stack.wait_for_dags(set(dag_ids))
        peaks: dict[str, float] = {}
        figures["load"]["Airflow"] = load_average()
        started = time.monotonic()
        trigger(stack, dag_ids, "bench-1", max_pages)
        states = wait_for_runs(stack, "bench-1", dag_ids, peaks, workers, args.run_timeout)
        airflow_seconds = time.monotonic() - started
        airflow_docs = documents_in(af_wh, portal_ids)
        progress(
            f"Airflow: {airflow_docs} documents in {airflow_seconds:.0f} s, {states} (load {load_average()})"
        )
        mapped = stack.query(
            "SELECT count(*) FROM task_instance WHERE run_id = 'bench-1' AND map_index >= 0"
        )[0][0]
        task_times = task_time_table(stack, "bench-1")

        # 3. A second Airflow run with nothing new: requests per portal.
        counter.counts.clear()
        started = time.monotonic()
        trigger(stack, dag_ids, "bench-2", max_pages)
        states2 = wait_for_runs(stack, "bench-2", dag_ids, peaks, workers, args.run_timeout)
        second_seconds = time.monotonic() - started
        second_requests = dict(counter.counts)
        figures["load"]["end"] = load_average()
    finally:
        if stack is not None:
            stack.stop()
        if sim is not None:
            sim.stop()
        if redis_url is not None:
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        for service in reversed(services):
            service.stop()
        if databases:
            drop_databases(pg_admin, databases)

    total = args.scale * len(portal_ids)
    print(f"\nSimulator: {len(portal_ids)} portals x {args.scale} documents = {total}; "
          f"chunks of {settings_from_env().chunk_size} documents; {os.cpu_count()} CPU cores")  # fmt: skip
    print(f"{'path':<44} {'documents':>9} {'wall s':>8} {'docs/min':>9}")
    rows = [
        ("directives run (portals one after the other)", cli_docs, cli_seconds),
        (f"Airflow CeleryExecutor, {args.workers} workers (prefork)", airflow_docs, airflow_seconds),
    ]
    for label, docs, seconds in rows:
        if seconds is not None:
            print(f"{label:<44} {docs:>9} {seconds:>8.0f} {docs / seconds * 60:>9.0f}")
    if cli_seconds is not None:
        print(
            "Airflow overhead ratio (wall Airflow / wall directives run): "
            f"{airflow_seconds / cli_seconds:.2f}"
        )
    print(task_times)
    print(f"mapped task instances in the Airflow run: {mapped}")
    print(
        "peak RSS per worker (worker + task processes): "
        + ", ".join(f"{k} {v:.0f} MiB" for k, v in peaks.items())
    )
    print(f"Airflow run states: {states}; second run: {states2}")
    for label, seconds, requests in (
        ("directives run", cli_second_seconds, cli_second_requests),
        ("Airflow", second_seconds, second_requests),
    ):
        if seconds is None:
            continue
        per_portal = ", ".join(f"{p} {requests.get(p, 0)}" for p in portal_ids)
        print(f"second run, nothing new, {label} ({seconds:.0f} s): requests per portal: {per_portal}")
    print("load average (1/5/15 min) at the start of each path and at the end: "
          + "; ".join(f"{k} {v}" for k, v in figures["load"].items()))  # fmt: skip
    both = (cli_docs is None or cli_docs == airflow_docs) and airflow_docs == total
    print(f"documents (loaded + quarantined) equal in both paths: {both}")
    ok = set(states.values()) == {"success"} and set(states2.values()) == {"success"}
    return 0 if ok and both else 1


def cli_path(
    work: Path, pg_admin, databases, registry, max_pages, base_env, portal_ids, counter, args, figures
):
    """`directives run`, one portal after the other, then again with nothing new: (seconds, documents,
    second run's seconds, its requests per portal)."""
    cli_wh = create_database(pg_admin, "bench_cli")
    databases.append(cli_wh)
    cli_registry = copy.deepcopy(registry)
    for entry in cli_registry["portals"]:
        entry.setdefault("options", {}).update(max_pages)
    (work / "portals-cli.yaml").write_text(yaml_dump(cli_registry))
    cli_env = {
        **os.environ,
        **base_env,
        "DIRECTIVES_REGISTRY": str(work / "portals-cli.yaml"),
        "DIRECTIVES_S3_BUCKET": "bench-cli",
        "DIRECTIVES_WAREHOUSE_URL": cli_wh,
    }
    figures["load"]["directives run"] = load_average()
    cli_seconds = run_cli(portal_ids, cli_env, args.run_timeout)
    cli_docs = documents_in(cli_wh, portal_ids)
    progress(f"directives run: {cli_docs} documents in {cli_seconds:.0f} s (load {load_average()})")
    counter.counts.clear()
    cli_second_seconds = run_cli(portal_ids, cli_env, args.run_timeout)
    cli_second_requests = dict(counter.counts)
    progress(f"directives run, nothing new: {cli_second_seconds:.0f} s, requests {cli_second_requests}")
    return cli_seconds, cli_docs, cli_second_seconds, cli_second_requests


def task_time_table(stack, run_id: str) -> str:
    """Where the Airflow run's time went: per task (mapped instances together) the instances, their summed
    and longest run time, and each DAG run's span from its first task's start to its last task's end."""
    rows = stack.query(
        "SELECT task_id, count(*), sum(extract(epoch FROM end_date - start_date)),"
        " max(extract(epoch FROM end_date - start_date)) FROM task_instance WHERE run_id = %s"
        " GROUP BY task_id ORDER BY 3 DESC",
        run_id,
    )
    spans = stack.query(
        "SELECT dag_id, extract(epoch FROM max(end_date) - min(start_date)) FROM task_instance"
        " WHERE run_id = %s GROUP BY dag_id ORDER BY 2 DESC",
        run_id,
    )
    lines = [f"{'task (all DAGs)':<32} {'instances':>9} {'sum s':>8} {'max s':>7}"]
    lines += [
        f"{t:<32} {n:>9} {float(total or 0):>8.0f} {float(top or 0):>7.0f}" for t, n, total, top in rows
    ]
    lines.append("DAG run spans: " + ", ".join(f"{d} {float(x or 0):.0f} s" for d, x in spans))
    return "\n".join(lines)


def progress(message: str) -> None:
    """A figure as soon as it is measured (a long run stopped later still leaves what it measured)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def yaml_dump(data) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True)


if __name__ == "__main__":
    raise SystemExit(main())
