"""The journal itself: what a crash, a torn write, a corrupt frame or a rewind leave readable."""

import os

import pytest

from broadcaster.store.journal import HEADER, Journal


def reopen(path, reserve=1 << 16) -> Journal:
    return Journal(path, reserve)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "journal"


def test_records_survive_a_reopen_in_order_and_the_room_is_reserved(path):
    j = Journal(path, 1 << 16)
    assert [j.append({"n": i, "text": "Kính thưa bà con"}) for i in range(3)] == [1, 2, 3]
    assert os.stat(path).st_blocks * 512 >= 1 << 16  # allocated, not a sparse promise
    j2 = reopen(path)
    assert [(seq, r["n"]) for seq, r in j2.records] == [(1, 0), (2, 1), (3, 2)]
    assert j2.append({"n": 3}) == 4


def test_a_torn_last_frame_is_dropped_and_the_rest_kept(path):
    j = Journal(path, 1 << 16)
    j.append({"n": 0})
    j.append({"n": 1, "pad": "x" * 100})
    with open(path, "r+b") as f:  # the power went mid-write: the second frame half there
        f.seek(j.offset - 60)
        f.write(b"\0" * 60)
    assert [r["n"] for _, r in reopen(path).records] == [0]


def test_a_corrupt_frame_ends_what_is_read(path):
    j = Journal(path, 1 << 16)
    for i in range(3):
        j.append({"n": i})
    first = HEADER.size + len(b'{"n":0}')
    with open(path, "r+b") as f:
        f.seek(first + HEADER.size + 2)
        f.write(b"9")  # one byte of the second record changed
    assert [r["n"] for _, r in reopen(path).records] == [0]


def test_after_a_rewind_old_frames_are_never_read_again(path):
    j = Journal(path, 1 << 16)
    for i in range(5):
        j.append({"n": i, "pad": "x" * 50})
    j.rewind(j.next_seq)
    assert j.append({"n": 5}) == 6  # written over the start of the old ones
    assert [(seq, r["n"]) for seq, r in reopen(path).records] == [(6, 5)]


def test_a_rewind_is_refused_when_a_record_came_in_meanwhile(path):
    j = Journal(path, 1 << 16)
    j.append({"n": 0})
    safe = j.next_seq
    j.append({"n": 1})  # not yet safe elsewhere
    j.rewind(safe)
    assert [r["n"] for _, r in reopen(path).records] == [0, 1]


def test_numbers_continue_after_what_was_applied_elsewhere(path):
    j = Journal(path, 1 << 16)
    j.start_after(41)
    assert j.append({}) == 42
    assert j.skip() == 43 and j.append({}) == 44
    assert [seq for seq, _ in reopen(path).records] == [42, 44]  # a gap is fine, order kept


def test_without_the_posix_calls_windows_lacks_it_works_the_same(path, monkeypatch):
    import broadcaster.store.journal as journal

    for name in ("pread", "pwrite", "posix_fallocate"):
        monkeypatch.delattr(os, name, raising=False)
    monkeypatch.setattr(journal, "_datasync", os.fsync)
    j = Journal(path, 1 << 16)
    assert os.stat(path).st_size == 1 << 16 and os.stat(path).st_blocks * 512 >= 1 << 16
    assert [j.append({"n": i}) for i in range(3)] == [1, 2, 3]
    assert [r["n"] for _, r in reopen(path).records] == [0, 1, 2]


def test_a_short_write_goes_on_until_the_frame_is_whole(path, monkeypatch):
    real = os.pwrite
    monkeypatch.setattr(os, "pwrite", lambda fd, data, offset: real(fd, bytes(data[:7]), offset))
    j = Journal(path, 1 << 16)
    j.append({"text": "Kính thưa bà con " * 5})
    j.append({"n": 2})
    monkeypatch.setattr(os, "pwrite", real)
    assert [seq for seq, _ in reopen(path).records] == [1, 2]


def test_a_record_the_database_refuses_for_good_is_kept_aside(short_station, monkeypatch):
    import json

    from broadcaster import evidence
    from broadcaster.evidence.recorder import REJECTED_FILE, Journaled
    from broadcaster.schedule.config import Project

    project = Project(short_station)
    recorder = Journaled(project)
    real = evidence.apply

    def refuse_one(project, seq, record, wait=True):
        if record.get("key") == "hong":
            raise ValueError("a bug")
        return real(project, seq, record, wait)

    monkeypatch.setattr(evidence, "apply", refuse_one)
    recorder.finish_airing("hong", None)
    recorder.open_airing("tot", None, {"program_id": "p"})
    assert recorder.write(wait=True) and recorder.pending == []
    kept = [
        json.loads(line) for line in (short_station / REJECTED_FILE).read_text("utf-8").splitlines()
    ]
    assert [k["record"]["key"] for k in kept] == ["hong"]
    assert [a.key for a in evidence.open_airings(project)] == ["tot"]  # the next went in
