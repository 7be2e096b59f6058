"""ObjectStore against a real S3 server (embedded SeaweedFS) through the minio SDK."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
import urllib3

from warehouse.objectstore import IntegrityError, ObjectNotFound, ObjectStore, ObjectStoreError, original_key

VIETNAMESE_URL = "https://tinhuy.quangngai.gov.vn/văn-bản/Kết luận 125-KL/TU.pdf?loại=Đảng&q=a b"
FETCHED_AT = datetime(2026, 11, 22, 8, 30, 15, 123456, tzinfo=UTC)


def put(store, data: bytes, url: str = VIETNAMESE_URL, portal_id: str = "sim-quangngai-tu"):
    return store.put_original(
        data, source_url=url, fetched_at=FETCHED_AT, content_type="application/pdf", portal_id=portal_id
    )


def test_original_round_trip_keeps_bytes_digest_and_provenance(object_store):
    data = "%PDF-1.4 Kết luận của Ban Thường vụ Tỉnh ủy\n".encode() + bytes(range(256))
    stored = put(object_store, data)
    digest = hashlib.sha256(data).hexdigest()
    assert stored.created and stored.sha256 == digest and stored.size == len(data)
    assert stored.key == f"originals/sha256/{digest[:2]}/{digest[2:4]}/{digest}" == original_key(digest)
    assert object_store.get_original(digest) == data
    provenance = object_store.original_provenance(digest)
    assert provenance["source_url"] == VIETNAMESE_URL
    assert provenance["portal_id"] == "sim-quangngai-tu"
    assert provenance["content_type"] == "application/pdf"
    assert provenance["size"] == len(data)
    assert object_store.fetched_at(digest) == FETCHED_AT
    assert object_store.original_metadata(digest)["sha256"] == digest


def test_second_put_of_the_same_bytes_writes_nothing(object_store):
    first = put(object_store, b"same bytes")
    before = object_store.count_objects()
    again = put(object_store, b"same bytes", url="https://elsewhere.example/copy.pdf", portal_id="other")
    assert (again.created, again.key, again.sha256) == (False, first.key, first.sha256)
    assert object_store.count_objects() == before == 1
    # The first fetch's provenance is kept.
    assert object_store.original_provenance(first.sha256)["source_url"] == VIETNAMESE_URL
    assert put(object_store, b"other bytes").created
    assert object_store.count_objects() == 2


def test_corrupted_original_is_detected_on_read(object_store):
    stored = put(object_store, b"the real original")
    object_store.put_bytes(stored.key, b"tampered  original")  # same key, other bytes
    with pytest.raises(IntegrityError, match=stored.sha256):
        object_store.get_original(stored.sha256)
    # the same bytes fetched again repair it (they hash to the object's name); the overwrite dropped the
    # provenance metadata, so the repairing fetch's is written
    assert put(object_store, b"the real original", url="https://elsewhere.example/x.pdf").repaired
    assert object_store.get_original(stored.sha256) == b"the real original"
    assert object_store.original_provenance(stored.sha256)["source_url"] == "https://elsewhere.example/x.pdf"


def test_missing_and_malformed_originals_raise_named_errors(object_store):
    with pytest.raises(ObjectNotFound):
        object_store.get_original("0" * 64)
    with pytest.raises(ValueError, match="SHA-256"):
        object_store.get_original("not-a-digest")
    with pytest.raises(TypeError):
        put(object_store, "text is not bytes")
    assert object_store.fetched_at("0" * 64) is None


def test_json_text_listing_and_presigned_get(object_store):
    record = {"number": "168-TB/HU", "issuer": "HUYỆN ỦY CẨM THỦY", "recipients": ["Ban Thường vụ Tỉnh ủy"]}
    object_store.put_json("records/p/1/v1.json", record)
    object_store.put_text("text/p/1/v1.txt", "Nơi nhận:\n- Như trên")
    assert object_store.get_json("records/p/1/v1.json") == record
    assert object_store.get_text("text/p/1/v1.txt") == "Nơi nhận:\n- Như trên"
    assert object_store.exists("records/p/1/v1.json") and not object_store.exists("records/p/1/v2.json")
    assert object_store.list_keys("records/") == ["records/p/1/v1.json"]
    assert object_store.count_objects("text/") == 1 and object_store.count_objects() == 2
    url = object_store.presigned_get("text/p/1/v1.txt", expires=60)
    response = urllib3.PoolManager().request("GET", url)
    assert response.status == 200 and response.data.decode() == "Nơi nhận:\n- Như trên"


def test_ensure_bucket_is_idempotent(object_store):
    assert object_store.ensure_bucket() is False


def test_the_store_is_built_from_settings_and_names_what_is_missing(s3_server):
    from pipeline.settings import settings_from_env

    env = {
        "DIRECTIVES_S3_ENDPOINT": f"http://{s3_server.endpoint}",
        "DIRECTIVES_S3_ACCESS_KEY": s3_server.access_key,
        "DIRECTIVES_S3_SECRET_KEY": "",
        "DIRECTIVES_S3_BUCKET": "b-b-b",
    }
    with pytest.raises(ObjectStoreError, match="DIRECTIVES_S3_SECRET_KEY"):
        ObjectStore.from_settings(settings_from_env(env).s3)
    env.update(DIRECTIVES_S3_SECRET_KEY=s3_server.secret_key, DIRECTIVES_S3_BUCKET="from-settings-bucket")
    store = ObjectStore.from_settings(settings_from_env(env).s3)
    assert store.endpoint == s3_server.endpoint and not store.secure
    store.ensure_bucket()
    assert store.count_objects() == 0
