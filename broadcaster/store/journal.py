"""An append-only journal of our own, for what must never wait on the database: no other
process can lock it, and its room is reserved when it opens, so it still takes records when
the disk is full.

Each record is a frame `length, crc32, seq` + JSON, written at the end of what the file holds
and flushed to the disk (fdatasync) before `append` returns. Reading stops at the first frame
that is torn, corrupt or numbered below the one before, so a crash mid-write loses nothing
already returned.
Once everything is safe elsewhere, `rewind` starts writing at the beginning again: the
frames left further on are never read, since their numbers are lower.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import struct
import threading
import zlib
from pathlib import Path

log = logging.getLogger("broadcaster")
HEADER = struct.Struct("<IIQ")  # payload length, crc32 of seq + payload, seq
RESERVE = 4 << 20  # room kept for a long lock or a full disk: about a thousand items


# Windows has no pread/pwrite/fdatasync/posix_fallocate: the same with seek, write and fsync
# (every call is under the journal's lock)
_datasync = getattr(os, "fdatasync", os.fsync)


def _pread(fd: int, size: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


def _pwrite(fd: int, data: bytes, offset: int) -> None:
    """All of ``data`` at ``offset``: a short write goes on, a disk that takes nothing raises."""
    view = memoryview(data)
    while view:
        if hasattr(os, "pwrite"):
            written = os.pwrite(fd, view, offset)
        else:
            os.lseek(fd, offset, os.SEEK_SET)
            written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, "short write")
        view, offset = view[written:], offset + written


def _reserve(fd: int, size: int, reserve: int) -> None:
    """Blocks for [size, reserve) that are really the file's, not a sparse promise."""
    if hasattr(os, "posix_fallocate"):
        os.posix_fallocate(fd, 0, reserve)
        return
    chunk = b"\0" * (1 << 16)
    while size < reserve:
        _pwrite(fd, chunk[: reserve - size], size)
        size = min(reserve, size + len(chunk))
    os.fsync(fd)


class Journal:
    def __init__(self, path: Path, reserve: int = RESERVE):
        self.path = Path(path)
        self.lock = threading.Lock()
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0)  # Windows: no newline rewrite
        self.fd = os.open(self.path, flags, 0o600)
        self.reserve = reserve
        try:
            size = os.fstat(self.fd).st_size
            if size < reserve:
                _reserve(self.fd, size, reserve)
        except OSError:  # no room even now: frames are still written while there is
            log.error("Không dành được chỗ cho sổ tạm %s: ổ đĩa đầy.", self.path.name)
        self.records, self.offset = self._scan()
        self.next_seq = self.records[-1][0] + 1 if self.records else 1

    def _scan(self) -> tuple[list[tuple[int, dict]], int]:
        records: list[tuple[int, dict]] = []
        offset, size = 0, os.fstat(self.fd).st_size
        while offset + HEADER.size <= size:
            length, crc, seq = HEADER.unpack(_pread(self.fd, HEADER.size, offset))
            if length == 0 or offset + HEADER.size + length > size:
                break
            body = _pread(self.fd, length, offset + HEADER.size)
            if zlib.crc32(body, seq) != crc or (records and seq <= records[-1][0]):
                break
            try:
                records.append((seq, json.loads(body)))
            except ValueError:
                break
            offset += HEADER.size + length
        return records, offset

    def start_after(self, seq: int) -> None:
        """Number the next frame after ``seq`` at least (what was applied elsewhere)."""
        with self.lock:
            self.next_seq = max(self.next_seq, seq + 1)

    def append(self, record: dict) -> int:
        """Write one record durably; its sequence number. OSError when the disk refuses it."""
        body = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with self.lock:
            seq = self.next_seq
            frame = HEADER.pack(len(body), zlib.crc32(body, seq), seq) + body
            _pwrite(self.fd, frame, self.offset)
            _datasync(self.fd)
            self.offset += len(frame)
            self.next_seq += 1
            return seq

    def skip(self) -> int:
        """A number for a record the disk refused (kept in memory by the caller)."""
        with self.lock:
            self.next_seq += 1
            return self.next_seq - 1

    def rewind(self, next_seq: int) -> None:
        """Everything numbered before ``next_seq`` is safe elsewhere: write from the beginning
        again, unless a record came in meanwhile."""
        with self.lock:
            if self.next_seq == next_seq:
                self.offset = 0
                self.records = []

    @property
    def crowded(self) -> bool:
        return self.offset > self.reserve // 4

    def close(self) -> None:
        os.close(self.fd)
