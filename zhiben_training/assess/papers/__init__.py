"""Papers: the question bank and blueprints, per-trainee papers built from them (rebuildable from the
recorded seed), the management-ability tasks on the trainee's synthetic site, and the paper notebook
whose choice items are answered by clicking and read back as data."""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach(__name__, submod_attrs={
    "answer_state": ["check_paper", "check_text", "read_item"],
    "bank": ["load_bank", "load_blueprints", "question_by_id"],
    "notebooks": ["NOTEBOOK_NAME", "build_notebook", "paper_title"],
    "paper": ["Paper", "PaperItem", "build_paper"],
    "scoring": ["score_item"],
})
