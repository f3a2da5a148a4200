"""The 2024 major-hazard rules engine over documented inspection records.

* ``validate_record`` checks a record against the shipped JSON Schema
  (``zhiben_training/data/inspection_record.schema.json``, documented in ``docs/record-format.md``),
  ``load_record_file`` reads one with stated size, depth and number limits;
* ``classify_work`` / ``classify_works`` grade sub-works 一般 / 危大 / 超规模 / 无法判定 (建办质〔2018〕31号);
* ``find_hazards`` lists the 重大事故隐患 (建质规〔2024〕5号) with the measurements that triggered them;
  ``judge_record`` adds the items the record cannot decide (无法判定) and the verdict on each issue;
* ``migrate_record`` turns a format-1 record into format 2 and says which items became 无法判定 and why.
"""

from __future__ import annotations

from zhiben_training.hazards._classify import classify_work, classify_works
from zhiben_training.hazards._judge import find_hazards, judge_record
from zhiben_training.hazards._migrate import FORMAT_VERSION, migrate_record
from zhiben_training.hazards._models import (
    LEVELS,
    UNDETERMINED,
    HazardFinding,
    IssueVerdict,
    Migration,
    MigrationGap,
    RecordVerdict,
    Undetermined,
    WorkClassification,
)
from zhiben_training.hazards._record import load_record_file, record_schema, validate_record

__all__ = [
    "FORMAT_VERSION",
    "HazardFinding",
    "IssueVerdict",
    "LEVELS",
    "Migration",
    "MigrationGap",
    "RecordVerdict",
    "UNDETERMINED",
    "Undetermined",
    "WorkClassification",
    "classify_work",
    "classify_works",
    "find_hazards",
    "judge_record",
    "load_record_file",
    "migrate_record",
    "record_schema",
    "validate_record",
]
