"""A real Airflow 3 deployment for one test: CeleryExecutor, PostgreSQL metadata database, Redis broker.

Processes: api-server (Airflow 3 workers reach the Task Execution API through it), scheduler, dag-processor
and Celery workers, each in its own process group so that a worker can be killed with its task processes
(a crashed machine) and every component is stopped by its PID at the end (never by name).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


class StackError(RuntimeError):
    pass


class AirflowStack:
    def __init__(self, home: Path, metadata_url: str, broker_url: str, api_port: int, extra_env: dict):
        self.home = home
        self.metadata_url = metadata_url  # postgresql://... (psycopg form, for the test's own queries)
        self.api_port = api_port
        sqlalchemy_url = metadata_url.replace("postgresql://", "postgresql+psycopg2://", 1)
        self.env = {
            **os.environ,
            **extra_env,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": str(ROOT),
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url,
            "AIRFLOW__CELERY__BROKER_URL": broker_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + sqlalchemy_url,
            # The prefork pool (Celery's default, what compose runs): tasks run in daemonic pool processes,
            # which the parser sandbox serves by starting its server with subprocess.
            "AIRFLOW__CELERY__POOL": "prefork",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API_AUTH__JWT_SECRET": os.urandom(16).hex(),
            # The REST API without log-in (loopback only, for this test's triggers).
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__API__SECRET_KEY": os.urandom(16).hex(),
            # A worker that dies mid-task is noticed within seconds, not the default 5 minutes.
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = home / "component-logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    # --- processes ------------------------------------------------------------------------------------

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(BIN / "airflow"), *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            raise StackError(f"airflow {' '.join(args)} failed:\n{output}")
        return result

    def setup(self) -> None:
        self.run("db", "migrate")
        setup_script = ROOT / "scripts" / "airflow_setup.py"
        subprocess.run([sys.executable, str(setup_script)], env=self.env, check=True, timeout=120)

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [str(BIN / "airflow"), *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_file = log  # type: ignore[attr-defined]
        self.processes[name] = process
        return process

    def start_worker(self, name: str) -> subprocess.Popen:
        return self.start(name, "celery", "worker", "--celery-hostname", f"{name}@%h", "--skip-serve-logs")

    def kill_group(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)
        process.log_file.close()  # type: ignore[attr-defined]
        del self.processes[name]

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for process in self.processes.values():
            try:  # children of a component (task processes) that outlived it
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.log_file.close()  # type: ignore[attr-defined]

    def wait_for_api(self, timeout: float = 180) -> None:
        url = f"http://127.0.0.1:{self.api_port}/api/v2/monitor/health"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            self.check_alive()
            time.sleep(1)
        raise StackError(f"api-server did not answer at {url} within {timeout:.0f} s")

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        """A call to the REST API (/api/v2/...): status and decoded JSON answer."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.api_port}/api/v2/{path.lstrip('/')}",
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def check_alive(self, *, except_: tuple[str, ...] = ()) -> None:
        for name, process in self.processes.items():
            if name not in except_ and process.poll() is not None:
                log = (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]
                raise StackError(f"{name} exited with {process.returncode}:\n{log}")

    # --- metadata database ----------------------------------------------------------------------------

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.metadata_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def wait_for_dags(self, dag_ids: set[str], timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.query("SELECT dag_id FROM dag WHERE NOT is_paused AND NOT is_stale")
            if dag_ids <= {row[0] for row in rows}:
                return
            self.check_alive()
            time.sleep(2)
        raise StackError(f"DAGs {sorted(dag_ids)} not parsed within {timeout:.0f} s")

    def dag_run_states(self, run_id: str) -> dict[str, str]:
        return dict(self.query("SELECT dag_id, state FROM dag_run WHERE run_id = %s", run_id))

    def running_tasks(self, run_id: str) -> list[tuple[str, str, int, int | None]]:
        """(dag_id, task_id, map_index, pid) of the running task instances (map_index -1: not mapped)."""
        return self.query(
            "SELECT dag_id, task_id, map_index, pid FROM task_instance "
            "WHERE run_id = %s AND state = 'running'",
            run_id,
        )
