"""Run the suite over a batch of records and say, per record, why it failed.

The project's file-backed GX context (quality/gx/great_expectations.yml) runs a Checkpoint over one pandas
batch; result_format COMPLETE with the record id as index column tells which records broke which
expectation, and the Checkpoint's UpdateDataDocsAction builds Data Docs when asked for.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from quality.suite import (
    CHECKS_BY_NAME,
    CRITICAL,
    ID_COLUMN,
    SUITE_NAME,
    SuiteLimits,
    batch_rows,
    build_suite,
)

GX_CONTEXT_DIR = Path(__file__).resolve().parent / "gx"


class QualityError(RuntimeError):
    """The batch cannot be validated as given, or the suite itself broke (never a silent pass)."""


@dataclass
class ValidationOutcome:
    """`failed`: critical findings (the record goes to quarantine); `warnings`: the others (it is loaded,
    the findings listed on its row). `passed_ids` are the records without a critical finding."""

    passed_ids: list[str]
    failed: dict[str, list[str]]  # record id -> readable reasons of critical checks, in suite order
    statistics: dict[str, Any] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # record id -> warning-level reasons

    @property
    def success(self) -> bool:
        return not self.failed


def _check_ids(records: list[dict]) -> list[str]:
    ids = [record.get(ID_COLUMN) for record in records]
    missing = [i for i, value in enumerate(ids) if value in (None, "")]
    if missing:
        raise QualityError(f"records at positions {missing[:10]} have no {ID_COLUMN}")
    duplicates = sorted(str(value) for value, count in Counter(ids).items() if count > 1)
    if duplicates:
        raise QualityError(f"duplicate {ID_COLUMN} values in the batch: {', '.join(duplicates[:10])}")
    return [str(value) for value in ids]


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    # Once Airflow has configured logging, GX floods INFO with "Skipping registering function ...".
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations."):
            logging.getLogger(name).setLevel(logging.NOTSET)  # inherit the WARNING above


def _run_checkpoint(
    rows: list[dict], limits: SuiteLimits, today: date, checkpoint: str, docs_dir: Path | None
):
    """One Checkpoint run in a private copy of the project's file context (quality/gx): parallel tasks never
    share its stores, and the repository copy is never written to."""
    _quiet_gx()
    import great_expectations as gx
    import pandas as pd
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _quiet_gx()  # again: importing GX may have reset its loggers
    with tempfile.TemporaryDirectory(prefix="directives-gx-") as root:
        skip = shutil.ignore_patterns("vendor", "uncommitted")
        shutil.copytree(GX_CONTEXT_DIR, Path(root) / "gx", ignore=skip)
        context = gx.get_context(mode="file", project_root_dir=root)
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        batch = (
            context.data_sources.add_pandas("records")
            .add_dataframe_asset("record_batch")
            .add_batch_definition_whole_dataframe("whole_batch")
        )
        suite = context.suites.add(build_suite(limits, today))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{checkpoint}_validation", data=batch, suite=suite)
        )
        actions = [gx.checkpoint.UpdateDataDocsAction(name="update_data_docs")] if docs_dir else []
        runner = context.checkpoints.add(
            gx.Checkpoint(
                name=checkpoint,
                validation_definitions=[definition],
                actions=actions,
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ID_COLUMN]},
            )
        )
        frame = pd.DataFrame(rows, dtype=object)
        result = runner.run(batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=checkpoint))
        if docs_dir is not None:
            from quality.data_docs import make_offline

            site = Path(root) / "gx" / "uncommitted" / "data_docs" / "local_site"
            shutil.copytree(site, docs_dir, dirs_exist_ok=True)
            make_offline(docs_dir)
        [suite_result] = result.run_results.values()
        return suite_result


def validate_records(
    records: list[dict],
    limits: SuiteLimits | None = None,
    today: date | None = None,
    *,
    checkpoint: str = f"{SUITE_NAME}_checkpoint",
    data_docs_dir: Path | None = None,
) -> ValidationOutcome:
    """Validate a batch; each record needs a unique `record_id` (the pipeline uses the doc_key).

    `checkpoint` names the GX Checkpoint (the pipeline uses one per portal); with `data_docs_dir` the run's
    Data Docs site, made readable offline, is written there."""
    limits = limits or SuiteLimits()
    today = today or date.today()
    ids = _check_ids(records)
    if not records:
        return ValidationOutcome([], {}, {"records": 0, "passed": 0, "failed": 0, "warned": 0})
    by_id = dict(zip(ids, records, strict=True))
    rows = batch_rows({**r, ID_COLUMN: i} for i, r in zip(ids, records, strict=True))
    result = _run_checkpoint(rows, limits, today, checkpoint, data_docs_dir)
    failed: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    failures_by_check: Counter[str] = Counter()
    warnings_by_check: Counter[str] = Counter()
    for expectation in result.results:
        if expectation.success:
            continue
        check_name = (expectation.expectation_config.meta or {}).get("check")
        check = CHECKS_BY_NAME.get(check_name)
        raised = (expectation.exception_info or {}).get("raised_exception")
        if check is None or raised:
            message = (expectation.exception_info or {}).get("exception_message")
            raise QualityError(f"expectation {expectation.expectation_config.type} could not run: {message}")
        unexpected = expectation.result.get("unexpected_index_list") or []
        for entry in unexpected:
            record_id = str(entry[ID_COLUMN])
            reason = check.explain(by_id[record_id], limits, today)
            if check.severity == CRITICAL:
                failed.setdefault(record_id, []).append(reason)
                failures_by_check[check.name] += 1
            else:
                warnings.setdefault(record_id, []).append(reason)
                warnings_by_check[check.name] += 1
    passed = [i for i in ids if i not in failed]
    stats = dict(result.statistics)
    stats.update(
        records=len(records),
        passed=len(passed),
        failed=len(failed),
        failures_by_check=dict(failures_by_check),
        warned=len(warnings),
        warnings_by_check=dict(warnings_by_check),
    )
    return ValidationOutcome(passed, failed, stats, warnings)
