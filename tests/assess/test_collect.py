"""Collection from a folder or a zip, with a SHA-256 receipt per submission."""

from __future__ import annotations

import hashlib
import zipfile

from tests.assess.conftest import AID, answered, hand_in, variant
from zhiben_training.assess.exchange.handin import collect, receipts


def test_each_collected_file_gets_a_sha256_receipt_of_its_exact_bytes(course, tmp_path):
    inbox = tmp_path / "inbox"
    path = hand_in(inbox, "T001", answered(course, "T001", {"k01": 'answer_k01 = "A"'}))
    done, rejected = collect(course, AID, source=inbox)
    assert rejected == []
    assert [r.trainee_id for r in done] == ["T001"]
    assert done[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    stored = course / "submitted" / "T001" / AID / "paper.ipynb"
    assert stored.read_bytes() == path.read_bytes()
    assert receipts(course, AID) == done  # the receipts on file are the Receipt objects collect returned


def test_a_zip_is_mapped_by_name_or_metadata_and_unknown_files_are_rejected_in_chinese(course, tmp_path):
    archive = tmp_path / "returned.zip"
    renamed = variant(course, "T002")  # named 'mine.ipynb' but carries T002's metadata
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("session/T003.ipynb", b"{broken")
        zf.writestr("session/mine.ipynb", __import__("json").dumps(renamed))
        zf.writestr("session/stranger.ipynb", b"{}")
    done, rejected = collect(course, AID, source=archive)
    assert sorted(r.trainee_id for r in done) == ["T002", "T003"]
    assert [r.source for r in rejected] == ["session/stranger.ipynb"]
    assert "无法识别考生" in rejected[0].reason


def test_submissions_in_nbgrader_exchange_are_collected_with_receipts(course):
    """As `nbgrader submit` leaves them: inbound/<student>+<assignment>+<timestamp>+<random>/."""
    nb = answered(course, "T003", {"k01": 'answer_k01 = "A"'})
    inbound = course / "exchange" / "zhiben" / "inbound" / f"T003+{AID}+2026-03-01 02:00:00.000000 UTC+abc123"
    inbound.mkdir(parents=True)
    (inbound / "paper.ipynb").write_text(__import__("json").dumps(nb), encoding="utf-8")
    (inbound / "timestamp.txt").write_text("2026-03-01 02:00:00.000000 UTC", encoding="utf-8")
    done, rejected = collect(course, AID)
    assert [r.trainee_id for r in done] == ["T003"] and rejected == []
    stored = course / "submitted" / "T003" / AID / "paper.ipynb"
    assert done[0].sha256 == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert (course / "submitted" / "T003" / AID / "timestamp.txt").read_text().startswith(
        "2026-03-01 02:00:00")
