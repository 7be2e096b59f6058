"""The simulator DAGs on a real CeleryExecutor deployment, and a worker killed mid-task.

Starts api-server, scheduler, dag-processor and two Celery workers on a PostgreSQL metadata database created
for the test and a Redis database number of its own (tests/dags/airflow_stack.py), triggers every simulator
DAG with run parameters, SIGKILLs the worker (with its task processes) that runs the first fetch or extract
(mapped task instances: one per chunk of CHUNK_SIZE documents, so each portal has several), and checks that
every run still succeeds, the killed task instance was retried, and the warehouse holds each document once.
Prints the wall time (about 3-5 minutes here, most of it Airflow start-up and the heartbeat timeout).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from pipeline.deployment import documents_asset_uri
from scrapers.registry import DEFAULT_REGISTRY, load_registry
from tests.dags.airflow_stack import AirflowStack
from tests.services import free_port

RUN_ID = "celery-e2e-1"
WORKERS = ("worker-a", "worker-b")
RUN_TIMEOUT = 900
CHUNK_SIZE = 3  # the simulator's portals publish 6-8 documents: several chunks each
MAPPED = ("chunks.fetch", "chunks.extract")


def _manual_registry(path: Path) -> Path:
    """The project registry with every schedule off: only the runs the test triggers exist."""
    data = yaml.safe_load(DEFAULT_REGISTRY.read_text())
    for entry in data["portals"]:
        entry["schedule"] = None
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def _owner(pid: int, candidates: dict[int, str]) -> str | None:
    """Which of the candidate processes `pid` descends from (walking /proc parent links)."""
    while pid > 1:
        if pid in candidates:
            return candidates[pid]
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        pid = int(stat.rsplit(")", 1)[1].split()[1])
    return None


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    from simulator.server import start_simulator

    with start_simulator(tmp_path_factory.mktemp("simulator")) as sim:
        yield sim


@pytest.fixture(scope="module")
def stack(tmp_path_factory, create_database, redis_url, s3_server, simulator):
    home = tmp_path_factory.mktemp("airflow-celery")
    warehouse_url = create_database("directives_celery_wh")
    env = {
        "DIRECTIVES_REGISTRY": str(_manual_registry(home / "portals.yaml")),
        "DIRECTIVES_S3_ENDPOINT": s3_server.endpoint,
        "DIRECTIVES_S3_ACCESS_KEY": s3_server.access_key,
        "DIRECTIVES_S3_SECRET_KEY": s3_server.secret_key,
        "DIRECTIVES_S3_BUCKET": "celery-e2e",
        "DIRECTIVES_WAREHOUSE_URL": warehouse_url,
        "DIRECTIVES_VAR_DIR": str(home / "var"),
        "DIRECTIVES_TASK_RETRY_DELAY_SECONDS": "1",
        "DIRECTIVES_CHUNK_SIZE": str(CHUNK_SIZE),
    }
    for portal_id, url in simulator.base_urls.items():
        env["DIRECTIVES_SIM_URL_" + portal_id.upper().replace("-", "_")] = url
    airflow = AirflowStack(home, create_database("airflow_celery"), redis_url, free_port(), env)
    started = time.monotonic()
    try:
        airflow.setup()
        print(f"metadata database migrated, pools created: {time.monotonic() - started:.0f} s")
        airflow.start("api-server", "api-server")
        airflow.start("scheduler", "scheduler")
        airflow.start("dag-processor", "dag-processor")
        for name in WORKERS:
            airflow.start_worker(name)
        airflow.wait_for_api()
        print(f"api-server answering: {time.monotonic() - started:.0f} s after the start")
        yield airflow
    finally:
        airflow.stop()


def _trigger(stack: AirflowStack, dag_ids: list[str]) -> None:
    """Through the REST API, as the UI's trigger form does: the typed Params are checked by the server."""
    for dag_id in dag_ids:
        status, answer = stack.api(
            "POST",
            f"dags/{dag_id}/dagRuns",
            {"dag_run_id": "refused", "logical_date": None, "conf": {"max_pages": "all"}},
        )
        assert status == 400, (status, answer)  # max_pages must be an integer
        status, answer = stack.api(
            "POST",
            f"dags/{dag_id}/dagRuns",
            {"dag_run_id": RUN_ID, "logical_date": None, "conf": {"max_pages": 50}},
        )
        assert status == 200, (status, answer)


def test_simulator_dags_succeed_on_celery_when_a_worker_dies_mid_task(stack, simulator, capsys):
    from warehouse.db import Warehouse

    started = time.monotonic()
    portals = [p for p in load_registry() if p.enabled]
    dag_ids = [p.dag_id for p in portals]
    stack.wait_for_dags(set(dag_ids))
    print(f"DAGs parsed: {time.monotonic() - started:.0f} s")
    _trigger(stack, dag_ids)
    triggered = time.monotonic()

    killed: tuple[str, str, int, str] | None = None
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        states = stack.dag_run_states(RUN_ID)
        if len(states) == len(dag_ids) and all(s in ("success", "failed") for s in states.values()):
            break
        if killed is None:
            workers = {stack.processes[name].pid: name for name in WORKERS}
            for dag_id, task_id, map_index, pid in stack.running_tasks(RUN_ID):
                owner = _owner(pid, workers) if pid and task_id in MAPPED else None
                if owner:
                    stack.kill_group(owner)
                    killed = (dag_id, task_id, map_index, owner)
                    print(f"SIGKILLed {owner} while it ran {dag_id}.{task_id}[{map_index}]")
                    stack.start_worker(owner)  # as compose's `restart: always` would
                    break
        stack.check_alive()
        time.sleep(0.5)
    wall, after_trigger = time.monotonic() - started, time.monotonic() - triggered
    with capsys.disabled():  # the wall time shows in `make test` / CI output, not only with -s
        print(
            f"\nCelery end-to-end: {len(dag_ids)} DAG runs done {after_trigger:.0f} s after the "
            f"trigger, {wall:.0f} s after the stack answered (worker killed: {killed})"
        )

    assert stack.dag_run_states(RUN_ID) == dict.fromkeys(dag_ids, "success")
    assert killed, "no fetch/extract task was seen running on a worker: nothing was killed"
    dag_id, task_id, map_index, _ = killed
    [(state, tries)] = stack.query(
        "SELECT state, try_number FROM task_instance "
        "WHERE dag_id=%s AND task_id=%s AND run_id=%s AND map_index=%s",
        dag_id, task_id, RUN_ID, map_index,
    )  # fmt: skip
    assert state == "success" and tries >= 2, (state, tries)
    # fetch and extract ran mapped, one instance per chunk, all of them successful
    for portal in portals:
        expected_chunks = -(-len(simulator.state.documents(portal.id)) // CHUNK_SIZE)
        mapped = stack.query(
            "SELECT task_id, count(*) FROM task_instance WHERE dag_id=%s AND run_id=%s AND map_index >= 0 "
            "AND state = 'success' GROUP BY task_id",
            portal.dag_id, RUN_ID,
        )  # fmt: skip
        assert dict(mapped) == dict.fromkeys(MAPPED, expected_chunks), (portal.id, mapped)

    # The deployment's resources were used: host pools for the portal requests, an Asset event per load.
    pools = {row[0] for row in stack.query("SELECT pool FROM slot_pool WHERE pool <> 'default_pool'")}
    used = stack.query(
        "SELECT DISTINCT pool FROM task_instance "
        "WHERE run_id = %s AND task_id IN ('discover', 'chunks.fetch')",
        RUN_ID,
    )
    assert {row[0] for row in used} <= pools and len(pools) == len(portals)
    events = stack.query(
        "SELECT a.uri, e.source_dag_id FROM asset_event e JOIN asset a ON a.id = e.asset_id "
        "WHERE e.source_run_id = %s",
        RUN_ID,
    )
    assert sorted(events) == sorted((documents_asset_uri(p), p.dag_id) for p in portals)

    warehouse = Warehouse.connect(stack.env["DIRECTIVES_WAREHOUSE_URL"])
    try:
        for portal in portals:
            current = warehouse.current_documents(portal.id)
            loaded = [row["doc_key"] for row in current]
            quarantined = {row["doc_key"] for row in warehouse.quarantined(portal.id)}
            assert len(loaded) == len(set(loaded)), f"{portal.id}: a document loaded twice"
            expected = {str(d.doc_key) for d in simulator.state.documents(portal.id)}
            assert set(loaded) | quarantined == expected, portal.id
            for doc_key in loaded:
                versions = warehouse.document_versions(portal.id, doc_key)
                assert [v["version"] for v in versions] == [1], f"{portal.id}/{doc_key}: {versions}"
    finally:
        warehouse.close()
