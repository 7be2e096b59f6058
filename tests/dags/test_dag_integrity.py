"""The DAG folder imports cleanly and yields exactly one DAG per enabled portal, each with alerting."""

from scrapers.registry import load_registry


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_one_dag_per_enabled_portal(dagbag):
    expected = {p.dag_id for p in load_registry() if p.enabled}
    assert set(dagbag.dag_ids) == expected | {"fixity_audit"}


def test_every_dag_and_task_has_a_failure_callback(dagbag):
    for dag in dagbag.dags.values():
        assert dag.on_failure_callback, dag.dag_id
        for task in dag.tasks:
            assert task.on_failure_callback, f"{dag.dag_id}.{task.task_id}"


CRAWL = ["choose_path", "discover", "split", "chunks.fetch", "chunks.extract", "validate", "load"]


def test_stages_run_in_order(dagbag):
    """The crawl path in order, fetch -> extract mapped over chunks; reprocess the other branch."""
    for dag in (d for d in dagbag.dags.values() if d.dag_id.startswith("ingest_")):
        for upstream, downstream in zip(CRAWL, CRAWL[1:], strict=False):
            assert downstream in dag.get_task(upstream).downstream_task_ids, (upstream, downstream)
        assert dag.get_task("load").upstream_task_ids == {"validate", "chunks.extract"}
        assert dag.get_task("choose_path").downstream_task_ids == {"discover", "reprocess"}
        assert dag.get_task("reprocess").downstream_task_ids == set()
        mapped = {t.task_id for t in dag.tasks if t.get_closest_mapped_task_group() is not None}
        assert mapped == {"chunks.fetch", "chunks.extract"}
        assert dag.max_active_runs == 1
