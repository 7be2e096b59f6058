"""docker-compose.yml, the Dockerfile and .dockerignore describe a stack that would start and find its files.

No Docker engine runs here: the files are checked statically. The image layout is computed from the
Dockerfile's COPY instructions and .dockerignore, then every path the containers read (DAG folder, registry,
simulator config and seeds, GX context, setup script, mounted folders) is looked up in it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path, PurePosixPath

import pytest
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
ONE_SHOT = {"airflow-init", "minio-init"}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def airflow_env() -> dict:
    return compose()["x-airflow-common"]["environment"]


def interpolate(value: str) -> str:
    """Compose's ${VAR:-default} with no .env: the defaults."""
    return re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", value)


# --- the image layout -------------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, args in dockerfile_instructions():
        if instruction == "ENV":
            for name, value in re.findall(r"(\w+)=(\S+)", args):
                env[name] = value
    return env


def ignored(relative: str) -> bool:
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines() if p.strip()]
    parts = PurePosixPath(relative).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix, pattern.removeprefix("**/"))
        for pattern in patterns
        for prefix in prefixes
    )


def image_source(container_path: str) -> Path | None:
    """The repository file or folder that ends up at `container_path` in the image, if any."""
    target = PurePosixPath(container_path)
    workdir = PurePosixPath("/")
    found = None
    for instruction, args in dockerfile_instructions():
        if instruction == "WORKDIR":
            workdir = workdir / args
        if instruction != "COPY":
            continue
        words = [w for w in args.split() if not w.startswith("--")]
        *sources, dest = words
        dest_path = workdir / dest
        for source in sources:
            if source == ".":
                if target == dest_path or dest_path in target.parents:
                    relative = target.relative_to(dest_path).as_posix()
                    candidate = ROOT / relative
                    if relative == "." or (candidate.exists() and not ignored(relative)):
                        found = candidate
            elif target in (dest_path / source, dest_path) and (ROOT / source).exists():
                found = ROOT / source
    return found


def test_image_installs_from_the_lock_with_uv():
    runs = " ".join(args for instruction, args in dockerfile_instructions() if instruction == "RUN")
    assert "uv sync --frozen" in runs
    assert "pip install --no-cache-dir /opt/directives" not in runs  # not a wheel without config/ and seeds
    copied = " ".join(args for instruction, args in dockerfile_instructions() if instruction == "COPY")
    assert "uv.lock" in copied
    base = next(args for instruction, args in dockerfile_instructions() if instruction == "FROM")
    locked = re.search(r'name = "apache-airflow"\nversion = "([^"]+)"', (ROOT / "uv.lock").read_text())
    assert base.startswith(f"apache/airflow:{locked.group(1)}-python3.11")


def test_every_path_the_dags_read_is_in_the_image():
    env = {**dockerfile_env(), **{k: interpolate(str(v)) for k, v in airflow_env().items()}}
    dags = image_source(env["AIRFLOW__CORE__DAGS_FOLDER"])
    assert dags and (dags / "ingest_portals.py").is_file()
    registry = image_source(env["DIRECTIVES_REGISTRY"])
    assert registry and registry.is_file()
    # The simulator's config and seeds, and the pipeline packages, from the installed source tree.
    simulator_config = yaml.safe_load((ROOT / "config" / "simulator.yaml").read_text())
    for path in (
        "/opt/directives/config/simulator.yaml",
        f"/opt/directives/{simulator_config['seeds_dir']}",
        "/opt/directives/scripts/airflow_setup.py",
        "/opt/directives/pipeline/stages.py",
        "/opt/directives/quality/suite.py",
    ):
        assert image_source(path) is not None, path
    seeds = image_source(f"/opt/directives/{simulator_config['seeds_dir']}")
    assert any(seeds.glob("*.txt"))
    assert "/opt/directives/.venv/bin" in env["PATH"]


def test_mounted_folders_exist_in_the_repository():
    for volume in compose()["x-airflow-common"]["volumes"]:
        host, container = interpolate(volume).split(":")[:2]
        if not host.startswith("./var/"):  # var/ is created by airflow-init
            assert (ROOT / host).exists(), volume
            assert image_source(container) is not None, f"{container} is mounted but not in the image"


# --- services ------------------------------------------------------------------------------------------


def test_compose_names_every_service():
    services = set(compose()["services"])
    others = {"postgres", "redis", "minio", "minio-init", "warehouse-db", "simulator"}
    assert AIRFLOW_SERVICES | others <= services


def test_every_long_running_service_has_a_healthcheck():
    for name, service in compose()["services"].items():
        if name in ONE_SHOT:
            continue
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no healthcheck"


def test_one_shot_services_are_awaited_as_completed():
    services = compose()["services"]
    waited = {
        dep
        for service in [*services.values(), compose()["x-airflow-common"]]
        for dep, cond in (service.get("depends_on") or {}).items()
        if cond.get("condition") == "service_completed_successfully"
    }
    assert waited == ONE_SHOT


def test_airflow_services_share_the_common_env_jwt_secret_and_api_url():
    common = airflow_env()
    assert common["AIRFLOW__API_AUTH__JWT_SECRET"]
    assert common["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    for name in AIRFLOW_SERVICES:
        service = compose()["services"][name]
        env = service["environment"]
        for key in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__EXECUTION_API_SERVER_URL"):
            assert env[key] == common[key], f"{name}: {key}"
        assert service["volumes"] == compose()["x-airflow-common"]["volumes"], name


def test_airflow_runs_celery_on_redis_and_postgres():
    env = airflow_env()
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")


def test_init_goes_through_the_image_entrypoint_and_creates_user_and_pools():
    init = compose()["services"]["airflow-init"]
    script = " ".join(init["command"])
    assert "/entrypoint " in script and "airflow_setup.py" in script
    assert init["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"
    assert init["environment"]["_AIRFLOW_WWW_USER_CREATE"] == "true"
    for folder in ("logs", "config", "plugins"):
        assert f"/opt/airflow/{folder}" in script


def test_pipeline_uses_its_own_s3_key_not_minio_root():
    env = airflow_env()
    s3 = json.loads(interpolate(env["AIRFLOW_CONN_DIRECTIVES_S3"]))
    assert s3["conn_type"] == "aws" and s3["extra"]["endpoint_url"] == "http://minio:9000"
    minio_env = {k: interpolate(v) for k, v in compose()["services"]["minio"]["environment"].items()}
    assert s3["login"] != minio_env["MINIO_ROOT_USER"]
    assert s3["password"] != minio_env["MINIO_ROOT_PASSWORD"]
    init = compose()["services"]["minio-init"]
    script = " ".join(init["command"])
    assert "mc admin user add" in script and "mc mb" in script
    assert interpolate(init["environment"]["PIPELINE_ACCESS_KEY"]) == s3["login"]
    warehouse = json.loads(interpolate(env["AIRFLOW_CONN_DIRECTIVES_WAREHOUSE"]))
    assert warehouse["conn_type"] == "postgres" and warehouse["host"] == "warehouse-db"


@pytest.mark.parametrize("portal_env", ["DIRECTIVES_SIM_URL_SIM_QUANGNGAI_TU"])
def test_simulator_urls_point_at_the_simulator_service(portal_env):
    assert airflow_env()[portal_env].startswith("http://simulator:")
    assert "demo" in compose()["services"]["simulator"]["profiles"]


def test_images_are_pinned():
    for name, service in compose()["services"].items():
        image = service.get("image", "")
        assert ":" in image and not image.endswith(":latest"), name


def test_readme_states_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
