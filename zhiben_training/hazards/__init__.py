"""The 2024 major-hazard rules engine over documented inspection records.

* ``validate_record`` checks a record against the shipped JSON Schema
  (``zhiben_training/data/inspection_record.schema.json``, documented in ``docs/record-format.md``);
* ``classify_work`` / ``classify_works`` grade sub-works 一般 / 危大 / 超规模 (建办质〔2018〕31号);
* ``assess`` lists the 重大事故隐患 (建质规〔2024〕5号) with the facts that triggered them.
"""

from __future__ import annotations

from zhiben_training.hazards._assess import assess
from zhiben_training.hazards._classify import classify_work, classify_works
from zhiben_training.hazards._models import LEVELS, HazardFinding, WorkClassification
from zhiben_training.hazards._record import load_record_file, record_schema, validate_record

__all__ = [
    "LEVELS",
    "HazardFinding",
    "WorkClassification",
    "assess",
    "classify_work",
    "classify_works",
    "load_record_file",
    "record_schema",
    "validate_record",
]
