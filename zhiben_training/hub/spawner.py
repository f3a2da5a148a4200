"""Trainee servers on one machine: one system user per hub user, with their own home folder.

JupyterHub's LocalProcessSpawner with two changes. The hub user is the ID number; the system
user is ``<prefix><id in lower case>`` (Linux names must start with a letter), created on the
first start with a home folder under ``home_root`` (0700). Each trainee's server and kernels run
as that user, so a kernel cannot read another trainee's home, the course root's keys/variants
(0700 root) or another trainee's released paper (0500, owned by its trainee): exam integrity
holds against code typed into a cell, not only against the web interface. Before the server
starts, the trainee's own released variants are handed to it (``grant_variant``) and, for a
lesson session, a copy of the lessons is put in the home folder. When the Python or the course lies
below a folder closed to other users (pyenv under /root), the server starts in its own mount
namespace that opens only the way to them (``passage.py``).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Bool, Unicode

from zhiben_training.assess import CourseRoot
from zhiben_training.assess.exchange import grant_variant, outbound_dir
from zhiben_training.hub.passage import enter_passage, passage_plan, server_paths

__all__ = ["TraineeSpawner", "system_user_name", "ensure_system_user"]


def system_user_name(hub_name: str, prefix: str = "zt-") -> str:
    return f"{prefix}{hub_name.lower()}"[:32]


def ensure_system_user(name: str, home: Path, group: str) -> pwd.struct_passwd:
    """Create the system user (no password, no login shell, in ``group``) and its 0700 home."""
    try:
        grp.getgrnam(group)
    except KeyError:
        subprocess.run(["groupadd", "--system", "-f", group], check=True, capture_output=True)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--groups", group, "--no-create-home",
                        "--home-dir", str(home), "--shell", "/usr/sbin/nologin", name],
                       check=True, capture_output=True)
        entry = pwd.getpwnam(name)
    home = Path(entry.pw_dir)
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    home.chmod(0o700)
    return entry


def _chown_tree(folder: Path, uid: int, gid: int) -> None:
    for dirpath, _dirs, files in os.walk(folder):
        os.chown(dirpath, uid, gid)
        for name in files:
            os.chown(os.path.join(dirpath, name), uid, gid)


class TraineeSpawner(LocalProcessSpawner):
    course_root = Unicode(help="The assessments course root (its exchange holds the released "
                          "papers).").tag(config=True)
    home_root = Unicode("/home/zhiben", help="Where the trainees' home folders are made.").tag(config=True)
    user_prefix = Unicode("zt-", help="Prefix of the system user names.").tag(config=True)
    trainee_group = Unicode("zhiben-trainees", help="System group of every trainee user.").tag(config=True)
    lessons_dir = Unicode("", help="A lessons folder copied into each new home as 课程/ "
                          "(lesson sessions).").tag(config=True)
    place_papers = Bool(False, help="Put the trainee's released papers into the home at start (as nbgrader's "
                        "fetch does) and open the paper after login (pre-started exams).").tag(config=True)

    @property
    def system_name(self) -> str:
        return system_user_name(self.user.name, self.user_prefix)

    def make_preexec_fn(self, name):
        become_trainee = set_user_setuid(self.system_name)
        # the trainee-config and self-check folders the hub config passes in the environment
        named = [Path(v) for v in self.environment.values() if isinstance(v, str) and os.path.isabs(v)]
        plan = passage_plan(server_paths(Path(self.course_root), Path(self.home_root), *named,
                                         *([Path(self.lessons_dir)] if self.lessons_dir else [])))

        def preexec() -> None:  # in the child, as root, just before exec
            enter_passage(plan)
            become_trainee()

        return preexec

    def user_env(self, env):
        entry = pwd.getpwnam(self.system_name)
        env.update(USER=self.system_name, HOME=entry.pw_dir, SHELL="/bin/bash")
        return env

    def _prepare_home(self) -> None:
        entry = ensure_system_user(self.system_name, Path(self.home_root) / self.system_name,
                                   self.trainee_group)
        outbound = CourseRoot(self.course_root).exchange_layout.outbound
        placed = []
        if outbound.is_dir():
            for assignment in sorted(p.name for p in outbound.iterdir()):
                granted = grant_variant(self.course_root, assignment, self.user.name, uid=entry.pw_uid,
                                        gid=entry.pw_gid)
                if granted and self.place_papers:
                    placed += self._place_paper(assignment, Path(entry.pw_dir), entry.pw_uid, entry.pw_gid)
        if len(placed) == 1:  # one paper: the login opens it
            self.default_url = f"/lab/tree/{placed[0]}"
        if self.lessons_dir:
            target = Path(entry.pw_dir) / "课程"
            if not target.exists():
                shutil.copytree(self.lessons_dir, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))
                _chown_tree(target, entry.pw_uid, entry.pw_gid)

    def _place_paper(self, assignment: str, home: Path, uid: int, gid: int) -> list[str]:
        """Copy the trainee's own released paper into ``~/<assignment>/`` unless it is there already
        (a restarted server keeps every saved answer); returns the paper notebooks' paths in the home."""
        target = home / assignment
        if not target.exists():
            shutil.copytree(outbound_dir(Path(self.course_root), assignment) / self.user.name, target)
            _chown_tree(target, uid, gid)
            for path in target.rglob("*"):  # the released copy is read-only (0500); the trainee's own is not
                path.chmod(0o700 if path.is_dir() else 0o600)
            target.chmod(0o700)
        return [f"{assignment}/{p.name}" for p in sorted(target.glob("*.ipynb"))]

    async def start(self):
        self._prepare_home()
        return await super().start()
