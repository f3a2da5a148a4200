"""nbgrader's Validate, telling the trainee's check instead of running tests.

Stock ``Validator`` executes the paper and reports test cells: on a blank click paper it reports a
failure on the written answer only, and on an incomplete paper "Success! Your notebook passes all
the tests." Ours reads the saved file as data (``answer_state.check_paper``, the same reading as
the grader and the in-notebook check) and returns, for an incomplete paper, one ``failed`` entry
whose text is the Chinese check (已作答 N / 总数 题, unanswered and unreadable items); a complete
paper gets nbgrader's plain result. Nothing is executed.

It is installed wherever nbgrader builds a Validator: by this module as a Jupyter server extension
(enabled in the venv by ``make``: ``jupyter_server_config.d/zhiben.json``), so the Validate button of
every JupyterLab run from the project's venv (course lab, hub trainee servers) uses it whatever
folder it serves, and by the course's ``nbgrader_config.py`` for ``nbgrader validate``. nbgrader's
lab extension words the result in fixed English ("Success! Your notebook passes all the tests." for
an empty result); the project's lab extension ``assessments/lab/zhiben-paper`` rewords those dialogs
in Chinese (a complete paper: 全部题目均已作答…，不判断对错).
"""

from __future__ import annotations

import html
import json

from nbgrader.validator import Validator

from zhiben_training.assess.papers.answer_state import check_paper, check_text

__all__ = ["ZhibenValidator", "install"]

NOT_A_PAPER = "这不是考核试卷：文件中没有可检查的题目。"


class ZhibenValidator(Validator):
    def validate(self, filename: str) -> dict:
        try:
            with open(filename, encoding="utf-8") as fh:
                nb = json.load(fh)
        except (OSError, ValueError) as exc:
            return {"failed": [{"source": "试卷文件无法读取", "error": html.escape(str(exc)[:200]),
                                "raw_error": str(exc)[:200]}]}
        report = check_paper(nb if isinstance(nb, dict) else {})
        if not report["total"]:  # never a "Success" for a notebook that is not a paper
            return {"failed": [{"source": NOT_A_PAPER, "error": "", "raw_error": ""}]}
        if report["missing"] or report["unreadable"]:
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


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp) -> None:
    """As a server extension: nbgrader's Validate handler builds ZhibenValidator."""
    install()
    serverapp.log.info("zhiben: nbgrader Validate reports the trainee's check (已作答 N / 总数 题)")
