"""Polite, bounded HTTP for scraping portals: the one place every request of a crawl goes through.

Every request, robots.txt included: stays on the portal's own hosts (scheme, host and each redirect hop are
checked before they are requested), refuses hosts that resolve to private, loopback, link-local, multicast
or reserved addresses unless the portal's registry entry sets `allow_private_network: true` (the local
simulator does), honours robots.txt, waits its turn per host (rate limit), has connect/read timeouts, a
total deadline per attempt and a hard size cap (robots.txt its own, smaller one). Transient failures (5xx,
429 with its Retry-After, connection resets, truncated bodies, timeouts) are retried with exponential
backoff, here rather than in urllib3, so that a body cut short is retried like a 503 and every retry is
counted. Each completed fetch yields a FetchResult with its SHA-256 so it can be logged and stored.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from protego import Protego
from requests.adapters import HTTPAdapter

log = logging.getLogger(__name__)

USER_AGENT = "party-directives-archiver/0.1 (+https://example.invalid/party-directives; archival crawler)"
REDIRECT_CODES = (301, 302, 303, 307, 308)
RETRY_STATUSES = (429, 500, 502, 503, 504)
_CHUNK = 64 * 1024


class FetchError(RuntimeError):
    """A fetch that failed for a reason worth recording (the message says which URL and why)."""


class OffHostURL(FetchError):
    pass


class PrivateAddress(OffHostURL):
    """The host resolves to an address a public portal never has (private, loopback, link-local...)."""


class RobotsDisallowed(FetchError):
    pass


class ResponseTooLarge(FetchError):
    pass


class FetchTimeout(FetchError):
    """The whole fetch (headers and body) took longer than FetchLimits.total_timeout."""


class TransientFetchError(FetchError):
    """A reset, a truncated body or a timeout that was still failing after the retries."""


class HTTPStatusError(FetchError):
    def __init__(self, url: str, status: int, detail: str = ""):
        super().__init__(f"{url}: HTTP {status}{detail}")
        self.status = status


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 60.0  # longest silence between two reads
    total_timeout: float = 300.0  # wall clock for one attempt, headers and whole body: a trickle stops here
    max_bytes: int = 50 * 1024 * 1024
    # Google and RFC 9309 read the first 500 KiB of a robots.txt; the rest is ignored, never buffered.
    max_robots_bytes: int = 500 * 1024
    retries: int = 3
    backoff_factor: float = 0.5  # waits backoff_factor * 2**attempt seconds
    max_backoff: float = 30.0
    max_retry_after: float = 120.0  # a longer Retry-After is not waited for: the fetch fails instead
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
    retries: int = 0  # attempts beyond the first this fetch needed

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


@dataclass
class _Answer:
    """One HTTP exchange as read off the wire (a redirect carries no body)."""

    url: str
    status: int
    reason: str
    headers: requests.structures.CaseInsensitiveDict
    request_headers: tuple[tuple[str, str], ...]
    content: bytes = b""
    retry_after: float | None = None


@dataclass
class FetchStats:
    """What a session did, for run summaries and the fault-matrix benchmark."""

    requests: int = 0
    retries: int = 0
    retry_reasons: list[str] = field(default_factory=list)


class _Retry(Exception):
    def __init__(self, error: FetchError, wait: float | None = None):
        super().__init__(str(error))
        self.error = error
        self.wait = wait


def _conditional_headers(validators: Mapping[str, str | None] | None) -> dict[str, str]:
    headers = {}
    if validators and validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators and validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def refused_address(host: str, port: int) -> str | None:
    """The first resolved address of `host` a public portal cannot have, or None when all are public.

    Every address is checked: a name with one public and one private record is refused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast or address.is_reserved:
            return str(address)
    return None


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


def _plain_session(user_agent: str) -> requests.Session:
    # No urllib3 retries: PoliteSession retries whole fetches itself (a truncated body included).
    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    adapter = HTTPAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class PoliteSession:
    """Fetches for one portal: its hosts only, robots.txt honoured, rate-limited, size- and time-capped."""

    def __init__(
        self,
        allowed_hosts: Iterable[str],
        rate_limit_per_sec: float = 1.0,
        limits: FetchLimits | None = None,
        user_agent: str = USER_AGENT,
        on_fetch: Callable[[FetchResult | None, str, Exception | None], None] | None = None,
        respect_robots: bool = True,
        allow_private_network: bool = False,
    ) -> None:
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.rate = rate_limit_per_sec
        self.limits = limits or FetchLimits()
        self.user_agent = user_agent
        self.on_fetch = on_fetch
        self.respect_robots = respect_robots
        self.allow_private_network = allow_private_network
        self.stats = FetchStats()
        self._session = _plain_session(user_agent)
        self._robots: dict[str, Protego | None] = {}

    @classmethod
    def for_portal(cls, portal, **kwargs) -> PoliteSession:
        hosts = [portal.host, *portal.options.get("extra_hosts", ())]
        kwargs.setdefault("allow_private_network", bool(portal.options.get("allow_private_network", False)))
        return cls(hosts, rate_limit_per_sec=portal.rate_limit_per_sec, **kwargs)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> PoliteSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the fence ----------------------------------------------------------------------------------------

    def _check_url(self, url: str) -> str:
        """Scheme, host fence and resolved addresses of one URL (each redirect hop comes here again)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise OffHostURL(f"{url}: only http(s) URLs are fetched")
        host = parts.netloc.lower()
        if host not in self.allowed_hosts:
            raise OffHostURL(f"{url}: host {host} is not one of this portal's hosts")
        if not self.allow_private_network:
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
            except ValueError as exc:
                raise OffHostURL(f"{url}: invalid port") from exc
            refused = refused_address(parts.hostname or "", port)
            if refused:
                raise PrivateAddress(
                    f"{url}: {parts.hostname} resolves to {refused}, a private/loopback/link-local/reserved"
                    " address (set allow_private_network: true in the registry entry only for a local host)"
                )
        return host

    def _robots_for(self, url: str) -> Protego | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._fetch_robots(origin + "/robots.txt")
        return self._robots[origin]

    def _fetch_robots(self, robots_url: str) -> Protego | None:
        try:
            answer = self._follow(robots_url, {}, self.limits.max_robots_bytes, robots=True)
        except FetchError as exc:
            # No reachable robots.txt (refused hop, reset, 5xx after retries) means everything is allowed,
            # rather than blocking an archive on a broken server; the reason is logged.
            log.warning("robots.txt not used: %s", exc)
            return None
        if answer.status != 200:
            return None  # 4xx: no robots.txt, everything allowed
        return Protego.parse(answer.content.decode("utf-8", errors="replace"))

    def _check_robots(self, url: str) -> None:
        if not self.respect_robots:
            return
        robots = self._robots_for(url)
        if robots is not None and not robots.can_fetch(url, self.user_agent):
            raise RobotsDisallowed(f"{url}: disallowed by robots.txt")

    # --- fetching -----------------------------------------------------------------------------------------

    def get(self, url: str, validators: Mapping[str, str | None] | None = None) -> FetchResult:
        """GET a URL of this portal; raises FetchError (or a subclass) with a readable reason.

        With `validators` (the `etag` / `last_modified` of an earlier response) the request is conditional:
        an unchanged resource answers 304 with an empty body, so a revisit transfers nothing.
        """
        retries_before = self.stats.retries
        started = time.monotonic()
        try:
            answer = self._follow(url, _conditional_headers(validators), self.limits.max_bytes)
        except FetchError as exc:
            if self.on_fetch:
                self.on_fetch(None, url, exc)
            raise
        result = FetchResult(
            url=url,
            final_url=answer.url,
            status=answer.status,
            content=answer.content,
            content_type=answer.headers.get("Content-Type"),
            sha256=hashlib.sha256(answer.content).hexdigest(),
            fetched_at=datetime.now(UTC),
            elapsed_ms=int((time.monotonic() - started) * 1000),
            etag=answer.headers.get("ETag"),
            last_modified=answer.headers.get("Last-Modified"),
            reason=answer.reason,
            headers=tuple(answer.headers.items()),
            request_headers=answer.request_headers,
            retries=self.stats.retries - retries_before,
        )
        if self.on_fetch:
            self.on_fetch(result, url, None)
        return result

    def get_text(self, url: str) -> str:
        return self.get(url).text()

    def _follow(self, url: str, headers: dict[str, str], max_bytes: int, robots: bool = False) -> _Answer:
        """Follow redirects by hand, so that every hop passes the fence before it is requested."""
        current = url
        for _ in range(self.limits.max_redirects + 1):
            self._check_url(current)
            if not robots:
                self._check_robots(current)
            answer = self._with_retries(current, headers, max_bytes, truncate=robots)
            if answer.status in REDIRECT_CODES and "Location" in answer.headers:
                current = urljoin(current, answer.headers["Location"])
                continue
            if answer.status >= 400 and not robots:
                raise HTTPStatusError(current, answer.status)
            return answer
        raise FetchError(f"{url}: more than {self.limits.max_redirects} redirects")

    def _with_retries(self, url: str, headers: dict[str, str], max_bytes: int, truncate: bool) -> _Answer:
        attempt = 0
        while True:
            try:
                answer = self._attempt(url, headers, max_bytes, truncate)
                if answer.status not in RETRY_STATUSES:
                    return answer
                if attempt >= self.limits.retries:
                    raise HTTPStatusError(url, answer.status, f" (after {attempt} retries)")
                raise _Retry(HTTPStatusError(url, answer.status), answer.retry_after)
            except _Retry as retry:
                if attempt >= self.limits.retries:
                    raise type(retry.error)(f"{retry.error} (after {attempt} retries)") from None
                wait = min(self.limits.backoff_factor * 2**attempt, self.limits.max_backoff)
                if retry.wait is not None:
                    if retry.wait > self.limits.max_retry_after:
                        raise FetchError(
                            f"{retry.error}: Retry-After {retry.wait:g} s is longer than "
                            f"max_retry_after={self.limits.max_retry_after:g} s"
                        ) from None
                    wait = max(wait, retry.wait)
                attempt += 1
                self.stats.retries += 1
                self.stats.retry_reasons.append(str(retry.error))
                log.info("retry %d/%d in %.2f s: %s", attempt, self.limits.retries, wait, retry.error)
                time.sleep(wait)

    def _attempt(self, url: str, headers: dict[str, str], max_bytes: int, truncate: bool) -> _Answer:
        """One request; transient failures raise _Retry, permanent ones FetchError."""
        _THROTTLE.wait(urlsplit(url).netloc.lower(), self.rate)
        deadline = time.monotonic() + self.limits.total_timeout
        self.stats.requests += 1
        read_timeout = min(self.limits.read_timeout, self.limits.total_timeout)
        try:
            with self._session.get(
                url,
                stream=True,
                allow_redirects=False,
                headers=headers,
                timeout=(self.limits.connect_timeout, read_timeout),
            ) as response:
                answer = _Answer(
                    url=url,
                    status=response.status_code,
                    reason=response.reason or "",
                    headers=response.headers,
                    request_headers=tuple(response.request.headers.items()),
                )
                if answer.status in RETRY_STATUSES:
                    answer.retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                elif answer.status < 300 and answer.status != 204:
                    answer.content = self._read_capped(response, url, max_bytes, deadline, truncate)
                return answer
        except FetchTimeout as exc:
            raise _Retry(exc) from None
        except requests.exceptions.ChunkedEncodingError as exc:
            raise _Retry(TransientFetchError(f"{url}: body cut short ({_cause(exc)})")) from None
        except requests.exceptions.ContentDecodingError as exc:
            raise FetchError(f"{url}: undecodable body ({_cause(exc)})") from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise _Retry(TransientFetchError(f"{url}: {type(exc).__name__} ({_cause(exc)})")) from None
        except requests.RequestException as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None

    def _read_capped(
        self, response: requests.Response, url: str, max_bytes: int, deadline: float, truncate: bool
    ) -> bytes:
        """The body, read one network read at a time so the size cap and the deadline are checked between
        reads (a body trickling one byte per second never makes a read time out). With `truncate` the
        first max_bytes are kept and the rest is never read (robots.txt)."""
        declared = response.headers.get("Content-Length")
        if not truncate and declared and declared.isdigit() and int(declared) > max_bytes:
            raise ResponseTooLarge(f"{url}: Content-Length {declared} exceeds {max_bytes} bytes")
        raw = response.raw
        chunks, total = [], 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise FetchTimeout(
                        f"{url}: not complete after total_timeout={self.limits.total_timeout:g} s "
                        f"({total} bytes read)"
                    )
                chunk = raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    if truncate:
                        chunks.append(chunk[: max_bytes - (total - len(chunk))])
                        break
                    raise ResponseTooLarge(f"{url}: body exceeds {max_bytes} bytes")
                chunks.append(chunk)
        except urllib3.exceptions.DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(exc) from exc
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.ReadTimeoutError) as exc:
            raise requests.exceptions.ChunkedEncodingError(exc) from exc
        except OSError as exc:
            raise requests.exceptions.ConnectionError(exc) from exc
        content = b"".join(chunks)
        encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        if not truncate and not encoded and declared and declared.isdigit() and len(content) < int(declared):
            raise requests.exceptions.ChunkedEncodingError(f"{len(content)} of {declared} bytes")
        return content


def _cause(exc: BaseException) -> str:
    """The innermost reason of a requests/urllib3 error chain, short (e.g. 'IncompleteRead(5 bytes read)')."""
    inner: BaseException = exc
    while True:
        args = getattr(inner, "args", ())
        nested = next((a for a in args if isinstance(a, BaseException)), None)
        if nested is None and getattr(inner, "reason", None) is not None:
            nested = inner.reason if isinstance(inner.reason, BaseException) else None
        if nested is None or nested is inner:
            break
        inner = nested
    text = f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__
    return text[:200]
