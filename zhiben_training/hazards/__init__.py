"""The 2024 major-hazard rules engine over documented inspection records.

``validate_record`` checks a record against the shipped JSON Schema
(``zhiben_training/data/inspection_record.schema.json``, documented in ``docs/record-format.md``).
"""

from __future__ import annotations

from zhiben_training.hazards._record import record_schema, validate_record

__all__ = ["validate_record", "record_schema"]
