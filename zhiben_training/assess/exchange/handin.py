"""Collect returned papers into ``submitted/<trainee>/<assignment>/`` with a SHA-256 receipt each.

Sources: nbgrader's exchange (its own collect), a folder, or a zip of files handed in at a
session. A file is mapped to a trainee by a registered trainee id in its name (or folder name),
else by the ``zhiben.trainee_id`` notebook metadata; files that map to nobody are rejected with a
Chinese reason. Bytes are stored as received (broken files too: they get a zero row at autograde).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.exchange.pods import gather_pod_handins
from zhiben_training.assess.papers.notebooks import NOTEBOOK_NAME
from zhiben_training.errors import AssessmentError

__all__ = ["Receipt", "Rejected", "collect", "receipts", "pack_handin", "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 20 * 2**20


@dataclass(frozen=True)
class Receipt:
    assignment_id: str
    trainee_id: str
    source: str
    sha256: str
    size: int
    collected_at: str  # UTC ISO 8601


@dataclass(frozen=True)
class Rejected:
    source: str
    reason: str  # Chinese


def _match(name: str, data: bytes, known: list[str]) -> str | None:
    parts = re.split(r"[/\\]", name)
    for tid in sorted(known, key=len, reverse=True):
        pattern = re.compile(rf"(^|[^0-9A-Za-z]){re.escape(tid)}([^0-9A-Za-z]|$)")
        if any(pattern.search(part) for part in parts):
            return tid
    try:
        meta = json.loads(data.decode("utf-8")).get("metadata", {}).get("zhiben", {})
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None
    tid = meta.get("trainee_id") if isinstance(meta, dict) else None
    return tid if tid in known else None


def _iter_files(source: Path):
    """(display name, bytes) of each candidate notebook in a folder or zip."""
    if source.is_dir():
        for path in sorted(source.rglob("*.ipynb")):
            if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
                yield str(path.relative_to(source)), path.read_bytes()
            elif path.is_file():
                yield str(path.relative_to(source)), None
    elif zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as zf:
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                name = PurePosixPath(info.filename)
                if info.is_dir() or name.suffix != ".ipynb" or "__MACOSX" in name.parts:
                    continue
                yield info.filename, zf.read(info) if info.file_size <= MAX_FILE_BYTES else None
    else:
        raise AssessmentError(f"{source} 既不是文件夹也不是 zip 文件。")


def _store(course_root: Path, assignment: str, tid: str, data: bytes, source: str, now: dt.datetime) -> Receipt:
    folder = Path(course_root) / "submitted" / tid / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{NOTEBOOK_NAME}.ipynb").write_bytes(data)
    (folder / "timestamp.txt").write_text(now.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")
    return Receipt(assignment, tid, source, hashlib.sha256(data).hexdigest(), len(data),
                   now.isoformat(timespec="seconds"))


def _log(course_root: Path, assignment: str, items: list[Receipt]) -> None:
    folder = Path(course_root) / "receipts"
    folder.mkdir(exist_ok=True)
    with open(folder / f"{assignment}.jsonl", "a", encoding="utf-8") as fh:
        for receipt in items:
            fh.write(json.dumps(asdict(receipt), ensure_ascii=False) + "\n")


def collect(course_root: Path, assignment: str, *, source: Path | None = None,
            now: dt.datetime | None = None) -> tuple[list[Receipt], list[Rejected]]:
    """Collect from ``source`` (folder or zip) or, when None, from nbgrader's exchange."""
    now = now or dt.datetime.now(dt.UTC)
    known = variants.variant_trainees(course_root, assignment, action="无法收卷")
    done: list[Receipt] = []
    rejected: list[Rejected] = []
    if source is None:
        gather_pod_handins(course_root, assignment)  # a Kubernetes hub's per-trainee inbound folders
        nbg.collect_exchange(course_root, assignment)
        for tid in known:
            path = Path(course_root) / "submitted" / tid / assignment / f"{NOTEBOOK_NAME}.ipynb"
            if path.exists():
                data = path.read_bytes()
                done.append(Receipt(assignment, tid, "exchange", hashlib.sha256(data).hexdigest(),
                                    len(data), now.isoformat(timespec="seconds")))
    else:
        seen: dict[str, str] = {}
        for name, data in _iter_files(Path(source)):
            if data is None:
                rejected.append(Rejected(name, f"文件超过 {MAX_FILE_BYTES // 2**20} MB，已拒收。"))
                continue
            tid = _match(name, data, known)
            if tid is None:
                rejected.append(Rejected(name, "无法识别考生：文件名和文件内容中都没有本次考核已登记的考生编号，已拒收。"))
            elif tid in seen:
                rejected.append(Rejected(name, f"考生 {tid} 已有一份答卷（{seen[tid]}），重复文件已拒收。"))
            else:
                seen[tid] = name
                done.append(_store(course_root, assignment, tid, data, name, now))
    _log(course_root, assignment, done)
    return done, rejected


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


def receipts(course_root: Path, assignment: str) -> list[dict]:
    path = Path(course_root) / "receipts" / f"{assignment}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
