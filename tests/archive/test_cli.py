"""`directives search`, `backfill-links` and `eval-links` as a user runs them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from directives_cli.main import cli
from tests.archive.conftest import DOCS
from warehouse.db import Warehouse


@pytest.fixture
def warehouse_env(tmp_path, monkeypatch):
    url = f"duckdb:///{tmp_path / 'wh.duckdb'}"
    with Warehouse.connect(url) as wh:
        wh.migrate()
        for row in DOCS:
            wh.upsert_document(row)
    monkeypatch.setenv("DIRECTIVES_WAREHOUSE_URL", url)
    return url


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_search_finds_without_accents_and_shows_snippets(warehouse_env):
    result = run("search", "dang uy")
    assert result.exit_code == 0, result.output
    assert "125-KL/TU" in result.output and "Đảng" in result.output
    assert "125-KL/TU" in run("search", "chi thi", "--type", "KL").output


def test_search_errors_are_clear(warehouse_env):
    limit = run("search", "x", "--limit", "-1")
    assert limit.exit_code == 2 and "limit must be between 1 and 200, got -1" in limit.output
    portal = run("search", "x", "--portal", "nope")
    assert portal.exit_code == 2 and "unknown portal 'nope'" in portal.output
    nothing = run("search", "zzzz")
    assert nothing.exit_code == 1 and "no document matches 'zzzz'" in nothing.output


def test_backfill_recomputes_the_derived_tables(warehouse_env):
    with Warehouse.connect(warehouse_env) as wh:
        for table in ("search_index", "citations", "assignments"):
            wh.execute(f"DELETE FROM {table}")
    assert run("search", "dang uy").exit_code == 1
    result = run("backfill-links")
    assert result.exit_code == 0, result.output
    assert '"documents": 4' in result.output and '"citations": 2' in result.output
    assert run("search", "dang uy").exit_code == 0
    again = run("backfill-links")
    with Warehouse.connect(warehouse_env) as wh:
        assert wh.scalar("SELECT count(*) FROM citations") == 2
    assert again.output == result.output


def test_eval_links_reports_the_targets():
    from parsers.links_eval import evaluate_assignments, evaluate_citations

    citations, _ = evaluate_citations()
    assignments, _ = evaluate_assignments()
    assert citations.labelled >= 200
    assert citations.precision >= 0.9 and citations.recall >= 0.8
    assert assignments.precision >= 0.9 and assignments.recall >= 0.8
    result = run("eval-links")
    assert result.exit_code == 0 and "citations" in result.output and "assignments" in result.output


def test_compose_serves_the_page_on_the_host_loopback_only():
    from pathlib import Path

    import yaml

    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
    web = compose["services"]["archive-web"]
    assert web["entrypoint"][:2] == ["directives", "serve"]
    assert all(str(port).startswith("127.0.0.1:") for port in web["ports"])
