"""Collect returned papers into the course root's submission folders with a SHA-256 receipt each.

Sources: nbgrader's exchange (its own collect), a folder, or a zip of files handed in at a
session. A file counts for a trainee only when its name, its ``zhiben.trainee_id`` metadata and its
read-only cells agree on that trainee (``_claims``); when two files claim one trainee, neither is
taken and both are reported until the examiner names the file (``assign``). Files are read to at
most ``MAX_FILE_BYTES``, streaming; a damaged zip member is refused with its reason and the rest are
collected (``_handin_files``). Bytes are stored as received (broken files too: they get a zero row
at autograde).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.exchange._claims import Identifier, Witnesses
from zhiben_training.assess.exchange._handin_files import MAX_FILE_BYTES, iter_candidates
from zhiben_training.assess.exchange.pods import gather_pod_handins
from zhiben_training.assess.layout import NOTEBOOK_NAME, CourseRoot
from zhiben_training.errors import AssessmentError

__all__ = ["Receipt", "Rejected", "collect", "receipts", "pack_handin", "MAX_FILE_BYTES"]


@dataclass(frozen=True)
class Receipt:
    assignment_id: str
    trainee_id: str
    source: str
    sha256: str
    size: int
    collected_at: str  # UTC ISO 8601
    note: str = ""  # Chinese; e.g. that the examiner named this file for the trainee


@dataclass(frozen=True)
class Rejected:
    source: str
    reason: str  # Chinese
    contested: tuple[str, ...] = ()  # trainees this file claims who get nothing until the examiner decides


def _store(course_root: Path, assignment: str, tid: str, data: bytes, source: str, now: dt.datetime,
           note: str = "") -> Receipt:
    folder = CourseRoot(course_root).submission_dir(assignment, tid)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{NOTEBOOK_NAME}.ipynb").write_bytes(data)
    (folder / "timestamp.txt").write_text(now.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")
    return Receipt(assignment, tid, source, hashlib.sha256(data).hexdigest(), len(data),
                   now.isoformat(timespec="seconds"), note)


def _log(course_root: Path, assignment: str, items: list[Receipt]) -> None:
    path = CourseRoot(course_root).receipts_log(assignment)
    path.parent.mkdir(exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        for receipt in items:
            fh.write(json.dumps(asdict(receipt), ensure_ascii=False) + "\n")


def collect(course_root: Path, assignment: str, *, source: Path | None = None,
            now: dt.datetime | None = None,
            assign: dict[str, str] | None = None) -> tuple[list[Receipt], list[Rejected]]:
    """Collect from ``source`` (folder or zip) or, when None, from nbgrader's exchange.

    ``assign`` is the examiner's decision for contested or inconsistent files: file name as shown
    in the report -> trainee id. That file is collected for that trainee whatever it claims, and
    every other file claiming the trainee is refused."""
    now = now or dt.datetime.now(dt.UTC)
    known = variants.variant_trainees(course_root, assignment, action="无法收卷")
    done: list[Receipt] = []
    rejected: list[Rejected] = []
    if source is None:
        gather_pod_handins(course_root, assignment)  # a Kubernetes hub's per-trainee inbound folders
        nbg.collect_exchange(course_root, assignment)
        for tid in known:
            path = CourseRoot(course_root).submitted_notebook(assignment, tid)
            if path.exists():
                data = path.read_bytes()
                done.append(Receipt(assignment, tid, "exchange", hashlib.sha256(data).hexdigest(),
                                    len(data), now.isoformat(timespec="seconds")))
    else:
        for name, data, tid, note in _decide(course_root, assignment, Path(source), known, dict(assign or {}),
                                             rejected):
            done.append(_store(course_root, assignment, tid, data, name, now, note))
    _log(course_root, assignment, done)
    return done, rejected


def _check_assign(assign: dict[str, str], names: set[str], known: list[str]) -> None:
    chosen = list(assign.values())
    problems = ([f"没有文件 {n}" for n in sorted(set(assign) - names)]
                + [f"{t} 不是本次考核的考生" for t in sorted(set(chosen) - set(known))]
                + [f"考生 {t} 被指定了多份文件" for t in sorted(set(chosen)) if chosen.count(t) > 1])
    if problems:
        raise AssessmentError(f"--assign 指定有误，未收取任何答卷：{'；'.join(problems)}。",
                              hint="文件名按收卷报告中的写法（文件夹或压缩包内的路径），"
                                   "形如 --assign 文件名=考生编号。")


def _decide(course_root: Path, assignment: str, source: Path, known: list[str], assign: dict[str, str],
            rejected: list[Rejected]):
    """(name, bytes, trainee, note) of each file to store; refusals go into ``rejected``."""
    candidates = list(iter_candidates(source))
    _check_assign(assign, {c.name for c in candidates}, known)
    rejected.extend(Rejected(c.name, c.problem) for c in candidates if c.data is None)
    readable = [c for c in candidates if c.data is not None]
    identify = Identifier(course_root, assignment, known)
    witnesses: dict[str, Witnesses] = {c.name: identify.witnesses(c.name, c.data) for c in readable}
    decided = {tid: name for name, tid in assign.items()}
    claimants: dict[str, list[str]] = {}
    for c in readable:
        if c.name not in assign:
            for tid in sorted(witnesses[c.name].claimed):
                claimants.setdefault(tid, []).append(c.name)
    for c in readable:
        seen = witnesses[c.name]
        if c.name in assign:
            yield c.name, c.data, assign[c.name], f"考核人员指定（{seen.describe()}）"
            continue
        claimed = sorted(seen.claimed)
        taken = [t for t in claimed if t in decided]
        contested = tuple(t for t in claimed if t not in decided and len(claimants[t]) > 1)
        if not claimed:
            rejected.append(Rejected(c.name, "无法识别考生："
                                             "文件名和文件内容中都没有本次考核已登记的考生编号，已拒收。"))
        elif taken:
            rejected.append(Rejected(c.name, "；".join(f"考核人员已指定 {decided[t]} 为考生 {t} 的答卷"
                                                      for t in taken)
                                     + f"，本文件未收取（{seen.describe()}）。"))
        elif contested:
            others = "；".join(f"考生 {t} 共有 {len(claimants[t])} 份文件：{'、'.join(claimants[t])}"
                              for t in contested)
            rejected.append(Rejected(c.name, f"多份文件认领同一考生，均未收取：{others}"
                                             f"（本文件：{seen.describe()}）。"
                                             "请核对后用 --assign 文件名=考生编号 指定该考生的答卷。",
                                     contested))
        elif seen.trainee is None:
            rejected.append(Rejected(c.name, f"文件名、元数据和只读单元格不一致：{seen.describe()}，未收取。"
                                             "如确属某位考生，用 --assign 文件名=考生编号 指定。",
                                     tuple(claimed)))
        else:
            yield c.name, c.data, seen.trainee, ""


def pack_handin(folder: Path, out: Path, *, when: tuple = (2026, 1, 1, 0, 0, 0)) -> Path:
    """Zip the returned notebooks of a hand-in folder (``<assignment>-<trainee>.ipynb`` each), as an
    examiner gathers them at a session for ``collect(source=zip)``; same files, same bytes."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(Path(folder).glob("*.ipynb")):
            info = zipfile.ZipInfo(path.name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    return out


def receipts(course_root: Path, assignment: str) -> list[Receipt]:
    """Every receipt ``collect`` issued for ``assignment``, oldest first, as the ``Receipt`` it returned."""
    path = CourseRoot(course_root).receipts_log(assignment)
    if not path.exists():
        return []
    known = {f.name for f in fields(Receipt)}
    return [Receipt(**{k: v for k, v in json.loads(line).items() if k in known})
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
