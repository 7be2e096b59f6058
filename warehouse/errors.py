"""Named errors for the services the pipeline depends on: one type per outage, one readable line each.

An operator reading a failed run should see what is down and which setting to check, not a urllib3 or
psycopg traceback. Each error's message ends with `(check <setting>)`; `setting` holds it for callers.
"""

from __future__ import annotations


class InfrastructureError(RuntimeError):
    """A dependency (object store, warehouse) is unreachable, refuses us or stopped answering."""

    def __init__(self, message: str, setting: str):
        super().__init__(f"{message} (check {setting})")
        self.setting = setting


class S3Unavailable(InfrastructureError):
    """The object store does not answer (connection refused, timeouts, 5xx after the bounded retries)."""


class S3CredentialsRefused(InfrastructureError):
    """The object store answers but refuses the access key or its signature."""


class S3BucketInvalid(InfrastructureError):
    """The configured bucket name is not a valid S3 bucket name."""


class WarehouseUnavailable(InfrastructureError):
    """The SQL warehouse cannot be reached (refused, DNS, authentication, connection lost)."""


class WarehouseStalled(InfrastructureError):
    """The SQL warehouse accepted the connection but stopped answering within the statement deadline."""
