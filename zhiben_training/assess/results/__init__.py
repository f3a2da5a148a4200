"""Results: a round's scores read back from nbgrader's gradebook (refused while any paper is 未评分),
an examiner's manual marks, the import into the registry, the Excel CSV, the trainee's feedback page
and the item analysis that retires bad questions."""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach(__name__, submod_attrs={
    "analysis": ["item_analysis", "write_item_analysis"],
    "answer_sheets": ["AnswerSheet", "SheetItem", "answer_sheet"],
    "csv_export": ["export_csv"],
    "feedback": ["write_feedback"],
    "gradebook": ["ImportedResults", "ImportedTrainee", "assignment_round", "grade_item", "import_results",
                  "item_scores", "round_pass_mark", "totals"],
    "responses": ["responses_frame"],
})
