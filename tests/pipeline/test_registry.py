from pathlib import Path

import pytest

from scrapers.registry import DEFAULT_REGISTRY, RegistryError, load_registry

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


def test_shipped_registry_is_valid():
    # Only valid: which portals an operator enables there is theirs to choose.
    portals = load_registry(DEFAULT_REGISTRY)
    assert {"nukeviet-laws", "news-article"} <= {p.cms for p in portals}


def test_tests_read_their_own_registry_where_unverified_portals_are_disabled():
    portals = load_registry()  # $DIRECTIVES_REGISTRY, set by tests/conftest.py
    assert {p.id for p in portals if p.enabled} == {
        "sim-quangngai-tu",
        "sim-thanhhoa-camthuy-hu",
        "sim-gialai-tu",
    }
    real = [p for p in portals if not p.id.startswith("sim-")]
    assert real and all(not p.verified and not p.enabled for p in real)


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


@pytest.mark.parametrize(
    "change, message",
    [
        # a misspelt key is refused at its line, with the key it was probably meant to be
        (
            ("    listing_paths:", "    enabeld: true\n    listing_paths:"),
            r"line 9: .*unknown field 'enabeld' \(did you mean 'enabled'\?\)",
        ),
        (
            ("cms: nukeviet-laws", "cms: nukeviet-law"),
            r"line 8: .*unknown cms 'nukeviet-law' \(did you mean 'nukeviet-laws'\?\)",
        ),
        (
            ("cms: nukeviet-laws", "cms: wordpress"),
            r"unknown cms 'wordpress'; known: news-article, nukeviet-laws",
        ),
        (
            ('listing_paths: ["/van-ban/"]', 'listing_paths: ["/van-ban/"]\n    options:\n      max_page: 3'),
            r"line 11: .*unknown option for cms nukeviet-laws 'max_page' \(did you mean 'max_pages'\?\)",
        ),
        (
            (
                'listing_paths: ["/van-ban/"]',
                'listing_paths: ["/van-ban/"]\n    options: {article_pattern: "x"}',
            ),
            r"unknown option for cms nukeviet-laws 'article_pattern'",
        ),
        (
            ('merged_into: "Điện Biên"', 'merge_into: "Điện Biên"'),
            r"line 5: .*unknown province field 'merge_into' \(did you mean 'merged_into'\?\)",
        ),
    ],
)
def test_unknown_names_are_refused_with_the_line_and_a_suggestion(tmp_path, change, message):
    with pytest.raises(RegistryError, match=message):
        load_registry(write(tmp_path, GOOD.replace(*change)), env={})


def test_options_every_adapter_declares_are_accepted(tmp_path):
    options = (
        "    options: {max_pages: 3, extra_hosts: [cdn.example.vn], degraded_threshold: 0.3,"
        " allow_private_network: true, full_walk_every: 5}\n"
    )
    news = GOOD.replace("cms: nukeviet-laws", "cms: news-article") + options.replace(
        "}", ", page_param: Page}"
    )
    assert load_registry(write(tmp_path, GOOD + options), env={})[0].options["degraded_threshold"] == 0.3
    assert load_registry(write(tmp_path, news), env={})[0].options["page_param"] == "Page"
    assert load_registry(write(tmp_path, GOOD + options), env={})[0].options["full_walk_every"] == 5


@pytest.mark.parametrize("value", ["0", "-2", "2.5", "weekly", "true"])
def test_full_walk_every_must_count_runs(tmp_path, value):
    text = GOOD + f"    options: {{full_walk_every: {value}}}\n"
    with pytest.raises(RegistryError, match=r"line 10: .*options.full_walk_every must be a whole number"):
        load_registry(write(tmp_path, text), env={})
