"""Data quality of document records: a Great Expectations suite over each batch (GX is imported lazily)."""

from quality.suite import CHECKS, SuiteLimits
from quality.validation import QualityError, ValidationOutcome, validate_records

__all__ = ["CHECKS", "QualityError", "SuiteLimits", "ValidationOutcome", "validate_records"]
