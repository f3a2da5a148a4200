"""nbgrader's Validate, telling the trainee's check instead of running tests.

Stock ``Validator`` executes the paper and reports test cells: on a blank click paper it reports a
failure on the written answer only, and on an incomplete paper "Success! Your notebook passes all
the tests." Ours reads the saved file as data (``answer_state.check_paper``, the same reading as
the grader and the in-notebook check) and returns, for an incomplete paper, one ``failed`` entry
whose text is the Chinese check (已作答 N / 总数 题, unanswered and unreadable items); a complete
paper gets nbgrader's plain result. Nothing is executed. The course's ``nbgrader_config.py``
installs it for the Validate button (server extension) and ``nbgrader validate``.
"""

from __future__ import annotations

import html
import json

from nbgrader.validator import Validator

from zhiben_training.assess.answer_state import check_paper, check_text

__all__ = ["ZhibenValidator", "install"]


class ZhibenValidator(Validator):
    def validate(self, filename: str) -> dict:
        try:
            with open(filename, encoding="utf-8") as fh:
                nb = json.load(fh)
        except (OSError, ValueError) as exc:
            return {"failed": [{"source": "试卷文件无法读取", "error": html.escape(str(exc)[:200]),
                                "raw_error": str(exc)[:200]}]}
        report = check_paper(nb if isinstance(nb, dict) else {})
        if report["total"] and (report["missing"] or report["unreadable"]):
            text = check_text(report)
            head, _, rest = text.partition("\n")
            return {"failed": [{"source": head, "error": html.escape(rest), "raw_error": rest}]}
        return {}

    def validate_and_print(self, filename: str) -> None:
        try:
            with open(filename, encoding="utf-8") as fh:
                print(check_text(check_paper(json.load(fh))))
        except (OSError, ValueError) as exc:
            print(f"试卷文件无法读取：{str(exc)[:200]}")


def install() -> None:
    """Use ZhibenValidator wherever nbgrader builds a Validator (called from nbgrader_config.py)."""
    from nbgrader.apps import validateapp
    from nbgrader.server_extensions.validate_assignment import handlers

    validateapp.Validator = ZhibenValidator
    handlers.Validator = ZhibenValidator
