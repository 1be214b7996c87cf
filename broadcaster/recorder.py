"""Where the airer's evidence goes. `play` and the demo write straight into the database
(`Direct`). The daemon writes each record to its journal first (`Journaled`): that takes a
millisecond and nothing can lock it, so the loudspeakers never wait on the database. The
record reaches the database at once when the database takes it without waiting, else a
writer thread brings it in, chained and sealed with its real times, as soon as the lock or
the full disk is over."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Protocol

from . import evidence
from .db import DatabaseError, get_state, settle
from .journal import Journal

log = logging.getLogger("broadcaster")
JOURNAL_FILE = ".broadcaster.journal"
RETRY_S = 0.5  # how often a full disk is tried again (a lock is waited on by SQLite itself)


class Recorder(Protocol):
    def open_airing(self, key: str, queue_id: int | None, payload: dict) -> None: ...

    def open_row(self, **fields) -> object:
        """The row of an item about to play; a handle for `close_row`."""

    def close_row(self, handle, status: str, error: str, ended_at: datetime) -> None: ...

    def record_many(self, rows: list[dict], finish: tuple | None = None) -> None: ...

    def finish_airing(self, key: str, queue_id: int | None, queue_status: str = "done") -> None: ...

    def unwritten(self, key: str) -> list[str]:
        """The script ids of an airing's outcomes not in the database yet (one per row)."""


class Direct:
    def __init__(self, project):
        self.project = project

    def open_airing(self, key, queue_id, payload) -> None:
        evidence.open_airing(self.project, key, queue_id, payload)

    def open_row(self, **fields) -> int:
        return evidence.open_row(self.project, **fields)

    def close_row(self, handle, status, error, ended_at) -> None:
        evidence.close_row(self.project, handle, status, error, ended_at)

    def record_many(self, rows, finish=None) -> None:
        evidence.record_many(self.project, rows, finish)

    def finish_airing(self, key, queue_id, queue_status="done") -> None:
        evidence.finish_airing(self.project, key, queue_id, queue_status)

    def unwritten(self, key) -> list[str]:
        return []


class Journaled:
    def __init__(self, project, journal: Journal | None = None):
        self.project = project
        self.journal = journal or Journal(project.root / JOURNAL_FILE)
        state = get_state(project)
        applied = int(state[evidence.JOURNAL_APPLIED].value) if (
            evidence.JOURNAL_APPLIED in state) else 0  # fmt: skip
        self.journal.start_after(applied)
        self.pending = [(seq, r) for seq, r in self.journal.records if seq > applied]
        self.cond = threading.Condition()
        self.writing = threading.Lock()  # one writer at a time, in journal order
        self.blocked: tuple[float, str] | None = None  # since when, and why

    # -- the Recorder: each record is journaled, then written if the database takes it now --
    def _add(self, record: dict) -> None:
        try:
            seq = self.journal.append(record)
        except OSError as exc:  # the reserve is used up and the disk is full: memory only
            log.error("Không ghi được sổ tạm (%s): nhật ký chỉ còn giữ trong bộ nhớ.", exc.strerror)
            seq = self.journal.skip()
        with self.cond:
            self.pending.append((seq, record))
            self.cond.notify()
        self.write(wait=False)

    def open_airing(self, key, queue_id, payload) -> None:
        payload = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in payload.items()}
        self._add({"op": "open_airing", "key": key, "queue_id": queue_id, "payload": payload})

    def open_row(self, **fields) -> dict:
        self._add({"op": "open", "fields": evidence.jsonable(fields)})
        return {"airing_key": fields["airing_key"], "script_id": fields["script_id"],
                "started_at": fields["started_at"].isoformat()}  # fmt: skip

    def close_row(self, handle, status, error, ended_at) -> None:
        self._add({"op": "close", **handle, "status": status, "error": error,
                   "ended_at": ended_at.isoformat()})  # fmt: skip

    def record_many(self, rows, finish=None) -> None:
        self._add({"op": "record", "rows": [evidence.jsonable(r) for r in rows],
                   "finish": list(finish) if finish else None})  # fmt: skip

    def finish_airing(self, key, queue_id, queue_status="done") -> None:
        self._add({"op": "finish", "key": key, "queue_id": queue_id, "queue_status": queue_status})

    def unwritten(self, key) -> list[str]:
        with self.cond:
            records = [r for _, r in self.pending]
        out = []
        for r in records:
            if r["op"] == "open" and r["fields"]["airing_key"] == key:
                out.append(r["fields"]["script_id"])
            elif r["op"] == "record":
                out += [row["script_id"] for row in r["rows"] if row["airing_key"] == key]
        return out

    # -- bringing the journal into the database ------------------------------------------------
    def write(self, wait: bool) -> bool:
        """Apply the pending records in order: True when none is left. Not ``wait``: only
        what the database takes at once (the caller is on air)."""
        if not self.writing.acquire(blocking=wait):
            return False
        try:
            while True:
                with self.cond:
                    if not self.pending:
                        break
                    seq, record = self.pending[0]
                try:
                    evidence.apply(self.project, seq, record, wait)
                except DatabaseError as exc:
                    if self.blocked is None:
                        self.blocked = (time.monotonic(), exc.reason)
                        log.error("Chưa ghi được nhật ký vào cơ sở dữ liệu (%s): đã giữ trong sổ "
                                  "tạm, sẽ ghi bù khi được; việc phát vẫn tiếp tục.", exc.reason)  # fmt: skip
                    return False
                except Exception:  # a record the database can never take: say it, go on
                    log.exception("Bản ghi sổ tạm số %d không ghi được: %s", seq, record)
                with self.cond:
                    self.pending.pop(0)
            if self.blocked is not None:
                since, reason = self.blocked
                self.blocked = None
                log.warning("Đã ghi bù nhật ký sau %.0f giây không ghi được (%s).",
                            time.monotonic() - since, reason)  # fmt: skip
            with self.cond:
                written = self.journal.next_seq if not self.pending else None
            if written and self.journal.crowded and settle(self.project):
                self.journal.rewind(written)
            return True
        finally:
            self.writing.release()

    def run(self, stopping: threading.Event) -> None:
        """The writer thread: bring in what the air thread could not write."""
        while not stopping.is_set():
            with self.cond:
                if not self.pending:
                    self.cond.wait(1)
            if self.pending and not self.write(wait=True):
                stopping.wait(RETRY_S)

    def flush(self) -> None:
        """Wait until every pending record is in the database (at start, before recovery)."""
        while not self.write(wait=True):
            time.sleep(RETRY_S)
