"""The `directives` command as an operator uses it, against the running simulator and real services."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from directives_cli.main import cli
from tests.pipeline_env import pipeline_env


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    from simulator.server import start_simulator

    with start_simulator(tmp_path_factory.mktemp("simulator")) as sim:
        yield sim


@pytest.fixture
def env(simulator, s3_server, duckdb_url, monkeypatch):
    return pipeline_env(monkeypatch, simulator, s3_server, duckdb_url, "clitest")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_every_command_has_help():
    for name in cli.commands:
        if name == "simulate":  # its own parser answers --help
            continue
        result = invoke(name, "--help")
        assert result.exit_code == 0, name
        assert "Usage:" in result.output, name


def test_portals_lists_the_enabled_ones():
    result = invoke("portals")
    assert result.exit_code == 0
    assert "sim-quangngai-tu" in result.output and "thainguyen-tu" not in result.output
    assert "thainguyen-tu" in invoke("portals", "--all").output


def test_discover_prints_json_lines_and_stores_nothing(env, simulator):
    result = invoke("discover", "sim-thanhhoa-camthuy-hu")
    assert result.exit_code == 0
    refs = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {r["doc_key"] for r in refs} == {
        str(d.doc_key) for d in simulator.state.documents("sim-thanhhoa-camthuy-hu")
    }
    published = {str(d.doc_key): d for d in simulator.state.documents("sim-thanhhoa-camthuy-hu")}
    for ref in refs:  # a constitution has no number; an HTML-only entry no file
        assert ref["listed"]["issued_date"] and ref["listed"]["doc_type_label"]
        assert bool(ref["attachments"]) == published[ref["doc_key"]].has_file


def test_discover_limit(env):
    result = invoke("discover", "sim-quangngai-tu", "--limit", "1")
    assert len([line for line in result.stdout.splitlines() if line.startswith("{")]) == 1


def test_unknown_portal_is_a_clear_error():
    result = CliRunner().invoke(cli, ["discover", "no-such-portal"])
    assert result.exit_code != 0 and "no portal 'no-such-portal'" in result.output


def test_run_then_query_the_archive(env, simulator, tmp_path):
    result = invoke("run", "sim-gialai-tu")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    published = len(simulator.state.documents("sim-gialai-tu"))
    assert summary["discovered"] == published and summary["new"] + summary["quarantined"] == published

    found = invoke("search", "168-TB/HU")
    assert found.exit_code == 0 and "168-TB/HU" in found.output
    doc_key = found.output.split()[1]
    versions = json.loads(invoke("versions", "sim-gialai-tu", doc_key).output)
    assert versions[0]["version"] == 1 and versions[0]["is_current"]

    out = tmp_path / "original.bin"
    provenance = json.loads(invoke("original", versions[0]["original_sha256"], "-o", str(out)).output)
    assert provenance["sha256"] == versions[0]["original_sha256"] and out.stat().st_size == provenance["size"]
    assert provenance["source_url"] == versions[0]["source_url"]

    parquet = tmp_path / "docs.parquet"
    assert invoke("export", str(parquet)).exit_code == 0
    import duckdb

    rows = duckdb.connect().execute(f"SELECT count(*) FROM '{parquet}'").fetchall()[0][0]
    assert rows == summary["new"]


def test_a_run_that_breaks_ends_failed_and_exits_non_zero(env, tmp_path):
    import yaml

    from scrapers.registry import get_portal
    from warehouse.services import free_port

    entry = {
        "id": "dead-portal",
        "name": "A portal that does not answer",
        "province": {"name": "Gia Lai", "code": "64", "merged_into": "Gia Lai"},
        "level": "province",
        "base_url": f"http://127.0.0.1:{free_port()}",
        "cms": get_portal("sim-gialai-tu").cms,
        "listing_paths": ["/T/van-ban-chi-dao"],
        "schedule": "@daily",
        "enabled": True,
        "verified": False,
    }
    registry = tmp_path / "portals.yaml"
    registry.write_text(yaml.safe_dump({"portals": [entry]}, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["run", "dead-portal", "--registry", str(registry), "--run-id", "r-dead"]
    )
    assert result.exit_code != 0 and "FAILED" in result.output
    from warehouse.db import Warehouse

    with Warehouse.connect(env["DIRECTIVES_WAREHOUSE_URL"]) as wh:
        run = wh.run("r-dead", "dead-portal")
    assert run["status"] == "failed" and run["error"] and run["finished_at"]


def test_degraded_is_said_plainly_and_health_and_quarantine_show_it(env, tmp_path):
    import os

    import yaml

    # The test registry's portal with a strict threshold: its corrupt PDF makes the run degraded.
    registry = yaml.safe_load(open(os.environ["DIRECTIVES_REGISTRY"], encoding="utf-8"))
    entry = next(p for p in registry["portals"] if p["id"] == "sim-quangngai-tu")
    entry["options"] = {**(entry.get("options") or {}), "degraded_threshold": 0.1}
    strict = tmp_path / "strict.yaml"
    strict.write_text(yaml.safe_dump({"portals": [entry]}, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "sim-quangngai-tu", "--registry", str(strict)])
    assert result.exit_code == 0, result.output
    assert "run DEGRADED" in result.stderr
    health = invoke("health")
    assert health.exit_code == 0 and "sim-quangngai-tu" in health.output and "degraded" in health.output
    open_rows = invoke("quarantine", "--portal", "sim-quangngai-tu").output
    assert "sha256: " in open_rows and "next: " in open_rows and "directives reprocess" in open_rows
    assert "open" in open_rows
    reprocessed = invoke("reprocess", "sim-quangngai-tu")
    assert reprocessed.exit_code == 0, reprocessed.output
    summary = json.loads(reprocessed.stdout.splitlines()[-1])
    assert summary["quarantined"] == 1 and summary["unchanged"] == summary["discovered"] - 1
    assert summary["reconciliation"]["holds"]
