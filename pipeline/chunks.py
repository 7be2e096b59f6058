"""Chunks of one portal run's documents, so that several workers share the fetch and extract of a big portal.

split_discovery: the discover manifest -> chunk manifests of at most `size` refs each. A chunk has the shape
of a discover manifest, so stages.fetch reads a chunk as it reads a whole discovery; what the manifest holds
besides the refs (the listing pages that failed, ...) goes with the first chunk only, so that the merge
counts it once; what it says per document (PER_DOCUMENT: the documents an incremental walk found unchanged on
the listing) goes to the chunk holding each document. merge_handovers: the chunks' fetch (or extract)
hand-overs -> the one hand-over that stages.validate / stages.load take, identical to what a single fetch
(extract) over all the refs returns.

Chunk and merged manifests are content-addressed (pipeline/manifests.py): splitting or merging again, in a
retried task or a rerun, writes no new object.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.manifests import read_manifest, write_manifest


class ChunkMergeError(ValueError):
    """Two chunks disagree on a field that only one of them may carry (a merge would lose one)."""


def chunk_bounds(count: int, size: int) -> list[tuple[int, int]]:
    """[start, end) of each chunk of `count` items, `size` at most each; one empty chunk when count is 0, so
    a run that discovered nothing still goes through fetch -> load and is reconciled and closed."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    return [(start, min(start + size, count)) for start in range(0, count, size)] or [(0, 0)]


def chunk_label(chunk_key: str) -> str:
    """A chunk's name in the keys of what it writes (its WARC file): from its content-addressed key, so a
    retried chunk task writes the same keys and two chunks never the same."""
    return "chunk-" + chunk_key.rsplit("/", 1)[-1].removesuffix(".json")[:16]


# Lists of doc_keys in a discover manifest: each chunk gets the part that names its own documents (fetch
# skips the request for a listing-unchanged document only when its chunk says so).
PER_DOCUMENT = ("listing_unchanged",)


def split_discovery(store, portal_id: str, discover_key: str, size: int) -> list[str]:
    """The keys of the chunk manifests of one discovery, in the discovery's (sorted) order."""
    discovered = read_manifest(store, discover_key)
    refs = discovered["refs"]
    carried = {key: value for key, value in discovered.items() if key != "refs" and key not in PER_DOCUMENT}
    keys = []
    for index, (start, end) in enumerate(chunk_bounds(len(refs), size)):
        chunk = {"refs": refs[start:end], **(carried if index == 0 else {})}
        own = {ref["doc_key"] for ref in chunk["refs"]}
        for name in PER_DOCUMENT:
            if discovered.get(name):
                chunk[name] = [key for key in discovered[name] if key in own]
        keys.append(write_manifest(store, portal_id, "chunk", chunk))
    return keys


def chunk_outputs(value: Any) -> list[dict]:
    """The outputs of the mapped chunk tasks as a list. Airflow hands a downstream task the list of the
    mapped instances' values, except when there was one instance: then the value itself (seen with 3.3 when
    a portal has one chunk)."""
    if isinstance(value, dict):
        return [value]
    return list(value)


def merge_handovers(store, portal_id: str, stage: str, parts: Sequence[dict]) -> dict:
    """One hand-over from the chunks' hand-overs of `stage` (in chunk order): their work items in one
    manifest; counts added; lists (keys, reasons) concatenated; dicts of lists (outcome keys) merged by key;
    flags or-ed; a field that is set in one chunk only (None or empty elsewhere) taken from it."""
    merged: dict[str, Any] = {}
    for name in dict.fromkeys(name for part in parts for name in part):
        if name != "manifest":
            merged[name] = _merge_field(name, [part.get(name) for part in parts])
    items = [
        item
        for part in parts
        if part.get("manifest")
        for item in read_manifest(store, part["manifest"])["items"]
    ]
    merged["manifest"] = write_manifest(store, portal_id, stage, {"items": items}) if items else None
    return merged


def _merge_field(name: str, values: list) -> Any:
    present = [value for value in values if value is not None]
    if not present:
        return None
    if all(isinstance(value, bool) for value in present):
        return any(present)
    if all(isinstance(value, int) and not isinstance(value, bool) for value in present):
        return sum(present)
    if all(isinstance(value, list) for value in present):
        return [entry for value in present for entry in value]
    if all(isinstance(value, dict) for value in present):
        if all(isinstance(entry, list) for value in present for entry in value.values()):
            combined: dict[str, list] = {}
            for value in present:
                for key, entries in value.items():
                    combined.setdefault(key, []).extend(entries)
            return combined
        non_empty = [value for value in present if value]
        if len({repr(sorted(value.items())) for value in non_empty}) <= 1:
            return non_empty[0] if non_empty else {}
    distinct = {repr(value) for value in present}
    if len(distinct) == 1:
        return present[0]
    raise ChunkMergeError(f"chunks disagree on {name!r}: {sorted(distinct)[:3]}")
