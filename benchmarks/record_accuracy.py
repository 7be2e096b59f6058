"""Per simulator portal: documents loaded / quarantined / failed by one pipeline run, and the field accuracy
of the loaded records against the simulator's truth (simulator/corpus.py: each seed's labels).

    .venv/bin/python benchmarks/record_accuracy.py [--portal ID ...] [--registry FILE] [--json]

Runs the real pipeline (pipeline.stages.run_all, the code the DAG tasks call) on a fresh embedded S3
server, a fresh DuckDB file and a fresh simulator state, so the figures are those of a first run. The
accuracy counts, over every loaded document and every labelled field (parsers.fields.LABELLED_FIELDS), the
values equal to the truth; `per field` shows where the misses are.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

# DIRECTIVES_BENCH_ROOT: measure another checkout (e.g. an export of main, for before/after figures).
ROOT = Path(os.environ.get("DIRECTIVES_BENCH_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

try:
    from parsers.fields import LABELLED_FIELDS
except ImportError:  # a checkout from before the record had one definition
    from parsers.metadata import FIELD_NAMES as LABELLED_FIELDS


def _value(row: dict, name: str):
    value = row.get(name)
    if name == "issued_date" and value is not None:
        return str(value)[:10]
    return value


# Fields of the simulator's merged truth that a record carries under the same name (doc_type_label is the
# portal's printed label, not a record field).
TRUTH_FIELDS = ("number", "issued_date", "doc_type_name", "issuer", "signer_name", "subject", "family")


def _truths(sim, portal_id: str) -> dict[str, dict]:
    """doc_key -> {field: expected}. The simulator's own truth API when it has one (the document's value
    where it has one, else the portal's: what the merge should give), else each seed's labels."""
    server = sim.servers[portal_id]
    if hasattr(getattr(server, "app", None), "truth"):
        return {
            t["doc_key"]: {k: t["fields"].get(k) for k in TRUTH_FIELDS} for t in server.app.truth(portal_id)
        }
    from simulator.corpus import load_seed

    out = {}
    for doc in sim.state.documents(portal_id):
        truth = load_seed(doc.seed).truth()
        out[str(doc.doc_key)] = {k: truth[k] for k in LABELLED_FIELDS if k in truth}
    return out


def measure(portal_ids: list[str] | None, registry: str | None, scale: int | None = None) -> list[dict]:
    from pipeline.context import PipelineContext
    from pipeline.settings import settings_from_env
    from pipeline.stages import run_all
    from scrapers.registry import load_registry
    from simulator.server import start_simulator
    from warehouse.services import EmbeddedS3

    results = []
    with tempfile.TemporaryDirectory(prefix="directives-bench-") as tmp:
        tmp = Path(tmp)
        with EmbeddedS3(tmp / "s3") as s3, start_simulator(tmp / "simulator") as sim:
            if scale:
                sim.state.reset(scale=scale)  # each portal publishes `scale` documents (its mix repeated)
            env = {
                **os.environ,
                **sim.env(),
                "DIRECTIVES_S3_ENDPOINT": s3.endpoint,
                "DIRECTIVES_S3_ACCESS_KEY": s3.access_key,
                "DIRECTIVES_S3_SECRET_KEY": s3.secret_key,
                "DIRECTIVES_S3_BUCKET": f"bench-{uuid.uuid4().hex[:8]}",
                "DIRECTIVES_WAREHOUSE_URL": f"duckdb:///{tmp / 'warehouse.duckdb'}",
            }
            os.environ.update(env)  # the registry's base URLs read DIRECTIVES_SIM_URL_<ID>
            settings = settings_from_env(env)
            portals = [p for p in load_registry(registry) if p.id in sim.base_urls]
            if portal_ids:
                portals = [p for p in portals if p.id in portal_ids]
            for portal in portals:
                results.append(_measure_portal(PipelineContext, run_all, settings, portal, sim))
    return results


def _measure_portal(context_cls, run_all, settings, portal, sim) -> dict:
    ctx = context_cls(settings, portal, f"bench__{uuid.uuid4().hex[:8]}")
    error = None
    try:
        summary = run_all(ctx)
        status = getattr(summary, "status", "success")
    except Exception as exc:  # noqa: BLE001 - a failed run is a figure too
        error, status, summary = str(exc), "failed", None
    rows = {row["doc_key"]: row for row in ctx.warehouse.current_documents(portal.id)}
    quarantined = {row["doc_key"] for row in ctx.warehouse.quarantined(portal.id)} - set(rows)
    objects = ctx.store.count_objects()
    ctx.close()
    # A second run over the unchanged portal must find nothing new and write nothing.
    again = context_cls(settings, portal, f"bench2__{uuid.uuid4().hex[:8]}")
    try:
        second = run_all(again)
        second_run = {
            "new": second.new,
            "updated": second.updated,
            "objects_written": again.store.count_objects() - objects,
        }
    except Exception as exc:  # noqa: BLE001
        second_run = {"error": str(exc)}
    again.close()
    docs = sim.state.documents(portal.id)
    hits, total, misses, details = 0, 0, Counter(), []
    for doc_key, truth in _truths(sim, portal.id).items():
        row = rows.get(doc_key)
        if row is None:
            continue
        for name, expected in truth.items():
            total += 1
            if _value(row, name) == expected:
                hits += 1
            else:
                misses[name] += 1
                details.append(
                    {"doc_key": doc_key, "field": name, "got": _value(row, name), "truth": expected}
                )
    return {
        "portal": portal.id,
        "documents": len(docs),
        "loaded": len(rows),
        "quarantined": len(quarantined),
        "failed": getattr(summary, "failed", None),
        "status": status,
        "field_accuracy": round(hits / total, 4) if total else None,
        "fields_scored": total,
        "misses_by_field": dict(misses.most_common()),
        "misses": details,
        "second_run": second_run,
        "error": error,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--portal", action="append", help="only this simulator portal (repeatable)")
    parser.add_argument("--registry", default=None, help="portal registry (default: config/portals.yaml)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--scale", type=int, default=None, help="documents per portal (simulator scale mode)")
    args = parser.parse_args()
    results = measure(args.portal, args.registry, args.scale)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    print(
        f"{'portal':28} {'docs':>4} {'loaded':>6} {'quar.':>5} {'failed':>6} {'status':9} {'field acc.':>10}"
    )
    for r in results:
        acc = f"{r['field_accuracy']:.1%}" if r["field_accuracy"] is not None else "-"
        print(
            f"{r['portal']:28} {r['documents']:>4} {r['loaded']:>6} {r['quarantined']:>5} "
            f"{str(r['failed']):>6} {r['status']:9} {acc:>10}  "
            f"second run: {r['second_run']} {r['misses_by_field'] or ''} {r['error'] or ''}"
        )


if __name__ == "__main__":
    main()
