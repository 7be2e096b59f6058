"""docker-compose.yml parses and names the services of the production-like stack.

No Docker engine runs here: the file is checked, not started."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "airflow-init",
}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_names_every_service():
    services = set(compose()["services"])
    assert AIRFLOW_SERVICES | {"postgres", "redis", "minio", "warehouse-db", "simulator"} <= services


def test_airflow_runs_celery_on_redis_and_postgres():
    env = compose()["x-airflow-common"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")


def test_pipeline_is_pointed_at_minio_and_the_warehouse_database():
    env = compose()["x-airflow-common"]["environment"]
    assert env["DIRECTIVES_S3_ENDPOINT"].startswith("minio:")
    warehouse_url = env["DIRECTIVES_WAREHOUSE_URL"]
    assert warehouse_url.startswith("postgresql://") and "warehouse-db" in warehouse_url


def test_images_are_pinned():
    for name, service in compose()["services"].items():
        image = service.get("image", "")
        assert ":" in image and not image.endswith(":latest"), name


def test_readme_states_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
