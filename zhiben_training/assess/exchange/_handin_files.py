"""The candidate files of a hand-in (a folder or a zip), each read to at most ``MAX_FILE_BYTES``.

A zip member is inflated here, in small pieces, from its raw bytes: reading stops as soon as the
limit is passed (a member declared as 1 MiB that expands to 10 GiB costs one piece of memory, not
the bomb), and a member whose data is damaged (bad CRC, truncated, a size that is not the declared
one, encrypted, an unknown compression) is refused with its reason while the rest are collected.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from zhiben_training.errors import AssessmentError

MAX_FILE_BYTES = 20 * 2**20
_PIECE = 64 * 2**10
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # the 30 fixed bytes of a zip local file header


@dataclass(frozen=True)
class Candidate:
    name: str  # as shown to the examiner: the path inside the folder or zip
    data: bytes | None  # None when refused
    problem: str = ""  # Chinese, why the file is refused before anyone looks at its content


def _too_large(detail: str) -> str:
    return f"文件{detail}超过 {MAX_FILE_BYTES // 2**20} MB 上限，已停止读取并拒收。"


def _read_file(path: Path) -> bytes | None:
    with open(path, "rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    return data if len(data) <= MAX_FILE_BYTES else None


def _inflate(raw, info: zipfile.ZipInfo) -> tuple[bytes | None, str]:
    """The member's bytes from the raw stream positioned at its data, or (None, reason)."""
    remaining = info.compress_size
    out = bytearray()
    if info.compress_type == zipfile.ZIP_STORED:
        while remaining:
            piece = raw.read(min(_PIECE, remaining))
            if not piece:
                return None, "压缩包中此文件的数据不完整（压缩包被截断或已损坏），已拒收。"
            remaining -= len(piece)
            out += piece
            if len(out) > MAX_FILE_BYTES:
                return None, _too_large("")
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        pending = b""
        try:
            while not inflater.eof:
                if not pending and remaining:
                    pending = raw.read(min(_PIECE, remaining))
                    remaining -= len(pending)
                    if not pending:
                        break
                piece = inflater.decompress(pending, _PIECE)
                pending = inflater.unconsumed_tail
                out += piece
                if len(out) > MAX_FILE_BYTES:
                    return None, _too_large(f"解压后（压缩包声明 {info.file_size} 字节）")
                if not piece and not pending and not remaining:
                    break
        except zlib.error:
            return None, "压缩包中此文件的压缩数据已损坏，无法解压，已拒收。"
        if not inflater.eof:
            return None, "压缩包中此文件的压缩数据不完整（压缩包被截断或已损坏），已拒收。"
    if len(out) != info.file_size:
        return None, f"压缩包中此文件解压后为 {len(out)} 字节，与声明的 {info.file_size} 字节不符，已拒收。"
    if zlib.crc32(out) != info.CRC:
        return None, "压缩包中此文件已损坏（CRC 校验失败），已拒收；请考生重新交回答卷。"
    return bytes(out), ""


def _read_member(raw, info: zipfile.ZipInfo) -> tuple[bytes | None, str]:
    if info.flag_bits & 0x1:
        return None, "压缩包中此文件已加密，无法读取，已拒收。"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None, f"压缩包中此文件使用了不支持的压缩方式（{info.compress_type}），已拒收。"
    if info.file_size > MAX_FILE_BYTES:
        return None, _too_large(f"（压缩包声明 {info.file_size} 字节）")
    raw.seek(info.header_offset)
    header = raw.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        return None, "压缩包中此文件的文件头已损坏，已拒收。"
    fields = _LOCAL_HEADER.unpack(header)
    raw.seek(fields[-2] + fields[-1], 1)  # skip the name and the extra field
    return _inflate(raw, info)


def _zip_members(source: Path) -> Iterator[Candidate]:
    try:
        with zipfile.ZipFile(source) as zf:
            infos = sorted(zf.infolist(), key=lambda i: i.filename)
    except (zipfile.BadZipFile, OSError) as exc:
        raise AssessmentError(f"无法读取压缩包 {source}：目录区已损坏（{exc}）。",
                              hint="请重新打包交回的答卷。") from exc
    seen: dict[str, int] = {}
    with open(source, "rb") as raw:
        for info in infos:
            path = PurePosixPath(info.filename)
            if info.is_dir() or path.suffix != ".ipynb" or "__MACOSX" in path.parts:
                continue
            seen[info.filename] = seen.get(info.filename, 0) + 1
            name = info.filename if seen[info.filename] == 1 else f"{info.filename}#{seen[info.filename]}"
            data, problem = _read_member(raw, info)
            yield Candidate(name, data, problem)


def iter_candidates(source: Path) -> Iterator[Candidate]:
    """Each ``*.ipynb`` of a folder (regular files only) or zip, in name order. A zip holding two
    members of one name shows the second as ``<name>#2``."""
    source = Path(source)
    if source.is_dir():
        for path in sorted(source.rglob("*.ipynb")):
            if path.is_file():
                data = _read_file(path)
                yield Candidate(str(path.relative_to(source)), data,
                                "" if data is not None else _too_large(""))
    elif zipfile.is_zipfile(source):
        yield from _zip_members(source)
    else:
        raise AssessmentError(f"{source} 既不是文件夹也不是 zip 文件。")
