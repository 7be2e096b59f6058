"""Alerts: when a listing counts as shrunk, and delivery to a webhook (a real HTTP endpoint on 127.0.0.1)."""

from __future__ import annotations

import pytest

from pipeline.alerts import failure_message, listing_shrank, send_alert, shrank_message


@pytest.mark.parametrize(
    ("found", "previously", "limit", "shrank"),
    [
        (3, 10, None, True),  # lost more than half
        (5, 10, None, False),  # half is still within what a portal does
        (1, 3, None, False),  # too small a listing to judge
        (0, None, None, False),  # no earlier run
        (20, 100, 20, False),  # capped by --limit / max documents per run, not shrunk
    ],
)
def test_a_listing_shrinks_only_markedly_and_against_a_real_yardstick(found, previously, limit, shrank):
    assert listing_shrank(found, previously, limit) is shrank


def test_messages_name_the_portal_and_the_next_step():
    text = shrank_message("sim-gialai-tu", 2, 40, "run-9")
    assert "sim-gialai-tu" in text and "2" in text and "40" in text and "directives discover" in text
    failed = failure_message("sim-gialai-tu", "discover", RuntimeError("found no documents at /x"), "r")
    assert "markup" in failed


@pytest.fixture
def webhook(alert_webhook):
    """The local webhook's address (without its path) and what it received."""
    import os

    return os.environ["DIRECTIVES_ALERT_WEBHOOK"].removesuffix("/hook"), alert_webhook


def test_an_alert_reaches_the_webhook(webhook):
    url, received = webhook
    assert send_alert("portal changed", webhook=url + "/hook") is True
    assert received == [{"text": "portal changed"}]


def test_a_broken_alert_channel_is_reported_not_raised(webhook):
    url, received = webhook
    assert send_alert("portal changed", webhook=url + "/down") is False
    assert send_alert("portal changed", webhook="http://127.0.0.1:9/none") is False
