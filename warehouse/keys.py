"""The object-store key layout, in one place (docs/design.md and docs/warehouse.md describe it).

originals/sha256/<aa>/<bb>/<sha256>                       an original, byte for byte, content-addressed
records/<portal>/<doc_key>/<sha256>-p<parser>.json         the record of one original, one parser version
text/<portal>/<doc_key>/<sha256>-p<parser>.txt             its plain text
parsed/sha256/<aa>/<sha256>-p<parser>-<claim>-<limits>.json  what the parser read from an original (before
                                                          the portal's metadata), reused for the same bytes
quarantine/<portal>/<doc_key>/<sha256|unfetched>-<stage>.json  why it is in quarantine, pointers to originals
manifests/<portal>/<stage>/<sha256 of the payload>.json   stage hand-over files, content-addressed
warc/<portal>/<run_id>-<stage>.warc.gz                     a fetch stage's crawl, when it brought something
"""

from __future__ import annotations

import re

ORIGINALS_PREFIX = "originals/sha256/"


def original_key(sha256: str) -> str:
    return f"{ORIGINALS_PREFIX}{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _version_suffix(parser_version: str | None) -> str:
    return f"-p{parser_version}" if parser_version else ""


def record_key(portal_id: str, doc_key: str, sha256: str, parser_version: str | None) -> str:
    return f"records/{portal_id}/{doc_key}/{sha256}{_version_suffix(parser_version)}.json"


def text_key(portal_id: str, doc_key: str, sha256: str, parser_version: str | None) -> str:
    return f"text/{portal_id}/{doc_key}/{sha256}{_version_suffix(parser_version)}.txt"


def parsed_key(sha256: str, parser_version: str, claim: str, limits_digest: str) -> str:
    return f"parsed/sha256/{sha256[:2]}/{sha256}-p{parser_version}-{claim}-{limits_digest}.json"


def quarantine_key(portal_id: str, doc_key: str, sha256: str | None, stage: str) -> str:
    return f"quarantine/{portal_id}/{doc_key}/{sha256 or 'unfetched'}-{stage}.json"


def manifest_key(portal_id: str, stage: str, digest: str) -> str:
    return f"manifests/{portal_id}/{stage}/{digest}.json"


def warc_key(portal_id: str, run_id: str, stage: str, part: str | None = None) -> str:
    safe_run = re.sub(r"[^A-Za-z0-9._-]+", "_", run_id)
    suffix = f"-{re.sub(r'[^A-Za-z0-9._-]+', '_', part)}" if part else ""
    return f"warc/{portal_id}/{safe_run}-{stage}{suffix}.warc.gz"
