"""Charts use the bundled CJK font; the fine calculator widget records and re-renders."""

from __future__ import annotations

from datetime import date

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402

from zhiben_training.fonts import cjk_font_path  # noqa: E402
from zhiben_training.lessons import campaign, charts, criteria_drill  # noqa: E402
from zhiben_training.lessons.widgets import fine_calculator, fine_result_html  # noqa: E402


def test_the_timeline_chart_draws_chinese_with_the_bundled_font(artifacts_dir):
    fig = charts.plot_timeline(campaign.campaign()["stages"], today=date(2026, 11, 28))
    title = fig.axes[0].title
    assert title.get_text() == "治本攻坚三年行动时间进度安排（四个阶段）"
    used = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
    assert used == str(cjk_font_path())
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "集中攻坚\n2025年" in labels and "今天" in labels
    fig.savefig(artifacts_dir / "course-timeline.png", dpi=80)


def test_the_chapter_chart_has_one_bar_per_chapter_and_version():
    fig = charts.plot_chapter_counts(criteria_drill.chapter_counts())
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * len(criteria_drill.chapter_counts())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2022版", "2024版"]


def test_the_fine_calculator_records_inputs_and_shows_the_article_95_amount():
    choices: dict = {}
    box = fine_calculator(choices, income=800000, level="较大")
    income, level, result = box.children
    assert (income.description, level.description) == ("主要负责人上一年年收入", "事故等级")
    assert choices == {"income": "80万", "level": "较大"} and income.value == "80万"
    assert "480,000.00 元" in result.value
    level.value = "特别重大"
    income.value = "123456.78"
    assert choices == {"income": "123456.78", "level": "特别重大"}
    assert "123,456.78 元" in result.value and "第九十五条第（四）项" in result.value


def test_a_negative_income_shows_a_chinese_warning_instead_of_an_exception():
    page = fine_result_html({"income": -5, "level": "一般"})
    assert "！" in page and "年收入不能为负数" in page


def test_the_channel_chart_shows_major_hazards_in_their_own_panel():
    import pandas as pd

    table = pd.DataFrame({"一般": [900, 300], "重大": [9, 3]},
                         index=pd.Index(["企业自查", "督导检查"], name="发现渠道"))
    fig = charts.plot_channels(table)
    left, right = fig.axes
    assert right.get_title() == "其中：重大事故隐患"
    assert [p.get_height() for p in right.patches] == [9, 3]


def test_the_lesson_one_checklist_lists_what_is_not_ticked():
    from zhiben_training.lessons.widgets import checklist, checklist_gaps

    asks = campaign.campaign()["asks"]
    choices: dict = {}
    box = checklist(asks, choices)
    assert len(checklist_gaps(asks, choices)) == len(asks)
    monthly = next(b for b in box.children if b.description.startswith("主要负责人带队每月至少1次自查自改"))
    monthly.value = True
    gaps = checklist_gaps(asks, choices)
    assert len(gaps) == len(asks) - 1 and not any(g.startswith("主要负责人带队每月") for g in gaps)
