"""Benchmark: what the listing walk costs each portal, counted at the simulator.

    .venv/bin/python benchmarks/incremental_walk.py [--scale 250] [--max-pages N]

Each simulated portal publishes --scale documents (`directives simulate --scale`: 20 listing rows a page).
`directives run` (the real command, one process per run) goes over each portal in turn: the first run (a full
walk), a second run with nothing new (incremental: the target is at most 2 requests, robots.txt and the first
listing page), a run after one document was added on page 1 (`simulate --add`), then a `--full-walk` run
(the backfill). Prints as it goes, per portal and run, the requests the portal answered, the walk
(full or incremental, why it stopped, listing pages read), the status and the counts. The embedded S3 server
and a DuckDB warehouse in a temporary directory hold the archive.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADDED_SEED, ADDED_KIND = "001_c12fdece1227ca6e", "text-pdf"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=250, help="documents per simulated portal")
    parser.add_argument(
        "--max-pages",
        type=int,
        default=None,
        help="options.max_pages (default: enough for the whole listing)",
    )
    parser.add_argument("--portals", default=None, help="only these portals, comma-separated (default: all)")
    parser.add_argument(
        "--last",
        default="sim-thanhhoa-camthuy-hu",
        help="portals measured last, comma-separated (the default's scans make its first run the slowest)",
    )
    args = parser.parse_args()

    import yaml

    from scrapers.registry import load_registry
    from simulator.server import start_simulator
    from warehouse.services import EmbeddedS3

    # Stopped with SIGTERM, the servers and the temporary directory still go (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="directives-walk-"))
    s3 = EmbeddedS3(work / "s3")
    s3.start()
    sim = start_simulator(work / "simulator")
    try:
        sim.state.reset(scale=args.scale)
        registry = yaml.safe_load((ROOT / "config" / "portals.yaml").read_text())
        max_pages = args.max_pages or args.scale // sim.state.page_size + 2
        for entry in registry["portals"]:
            entry.setdefault("options", {})["max_pages"] = max_pages
        (work / "portals.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True))
        portals = [p.id for p in load_registry(str(work / "portals.yaml")) if p.enabled]
        if args.portals:
            portals = [p for p in portals if p in args.portals.split(",")]
        env = {
            **os.environ,
            **sim.env(),
            "DIRECTIVES_REGISTRY": str(work / "portals.yaml"),
            "DIRECTIVES_S3_ENDPOINT": s3.endpoint,
            "DIRECTIVES_S3_ACCESS_KEY": s3.access_key,
            "DIRECTIVES_S3_SECRET_KEY": s3.secret_key,
            "DIRECTIVES_S3_BUCKET": "bench-walk",
            "DIRECTIVES_VAR_DIR": str(work / "var"),
            "DIRECTIVES_WAREHOUSE_URL": f"duckdb:///{work / 'warehouse.duckdb'}",
        }
        print(f"Simulator scale {args.scale} documents per portal, {sim.state.page_size} listing rows a page")
        print(
            f"{'run':<12} {'portal':<24} {'requests':>8} {'wall s':>7}  {'walk':<34} {'status':<9} "
            "discovered/new/updated/unchanged/quarantined/failed",
            flush=True,
        )
        nothing_new = []
        for portal_id in sorted(portals, key=lambda p: p in args.last.split(",")):
            for label, flags in (
                ("first run", []),
                ("nothing new", []),
                ("after --add", []),
                ("--full-walk", ["--full-walk"]),
            ):
                if label == "after --add":
                    sim.state.add_document(portal_id, ADDED_SEED, ADDED_KIND)
                sim.clear_requests()
                started = time.monotonic()
                done = subprocess.run(
                    [str(Path(sys.executable).parent / "directives"), "run", portal_id, *flags],
                    env=env, capture_output=True, text=True, check=False,
                )  # fmt: skip
                seconds = time.monotonic() - started
                if done.returncode != 0:
                    print(done.stderr[-2000:], file=sys.stderr)
                    return 1
                s = json.loads(done.stdout)
                requests = len(sim.requests(portal_id))
                if label == "nothing new":
                    nothing_new.append(requests)
                walk = f"{s['walk']}:{s['walk_stop']} ({s['walk_pages']} pages)"
                counts = "/".join(
                    str(s[k]) for k in ("discovered", "new", "updated", "unchanged", "quarantined", "failed")
                )
                print(
                    f"{label:<12} {portal_id:<24} {requests:>8} {seconds:>7.1f}  {walk:<34} {s['status']:<9} "
                    f"{counts}",
                    flush=True,
                )
    finally:
        sim.stop()
        s3.stop()
        shutil.rmtree(work, ignore_errors=True)

    worst = max(nothing_new)
    print(f"nothing new: at most {worst} requests per portal (target 2)")
    return 0 if worst <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
