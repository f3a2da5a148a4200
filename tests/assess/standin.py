"""A tiny stand-in for ``zhiben_training.assess.papers.paper.build_paper`` using the real dataclasses, so
the pipeline tests stay small and fast (6 items instead of a full paper). Content and keys vary by
seed; the structure (item ids, kinds, points) is the same for every trainee, like the real papers."""

from __future__ import annotations

import random
from pathlib import Path

from zhiben_training.assess.papers.paper import Paper, PaperItem

__all__ = ["Paper", "PaperItem", "build_paper"]


CHANNELS = ("企业自查", "督导检查", "群众举报")


def build_paper(*, round_id: str, paper: str, trainee_id: str, seed: int, city_dir: Path) -> Paper:
    rng = random.Random(seed)
    letter = rng.choice("ABCD")
    multi = "".join(sorted(rng.sample("ABCDE", 3)))
    truth = rng.choice([True, False])
    hazards = sorted(rng.sample(["5.1", "5.3", "5.4.2", "8.1", "10.2"], 2))
    rows = ["finding_id,channel,level,deadline,closed_date"]
    closed = {c: [0, 0] for c in CHANNELS}
    overdue = 0
    for i in range(12):
        channel = CHANNELS[i % 3]
        level = "重大" if rng.random() < 0.5 else "一般"
        is_closed = rng.random() < 0.6
        closed[channel][1] += 1
        closed[channel][0] += is_closed
        if level == "重大" and not is_closed:
            overdue += 1
        rows.append(f"F{i:03d},{channel},{level},2026-03-01,{'2026-02-20' if is_closed else ''}")
    rates = {c: round(100.0 * a / b, 1) for c, (a, b) in closed.items()}
    options = "\n".join(f"- {o}. 选项{o}（第{seed % 97}套）" for o in "ABCD")
    items = (
        PaperItem("k01", "single", f"单选：下列哪项正确？\n\n{options}", "answer_k01",
                  'answer_k01 = ""  # 填写选项字母，如 "B"', 2.0, letter, "Q001", "《示例》第一条"),
        PaperItem("k02", "multiple", f"多选：下列哪些正确？\n\n{options}\n- E. 选项E", "answer_k02",
                  'answer_k02 = ""  # 填写全部正确选项，如 "ACD"', 2.0, multi, "Q002", "《示例》第二条"),
        PaperItem("k03", "truefalse", "判断：示例说法是否正确？", "answer_k03",
                  "answer_k03 = None  # 填写 True 或 False", 1.0, truth, "Q003", "《示例》第三条"),
        PaperItem("t01", "hazard_ids", f"现场 S{seed % 1000:03d}：找出重大事故隐患的条款编号。", "answer_t01",
                  "answer_t01 = []  # 如 [\"5.3\"]", 4.0, hazards, None, "2024 判定标准"),
        PaperItem("t02", "ledger", "分析 `隐患台账.csv`：逾期未整改的重大隐患条数和各渠道销号率（%）。",
                  "answer_t02",
                  'answer_t02 = {"overdue_major": None, "closure_rate_by_channel": {}}', 3.0,
                  {"overdue_major": overdue, "closure_rate_by_channel": rates}, None, "台账分析"),
        PaperItem("w01", "written", "简答：主要负责人的安全生产职责有哪些？", "",
                  "请在此作答。", 5.0, None, None, "《安全生产法》第二十一条"),
    )
    return Paper(round_id, paper, trainee_id, seed, f"S{seed % 1000:03d}", items,
                 {"隐患台账.csv": ("\n".join(rows) + "\n").encode("utf-8")})


def correct_answers(paper: Paper) -> dict[str, str]:
    """Answer-cell sources that earn full marks (for building test submissions)."""
    out = {}
    for item in paper.items:
        if item.kind == "written":
            out[item.item_id] = "主要负责人对本单位安全生产工作全面负责。"
        else:
            out[item.item_id] = f"{item.answer_var} = {item.key!r}"
    return out
