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


def test_stages_run_in_order(dagbag):
    for dag in (d for d in dagbag.dags.values() if d.dag_id.startswith("ingest_")):
        order = [t.task_id for t in dag.topological_sort()]
        assert order == ["discover", "fetch", "extract", "validate", "load"]
        assert dag.max_active_runs == 1
