"""Assessments, in four stages that import one way (each only from the stages below it):

* ``results``  — the gradebook read back: totals, manual marks, registry import, CSV export,
  feedback pages, item analysis;
* ``grading``  — sandboxed autograde that never writes a score the answers did not earn;
* ``exchange`` — a round's per-trainee variants, their release (zip or nbgrader exchange), the exam
  window and the collection of returned papers;
* ``papers``   — question bank, blueprint, site tasks, the paper notebook and its click answers.

``nbgrader_adapter`` (below all four) is the only module that talks to nbgrader's gradebook and
converters; ``layout`` (below everything, standard library only) owns the course root's folders, files
and cell ids (``CourseRoot``); ``simulate`` writes simulated trainees' answers for the demo and
benchmarks. Code outside ``assess`` uses this face — the four stages, each with the names its
``__init__`` lists, and the names below — never a module (checked by ``tests/test_faces.py``); a stage
uses another stage the same way. See ``assessments/README.md`` for the examiner's workflow.
"""

import lazy_loader as lazy

# each stage and name loads on first use, so `zhiben --help` or a hub login imports no nbgrader
__getattr__, __dir__, __all__ = lazy.attach(__name__, submodules=["exchange", "grading", "papers", "results"],
                                            submod_attrs={"layout": ["CourseRoot", "ExchangeRoot",
                                                                     "answer_cell_id", "assignment_id",
                                                                     "item_of", "test_cell_id"],
                                                          "nbgrader_adapter": ["answer_text"],
                                                          "simulate": ["simulate_submissions"]})
