"""Bytes of any published file -> faithful Unicode text and the document record.

PARSER_VERSION names the behaviour of extraction + field reading as a whole. Bump it whenever a change can
alter a record: `directives reprocess` then writes a new version of every record from the stored originals
(warehouse/loader.py treats same original + same parser version as "nothing to do", and only that).
"""

PARSER_VERSION = "2026.12.1"
