"""The question bank and blueprints: examiner-only data, loaded and validated once.

The bank lives in the nbgrader course folder (``assessments/bank/``), deliberately outside the
installed package: trainees have ``zhiben_training`` installed, so nothing in it may hold a key.
``ZHIBEN_BANK_DIR`` overrides the location (e.g. on an examiner's machine with a wheel install).

Question files (``questions/<topic>.json``) hold ``{"topic": ..., "questions": [...]}``; each
question has ``id``, ``topic``, ``type`` (single | multiple | truefalse), ``stem``, ``options``
(letter → text), ``answer`` (a letter, a sorted list of letters, or a bool), ``citation``
(``document``, ``article``, ``item``), ``explanation``, ``status`` and ``audience``.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from zhiben_training.errors import ConfigError, KnowledgeBaseError

__all__ = [
    "BANK_DIR_ENV",
    "QUESTION_TYPES",
    "TOPICS",
    "bank_dir",
    "load_bank",
    "load_blueprints",
    "question_by_id",
    "validate_questions",
    "validate_blueprints",
]

BANK_DIR_ENV = "ZHIBEN_BANK_DIR"
TOPICS = ("criteria2024", "weida", "duties_penalties", "certificates_training", "emergency")
QUESTION_TYPES = ("single", "multiple", "truefalse")
_REQUIRED = ("id", "topic", "type", "stem", "options", "answer", "citation", "explanation", "status",
             "audience")
_STATUSES = ("verified", "unverified")
_AUDIENCES = ("A", "C", "both")
_LETTERS = "ABCDE"


def bank_dir(directory: Path | str | None = None) -> Path:
    """Where the bank lives: the argument, ``$ZHIBEN_BANK_DIR`` or ``<source checkout>/assessments/bank``."""
    if directory is not None:
        path = Path(directory)
    elif os.environ.get(BANK_DIR_ENV):
        path = Path(os.environ[BANK_DIR_ENV]).expanduser()
    else:
        # <checkout>/zhiben_training/assess/papers
        path = Path(__file__).resolve().parents[3] / "assessments" / "bank"
    if not (path / "questions").is_dir():
        raise ConfigError(f"找不到题库目录：{path / 'questions'}",
                          hint=f"请设置环境变量 {BANK_DIR_ENV} 指向 assessments/bank")
    return path


def _problem(qid: object, message: str) -> KnowledgeBaseError:
    return KnowledgeBaseError(f"题库题目 {qid} 无效：{message}")


def _check_options_answer(q: dict) -> None:
    qid, qtype, options, answer = q["id"], q["type"], q["options"], q["answer"]
    if not isinstance(options, dict) or not all(isinstance(v, str) and v.strip() for v in options.values()):
        raise _problem(qid, "options 必须是 字母 → 非空文字 的映射")
    if qtype == "truefalse":
        if options != {"A": "正确", "B": "错误"} or not isinstance(answer, bool):
            raise _problem(qid, "判断题的 options 必须是 {A: 正确, B: 错误}，answer 必须是 true/false")
        return
    expected = list(_LETTERS[: len(options)])
    if list(options) != expected:
        raise _problem(qid, f"选项字母必须依次为 {''.join(expected)}")
    if len(set(options.values())) != len(options):
        raise _problem(qid, "选项文字重复")
    if qtype == "single":
        if len(options) != 4 or not isinstance(answer, str) or answer not in options:
            raise _problem(qid, "单选题须有 4 个选项，answer 为其中一个字母")
    else:
        if not 4 <= len(options) <= 5:
            raise _problem(qid, "多选题须有 4–5 个选项")
        if not isinstance(answer, list) or len(answer) < 2 or len(set(answer)) != len(answer):
            raise _problem(qid, "多选题 answer 须为至少 2 个不同字母的列表")
        if any(a not in options for a in answer) or answer != sorted(answer):
            raise _problem(qid, "多选题 answer 须为按字母排序、且都在选项中的字母")
        if len(answer) == len(options):
            raise _problem(qid, "多选题不能全部选项都正确")


def _check_question(q: object) -> None:
    if not isinstance(q, dict):
        raise KnowledgeBaseError(f"题库中有一项不是对象：{str(q)[:40]}")
    qid = q.get("id", "（无编号）")
    missing = [k for k in _REQUIRED if k not in q]
    if missing:
        raise _problem(qid, f"缺少字段 {', '.join(missing)}")
    if q["topic"] not in TOPICS:
        raise _problem(qid, f"topic 必须是 {', '.join(TOPICS)} 之一")
    if q["type"] not in QUESTION_TYPES:
        raise _problem(qid, f"type 必须是 {', '.join(QUESTION_TYPES)} 之一")
    if q["status"] not in _STATUSES or q["audience"] not in _AUDIENCES:
        raise _problem(qid, "status 须为 verified/unverified，audience 须为 A/C/both")
    if not isinstance(q["stem"], str) or not q["stem"].strip() or not str(q["explanation"]).strip():
        raise _problem(qid, "题干和解析不能为空")
    citation = q["citation"]
    if not isinstance(citation, dict) or not str(citation.get("document", "")).strip() or not str(
        citation.get("article", "")
    ).strip():
        raise _problem(qid, "citation 必须写明 document 和 article")
    _check_options_answer(q)


def validate_questions(questions: list) -> None:
    """Raise ``KnowledgeBaseError`` naming the first bad question (ids unique, answers among options …)."""
    seen: set[str] = set()
    for q in questions:
        _check_question(q)
        if q["id"] in seen:
            raise _problem(q["id"], "编号重复")
        seen.add(q["id"])


@cache
def _load(directory: str) -> tuple[dict, ...]:
    questions: list[dict] = []
    for path in sorted((Path(directory) / "questions").glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise KnowledgeBaseError(f"题库文件 {path.name} 无法读取：{err}") from err
        if not isinstance(doc, dict) or not isinstance(doc.get("questions"), list):
            raise KnowledgeBaseError(f"题库文件 {path.name} 须为 {{\"topic\": …, \"questions\": [...]}}")
        for q in doc["questions"]:
            if isinstance(q, dict) and q.get("topic") != doc.get("topic"):
                raise _problem(q.get("id"), f"topic 与文件 {path.name} 的 topic 不一致")
        questions.extend(doc["questions"])
    validate_questions(questions)
    return tuple(questions)


def load_bank(directory: Path | str | None = None) -> tuple[dict, ...]:
    """All questions, validated once per directory (cached; treat the dicts as read-only)."""
    return _load(str(bank_dir(directory)))


def question_by_id(qid: str, *, directory: Path | str | None = None) -> dict:
    """One bank question by id; ``KnowledgeBaseError`` if absent."""
    for q in load_bank(directory):
        if q["id"] == qid:
            return q
    raise KnowledgeBaseError(f"题库中没有编号为 {qid} 的题目")


def validate_blueprints(doc: dict, questions: tuple[dict, ...] | list[dict]) -> None:
    """Check each paper's draw can be met from the bank's eligible questions."""
    papers = doc.get("papers") if isinstance(doc, dict) else None
    if not isinstance(papers, dict) or not papers:
        raise KnowledgeBaseError("blueprints.json 须包含 papers")
    for name, bp in papers.items():
        kinds = [t.get("kind") for t in bp.get("tasks", [])]
        if not set(kinds) <= {"hazard_ids", "classify_works", "ledger"}:
            raise KnowledgeBaseError(f"蓝图 {name} 含未知的任务类型：{kinds}")
        for task in bp.get("tasks", []):
            if "code" in task and (task.get("kind") != "ledger" or type(task["code"]) is not bool):
                raise KnowledgeBaseError(f"蓝图 {name}：只有台账任务（ledger）可设 \"code\": true / false")
        slots = [t.get("item_id") for t in bp.get("tasks", [])] + [bp.get("written", {}).get("item_id")]
        if len(set(slots)) != len(slots):
            raise KnowledgeBaseError(f"蓝图 {name} 的任务编号重复：{slots}")
        if not 0 < float(bp.get("pass_fraction", 0.6)) < 1:
            raise KnowledgeBaseError(f"蓝图 {name} 的合格线 pass_fraction 须在 0 与 1 之间")
        statuses = set(bp.get("include_status", ["verified"]))
        for topic, per_type in bp.get("knowledge", {}).items():
            for qtype, count in per_type.items():
                pool = [q for q in questions if q["topic"] == topic and q["type"] == qtype
                        and q["status"] in statuses and q["audience"] in ("both", name)]
                if qtype not in bp.get("points", {}):
                    raise KnowledgeBaseError(f"蓝图 {name} 未给出 {qtype} 题的分值")
                if len(pool) < count:
                    raise KnowledgeBaseError(f"蓝图 {name}：{topic}/{qtype} 需要 {count} 题，"
                                             f"题库只有 {len(pool)} 题可用")


@cache
def _load_blueprints(directory: str) -> dict:
    path = Path(directory) / "blueprints.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise KnowledgeBaseError(f"蓝图文件 {path} 无法读取：{err}") from err
    validate_blueprints(doc, _load(directory))
    return doc


def load_blueprints(directory: Path | str | None = None) -> dict:
    """The whole ``blueprints.json``, validated against the bank (cached)."""
    return _load_blueprints(str(bank_dir(directory)))
