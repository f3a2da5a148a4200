"""The examiner's answer sheet (作答明细): what each trainee clicked, in the option's own words, with
score and key — what formgrader cannot show (it shows ``_zb_answer("k01")`` and a score)."""

from __future__ import annotations

from tests.assess.conftest import AID, hand_in, paper_of, run_autograde
from tests.assess.test_clicks import _answer, _click_template, _full, click_course  # noqa: F401 (fixtures)
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.results import answer_sheet
from zhiben_training.cli import main


def _option(root, trainee: str, item: str, letter: str) -> str:
    """The option line as the trainee saw it on the paper, e.g. "B. 选项B（第12套）"."""
    prompt = next(i.prompt_md for i in paper_of(root, trainee).items if i.item_id == item)
    return next(line[2:] for line in prompt.splitlines() if line.startswith(f"- {letter}. "))


def test_the_answer_sheet_shows_the_clicked_option_text_score_and_key(click_course, scorer, tmp_path, capsys):  # noqa: F811
    values, _ = _full(click_course, "T002")
    right = values["k01"]
    wrong = next(c for c in "ABCD" if c != right)
    hand_in(click_course.parent / "inbox", "T002",
            _answer(click_course, "T002", {**values, "k01": wrong, "k03": not values["k03"]}))
    collect(click_course, AID, source=click_course.parent / "inbox")
    run_autograde(click_course, scorer)

    sheet = answer_sheet(click_course, AID, "T002")
    items = {i.item_id: i for i in sheet.items}
    assert [i.item_id for i in sheet.items] == ["k01", "k02", "k03", "t01", "t02", "w01"]
    k01 = items["k01"]
    assert (k01.kind, k01.answer, k01.key) == ("单选题", _option(click_course, "T002", "k01", wrong),
                                               _option(click_course, "T002", "k01", right))
    assert (k01.score, k01.max_score, k01.verdict) == (0.0, 2.0, "错误")
    chosen = "\n".join(_option(click_course, "T002", "k02", c) for c in values["k02"])
    assert (items["k02"].verdict, items["k02"].answer, items["k02"].key) == ("正确", chosen, chosen)
    assert items["k03"].answer == ("错误" if values["k03"] else "正确") and items["k03"].score == 0.0
    assert items["t02"].answer == "（未作答）" and items["w01"].comment == "未作答。"

    out_html = tmp_path / "作答明细.html"
    assert main(["assess", "answer-sheet", "--course", str(click_course), "-a", AID, "--trainee", "T002",
                 "--html", str(out_html)]) == 0
    text = capsys.readouterr().out
    assert "第 k01 题（单选题）  0 / 2 分  错误" in text
    assert f"作答：{_option(click_course, 'T002', 'k01', wrong)}" in text
    assert f"答案：{_option(click_course, 'T002', 'k01', right)}" in text
    page = out_html.read_text(encoding="utf-8")
    assert _option(click_course, "T002", "k01", wrong) in page and "_zb_answer" not in page
