"""The embedded object store for laptops and the demo: started on demand when the settings point at it.

With the default settings (no DIRECTIVES_S3_ENDPOINT), commands such as `directives run` and
`directives original` start the embedded S3 server over var/s3 for their duration (or reuse one that is
already running, e.g. the demo's), so they work without any service set up by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.settings import EMBEDDED_S3_ENDPOINT, Settings


@contextmanager
def embedded_s3_if_default(settings: Settings) -> Iterator[None]:
    if settings.s3.endpoint != EMBEDDED_S3_ENDPOINT:
        yield
        return
    from warehouse.services import EmbeddedS3

    port = int(EMBEDDED_S3_ENDPOINT.rsplit(":", 1)[1])
    server = EmbeddedS3(
        settings.var_dir / "s3",
        port=port,
        access_key=settings.s3.access_key,
        secret_key=settings.s3.secret_key,
    )
    with server:
        yield
