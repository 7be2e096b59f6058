"""Polite, bounded HTTP for scraping portals.

Every request: stays on the portal's own hosts, honours robots.txt, waits its turn per host (rate limit),
retries transient failures with backoff (urllib3's Retry), has connect/read timeouts and a hard size cap.
Each completed fetch yields a FetchResult with its SHA-256 so it can be logged and stored as evidence.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

USER_AGENT = "party-directives-archiver/0.1 (+https://example.invalid/party-directives; archival crawler)"
REDIRECT_CODES = (301, 302, 303, 307, 308)


class FetchError(RuntimeError):
    """A fetch that failed for a reason worth recording (the message says which URL and why)."""


class OffHostURL(FetchError):
    pass


class RobotsDisallowed(FetchError):
    pass


class ResponseTooLarge(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, url: str, status: int):
        super().__init__(f"{url}: HTTP {status}")
        self.status = status


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_bytes: int = 50 * 1024 * 1024
    retries: int = 3
    backoff_factor: float = 0.5
    max_redirects: int = 5


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    sha256: str
    fetched_at: datetime
    elapsed_ms: int
    etag: str | None = None
    last_modified: str | None = None
    # what the server and we said, for the crawl's WARC file (scrapers.warc)
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    request_headers: tuple[tuple[str, str], ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def size(self) -> int:
        return len(self.content)

    def text(self) -> str:
        # Portals declare charsets unreliably; Vietnamese pages are UTF-8 in practice, and a wrong
        # guess silently mangles diacritics, so decode strictly as UTF-8 first.
        try:
            return self.content.decode("utf-8")
        except UnicodeDecodeError:
            return self.content.decode("cp1258", errors="replace")


def _conditional_headers(validators: Mapping[str, str | None] | None) -> dict[str, str]:
    headers = {}
    if validators and validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators and validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers


class HostThrottle:
    """Minimum interval between requests to the same host, shared by all threads of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}

    def wait(self, host: str, rate_per_sec: float) -> None:
        interval = 1.0 / rate_per_sec
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + interval
        delay = slot - time.monotonic()
        if delay > 0:
            time.sleep(delay)


_THROTTLE = HostThrottle()


def _retrying_session(limits: FetchLimits, user_agent: str) -> requests.Session:
    retry = Retry(
        total=limits.retries,
        backoff_factor=limits.backoff_factor,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET", "HEAD"),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class PoliteSession:
    """Fetches for one portal: its hosts only, robots.txt honoured, rate-limited, size-capped."""

    def __init__(
        self,
        allowed_hosts: Iterable[str],
        rate_limit_per_sec: float = 1.0,
        limits: FetchLimits | None = None,
        user_agent: str = USER_AGENT,
        on_fetch: Callable[[FetchResult | None, str, Exception | None], None] | None = None,
        respect_robots: bool = True,
    ) -> None:
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.rate = rate_limit_per_sec
        self.limits = limits or FetchLimits()
        self.user_agent = user_agent
        self.on_fetch = on_fetch
        self.respect_robots = respect_robots
        self._session = _retrying_session(self.limits, user_agent)
        self._robots: dict[str, Protego | None] = {}

    @classmethod
    def for_portal(cls, portal, **kwargs) -> PoliteSession:
        hosts = [portal.host, *portal.options.get("extra_hosts", ())]
        return cls(hosts, rate_limit_per_sec=portal.rate_limit_per_sec, **kwargs)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> PoliteSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_host(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise OffHostURL(f"{url}: only http(s) URLs are fetched")
        host = parts.netloc.lower()
        if host not in self.allowed_hosts:
            raise OffHostURL(f"{url}: host {host} is not one of this portal's hosts")
        return host

    def _robots_for(self, url: str) -> Protego | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            robots_url = origin + "/robots.txt"
            try:
                _THROTTLE.wait(parts.netloc.lower(), self.rate)
                response = self._session.get(
                    robots_url, timeout=(self.limits.connect_timeout, self.limits.read_timeout)
                )
                # No robots.txt (4xx) means everything is allowed; a 5xx is treated the same way
                # rather than blocking an archive on a broken server.
                self._robots[origin] = Protego.parse(response.text) if response.status_code == 200 else None
            except requests.RequestException:
                self._robots[origin] = None
        return self._robots[origin]

    def _check_robots(self, url: str) -> None:
        if not self.respect_robots:
            return
        robots = self._robots_for(url)
        if robots is not None and not robots.can_fetch(url, self.user_agent):
            raise RobotsDisallowed(f"{url}: disallowed by robots.txt")

    def _read_capped(self, response: requests.Response, url: str) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise ResponseTooLarge(f"{url}: Content-Length {declared} exceeds {self.limits.max_bytes} bytes")
        chunks, total = [], 0
        for chunk in response.iter_content(chunk_size=64 * 1024):
            total += len(chunk)
            if total > self.limits.max_bytes:
                raise ResponseTooLarge(f"{url}: body exceeds {self.limits.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def get(self, url: str, validators: Mapping[str, str | None] | None = None) -> FetchResult:
        """GET a URL of this portal; raises FetchError (or a subclass) with a readable reason.

        With `validators` (the `etag` / `last_modified` of an earlier response) the request is conditional:
        an unchanged resource answers 304 with an empty body, so a revisit transfers nothing.
        """
        try:
            result = self._get(url, _conditional_headers(validators))
        except FetchError as exc:
            if self.on_fetch:
                self.on_fetch(None, url, exc)
            raise
        except requests.RequestException as exc:
            error = FetchError(f"{url}: {type(exc).__name__}: {exc}")
            if self.on_fetch:
                self.on_fetch(None, url, error)
            raise error from exc
        if self.on_fetch:
            self.on_fetch(result, url, None)
        return result

    def _get(self, url: str, headers: dict[str, str]) -> FetchResult:
        started = time.monotonic()
        current = url
        # Redirects are followed by hand so that every hop is checked against the allowed hosts
        # before it is requested.
        for _ in range(self.limits.max_redirects + 1):
            host = self._check_host(current)
            self._check_robots(current)
            _THROTTLE.wait(host, self.rate)
            with self._session.get(
                current,
                stream=True,
                allow_redirects=False,
                headers=headers,
                timeout=(self.limits.connect_timeout, self.limits.read_timeout),
            ) as response:
                if response.status_code in REDIRECT_CODES and "Location" in response.headers:
                    current = urljoin(current, response.headers["Location"])
                    continue
                if response.status_code >= 400:
                    raise HTTPStatusError(current, response.status_code)
                content = b"" if response.status_code == 304 else self._read_capped(response, current)
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=response.status_code,
                    content=content,
                    content_type=response.headers.get("Content-Type"),
                    sha256=hashlib.sha256(content).hexdigest(),
                    fetched_at=datetime.now(UTC),
                    elapsed_ms=int((time.monotonic() - started) * 1000),
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                    reason=response.reason or "",
                    headers=tuple(response.headers.items()),
                    request_headers=tuple(response.request.headers.items()),
                )
        raise FetchError(f"{url}: more than {self.limits.max_redirects} redirects")

    def get_text(self, url: str) -> str:
        return self.get(url).text()
