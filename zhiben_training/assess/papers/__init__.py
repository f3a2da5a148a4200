"""Papers: the question bank and blueprints, per-trainee papers built from them (rebuildable from the
recorded seed), the management-ability tasks on the trainee's synthetic site, and the paper notebook
whose choice items are answered by clicking and read back as data."""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach(__name__, submod_attrs={
    "answer_state": ["LEVELS", "REQUIREMENTS", "SPEC_KEY", "STATE_MIME", "TRUEFALSE", "VIEW_MIME",
                     "answer_cells", "check_paper", "check_text", "read_item"],
    "bank": ["load_bank", "load_blueprints", "question_by_id"],
    "notebooks": ["ANSWER_MIME", "CLICK_KINDS", "NOTEBOOK_NAME", "NO_HAZARD", "answer_cell_id",
                  "build_notebook", "cell_ids", "hazard_choices", "paper_title", "test_cell_id"],
    "paper": ["Paper", "PaperItem", "bank_letters", "build_paper"],
    "scoring": ["normalise_choice", "normalise_truefalse", "score_item"],
    "site_tasks": ["LEDGER_FILE"],
})
