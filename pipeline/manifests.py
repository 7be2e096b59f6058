"""Stage hand-over files in the object store.

Each stage writes its output as one JSON manifest and passes only the manifest's key on (through XCom in
Airflow), so large data never travels through XCom. Manifests are content-addressed and hold nothing that
changes from run to run (no timestamps): a rerun that finds nothing new produces byte-identical manifests,
hence writes no new object, and a retried task overwrites nothing. (The discover manifest also says how the
listing was walked, full or incremental: the first run whose walk differs from the last one writes one.)
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from warehouse import keys


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def manifest_key(portal_id: str, stage: str, payload: bytes) -> str:
    return keys.manifest_key(portal_id, stage, hashlib.sha256(payload).hexdigest())


def write_manifest(store, portal_id: str, stage: str, obj: Any) -> str:
    payload = canonical_json(obj)
    key = manifest_key(portal_id, stage, payload)
    if not store.exists(key):
        store.put_json(key, obj)
    return key


def read_manifest(store, key: str) -> Any:
    return store.get_json(key)
