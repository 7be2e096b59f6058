"""Run the suite over a batch of records and say, per record, why it failed.

An ephemeral GX context (nothing written to disk) validates one pandas batch; result_format COMPLETE with
the record id as index column tells which records broke which expectation.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from quality.suite import CHECKS_BY_NAME, ID_COLUMN, SUITE_NAME, SuiteLimits, batch_rows, build_suite


class QualityError(RuntimeError):
    """The batch cannot be validated as given, or the suite itself broke (never a silent pass)."""


@dataclass
class ValidationOutcome:
    passed_ids: list[str]
    failed: dict[str, list[str]]  # record id -> readable reasons, in suite order
    statistics: dict[str, Any] = field(default_factory=dict)

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


def _run_suite(rows: list[dict], limits: SuiteLimits, today: date):
    _quiet_gx()
    import great_expectations as gx
    import pandas as pd
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _quiet_gx()  # again: importing GX may have reset its loggers
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("records")
        .add_dataframe_asset("record_batch")
        .add_batch_definition_whole_dataframe("whole_batch")
    )
    suite = context.suites.add(build_suite(limits, today))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{SUITE_NAME}_validation", data=batch, suite=suite)
    )
    frame = pd.DataFrame(rows, dtype=object)
    return definition.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ID_COLUMN]},
    )


def validate_records(
    records: list[dict], limits: SuiteLimits | None = None, today: date | None = None
) -> ValidationOutcome:
    """Validate a batch; each record needs a unique `record_id` (the pipeline uses the doc_key)."""
    limits = limits or SuiteLimits()
    today = today or date.today()
    ids = _check_ids(records)
    if not records:
        return ValidationOutcome([], {}, {"records": 0, "passed": 0, "failed": 0})
    by_id = dict(zip(ids, records, strict=True))
    result = _run_suite(
        batch_rows({**r, ID_COLUMN: i} for i, r in zip(ids, records, strict=True)), limits, today
    )
    failed: dict[str, list[str]] = {}
    failures_by_check: Counter[str] = Counter()
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
            failed.setdefault(record_id, []).append(check.explain(by_id[record_id], limits, today))
            failures_by_check[check.name] += 1
    passed = [i for i in ids if i not in failed]
    stats = dict(result.statistics)
    stats.update(
        records=len(records),
        passed=len(passed),
        failed=len(failed),
        failures_by_check=dict(failures_by_check),
    )
    return ValidationOutcome(passed, failed, stats)
