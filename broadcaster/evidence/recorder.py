"""Where the airer's evidence goes. `play` and the demo write straight into the database
(`Direct`). The daemon writes each record to its journal first (`Journaled`): that takes a
millisecond and nothing can lock it, so the loudspeakers never wait on the database. The
record reaches the database at once when the database takes it without waiting, else a
writer thread brings it in, chained and sealed with its real times, as soon as the lock or
the full disk is over."""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime
from typing import Protocol

from .. import evidence
from ..store.db import DatabaseError, get_state, settle
from ..store.journal import Journal

log = logging.getLogger("broadcaster")
JOURNAL_FILE = ".broadcaster.journal"
RETRY_S = 0.5  # how often a full disk is tried again (a lock is waited on by SQLite itself)
ON_AIR_RECORDS = 4  # records the air thread writes itself, at most, when the database is free
REJECTED_FILE = ".broadcaster.rejected.jsonl"  # records the database refused for good


class Recorder(Protocol):
    def open_airing(self, key: str, queue_id: int | None, payload: dict) -> None: ...

    def open_row(self, **fields) -> object:
        """The row of an item about to play; a handle for `close_row`."""

    def close_row(
        self,
        handle,
        status: str,
        error: str,
        ended_at: datetime,
        received: str = "",
        audio_sha256: str = "",
    ) -> None:
        """Seal the row; ``received`` names the IP loudspeaker clusters that heard it;
        ``audio_sha256`` is a live announcement's recording (known only at its end)."""

    def record_many(self, rows: list[dict], finish: tuple | None = None) -> None: ...

    def finish_airing(self, key: str, queue_id: int | None, queue_status: str = "done") -> None: ...

    def unwritten(self, key: str) -> list[tuple[int, str]]:
        """(record number, script id) of an airing's outcomes not in the database yet, one per
        row; compare with `evidence.logged_items`, read after this."""


class Direct:
    def __init__(self, project):
        self.project = project

    def open_airing(self, key, queue_id, payload) -> None:
        evidence.open_airing(self.project, key, queue_id, payload)

    def open_row(self, **fields) -> int:
        return evidence.open_row(self.project, **fields)

    def close_row(self, handle, status, error, ended_at, received="", audio_sha256="") -> None:
        evidence.close_row(self.project, handle, status, error, ended_at, received, audio_sha256)

    def record_many(self, rows, finish=None) -> None:
        evidence.record_many(self.project, rows, finish)

    def finish_airing(self, key, queue_id, queue_status="done") -> None:
        evidence.finish_airing(self.project, key, queue_id, queue_status)

    def unwritten(self, key) -> list[tuple[int, str]]:
        return []


class Journaled:
    def __init__(self, project, journal: Journal | None = None):
        self.project = project
        self.journal = journal or Journal(project.root / JOURNAL_FILE)
        state = get_state(project)
        applied = (
            int(state[evidence.JOURNAL_APPLIED].value) if (evidence.JOURNAL_APPLIED in state) else 0
        )
        self.journal.start_after(applied)
        self.pending = [(seq, r) for seq, r in self.journal.records if seq > applied]
        self.cond = threading.Condition()
        self.writing = threading.Lock()  # one writer at a time, in journal order
        self.blocked: tuple[float, str] | None = None  # since when, and why

    # -- the Recorder: each record is journaled, then written if the database takes it now --
    def _add(self, record: dict) -> None:
        with self.cond:  # journaled and pending together: a rewind never passes over it
            try:
                seq = self.journal.append(record)
            except OSError:  # the reserve is used up and the disk is full: memory only
                log.error("Không ghi được sổ tạm (ổ đĩa đầy): bản ghi chỉ còn trong bộ nhớ.")
                seq = self.journal.skip()
            self.pending.append((seq, record))
            self.cond.notify()
        self.write(wait=False)

    def open_airing(self, key, queue_id, payload) -> None:
        self._add(
            {
                "op": "open_airing",
                "key": key,
                "queue_id": queue_id,
                "payload": evidence.jsonable(payload),
            }
        )

    def open_row(self, **fields) -> dict:
        self._add({"op": "open", "fields": evidence.jsonable(fields)})
        return {
            "airing_key": fields["airing_key"],
            "script_id": fields["script_id"],
            "started_at": fields["started_at"].isoformat(),
        }

    def close_row(self, handle, status, error, ended_at, received="", audio_sha256="") -> None:
        self._add(
            {
                "op": "close",
                **handle,
                "status": status,
                "error": error,
                "ended_at": ended_at.isoformat(),
                "received": received,
                "audio_sha256": audio_sha256,
            }
        )

    def record_many(self, rows, finish=None) -> None:
        self._add(
            {
                "op": "record",
                "rows": [evidence.jsonable(r) for r in rows],
                "finish": list(finish) if finish else None,
            }
        )

    def finish_airing(self, key, queue_id, queue_status="done") -> None:
        self._add({"op": "finish", "key": key, "queue_id": queue_id, "queue_status": queue_status})

    def unwritten(self, key) -> list[tuple[int, str]]:
        with self.cond:
            records = list(self.pending)
        out = []
        for seq, r in records:
            if r["op"] == "open" and r["fields"]["airing_key"] == key:
                out.append((seq, r["fields"]["script_id"]))
            elif r["op"] == "record":
                out += [(seq, row["script_id"]) for row in r["rows"] if row["airing_key"] == key]
        return out

    # -- bringing the journal into the database ------------------------------------------------
    def write(self, wait: bool) -> bool:
        """Apply the pending records in order: True when none is left. Not ``wait``: only
        what the database takes at once, a few records at most (the caller is on air; the
        writer thread brings in a backlog)."""
        if not self.writing.acquire(blocking=wait):
            return False
        try:
            budget = None if wait else ON_AIR_RECORDS
            while True:
                with self.cond:
                    if not self.pending:
                        break
                    if budget is not None:
                        if budget == 0:
                            self.cond.notify()  # the writer thread takes the rest
                            return False
                        budget -= 1
                    seq, record = self.pending[0]
                try:
                    evidence.apply(self.project, seq, record, wait)
                except DatabaseError as exc:
                    if self.blocked is None:
                        self.blocked = (time.monotonic(), exc.reason)
                        log.error(
                            "Chưa ghi được nhật ký vào cơ sở dữ liệu (%s): đã giữ trong sổ "
                            "tạm, sẽ ghi bù khi được; việc phát vẫn tiếp tục.",
                            exc.reason,
                        )
                    return False
                except Exception:  # one the database can never take: kept aside, said, go on
                    self._reject(seq, record)
                with self.cond:
                    self.pending.pop(0)
            if self.blocked is not None:
                since, reason = self.blocked
                self.blocked = None
                log.warning(
                    "Đã ghi bù nhật ký sau %.0f giây không ghi được (%s).",
                    time.monotonic() - since,
                    reason,
                )
            with self.cond:  # nothing pending: everything journaled is in the database
                written = self.journal.next_seq if not self.pending else None
            if wait and written and self.journal.crowded and settle(self.project):
                self.journal.rewind(written)  # not if a record came in meanwhile
            return True
        finally:
            self.writing.release()

    def _reject(self, seq: int, record: dict) -> None:
        """A record the database refuses for a reason other than a lock or a full disk (a
        bug, a damaged database): kept in a file of its own before it leaves the journal."""
        import json

        log.exception(
            "Bản ghi sổ tạm số %d không ghi được vào cơ sở dữ liệu; đã giữ lại trong %s",
            seq,
            REJECTED_FILE,
        )
        try:
            with open(self.project.root / REJECTED_FILE, "a", encoding="utf-8") as f:
                f.write(json.dumps({"seq": seq, "record": record}, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())
        except OSError:
            log.error("Không ghi được %s: bản ghi số %d: %s", REJECTED_FILE, seq, record)

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
