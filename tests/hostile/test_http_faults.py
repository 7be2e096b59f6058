"""Issue rows 1-4 and 12: every request (robots.txt included) goes through one fence, one size cap and a
total deadline; resets and truncated bodies are retried; private addresses are refused by default."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from scrapers.http import (
    FetchLimits,
    FetchTimeout,
    HTTPStatusError,
    PoliteSession,
    PrivateAddress,
    RobotsDisallowed,
    TransientFetchError,
    refused_address,
)
from simulator.faults import Fault
from tests.hostile.conftest import PDF_BYTES, StaticHandler, serve

FAST = FetchLimits(retries=2, backoff_factor=0.01, connect_timeout=2, read_timeout=5, total_timeout=10)


def session_for(url: str, limits: FetchLimits = FAST, **kwargs) -> PoliteSession:
    kwargs.setdefault("allow_private_network", True)  # the test servers listen on loopback
    return PoliteSession([urlsplit(url).netloc], rate_limit_per_sec=1000, limits=limits, **kwargs)


# --- row 1: robots.txt stays inside the host fence -----------------------------------------------------


def test_robots_redirect_off_host_is_not_followed(upstream, proxy):
    elsewhere, elsewhere_url = serve(StaticHandler)
    try:
        off_host = urlsplit(elsewhere_url).netloc
        proxy.set_faults(
            [Fault("redirect-off-host", match=r"^/robots\.txt$", times=None, target_host=off_host)]
        )
        StaticHandler.hits.clear()
        result = session_for(proxy.url).get(proxy.url + "/page")
        assert result.status == 200
        # the other host was never asked for anything, robots.txt included
        assert StaticHandler.hits.get("/robots.txt", 0) == 0
        assert [e.path for e in proxy.log] == ["/robots.txt", "/page"]
    finally:
        elsewhere.shutdown()
        elsewhere.server_close()


# --- row 2: robots.txt has a size cap --------------------------------------------------------------------


def test_huge_robots_txt_is_read_only_up_to_its_cap(proxy):
    size = 40 * 1024 * 1024
    proxy.set_faults([Fault("huge-robots", match=r"^/robots\.txt$", size=size)])
    limits = FetchLimits(retries=0, max_robots_bytes=64 * 1024, total_timeout=20)
    with session_for(proxy.url, limits) as s:
        # the rule at the end of the 40 MB file is beyond the cap: ignored, so the URL is fetched
        s.get(proxy.url + "/page")
    robots = next(e for e in proxy.log if e.path == "/robots.txt")
    assert robots.aborted or robots.bytes_sent < size  # the client hung up instead of reading 40 MB


def test_robots_rules_within_the_cap_still_apply(proxy):
    with pytest.raises(RobotsDisallowed):
        session_for(proxy.url).get(proxy.url + "/private/x")


# --- row 3: total deadline per fetch ----------------------------------------------------------------------


def test_trickling_body_stops_at_the_total_deadline(proxy):
    proxy.set_faults([Fault("trickle", match=r"^/forty$", times=None, seconds=0.25)])  # 40 B in 10 s
    limits = FetchLimits(retries=0, read_timeout=5, total_timeout=1.5)
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="total_timeout=1.5"):
        session_for(proxy.url, limits).get(proxy.url + "/forty")
    assert time.monotonic() - started < 4


def test_trickle_is_retried_then_named(proxy):
    proxy.set_faults([Fault("trickle", match=r"^/forty$", times=1, seconds=0.25)])
    limits = FetchLimits(retries=1, backoff_factor=0.01, read_timeout=5, total_timeout=1.0)
    result = session_for(proxy.url, limits).get(proxy.url + "/forty")
    assert result.content == b"0123456789" * 4 and result.retries == 1


# --- row 4: resets and truncated bodies are retried -------------------------------------------------------


@pytest.mark.parametrize("kind", ["reset", "truncate", "stall"])
def test_transient_fault_is_retried_with_backoff(proxy, kind):
    proxy.set_faults([Fault(kind, match=r"\.pdf$", times=1, seconds=3)])
    limits = FetchLimits(retries=2, backoff_factor=0.01, read_timeout=1, total_timeout=5)
    result = session_for(proxy.url, limits).get(proxy.url + "/doc.pdf")
    assert result.content == PDF_BYTES
    assert result.retries == 1
    assert [e.fault for e in proxy.log if e.path == "/doc.pdf"] == [kind, None]


def test_truncated_body_that_stays_truncated_is_a_named_error(proxy):
    proxy.set_faults([Fault("truncate", match=r"\.pdf$", times=None)])
    with pytest.raises(TransientFetchError, match=r"body cut short.*after 2 retries"):
        session_for(proxy.url).get(proxy.url + "/doc.pdf")
    assert len([e for e in proxy.log if e.path == "/doc.pdf"]) == 3


def test_429_waits_for_retry_after(proxy):
    proxy.set_faults([Fault("retry-after", match=r"\.pdf$", times=1, seconds=1)])
    started = time.monotonic()
    result = session_for(proxy.url).get(proxy.url + "/doc.pdf")
    assert result.content == PDF_BYTES and time.monotonic() - started >= 1.0


def test_persistent_5xx_names_the_status_and_the_retries(proxy):
    proxy.set_faults([Fault("status", match=r"\.pdf$", times=None, status=502)])
    with pytest.raises(HTTPStatusError, match=r"HTTP 502 \(after 2 retries\)") as info:
        session_for(proxy.url).get(proxy.url + "/doc.pdf")
    assert info.value.status == 502


# --- row 12: private addresses after resolution ----------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:10.0.0.1",
    ],
)
def test_private_link_local_multicast_reserved_addresses_are_refused(address):
    assert refused_address(address, 80) is not None


def test_public_address_is_allowed():
    assert refused_address("93.184.216.34", 80) is None


def test_name_resolving_to_loopback_is_refused_before_any_request(upstream):
    port = urlsplit(upstream).port
    StaticHandler.hits.clear()
    s = PoliteSession([f"localhost:{port}"], rate_limit_per_sec=1000, limits=FAST)
    with pytest.raises(PrivateAddress, match="allow_private_network"):
        s.get(f"http://localhost:{port}/page")
    assert StaticHandler.hits == {}  # not even robots.txt was asked for


def test_registry_flag_allows_a_local_portal(upstream):
    from scrapers.registry import portal_from_entry

    entry = {
        "id": "local-test",
        "name": "local",
        "province": {"name": "Quảng Ngãi", "code": "51"},
        "level": "province",
        "base_url": upstream.replace("127.0.0.1", "localhost"),
        "cms": "nukeviet-laws",
    }
    refused = PoliteSession.for_portal(portal_from_entry(entry), limits=FAST)
    with pytest.raises(PrivateAddress):
        refused.get(entry["base_url"] + "/page")
    allowed_entry = {**entry, "options": {"allow_private_network": True}}
    allowed = PoliteSession.for_portal(portal_from_entry(allowed_entry), limits=FAST)
    assert allowed.get(entry["base_url"] + "/page").status == 200


def test_redirect_hop_to_private_address_is_refused(proxy, upstream):
    # The fence (scheme, host, address) applies to every hop, not only the first URL.
    proxy.set_faults([Fault("redirect-off-host", match=r"^/page$", target_host="169.254.169.254")])
    s = PoliteSession(
        [urlsplit(proxy.url).netloc, "169.254.169.254"],
        rate_limit_per_sec=1000,
        limits=FAST,
        allow_private_network=False,
    )
    with pytest.raises(PrivateAddress):
        s.get(proxy.url + "/page")  # the first hop itself is loopback: refused before the redirect
    s.allow_private_network = True
    s._check_url(proxy.url + "/page")  # loopback allowed once the flag is set
