"""Assessments, in four stages that import one way (each only from the stages below it):

* ``results``  — the gradebook read back: totals, manual marks, registry import, CSV export,
  feedback pages, item analysis;
* ``grading``  — sandboxed autograde that never writes a score the answers did not earn;
* ``exchange`` — a round's per-trainee variants, their release (zip or nbgrader exchange), the exam
  window and the collection of returned papers;
* ``papers``   — question bank, blueprint, site tasks, the paper notebook and its click answers.

``nbgrader_adapter`` (below all four) is the only module that talks to nbgrader's gradebook and
converters; ``layout`` (below everything, standard library only) owns the course root's folders, files
and cell ids, and is this package's own face (``CourseRoot``); ``simulate`` writes simulated trainees'
answers for the demo and benchmarks. Code outside
``assess`` uses the names each stage lists in its ``__init__`` (checked by ``tests/test_architecture.py``).
See ``assessments/README.md`` for the examiner's workflow.
"""

from zhiben_training.assess.layout import CourseRoot, ExchangeRoot, assignment_id

__all__ = ["CourseRoot", "ExchangeRoot", "assignment_id"]
