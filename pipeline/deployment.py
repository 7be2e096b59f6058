"""What an Airflow deployment derives from the registry: a pool per portal host and an asset per portal.

Pure functions of the registry, so the DAG file, the setup command (scripts/airflow_setup.py) and the tests
agree on one set of names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from scrapers.registry import Portal

ASSET_SCHEME = "directives-warehouse"


@dataclass(frozen=True)
class HostPool:
    name: str
    slots: int
    description: str


def pool_name(portal: Portal) -> str:
    """One pool per host: portals served by the same host (a province site and its organs) share it."""
    return "portal_" + re.sub(r"[^a-z0-9]+", "_", portal.host.lower()).strip("_")


def pool_slots(rate_limit_per_sec: float) -> int:
    """Concurrent tasks a host may see. Each task keeps the portal's rate on its own, so a host allowing
    under 2 requests/s (every real portal) gets one task at a time; a faster host one task per request/s."""
    return 1 if rate_limit_per_sec < 2 else math.floor(rate_limit_per_sec)


def host_pools(portals: Iterable[Portal]) -> list[HostPool]:
    """The pools of the enabled portals; a host shared by several portals is sized by its slowest one."""
    slowest: dict[str, tuple[float, list[str]]] = {}
    for portal in portals:
        if not portal.enabled:
            continue
        rate, ids = slowest.get(pool_name(portal), (math.inf, []))
        slowest[pool_name(portal)] = (min(rate, portal.rate_limit_per_sec), [*ids, portal.id])
    return [
        HostPool(name, pool_slots(rate), f"requests to the host of {', '.join(ids)} ({rate:g} req/s)")
        for name, (rate, ids) in sorted(slowest.items())
    ]


def documents_asset_uri(portal: Portal) -> str:
    """The warehouse's documents of one portal, as an Airflow Asset that the load task updates."""
    return f"{ASSET_SCHEME}://documents/{portal.id}"
