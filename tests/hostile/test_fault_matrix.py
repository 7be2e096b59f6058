"""The fault matrix (issue 8): a simulated portal through each network fault loses no document, makes no
duplicate, ends with the right status and reasons, and a clean rerun recovers everything.

The same code prints the table: `.venv/bin/python benchmarks/fault_matrix.py`."""

from __future__ import annotations

import pytest

from benchmarks.fault_matrix import PORTAL_ID, format_table, run_matrix, scenarios


@pytest.fixture(scope="module")
def outcomes(simulator, s3_server, tmp_path_factory):
    results = run_matrix(
        simulator.base_urls[PORTAL_ID],
        (s3_server.endpoint, s3_server.access_key, s3_server.secret_key),
        tmp_path_factory.mktemp("matrix"),
    )
    print("\n" + format_table(results))
    return {o.fault: o for o in results}


EXPECTED = {s.name: s for s in scenarios("/x.pdf", "/van-ban/page-2/")}


@pytest.mark.parametrize("fault", list(EXPECTED))
def test_fault(outcomes, fault):
    outcome, expected, reference = outcomes[fault], EXPECTED[fault], outcomes["none"]
    assert outcome.error is None, outcome.error
    assert outcome.lost == 0, "every discovered document is loaded or quarantined"
    assert outcome.duplicates == 0
    assert outcome.status == expected.status
    assert outcome.rerun_status == "success" and outcome.rerun_recovered
    if expected.listing_failure:
        assert [f["url"].rsplit("/", 2)[-2] for f in outcome.listing_failures] == ["page-2"]
        assert "HTTP 503" in outcome.listing_failures[0]["reason"]
        assert outcome.missed_named == outcome.documents - outcome.discovered > 0
    elif expected.file_lost_to_quarantine:
        assert (outcome.loaded, outcome.quarantined) == (reference.loaded - 1, reference.quarantined + 1)
    else:
        assert (outcome.loaded, outcome.quarantined) == (reference.loaded, reference.quarantined)
    assert (outcome.retries >= 1) == expected.retried
