from pathlib import Path

import pytest

from scrapers.registry import RegistryError, load_registry

GOOD = """
portals:
  - id: demo-portal
    name: Demo
    province: {name: "Điện Biên", code: "11", merged_into: "Điện Biên"}
    level: province
    base_url: "${DEMO_URL:-http://127.0.0.1:9999}"
    cms: nukeviet-laws
    listing_paths: ["/van-ban/"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portals.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_registry_is_valid_and_unverified_portals_are_disabled():
    portals = load_registry()
    assert {p.id for p in portals if p.enabled} == {
        "sim-quangngai-tu",
        "sim-thanhhoa-camthuy-hu",
        "sim-gialai-tu",
    }
    real = [p for p in portals if not p.id.startswith("sim-")]
    assert real and all(not p.verified for p in real)
    assert {"nukeviet-laws", "news-article"} <= {p.cms for p in portals}


def test_environment_references_are_expanded(tmp_path):
    path = write(tmp_path, GOOD)
    assert load_registry(path, env={})[0].base_url == "http://127.0.0.1:9999"
    portal = load_registry(path, env={"DEMO_URL": "http://127.0.0.1:1234"})[0]
    assert portal.base_url == "http://127.0.0.1:1234"
    assert portal.host == "127.0.0.1:1234"
    assert portal.dag_id == "ingest_demo_portal"
    assert portal.listing_urls() == ["http://127.0.0.1:1234/van-ban/"]


@pytest.mark.parametrize(
    "change, message",
    [
        (("level: province", "level: village"), "level"),
        (("    cms: nukeviet-laws\n", ""), "cms"),
        (("id: demo-portal", "id: Demo Portal"), "id"),
        (('base_url: "${DEMO_URL:-http://127.0.0.1:9999}"', "base_url: ftp://x"), "base_url"),
    ],
)
def test_invalid_entries_are_named(tmp_path, change, message):
    with pytest.raises(RegistryError, match=message):
        load_registry(write(tmp_path, GOOD.replace(*change)), env={})


def test_duplicate_ids_are_refused(tmp_path):
    body = GOOD.split("portals:\n")[1]
    with pytest.raises(RegistryError, match="twice"):
        load_registry(write(tmp_path, "portals:\n" + body + body), env={})
