"""The only module that imports ``nbgrader.exchange``: a personalised exchange.

nbgrader's default exchange releases one copy of an assignment to everybody. Here each trainee
has their own variant (``variants.py``), released to its own folder of the exchange's
``outbound/<assignment>/<trainee>/`` (``ExchangeRoot.released_dir``). The assignment folder is 0711
(others can pass through it but not list it) and each trainee's folder is owned by that trainee's system
user, 0500, so a trainee's server can fetch its own paper and no other (the approach of
e2xgrader's personalised exchange and nbgrader#1153). The trainee is the hub user the server was
started for (``JUPYTERHUB_USER``, set by the hub, not by the trainee).

Submit is nbgrader's own (``inbound/<trainee>+<assignment>+<timestamp>+<random>/``) with two
additions: the exam window is checked first and a refused submission writes nothing; after a
submission the trainee gets a receipt file with the SHA-256 of exactly the bytes handed in, the
same hash ``assess collect`` records when it takes the paper.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import shutil
from pathlib import Path

from nbgrader.exchange.default import (
    ExchangeFetchAssignment,
    ExchangeList,
    ExchangeSubmit,
)

from zhiben_training.assess.exchange import variants
from zhiben_training.assess.exchange.window import beijing, load_window, submission_refusal
from zhiben_training.assess.layout import COURSE_ID, NOTEBOOK_NAME, CourseRoot, ExchangeRoot
from zhiben_training.errors import AssessmentError

__all__ = ["PersonalFetchAssignment", "PersonalList", "PersonalSubmit", "release_to_exchange",
           "grant_variant", "outbound_dir", "receipt_name", "EXCHANGE_CONFIG", "COURSE_ID"]

# what a trainee server's nbgrader_config.py sets (written by zhiben_training.hub.config)
EXCHANGE_CONFIG = {
    "ExchangeFactory.fetch_assignment": f"{__name__}.PersonalFetchAssignment",
    "ExchangeFactory.list": f"{__name__}.PersonalList",
    "ExchangeFactory.submit": f"{__name__}.PersonalSubmit",
}


def receipt_name(assignment: str) -> str:
    return f"交卷回执-{assignment}.txt"


def outbound_dir(course_root: Path, assignment: str) -> Path:
    return CourseRoot(course_root).outbound_dir(assignment)


def release_to_exchange(course_root: Path, assignment: str) -> list[str]:
    """Copy every trainee's variant into the exchange (examiner, as root). Returns the trainee ids."""
    root = Path(course_root)
    names = variants.variant_trainees(root, assignment, action="无法发布到在线考场")
    exchange = CourseRoot(root).exchange_layout
    for folder, mode in ((exchange.course, 0o755), (exchange.outbound, 0o755), (exchange.inbound, 0o2733)):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(mode)
    target = outbound_dir(root, assignment)
    target.mkdir(exist_ok=True)
    target.chmod(0o711)
    for tid in names:
        dest = target / tid
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(variants.variant_dir(root, assignment, tid), dest)
        for path in dest.iterdir():
            path.chmod(0o400)
        dest.chmod(0o500)
    return names


def grant_variant(course_root: Path, assignment: str, trainee: str, *, uid: int, gid: int) -> bool:
    """Give one trainee's system user its own released variant (and nobody else's)."""
    dest = outbound_dir(course_root, assignment) / trainee
    if not dest.is_dir():
        return False
    for path in [dest, *dest.iterdir()]:
        os.chown(path, uid, gid)
    return True


def _trainee(exchange) -> str:
    return os.environ.get("JUPYTERHUB_USER") or exchange.coursedir.student_id


def _title(paper: Path, assignment: str) -> str:
    """The paper's title in words (its round and paper kind, as the paper's metadata records them),
    for the trainee's receipt; the assignment id when the file does not say."""
    from zhiben_training.assess.papers import paper_title

    try:
        meta = json.loads(paper.read_text(encoding="utf-8"))["metadata"]["zhiben"]
        return paper_title(variants.Assignment(assignment, str(meta["round_id"]), str(meta["paper"])))
    except (OSError, ValueError, KeyError, TypeError):
        return assignment


def _course_root(exchange) -> Path:
    return Path(exchange.root).parent


def _released(exchange) -> Path:
    """This trainee's released copy of the assignment in the exchange."""
    return ExchangeRoot(Path(exchange.root)).released_dir(exchange.coursedir.assignment_id,
                                                          _trainee(exchange))


class PersonalFetchAssignment(ExchangeFetchAssignment):
    """Fetch ``outbound/<assignment>/<trainee>/`` into ``~/<assignment>/``."""

    def init_src(self):
        self.coursedir.course_id = self.coursedir.course_id or COURSE_ID
        self.src_path = str(_released(self))
        if not os.path.isdir(self.src_path) or not os.access(self.src_path, os.R_OK | os.X_OK):
            self.fail(f"没有为您（{_trainee(self)}）发布考核 {self.coursedir.assignment_id} 的试卷。"
                      "请联系考核人员。")

    def copy_files(self):
        super().copy_files()
        # the released copy is read-only (0500/0400); the trainee's own copy is theirs to answer in
        for dirpath, _dirs, files in os.walk(self.dest_path):
            os.chmod(dirpath, 0o700)
            for name in files:
                os.chmod(os.path.join(dirpath, name), 0o600)


class PersonalList(ExchangeList):
    """List only the assignments released to this trainee; submissions from nbgrader's cache."""

    def init_dest(self):
        if self.inbound or self.cached:
            self.coursedir.student_id = _trainee(self)
            return super().init_dest()
        assignment = self.coursedir.assignment_id or "*"
        pattern = ExchangeRoot(Path(self.root)).released_dir(assignment, _trainee(self))
        self.assignments = sorted(p for p in glob.glob(str(pattern)) if os.access(p, os.R_OK | os.X_OK))

    def parse_assignment(self, assignment):
        if self.inbound or self.cached:
            return super().parse_assignment(assignment)
        path = Path(assignment)
        return {"course_id": path.parents[2].name, "assignment_id": path.parent.name}

    def parse_assignments(self):
        infos = super().parse_assignments()
        if not (self.inbound or self.cached):
            for info in infos:  # released, not yet fetched: its notebooks are in the trainee's folder
                if info["status"] == "released":
                    folder = ExchangeRoot(Path(self.root)).released_dir(info["assignment_id"], _trainee(self))
                    info["path"] = str(folder)
                    info["notebooks"] = [{"notebook_id": p.stem, "path": str(p)}
                                         for p in sorted(folder.glob("*.ipynb"))]
        return infos


class PersonalSubmit(ExchangeSubmit):
    """nbgrader's submit as this trainee, refused outside the exam window, with a receipt."""

    def init_dest(self):
        self.coursedir.course_id = self.coursedir.course_id or COURSE_ID
        trainee = _trainee(self)
        window = load_window(_course_root(self), self.coursedir.assignment_id)
        refusal = submission_refusal(window, trainee, dt.datetime.now(dt.UTC))
        if refusal:
            self.fail(refusal)
        self.coursedir.student_id = trainee
        super().init_dest()

    def init_release(self):
        # the released copy to compare file names with is this trainee's own folder
        self.release_path = str(_released(self))
        if not os.path.isdir(self.release_path):
            self.fail(f"没有为您发布考核 {self.coursedir.assignment_id} 的试卷，无法交卷。")

    def copy_files(self):
        super().copy_files()
        handed_in = Path(self.inbound_path) / self.assignment_filename / f"{NOTEBOOK_NAME}.ipynb"
        if not handed_in.exists():
            raise AssessmentError(f"交卷后在交换目录中找不到 {NOTEBOOK_NAME}.ipynb。")
        digest = hashlib.sha256(handed_in.read_bytes()).hexdigest()
        # nbgrader's timestamp is UTC ("2026-12-07 06:36:28.219611 UTC"); the trainee reads Beijing time
        moment = dt.datetime.fromisoformat(str(self.timestamp).removesuffix(" UTC")).replace(tzinfo=dt.UTC)
        text = (f"交卷回执\n考核：{_title(handed_in, self.coursedir.assignment_id)}\n考生：{_trainee(self)}\n"
                f"交卷时间：{beijing(moment, seconds=True)}\nSHA-256：{digest}\n"
                "收卷时考核人员记录的 SHA-256 与此相同，即证明收到的是您交的这份答卷。\n")
        (Path(self.assignment_dir) / receipt_name(self.coursedir.assignment_id)).write_text(
            text, encoding="utf-8")
        self.log.info("交卷回执 SHA-256 %s", digest)
