"""Grading: each submission runs in a fresh kernel forked inside a bubblewrap sandbox, supervised so
that a failure of the machinery is retried or left 未评分 — never a score — and the scores go into
nbgrader's gradebook. Also the tampering report against each trainee's own variant."""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach(__name__, submod_attrs={
    "batch": ["UNGRADED_LABEL", "AutogradeSummary", "autograde", "dropped_manual_grades", "grading_status",
              "require_fully_graded"],
    "integrity": ["tamper_reports"],
    "submission": ["captured_answer"],
    "sandbox": ["Limits", "describe_isolation", "isolation_level"],
})
