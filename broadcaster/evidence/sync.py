"""`broadcaster sync`: the ward sends the district's receiver what it lacks of the ward's
evidence, over HTTPS, each request signed with the station's key (RFC 9421, Ed25519) under the
ward's registered id. The ward holds no database password; it checks the receiver's certificate
against the fingerprint the district gave it ([district] fingerprint).

What is sent: the sealed log rows after the district's head, in batches (each one transaction
at the district, so a cut link loses nothing and a second sync sends nothing twice), with where
the ward's own chain ends; every day of the plan of record once it is over (a day the district
holds and the ward now words otherwise is sent too: the district refuses and flags it); the
checkpoints it lacks; the ward's own words for its topics and campaigns."""

from __future__ import annotations

import functools
import hashlib
import http.client
import json
import secrets
import ssl
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import evidence
from ..base.errors import UserError
from ..store import signing
from ..store.db import database
from . import AiringRow
from . import district as dist
from .district_wire import API, COVERED, TAG, Message

TIMEOUT_S = 30


@dataclass
class SyncResult:
    rows: int = 0
    plan: int = 0
    checkpoints: int = 0

    def __str__(self) -> str:
        if not (self.rows or self.plan or self.checkpoints):
            return "Quận đã có đủ, không có gì mới để gửi."
        return (
            f"Đã gửi quận {self.rows} dòng nhật ký, {self.plan} ngày kế hoạch, "
            f"{self.checkpoints} điểm kiểm tra."
        )


class Receiver:
    """The district's receiver as a ward talks to it: signed JSON over pinned HTTPS."""

    def __init__(self, url: str, station_id: str, pin: str, private_key):
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise UserError(
                f"địa chỉ máy nhận của quận phải là https://…: {url}",
                hint='ví dụ [district] url = "https://may-chu-quan:8443"',
            )
        self.host, self.port = parts.hostname, parts.port or 443
        self.base = parts.path.rstrip("/")
        self.station_id, self.key = station_id, private_key
        self.pin = pin.replace(":", "").upper().removeprefix("SHA256")
        self.context = ssl.create_default_context()
        self.context.check_hostname, self.context.verify_mode = (
            False,
            ssl.CERT_NONE,
        )  # the pin checks it
        self.conn: http.client.HTTPSConnection | None = None  # one connection for a whole sync

    @functools.cached_property
    def signer(self):
        from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

        keys = MappingKeyResolver(public_keys={}, private_keys={self.station_id: self.key})
        return HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=keys)

    def post(self, what: str, payload) -> dict:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        path = f"{self.base}{API}/{what}"
        headers = {"content-type": "application/json", "host": f"{self.host}:{self.port}"}
        message = Message("POST", f"https://{self.host}:{self.port}{path}", headers)
        self.signer.sign(
            message,
            key_id=self.station_id,
            nonce=secrets.token_urlsafe(24),
            tag=TAG,
            covered_component_ids=COVERED,
            body=body,
        )
        return self._send(path, body, message.headers)

    def _connection(self) -> http.client.HTTPSConnection:
        if self.conn is None:
            conn = http.client.HTTPSConnection(
                self.host, self.port, timeout=TIMEOUT_S, context=self.context
            )
            conn.connect()
            der = conn.sock.getpeercert(binary_form=True) or b""
            seen = hashlib.sha256(der).hexdigest().upper()
            if seen != self.pin:
                conn.close()
                raise UserError(
                    "máy chủ trả lời không phải máy nhận của quận (chứng chỉ khác dấu vân tay "
                    "đã cho)",
                    hint="hỏi quận dấu vân tay chứng chỉ và sửa [district] fingerprint",
                )
            self.conn = conn
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _send(self, path: str, body: bytes, headers: dict) -> dict:
        try:
            conn = self._connection()
            conn.request("POST", path, body=body, headers=headers)
            reply = conn.getresponse()
            raw = reply.read()
        except (TimeoutError, OSError, http.client.HTTPException, ssl.SSLError) as exc:
            self.close()
            raise UserError(
                "không kết nối được máy nhận của quận (mạng hoặc máy chủ không trả lời)",
                hint="kiểm tra mạng và [district] url; lần đồng bộ sau gửi tiếp phần còn thiếu",
            ) from exc
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = {}
        if reply.status != 200:
            raise UserError(
                answer.get("loi") or f"máy nhận của quận trả lời lỗi {reply.status}",
                hint="giữ nguyên nhật ký; báo kỹ thuật viên và quận" if reply.status == 409 else "",
            )
        return answer


def receiver_of(project) -> Receiver:
    d = project.district
    if not d.url:
        raise UserError(
            "chưa cấu hình quận",
            hint='thêm [district] url = "https://…", station_id và fingerprint vào schedules.toml',
        )
    if not d.fingerprint:
        raise UserError(
            "thiếu dấu vân tay chứng chỉ của máy nhận quận",
            hint='thêm [district] fingerprint = "SHA256:…" (quận cho khi đăng ký phường)',
        )
    return Receiver(d.url, d.station_id, d.fingerprint, signing.private_key(project))


def sync(project, batch: int | None = None, after_batch=None) -> SyncResult:
    """Send the district what it lacks (see the module's docstring)."""
    receiver = receiver_of(project)
    try:
        return _sync(project, receiver, batch or project.district.batch, after_batch)
    finally:
        receiver.close()


def _sync(project, receiver: Receiver, batch: int, after_batch) -> SyncResult:
    local = evidence.verify(project, trust=True)
    if not local.ok:
        raise UserError(
            f"nhật ký của phường không toàn vẹn, không gửi: {local.findings[0]}",
            hint="chạy `broadcaster log verify`; báo kỹ thuật viên và quận",
        )
    held = receiver.post("dau", {})
    result = SyncResult()
    result.rows = _send_rows(project, receiver, held["seq"], batch, after_batch)
    today = datetime.now(project.station.tz).date()
    days = [
        d
        for d in dist.plan_days(project, today)
        if held["days"].get(d["day"]) != dist._day_digest(d)
    ]
    per = max(1, batch // 10)  # days of plan a request (a day is a few dozen entries)
    for i in range(0, len(days), per):
        result.plan += receiver.post("ke-hoach", days[i : i + per])["nhan"]
    new = [
        cp
        for cp in evidence.stored_checkpoints(project)
        if cp["signature"] not in set(held["checkpoints"])
    ]
    if new:
        result.checkpoints = receiver.post("diem-kiem-tra", new)["nhan"]
    st, rp = project.station, project.report
    receiver.post(
        "thong-tin",
        {"name": st.name, "ward": st.ward, "topics": st.topics, "campaigns": rp.campaigns},
    )
    return result


def _send_rows(project, receiver: Receiver, after: int, batch: int, after_batch) -> int:
    with Session(database(project)) as s:
        last = s.scalars(
            select(AiringRow)
            .where(AiringRow.seq.is_not(None))
            .order_by(AiringRow.seq.desc())
            .limit(1)
        ).first()
        own = (
            {"seq": last.seq, "hash": last.row_hash}
            if last
            else {"seq": 0, "hash": evidence.GENESIS}
        )
    sent = 0
    while True:
        with Session(database(project)) as s:
            rows = list(
                s.scalars(
                    select(AiringRow)
                    .where(AiringRow.seq > after)
                    .order_by(AiringRow.seq)
                    .limit(batch)
                )
            )
            items = [dist.row_dict(r) for r in rows]
        taken = receiver.post("nhat-ky", {"rows": items, "head": own})["nhan"]
        if not rows:
            return sent
        sent += taken
        assert rows[-1].seq is not None  # only rows in the chain are sent
        after = rows[-1].seq
        if after_batch:
            after_batch(sent)
