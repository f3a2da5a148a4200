"""Per-trainee papers, assembled from the bank by the blueprint; rebuildable for an appeal.

``build_paper`` is a pure function of (round_id, paper, trainee_id, seed, city): the random
generator is seeded from a SHA-256 of the first four, so an examiner can rebuild any trainee's paper
from the recorded seed. Every trainee of one paper kind gets the same item ids, kinds and points;
questions, option order, site and ledger differ. ``PaperItem.key`` is examiner-only: the pipeline
never writes it into anything a trainee receives or can import.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zhiben_training.assess.papers.bank import (
    QUESTION_TYPES,
    bank_dir,
    load_bank,
    load_blueprints,
    question_by_id,
)
from zhiben_training.assess.papers.scoring import PaperItem, normalise_choice, score_item
from zhiben_training.assess.papers.site_tasks import (
    choose_site,
    classify_task,
    hazard_task,
    ledger_read_task,
    ledger_task,
)
from zhiben_training.errors import AssessmentError

__all__ = ["Paper", "PaperItem", "bank_letters", "blueprint", "build_paper", "paper_seed", "score_item",
           "writes_code"]

_TYPE_CN = {"single": "单选题", "multiple": "多选题", "truefalse": "判断题"}
_TEMPLATES = {
    "single": '{var} = ""  # 填写一个选项字母，如 "B"',
    "multiple": '{var} = []  # 填写全部正确选项的字母，如 ["A", "C"]',
    "truefalse": "{var} = None  # 填写 True（正确）或 False（错误）",
}


@dataclass(frozen=True)
class Paper:
    """A trainee's paper: items in a fixed slot order plus the data files handed out with it."""

    round_id: str
    paper: str
    trainee_id: str
    seed: int
    site_id: str | None
    items: tuple[PaperItem, ...]
    data_files: dict[str, bytes]


def blueprint(paper: str) -> dict:
    """The blueprint of paper "A" or "C" from ``assessments/bank/blueprints.json``."""
    papers = load_blueprints()["papers"]
    if paper not in papers:
        raise AssessmentError(f"没有试卷类型 {paper}", hint=f"可用的试卷类型：{', '.join(papers)}")
    return papers[paper]


def paper_seed(*, round_id: str, paper: str, trainee_id: str, seed: int) -> int:
    """The 64-bit generator seed of one trainee's paper (SHA-256 of the four inputs)."""
    text = f"{round_id}\x1f{paper}\x1f{trainee_id}\x1f{int(seed)}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def _citation_text(citation: dict) -> str:
    return f"{citation['document']}{citation['article']}{citation.get('item', '')}"


def _knowledge_item(q: dict, number: int, points: float, rng: np.random.Generator) -> PaperItem:
    item_id = f"k{number:02d}"
    var = f"answer_{item_id}"
    kind = q["type"]
    if kind == "truefalse":
        options, key = None, bool(q["answer"])
    else:
        letters = list(q["options"])
        order = [letters[i] for i in rng.permutation(len(letters))]  # new A, B, … show these old options
        options = {new: q["options"][old] for new, old in zip(letters, order, strict=True)}
        new_of = {old: new for new, old in zip(letters, order, strict=True)}
        key = new_of[q["answer"]] if kind == "single" else sorted(new_of[a] for a in q["answer"])
    lines = [f"**（{_TYPE_CN[kind]}）** {q['stem']}"]  # the space lets Markdown close the bold
    if options:
        lines += [""] + [f"- {letter}. {text}" for letter, text in options.items()]
    return PaperItem(item_id=item_id, kind=kind, prompt_md="\n".join(lines), answer_var=var,
                     answer_template=_TEMPLATES[kind].format(var=var), points=float(points), key=key,
                     source_question_id=q["id"], citation=_citation_text(q["citation"]))


def _draw_knowledge(bp: dict, paper: str, rng: np.random.Generator) -> list[PaperItem]:
    statuses = set(bp.get("include_status", ["verified"]))
    bank = load_bank()
    items: list[PaperItem] = []
    for qtype in QUESTION_TYPES:  # slot order: all single, then multiple, then true/false
        for topic, per_type in bp["knowledge"].items():
            count = int(per_type.get(qtype, 0))
            if not count:
                continue
            pool = sorted((q for q in bank if q["topic"] == topic and q["type"] == qtype
                           and q["status"] in statuses and q["audience"] in ("both", paper)),
                          key=lambda q: q["id"])
            for index in np.sort(rng.choice(len(pool), size=count, replace=False)):
                items.append(_knowledge_item(pool[int(index)], len(items) + 1, bp["points"][qtype], rng))
    return items


def writes_code(spec: dict, code_tasks: bool | None = None) -> bool:
    """Whether a blueprint task asks for code: only the ledger task can, when its ``"code"`` is true
    (default off: the people who sit these papers are not programmers) or ``code_tasks`` says so."""
    return spec["kind"] == "ledger" and bool(spec.get("code", False) if code_tasks is None else code_tasks)


def _task_items(bp: dict, city_dir: Path, rng: np.random.Generator,
                code_tasks: bool | None = None) -> tuple[list[PaperItem], dict, str]:
    from zhiben_training.assess.papers.site_report import label_entities

    bank = str(bank_dir())
    record, district = choose_site(city_dir, rng)
    labels = label_entities(record, rng)
    builders = {
        "hazard_ids": lambda: hazard_task(record, labels, rng, bank=bank),
        "classify_works": lambda: classify_task(record, labels, rng, bank=bank),
        "ledger": lambda: ledger_task(city_dir, district, rng),
        "ledger_read": lambda: ledger_read_task(city_dir, district, rng),
    }
    items, files = [], {}
    for spec in bp["tasks"]:
        kind = spec["kind"] if spec["kind"] != "ledger" or writes_code(spec, code_tasks) else "ledger_read"
        task = builders[kind]()
        var = f"answer_{spec['item_id']}"
        items.append(PaperItem(item_id=spec["item_id"], kind=kind, prompt_md=task.prompt_md, answer_var=var,
                               answer_template=task.answer_template, points=float(spec["points"]),
                               key=task.key, source_question_id=None, citation=task.citation,
                               choices=task.choices))
        files.update(task.data_files)
    return items, files, record.get("site_id")


def _written_item(bp: dict) -> PaperItem:
    spec = bp["written"]
    prompt = f"### 简答题（{spec['points']:g} 分，由考核人员评分）\n\n{spec['prompt']}"
    return PaperItem(item_id=spec["item_id"], kind="written", prompt_md=prompt, answer_var="",
                     answer_template="", points=float(spec["points"]), key=None, source_question_id=None,
                     citation="")


def build_paper(*, round_id: str, paper: str, trainee_id: str, seed: int, city_dir: Path,
                code_tasks: bool | None = None) -> Paper:
    """One trainee's paper; the same arguments always give an identical ``Paper``.

    ``code_tasks``: None follows the blueprint (``"code"`` of the ledger task); True / False
    switches the code form of the ledger task on / off for this paper."""
    bp = blueprint(paper)
    rng = np.random.default_rng(paper_seed(round_id=round_id, paper=paper, trainee_id=trainee_id, seed=seed))
    knowledge = _draw_knowledge(bp, paper, rng)
    tasks, files, site_id = _task_items(bp, Path(city_dir), rng, code_tasks)
    items = (*knowledge, *tasks, _written_item(bp))
    return Paper(round_id=round_id, paper=paper, trainee_id=trainee_id, seed=int(seed), site_id=site_id,
                 items=items, data_files=files)


def bank_letters(item: PaperItem, answer: object) -> str | None:
    """A choice answer in the bank's own option letters (undoing this trainee's shuffle), for
    distractor counts in item analysis; None for other kinds or unreadable answers."""
    if item.kind not in ("single", "multiple") or not item.source_question_id:
        return None
    got = normalise_choice(answer)
    if got is None:
        return None
    shown = dict(re.findall(r"^- ([A-E])\. (.*)$", item.prompt_md, flags=re.M))
    original = {text: letter for letter, text in question_by_id(item.source_question_id)["options"].items()}
    letters = [original.get(shown.get(c, ""), "") for c in got]
    return "".join(sorted(letters)) if all(letters) else None
