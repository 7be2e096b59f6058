"""`directives demo`: the whole system on embedded defaults, against the local portal simulator.

Starts the embedded S3 server and the simulator, runs every enabled simulator portal's DAG for real with
`airflow dags test` (a local AIRFLOW_HOME, SQLite metadata), then prints a per-portal summary and where the
results are. State lives under var/ so a second demo run sees what the first one stored.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click

from pipeline.settings import PROJECT_ROOT

SIM_PREFIX = "sim-"


def _venv_bin() -> Path:
    return Path(sys.executable).parent


def airflow_env(var_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(var_dir / "airflow"),
        AIRFLOW__CORE__DAGS_FOLDER=str(PROJECT_ROOT / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
        PATH=f"{_venv_bin()}{os.pathsep}{env.get('PATH', '')}",
        NO_COLOR="1",
    )
    env.update(extra)
    return env


def ensure_airflow_db(env: dict[str, str]) -> None:
    marker = Path(env["AIRFLOW_HOME"]) / "airflow.db"
    if marker.exists():
        return
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    subprocess.run([str(_venv_bin() / "airflow"), "db", "migrate"], env=env, check=True, capture_output=True)


def run_dag(dag_id: str, env: dict[str, str], log_path: Path) -> int:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log_file:
        return subprocess.run(
            [str(_venv_bin() / "airflow"), "dags", "test", dag_id],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        ).returncode


def _latest_runs(warehouse_url: str, portal_ids: list[str]) -> dict[str, dict]:
    from warehouse.db import Warehouse

    wh = Warehouse.connect(warehouse_url)
    try:
        wh.migrate()
        return {pid: wh.latest_run(pid) or {} for pid in portal_ids}
    finally:
        wh.close()


SUMMARY_COLUMNS = ("discovered", "new", "updated", "unchanged", "quarantined", "failed")


def print_summary(rows: dict[str, dict], codes: dict[str, int], logs: dict[str, Path]) -> None:
    header = f"{'portal':26}" + "".join(f" {name:>11}" for name in SUMMARY_COLUMNS) + "  status"
    click.echo(header)
    click.echo("-" * len(header))
    for portal_id, run in rows.items():
        status = run.get("status") or "?" if codes[portal_id] == 0 else f"FAILED (log: {logs[portal_id]})"
        counts = "".join(f" {run.get(name) or 0:>11}" for name in SUMMARY_COLUMNS)
        click.echo(f"{portal_id:26}{counts}  {status}")


@click.command()
@click.option(
    "--var-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT / "var",
    show_default=True,
    help="Where the demo keeps its state (S3 data, DuckDB file, simulator state, Airflow home, logs).",
)
def demo_command(var_dir: Path) -> None:
    """Run every simulator portal's DAG on embedded services and print what was ingested."""
    from pipeline.context import object_store
    from pipeline.embedded import embedded_s3_if_default
    from pipeline.settings import settings_from_env
    from scrapers.registry import load_registry
    from simulator.server import start_simulator
    from simulator.site import load_config

    var_dir = var_dir.resolve()
    started = time.monotonic()
    portals = [p for p in load_registry() if p.enabled and p.id.startswith(SIM_PREFIX)]
    base = settings_from_env({"DIRECTIVES_VAR_DIR": str(var_dir)})
    with embedded_s3_if_default(base):
        store = object_store(base)
        store.ensure_bucket()
        objects_before = store.count_objects()
        # The registry's default URLs name the simulator's default ports; keeping them makes every demo run
        # see the same portal URLs, as a real portal's would be.
        config = load_config()
        ports = {pid: site.default_port for pid, site in config.portals.items()}
        with start_simulator(var_dir / "simulator", ports=ports, config=config) as sim:
            extra = {
                "DIRECTIVES_VAR_DIR": str(var_dir),
                "DIRECTIVES_S3_ENDPOINT": base.s3.endpoint,
                "DIRECTIVES_WAREHOUSE_URL": base.warehouse_url,
            }
            for portal_id, url in sim.base_urls.items():
                extra["DIRECTIVES_SIM_URL_" + portal_id.upper().replace("-", "_")] = url
            env = airflow_env(var_dir, extra)
            click.echo(f"Airflow home: {env['AIRFLOW_HOME']} (preparing metadata database)")
            ensure_airflow_db(env)
            codes, logs = {}, {}
            for portal in portals:
                dag_id = portal.dag_id
                logs[portal.id] = var_dir / "logs" / f"{dag_id}.log"
                click.echo(f"running DAG {dag_id} ...")
                codes[portal.id] = run_dag(dag_id, env, logs[portal.id])
        objects_after = store.count_objects()
    rows = _latest_runs(base.warehouse_url, [p.id for p in portals])
    click.echo("")
    print_summary(rows, codes, logs)
    click.echo("")
    click.echo(f"warehouse (DuckDB): {base.warehouse_url.removeprefix('duckdb:///')}")
    click.echo(f"object store: s3://{base.s3.bucket} on the embedded S3 server, data in {var_dir / 's3'}")
    click.echo(
        f"objects in the bucket: {objects_before} before, {objects_after} after this run "
        f"({objects_after - objects_before} new)"
    )
    click.echo(f"DAG logs: {var_dir / 'logs'}   demo wall time: {time.monotonic() - started:.1f} s")
    if any(codes.values()):
        raise SystemExit(1)
