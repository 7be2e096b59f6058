"""The archive's object store, always reached through the `minio` SDK so any S3-compatible server works.

Originals are content-addressed (`originals/sha256/<aa>/<bb>/<sha256>`) and written once: a second put of the
same bytes re-hashes the stored object (streamed) and writes nothing when it is intact, which is how a rerun
that finds nothing new writes no new object; a stored object whose bytes no longer hash to its name is
repaired from the bytes just fetched (they do hash to it) and reported as a fixity event. Their
provenance travels as `x-amz-meta-*` metadata; values are percent-encoded because S3 metadata is ASCII-only
and source URLs carry Vietnamese.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import urllib3
from minio import Minio
from minio.error import InvalidResponseError, S3Error, ServerError
from minio.helpers import check_bucket_name

from warehouse import keys
from warehouse.errors import S3BucketInvalid, S3CredentialsRefused, S3Unavailable

log = logging.getLogger(__name__)

ORIGINALS_PREFIX = keys.ORIGINALS_PREFIX
_STREAM_CHUNK = 1024 * 1024
META_FIELDS = ("source-url", "fetched-at", "content-type", "portal-id", "sha256")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MISSING_CODES = {"NoSuchKey", "NotFound", "NoSuchObject", "ResourceNotFound"}
_REFUSED_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "InvalidToken",
    "ExpiredToken",
    "AuthorizationHeaderMalformed",
    "InvalidSecurity",
}
_CREDENTIALS = "DIRECTIVES_S3_ACCESS_KEY / DIRECTIVES_S3_SECRET_KEY"


class ObjectStoreError(RuntimeError):
    """Base of the object store's named errors."""


class ObjectNotFound(ObjectStoreError):
    pass


class IntegrityError(ObjectStoreError):
    """The bytes the server holds are not the bytes that were written (digest or size differs)."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    sha256: str
    size: int
    created: bool  # False when the object already existed and nothing was written
    repaired: bool = False  # True when the stored object was corrupt and was rewritten from these bytes


@dataclass(frozen=True)
class FixityEvent:
    """An original whose stored bytes did not hash to its name, and what was done about it."""

    key: str
    expected: str
    found: str | None  # digest of what the server held; None when the object was unreadable
    size: int | None
    status: str  # "repaired" (put_original rewrote it) or what an audit found ("mismatch", "missing")


@dataclass(frozen=True)
class StoreTimeouts:
    """Explicit network limits: the SDK's defaults (5 minute reads, 5 retries) would hide a dead server."""

    connect: float = 10.0
    read: float = 120.0
    retries: int = 2

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> StoreTimeouts:
        """DIRECTIVES_S3_CONNECT_TIMEOUT, DIRECTIVES_S3_READ_TIMEOUT (seconds), DIRECTIVES_S3_RETRIES."""
        env = os.environ if env is None else env
        return cls(
            connect=float(env.get("DIRECTIVES_S3_CONNECT_TIMEOUT", cls.connect)),
            read=float(env.get("DIRECTIVES_S3_READ_TIMEOUT", cls.read)),
            retries=int(env.get("DIRECTIVES_S3_RETRIES", cls.retries)),
        )


def original_key(sha256: str) -> str:
    _check_sha256(sha256)
    return keys.original_key(sha256)


def _check_sha256(sha256: str) -> None:
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise ValueError(f"not a lowercase hex SHA-256 digest: {sha256!r}")


def _split_endpoint(endpoint: str, secure: bool) -> tuple[str, bool]:
    """Accept `host:port` (what the SDK wants) or a URL, whose scheme then decides `secure`."""
    if "://" in endpoint:
        scheme, _, rest = endpoint.partition("://")
        return rest.rstrip("/"), scheme.lower() == "https"
    return endpoint.rstrip("/"), secure


def _encode_meta(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    return quote(str(value), safe="/:-._~")


def _is_missing(exc: S3Error) -> bool:
    return exc.code in _MISSING_CODES


def _short_reason(exc: BaseException) -> str:
    """The innermost cause of a urllib3 error, on one line (e.g. 'Connection refused')."""
    inner = getattr(exc, "reason", None) or exc
    text = str(inner).splitlines()[0] if str(inner) else type(inner).__name__
    if "Errno" in text:
        text = text[text.index("[Errno") :] if "[Errno" in text else text
    return text[:160]


class ObjectStore:
    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool = False,
        region: str | None = None,
        timeouts: StoreTimeouts | None = None,
        on_fixity_event: Callable[[FixityEvent], None] | None = None,
    ):
        if not bucket:
            raise S3BucketInvalid("no object store bucket configured", "DIRECTIVES_S3_BUCKET")
        try:
            check_bucket_name(bucket, strict=True)
        except ValueError as exc:
            raise S3BucketInvalid(
                f"bucket name {bucket!r} is invalid: {exc}", "DIRECTIVES_S3_BUCKET"
            ) from None
        host, secure = _split_endpoint(endpoint, secure)
        self.endpoint = host
        self.bucket = bucket
        self.secure = secure
        self.on_fixity_event = on_fixity_event
        timeouts = timeouts or StoreTimeouts.from_env()
        self.timeouts = timeouts
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=timeouts.connect, read=timeouts.read),
            retries=urllib3.Retry(
                total=timeouts.retries, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]
            ),
            maxsize=10,
        )
        self.client = Minio(
            host, access_key=access_key, secret_key=secret_key, secure=secure, region=region, http_client=http
        )

    @classmethod
    def from_settings(cls, s3) -> ObjectStore:
        """The one way to build the store outside tests: from pipeline.settings.S3Settings (the environment,
        or Airflow connections turned into the same settings). An empty setting is an error naming it."""
        names = {
            "endpoint": "DIRECTIVES_S3_ENDPOINT",
            "access_key": "DIRECTIVES_S3_ACCESS_KEY",
            "secret_key": "DIRECTIVES_S3_SECRET_KEY",
            "bucket": "DIRECTIVES_S3_BUCKET",
        }
        missing = [var for arg, var in names.items() if not getattr(s3, arg, None)]
        if missing:
            raise ObjectStoreError(f"object store not configured: set {', '.join(missing)}")
        return cls(s3.endpoint, s3.access_key, s3.secret_key, s3.bucket, secure=s3.secure)

    # --- outages ---------------------------------------------------------------------------------------

    @contextmanager
    def _outages(self):
        """SDK and network failures -> one named error with one line and the setting to check."""
        where = f"object store {self.endpoint}"
        try:
            yield
        except S3Error as exc:
            if exc.code in _REFUSED_CODES:
                raise S3CredentialsRefused(
                    f"{where} refused the credentials ({exc.code})", _CREDENTIALS
                ) from None
            raise
        except ServerError as exc:
            raise S3Unavailable(
                f"{where} answered HTTP {exc.status_code} after {self.timeouts.retries} retries",
                "DIRECTIVES_S3_ENDPOINT",
            ) from None
        except InvalidResponseError as exc:
            raise S3Unavailable(
                f"{where} did not answer as an S3 server ({str(exc).splitlines()[0][:120]})",
                "DIRECTIVES_S3_ENDPOINT",
            ) from None
        except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as exc:
            raise S3Unavailable(
                f"{where} unreachable: {_short_reason(exc)} (after {self.timeouts.retries} retries, "
                f"connect {self.timeouts.connect:g} s / read {self.timeouts.read:g} s timeouts)",
                "DIRECTIVES_S3_ENDPOINT",
            ) from None

    # --- bucket -----------------------------------------------------------------------------------------

    def ensure_bucket(self) -> bool:
        """Create the bucket if needed; True when it was created."""
        with self._outages():
            if self.client.bucket_exists(self.bucket):
                return False
            try:
                self.client.make_bucket(self.bucket)
            except S3Error as exc:  # another task created it between the check and the call
                if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise
                return False
            return True

    # --- originals --------------------------------------------------------------------------------------

    def put_original(
        self,
        data: bytes,
        *,
        source_url: str,
        fetched_at: datetime | str,
        content_type: str,
        portal_id: str,
    ) -> StoredObject:
        """Store an original byte for byte under its digest; an existing object is left untouched.

        The first fetch's provenance is the one kept: the same bytes published again elsewhere are the same
        original (the fetch log records every URL).
        """
        if not isinstance(data, bytes | bytearray):
            raise TypeError(f"an original must be bytes, not {type(data).__name__}")
        sha256 = hashlib.sha256(data).hexdigest()
        key = original_key(sha256)
        existing = self._stat(key)
        repairing = False
        if existing is not None:
            found, size = self.stream_digest(key)
            if found == sha256 and size == len(data):
                return StoredObject(key, sha256, len(data), created=False)
            # The bytes just fetched hash to the object's name and the stored ones do not: the stored
            # object is the corrupt one, and these bytes are the repair.
            log.warning("%s is corrupt (stored digest %s, %s bytes); repairing it", key, found, size)
            repairing = True
            event = FixityEvent(key, sha256, found, size, "repaired")
        metadata = {
            "source-url": source_url,
            "fetched-at": fetched_at,
            "content-type": content_type,
            "portal-id": portal_id,
            "sha256": sha256,
        }
        if repairing:  # the first fetch's provenance stays, as for an intact object
            kept = self._decoded_metadata(existing)
            metadata.update({name: kept[name] for name in META_FIELDS if kept.get(name)})
        self._put(key, bytes(data), content_type or "application/octet-stream", metadata)
        written = self._stat(key)
        if written is None or written.size != len(data):
            size = None if written is None else written.size
            raise IntegrityError(f"{key}: wrote {len(data)} bytes, the server reports {size}")
        if repairing:
            found, _ = self.stream_digest(key)
            if found != sha256:
                raise IntegrityError(f"{key}: repaired with {sha256} but the server returns {found}")
            if self.on_fixity_event:
                self.on_fixity_event(event)
            return StoredObject(key, sha256, len(data), created=True, repaired=True)
        return StoredObject(key, sha256, len(data), created=True)

    def _open(self, key: str):
        """The object's response (the caller reads, closes and releases it); ObjectNotFound if absent."""
        try:
            return self.client.get_object(self.bucket, key)
        except S3Error as exc:
            if _is_missing(exc):
                raise ObjectNotFound(f"no object {key!r} in bucket {self.bucket}") from exc
            raise

    def stream_digest(self, key: str) -> tuple[str, int]:
        """SHA-256 and size of a stored object, read in chunks (never the whole object in memory)."""
        with self._outages():
            response = self._open(key)
            digest, size = hashlib.sha256(), 0
            try:
                for chunk in response.stream(_STREAM_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
            finally:
                response.close()
                response.release_conn()
            return digest.hexdigest(), size

    def iter_originals(self):
        """(key, sha256 its name says, size) of every original in the bucket."""
        with self._outages():
            objects = list(self.client.list_objects(self.bucket, prefix=ORIGINALS_PREFIX, recursive=True))
        for obj in objects:
            name = obj.object_name.rsplit("/", 1)[-1]
            if _SHA256.match(name):
                yield obj.object_name, name, obj.size

    def get_original(self, sha256: str) -> bytes:
        data = self.get_bytes(original_key(sha256))
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise IntegrityError(f"original {sha256} read back with digest {actual}")
        return data

    def original_metadata(self, sha256: str) -> dict[str, str]:
        """The provenance metadata of an original, decoded (keys as in META_FIELDS)."""
        stat = self._stat(original_key(sha256))
        if stat is None:
            raise ObjectNotFound(f"no original {sha256} in bucket {self.bucket}")
        return self._decoded_metadata(stat)

    def original_provenance(self, sha256: str) -> dict[str, Any]:
        stat = self._stat(original_key(sha256))
        if stat is None:
            raise ObjectNotFound(f"no original {sha256} in bucket {self.bucket}")
        meta = self._decoded_metadata(stat)
        return {
            "key": original_key(sha256),
            "sha256": sha256,
            "size": stat.size,
            "source_url": meta.get("source-url"),
            "fetched_at": meta.get("fetched-at"),
            "content_type": meta.get("content-type"),
            "portal_id": meta.get("portal-id"),
            "stored_at": stat.last_modified.isoformat() if stat.last_modified else None,
        }

    def fetched_at(self, sha256: str) -> datetime | None:
        """When the original was first fetched (from its metadata); None if unknown."""
        try:
            value = self.original_metadata(sha256).get("fetched-at")
        except ObjectNotFound:
            return None
        if not value:
            return None
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    # --- other objects ----------------------------------------------------------------------------------

    def put_json(self, key: str, obj: Any) -> None:
        # Canonical form (sorted keys, no spaces) so equal content gives equal bytes, as manifests expect.
        payload = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
        self._put(key, payload.encode("utf-8"), "application/json; charset=utf-8", None)

    def get_json(self, key: str) -> Any:
        return json.loads(self.get_bytes(key).decode("utf-8"))

    def put_text(self, key: str, text: str) -> None:
        self._put(key, text.encode("utf-8"), "text/plain; charset=utf-8", None)

    def get_text(self, key: str) -> str:
        return self.get_bytes(key).decode("utf-8")

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self._put(key, bytes(data), content_type, None)

    def put_file(self, key: str, path: str | Path, content_type: str = "application/octet-stream") -> None:
        """Upload a file from disk (multipart for large ones) without reading it into memory."""
        with self._outages():
            self.client.fput_object(self.bucket, key, str(path), content_type=content_type)

    def get_bytes(self, key: str) -> bytes:
        with self._outages():
            response = self._open(key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

    def exists(self, key: str) -> bool:
        return self._stat(key) is not None

    def list_keys(self, prefix: str = "") -> list[str]:
        with self._outages():
            return [
                obj.object_name
                for obj in self.client.list_objects(self.bucket, prefix=prefix, recursive=True)
            ]

    def count_objects(self, prefix: str = "") -> int:
        with self._outages():
            return sum(1 for _ in self.client.list_objects(self.bucket, prefix=prefix, recursive=True))

    def presigned_get(self, key: str, expires: timedelta | int = timedelta(hours=1)) -> str:
        if isinstance(expires, int):
            expires = timedelta(seconds=expires)
        return self.client.presigned_get_object(self.bucket, key, expires=expires)

    # --- internals --------------------------------------------------------------------------------------

    def _put(self, key: str, data: bytes, content_type: str, metadata: dict[str, Any] | None) -> None:
        # Full x-amz-meta- names: the SDK would send a bare `content-type` as the object's own Content-Type.
        encoded = {
            f"x-amz-meta-{name}": _encode_meta(value)
            for name, value in (metadata or {}).items()
            if value is not None
        }
        with self._outages():
            self.client.put_object(
                self.bucket,
                key,
                io.BytesIO(data),
                len(data),
                content_type=content_type,
                metadata=encoded or None,
            )

    def _stat(self, key: str):
        with self._outages():
            try:
                return self.client.stat_object(self.bucket, key)
            except S3Error as exc:
                if _is_missing(exc):
                    return None
                raise

    @staticmethod
    def _decoded_metadata(stat) -> dict[str, str]:
        decoded = {}
        for name, value in (stat.metadata or {}).items():
            lowered = name.lower()
            if lowered.startswith("x-amz-meta-"):
                decoded[lowered.removeprefix("x-amz-meta-")] = unquote(value)
        return decoded
