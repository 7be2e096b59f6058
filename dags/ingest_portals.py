"""One DAG per enabled portal in the registry (config/portals.yaml, or $DIRECTIVES_REGISTRY)."""

from directives_factory import build_portal_dag

from scrapers.registry import load_registry

for _portal in load_registry():
    if _portal.enabled:
        globals()[_portal.dag_id] = build_portal_dag(_portal)
