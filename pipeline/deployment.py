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


# Why the rate is divided and not the tasks serialised: the rate limit is enforced inside one process
# (scrapers.http.HostThrottle keeps each host's next request slot in memory), so two tasks on two workers
# that each kept the portal's whole rate would send the host twice its limit. A pool of one slot would keep
# the limit, but one fetch chunk at a time leaves a fast host's capacity unused while a task waits on its
# own storage and warehouse calls; so a host allowing r requests/s gets min(host_tasks, floor(r)) slots
# (at least 1) and each task in its pool sends r / slots. A real portal (0.5 req/s) thus gets one task at a
# time at its full rate, and its fetch chunks run one after the other while extract chunks, which send no
# request, run in parallel on the other workers.


@dataclass(frozen=True)
class HostPool:
    name: str
    slots: int
    rate_limit_per_sec: float  # the host's limit: that of its slowest portal
    description: str

    @property
    def task_rate_per_sec(self) -> float:
        """The rate each task in the pool keeps, so that all its slots together keep the host's limit."""
        return self.rate_limit_per_sec / self.slots


def pool_name(portal: Portal) -> str:
    """One pool per host: portals served by the same host (a province site and its organs) share it."""
    return "portal_" + re.sub(r"[^a-z0-9]+", "_", portal.host.lower()).strip("_")


def pool_slots(rate_limit_per_sec: float, host_tasks: int = 2) -> int:
    """Tasks a host may see at once: one per request/s it allows, at most `host_tasks`, at least one."""
    return max(1, min(host_tasks, math.floor(rate_limit_per_sec)))


def host_pools(portals: Iterable[Portal], host_tasks: int = 2) -> list[HostPool]:
    """The pools of the enabled portals; a host shared by several portals is sized by its slowest one."""
    slowest: dict[str, tuple[float, list[str]]] = {}
    for portal in portals:
        if not portal.enabled:
            continue
        rate, ids = slowest.get(pool_name(portal), (math.inf, []))
        slowest[pool_name(portal)] = (min(rate, portal.rate_limit_per_sec), [*ids, portal.id])
    return [
        HostPool(
            name,
            pool_slots(rate, host_tasks),
            rate,
            f"requests to the host of {', '.join(ids)} ({rate:g} req/s, divided among the slots)",
        )
        for name, (rate, ids) in sorted(slowest.items())
    ]


def documents_asset_uri(portal: Portal) -> str:
    """The warehouse's documents of one portal, as an Airflow Asset that the load task updates."""
    return f"{ASSET_SCHEME}://documents/{portal.id}"
