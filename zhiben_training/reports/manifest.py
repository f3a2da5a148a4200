"""``MANIFEST.sha256`` beside every export, in the format ``sha256sum -c MANIFEST.sha256`` checks.

A recipient (the 市住建委) can verify that the files it received are the files we wrote. The
manifest covers every export written into the folder: writing a new export updates its lines and
keeps the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from zhiben_training.errors import ReportError

__all__ = ["MANIFEST_NAME", "sha256_file", "update_manifest", "verify_manifest"]

MANIFEST_NAME = "MANIFEST.sha256"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read(manifest: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    if not manifest.exists():
        return entries
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise ReportError(f"{manifest} 第 {number} 行格式不对（应为“<sha256>  <文件名>”）")
        entries[name] = digest
    return entries


def update_manifest(directory: Path, files: Iterable[Path]) -> Path:
    """Hash ``files`` (all inside ``directory``) into ``directory/MANIFEST.sha256``; lines sorted by name."""
    directory = Path(directory)
    manifest = directory / MANIFEST_NAME
    entries = {name: d for name, d in _read(manifest).items() if (directory / name).exists()}
    for file in files:
        file = Path(file)
        if file.resolve().parent != directory.resolve():
            raise ReportError(f"{file} 不在 {directory} 中，不能列入清单")
        entries[file.name] = sha256_file(file)
    text = "".join(f"{entries[name]}  {name}\n" for name in sorted(entries))
    manifest.write_text(text, encoding="utf-8", newline="\n")
    return manifest


def verify_manifest(directory: Path) -> list[str]:
    """Names whose current SHA-256 differs from the manifest (or that are missing); empty when all match."""
    directory = Path(directory)
    bad = []
    for name, digest in _read(directory / MANIFEST_NAME).items():
        file = directory / name
        if not file.exists() or sha256_file(file) != digest:
            bad.append(name)
    return bad
