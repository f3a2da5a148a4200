"""Collection that no file can steal, no damaged member can stop and no zip bomb can blow up:
a hand-in counts for a trainee only when its name, metadata and read-only cells agree; two files
claiming one trainee wait for the examiner's decision."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.assess.conftest import AID, answered, variant
from zhiben_training.assess.exchange.handin import MAX_FILE_BYTES, collect
from zhiben_training.cli import main
from zhiben_training.errors import AssessmentError

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, nb) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_file_named_for_b_holding_a_s_paper_does_not_push_out_b_s_own_paper(course, tmp_path):
    inbox = tmp_path / "inbox"
    _write(inbox / "a" / f"{AID}-T002.ipynb", answered(course, "T001", {"k01": 'answer_k01 = "A"'}))
    own = _write(inbox / "b" / f"{AID}-T002.ipynb", answered(course, "T002", {"k01": 'answer_k01 = "B"'}))
    done, rejected = collect(course, AID, source=inbox)
    assert done == []
    assert not (course / "submitted" / "T002").exists()
    reasons = {r.source: r for r in rejected}
    assert set(reasons) == {f"a/{AID}-T002.ipynb", f"b/{AID}-T002.ipynb"}
    assert all("T002" in r.contested for r in rejected)
    assert "文件名为考生 T002，元数据为考生 T001，只读单元格与考生 T001 的试卷相同" in \
        reasons[f"a/{AID}-T002.ipynb"].reason
    assert "均未收取" in reasons[f"b/{AID}-T002.ipynb"].reason

    done, rejected = collect(course, AID, source=inbox, assign={f"b/{AID}-T002.ipynb": "T002"})
    assert [(r.trainee_id, r.source) for r in done] == [("T002", f"b/{AID}-T002.ipynb")]
    assert (course / "submitted" / "T002" / AID / "paper.ipynb").read_bytes() == own.read_bytes()
    assert [r.source for r in rejected] == [f"a/{AID}-T002.ipynb"]
    assert "考核人员已指定" in rejected[0].reason


def test_a_nameless_file_whose_metadata_says_b_sorted_first_contests_b_instead_of_taking_b(course, tmp_path):
    forged = answered(course, "T001", {"k01": 'answer_k01 = "A"'})
    forged.metadata["zhiben"]["trainee_id"] = "T002"
    inbox = tmp_path / "inbox"
    _write(inbox / "0-copy.ipynb", forged)
    _write(inbox / f"{AID}-T002.ipynb", variant(course, "T002"))
    done, rejected = collect(course, AID, source=inbox)
    assert done == [] and sorted(r.source for r in rejected) == ["0-copy.ipynb", f"{AID}-T002.ipynb"]
    assert all("T002" in r.contested for r in rejected)


def test_a_paper_whose_metadata_names_someone_else_counts_for_nobody(course, tmp_path):
    inbox = tmp_path / "inbox"
    _write(inbox / f"{AID}-T003.ipynb", variant(course, "T002"))
    done, rejected = collect(course, AID, source=inbox)
    assert done == [] and "不一致" in rejected[0].reason and set(rejected[0].contested) == {"T002", "T003"}


def test_collect_cli_reports_contested_files_in_chinese_and_takes_the_examiners_choice(
        course, tmp_path, capsys):
    inbox = tmp_path / "inbox"
    _write(inbox / "a" / f"{AID}-T002.ipynb", variant(course, "T001"))
    _write(inbox / "b" / f"{AID}-T002.ipynb", variant(course, "T002"))
    common = ["assess", "collect", "--course", str(course), "-a", AID, "--from", str(inbox)]
    assert main(common) == 0
    out = capsys.readouterr()
    assert "待考核人员决定（本次未收取）：T002" in out.out and out.err.count("拒收") == 2
    assert main([*common, "--assign", f"b/{AID}-T002.ipynb=T002"]) == 0
    out = capsys.readouterr()
    assert "回执 T002" in out.out and "考核人员指定" in out.out


def test_a_member_with_a_bad_crc_is_refused_and_the_rest_are_collected(course, tmp_path):
    archive = tmp_path / "returned.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        for tid in ("T001", "T002", "T003"):
            zf.writestr(f"{AID}-{tid}.ipynb", json.dumps(variant(course, tid), ensure_ascii=False))
    raw = bytearray(archive.read_bytes())
    at = raw.index(b'"cells"', raw.index(f"{AID}-T002.ipynb".encode()))
    raw[at + 1:at + 2] = b"C"  # one byte of T002's stored member: its CRC no longer matches
    archive.write_bytes(bytes(raw))
    done, rejected = collect(course, AID, source=archive)
    assert sorted(r.trainee_id for r in done) == ["T001", "T003"]
    assert [(r.source, "CRC" in r.reason) for r in rejected] == [(f"{AID}-T002.ipynb", True)]


def _bomb(path: Path, name: str, *, gib: int, declared: int) -> None:
    """A zip whose one member declares ``declared`` bytes and inflates to ``gib`` GiB of zeros."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = bytes(2**26)
    first = comp.compress(piece) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(piece) + comp.flush(zlib.Z_FULL_FLUSH)  # the same bytes after every full flush
    data = first + again * (gib * 16 - 1) + comp.flush()
    crc = zlib.crc32(bytes(declared))
    encoded = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), declared,
                        len(encoded), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data), declared,
                          len(encoded), 0, 0, 0, 0, 0, 0)
    offset = len(local) + len(encoded) + len(data)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(encoded), offset, 0)
    path.write_bytes(local + encoded + data + central + encoded + end)


def test_a_zip_bomb_member_is_refused_while_reading_at_most_the_limit(course, tmp_path):
    """4 GiB of zeros declared as 1 MiB: collect stays far below the bomb's size in memory."""
    archive = tmp_path / "bomb.zip"
    _bomb(archive, f"{AID}-T001.ipynb", gib=4, declared=2**20)
    # VmHWM: this process's own peak resident memory (ru_maxrss would carry pytest's over the exec)
    script = (
        "import json, re\n"
        "from zhiben_training.assess.exchange.handin import collect\n"
        f"done, rejected = collect({str(course)!r}, {AID!r}, source={str(archive)!r})\n"
        "peak = int(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1))\n"
        "print(json.dumps({'done': len(done), 'rejected': [r.reason for r in rejected], 'peak_kib': peak},\n"
        "                 ensure_ascii=False))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["done"] == 0
    assert len(report["rejected"]) == 1 and f"超过 {MAX_FILE_BYTES // 2**20} MB" in report["rejected"][0]
    assert report["peak_kib"] * 1024 < 400 * 2**20, report  # importing the package takes about 110 MB


def test_an_assign_naming_no_such_file_or_trainee_collects_nothing_and_says_why(course, tmp_path):
    inbox = tmp_path / "inbox"
    _write(inbox / f"{AID}-T001.ipynb", variant(course, "T001"))
    with pytest.raises(AssessmentError, match="没有文件 nope.ipynb；T999 不是本次考核的考生"):
        collect(course, AID, source=inbox, assign={"nope.ipynb": "T001", f"{AID}-T001.ipynb": "T999"})
    assert list((course / "submitted").rglob("*.ipynb")) == []
