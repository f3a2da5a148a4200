"""Item analysis checked against hand-computed examples and a textbook form of Cronbach's α."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from zhiben_training.assess.papers.paper import bank_letters, build_paper, score_item
from zhiben_training.assess.results.analysis import (
    cronbach_alpha,
    item_analysis,
    item_analysis_figure,
    kr20,
    plot_item_analysis,
)
from zhiben_training.cli._assess_analyze import analyze as analyze_command


def long_format(matrix: list[list[float]], *, kinds=None, paper="A") -> pd.DataFrame:
    rows = []
    for t, scores in enumerate(matrix):
        for i, score in enumerate(scores):
            rows.append({"trainee_id": f"T{t + 1}", "paper": paper, "item_id": f"k{i + 1:02d}",
                         "source_question_id": f"Q{i + 1}", "kind": (kinds or ["single"] * len(scores))[i],
                         "answer": "A" if score else "B", "key": "A", "points": score, "max_points": 1})
    return pd.DataFrame(rows)


# 4 trainees × 3 items, worked by hand in the comments below
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


def test_facility_is_the_share_of_points_earned():
    items = item_analysis(long_format(HAND), min_n=1).items.set_index("question_id")
    assert items.loc[["Q1", "Q2", "Q3"], "facility"].tolist() == [0.75, 0.5, 0.25]


def test_point_biserial_correlates_the_item_with_the_rest_of_the_paper():
    # Q1: x = [1,1,1,0], rest = total − item = [2,1,0,0]; Σdxdr = 0.75, Σdx² = 0.75, Σdr² = 2.75
    items = item_analysis(long_format(HAND), min_n=1).items.set_index("question_id")
    assert items.loc["Q1", "point_biserial"] == pytest.approx(0.75 / np.sqrt(0.75 * 2.75))


def test_upper_lower_27_percent_uses_the_top_and_bottom_trainees():
    # 27 % of 4 rounds to 1: upper = T1 (total 3), lower = T4 (total 0) → D = 1 − 0 for every item
    items = item_analysis(long_format(HAND), min_n=1).items
    assert items["discrimination_27"].tolist() == [1.0, 1.0, 1.0]
    mixed = [[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1], [1, 1], [0, 0], [1, 1], [0, 0]]
    # totals: T3,T7,T9 = 2 are the upper 3 (27 % of 10 → 3); T4,T8,T10 = 0 the lower 3
    result = item_analysis(long_format(mixed), min_n=1).items.set_index("question_id")
    assert result.loc["Q1", "discrimination_27"] == pytest.approx(1.0)


def test_alpha_and_kr20_on_the_hand_example_are_three_quarters():
    # item variances (n−1): 0.25, 1/3, 0.25 → Σ = 5/6; total variance 5/3; α = 3/2·(1 − 1/2) = 0.75
    assert cronbach_alpha(np.array(HAND)) == pytest.approx(0.75)
    # Σpq = 0.625, σ²(total, population) = 1.25 → KR-20 = 3/2·(1 − 0.5) = 0.75
    assert kr20(np.array(HAND)) == pytest.approx(0.75)
    rel = item_analysis(long_format(HAND), min_n=1).reliability.iloc[0]
    assert rel["cronbach_alpha"] == pytest.approx(0.75) and rel["kr20"] == pytest.approx(0.75)


def test_alpha_matches_the_average_covariance_textbook_form():
    rng = np.random.default_rng(5)
    ability = rng.normal(size=(60, 1))
    matrix = np.clip(np.round(2 + ability + rng.normal(scale=0.8, size=(60, 6))), 0, 4)
    cov = np.cov(matrix, rowvar=False)
    k = cov.shape[0]
    mean_var = np.trace(cov) / k
    mean_cov = (cov.sum() - np.trace(cov)) / (k * (k - 1))
    assert cronbach_alpha(matrix) == pytest.approx(k * mean_cov / (mean_var + (k - 1) * mean_cov))


def test_kr20_equals_alpha_on_a_zero_one_matrix():
    rng = np.random.default_rng(9)
    binary = (rng.normal(size=(40, 1)) + rng.normal(size=(40, 8)) > 0).astype(float)
    assert kr20(binary) == pytest.approx(cronbach_alpha(binary))


def test_distractor_counts_use_the_bank_letters_when_given():
    frame = long_format([[1], [0], [0], [1], [0]])
    frame["answer_original"] = ["C", "A", "A", "C", "['B', 'D']"]
    frame["key_original"] = "C"
    counts = item_analysis(frame, min_n=1).distractors.set_index("option")["count"].to_dict()
    assert counts == {"C": 2, "A": 2, "BD": 1}


def test_too_easy_questions_are_flagged_for_retirement_once_enough_trainees_answered():
    easy = [[1, t % 2] for t in range(12)]
    items = item_analysis(long_format(easy)).items.set_index("question_id")
    assert items.loc["Q1", "retire"] and "过易" in items.loc["Q1", "flags"]
    few = item_analysis(long_format(easy[:5])).items.set_index("question_id")
    assert few.loc["Q1", "flags"] == "样本不足" and not few.loc["Q1", "retire"]


def simulated_responses(city, n: int = 24) -> pd.DataFrame:
    """Real papers answered by simulated trainees of varying ability, scored by score_item."""
    rows = []
    for t in range(n):
        paper = build_paper(round_id="2026-principal", paper="A", trainee_id=f"S{t:03d}",
                            seed=3, city_dir=city)
        rng = np.random.default_rng(t)
        ability = t / n
        for item in paper.items:
            if item.kind == "written":
                answer, points = "", float(round(ability * 10))
            else:
                answer = item.key if rng.random() < 0.3 + 0.6 * ability else (
                    "A" if item.kind == "single" else ["A", "B"] if item.kind == "multiple" else [] if
                    item.kind == "hazard_ids" else not item.key if item.kind == "truefalse" else {})
                points = score_item(item, answer)[0]
            rows.append({"trainee_id": paper.trainee_id, "paper": "A", "item_id": item.item_id,
                         "source_question_id": item.source_question_id, "kind": item.kind,
                         "answer": json.dumps(answer, ensure_ascii=False),
                         "key": json.dumps(item.key, ensure_ascii=False),
                         "answer_original": bank_letters(item, answer) or "",
                         "points": points, "max_points": item.points})
    return pd.DataFrame(rows)


def test_a_simulated_round_gives_sensible_statistics_and_a_chart(tiny_city, tmp_path, artifacts_dir):
    result = item_analysis(simulated_responses(tiny_city), min_n=3)
    assert set(result.items["question_id"]) >= {"t01", "t02", "t03", "w01"}
    assert result.items["facility"].between(0, 1).all()
    assert result.reliability.iloc[0]["cronbach_alpha"] > 0.5  # ability drives every item
    png = plot_item_analysis(result, tmp_path / "chart.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plot_item_analysis(result, artifacts_dir / "assess_item_analysis.png")


def test_analyze_command_prints_a_chinese_table_and_writes_csv_and_png(tiny_city, tmp_path):
    csv = tmp_path / "responses.csv"
    simulated_responses(tiny_city, n=12).drop(columns=["answer_original"]).to_csv(csv, index=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(analyze_command, ["2026-principal", "--responses", str(csv),
                                                  "--out", str(out), "--min-n", "2"])
    assert result.exit_code == 0, result.output
    assert "难度p" in result.output and "Cronbach α" in result.output and "A 卷" in result.output
    table = pd.read_csv(out / "item_analysis.csv", encoding="utf-8-sig")
    assert {"facility", "point_biserial", "discrimination_27", "flags"} <= set(table.columns)
    assert (out / "item_analysis.png").stat().st_size > 10_000
    assert (out / "reliability.csv").exists() and (out / "distractors.csv").exists()


def test_analyze_command_reports_missing_columns_in_chinese(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("trainee_id,points\nT1,1\n", encoding="utf-8")
    result = CliRunner().invoke(analyze_command, ["R", "--responses", str(csv)], standalone_mode=False)
    assert "作答数据缺少列" in str(result.exception)


def test_analyze_is_reachable_as_zhiben_assess_analyze(tiny_city, tmp_path, capsys):
    from zhiben_training.cli import main

    csv = tmp_path / "responses.csv"
    simulated_responses(tiny_city, n=6).to_csv(csv, index=False)
    assert main(["assess", "analyze", "2026-principal", "--responses", str(csv), "--out", str(tmp_path / "o"),
                 "--min-n", "2"]) == 0
    assert "题目分析" in capsys.readouterr().out


def test_kr20_above_alpha_is_explained_by_their_different_items_and_scoring():
    """Two objective items that agree, plus a 10-point task that does not: KR-20 > α, and the note says
    why."""
    objective = [[1, 1], [1, 1], [0, 0], [0, 0], [1, 1], [0, 0]]
    task = [2, 9, 8, 1, 3, 7]
    frame = long_format(objective)
    for t, points in enumerate(task):
        frame.loc[len(frame)] = {"trainee_id": f"T{t + 1}", "paper": "A", "item_id": "t01",
                                 "source_question_id": "t01", "kind": "ledger", "answer": "", "key": "",
                                 "points": points, "max_points": 10}
    rel = item_analysis(frame, min_n=1).reliability.iloc[0]
    assert (rel["n_items"], rel["n_dichotomous"]) == (3, 2)
    assert rel["kr20"] == pytest.approx(1.0) and rel["kr20"] > rel["cronbach_alpha"]
    assert ("KR-20 只计 2 道客观题" in rel["note"] and "全部 3 道题" in rel["note"]
            and "并不矛盾" in rel["note"])
    same = item_analysis(long_format(HAND), min_n=1).reliability.iloc[0]
    assert "全部为客观题" in same["note"] and same["kr20"] == pytest.approx(same["cronbach_alpha"])


def test_the_chart_names_the_round_and_keeps_legends_outside_the_plot_areas(tiny_city, artifacts_dir):
    result = item_analysis(simulated_responses(tiny_city, n=12), min_n=3)
    fig = item_analysis_figure(result, title="考核轮次 2026-principal（2026-A）")
    assert fig.get_suptitle() == "题目分析：考核轮次 2026-principal（2026-A）"
    renderer = fig._get_renderer()  # a bare Figure lays out with the Agg renderer
    fig.draw(renderer)
    for ax in fig.axes:
        legend, plot = ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer)
        assert legend.y1 <= plot.y0 + 1, ax.get_title()  # wholly below the plot area: covers no bar or point
        assert fig.bbox.contains(legend.x0, legend.y0)  # and still on the picture
    fig.savefig(artifacts_dir / "assess_item_analysis_titled.png", dpi=120)
