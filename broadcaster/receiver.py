"""The district's receiver (`broadcaster district serve`): the only writer of the district's
PostgreSQL, with the district's own credentials. Wards hold no database password: each request
is signed with the ward's station key (RFC 9421 HTTP Message Signatures, Ed25519) under its
registered id, fresh (`created` within MAX_AGE) and used once (its nonce is kept). Every check
runs against the district's own copy (district.py); what fails is refused with one Vietnamese
line and flagged, and the district keeps what it had.

The receiver keeps nothing between requests: several can serve one database behind a proxy.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .base.errors import UserError
from .evidence import district as dist
from .evidence.district_wire import API, COVERED, TAG, Message
from .store.db import now

MAX_AGE = timedelta(minutes=5)
CLOCK_SKEW = timedelta(minutes=2)
MAX_BODY = 32 * 1024 * 1024
log = logging.getLogger("broadcaster")


_lookup = threading.local()  # a database error met while looking up a key, for the answer


def _verifier(url: str):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from http_message_signatures import HTTPMessageVerifier, HTTPSignatureKeyResolver, algorithms

    class Keys(HTTPSignatureKeyResolver):
        def resolve_public_key(self, key_id: str):
            try:
                with dist.district_engine(url).connect() as conn:
                    ward = dist._ward(conn, key_id) if dist.STATION_ID.fullmatch(key_id) else None
            except (DBAPIError, SQLAlchemyError) as exc:
                _lookup.error = exc
                raise
            if ward is None or ward.removed_at is not None:
                return None
            return Ed25519PublicKey.from_public_bytes(base64.b64decode(ward.public_key))

        def resolve_private_key(self, key_id: str):
            raise KeyError(key_id)

    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=Keys())
    verifier.max_clock_skew = CLOCK_SKEW  # a ward PC's clock is seldom right to the second
    return verifier


def _answer(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"loi": message, **extra} if status >= 400 else extra, status_code=status)


def create_receiver(url: str) -> Starlette:
    dist.init(url)
    verifier = _verifier(url)

    def authenticate(request: Request, body: bytes) -> str:
        """The ward's registered id, once the request's signature, age and nonce hold."""
        from http_message_signatures import HTTPMessageSignaturesException

        headers = {k.lower(): v for k, v in request.headers.items()}
        _lookup.error = None
        try:
            [result] = verifier.verify(
                Message(request.method, str(request.url), headers),
                max_age=MAX_AGE,
                expect_tag=TAG,
                require_components=COVERED,
                body=body,
            )
        except (HTTPMessageSignaturesException, ValueError) as exc:
            if _lookup.error is not None:
                raise _lookup.error from None
            raise Forbidden(
                "yêu cầu không có chữ ký hợp lệ của một phường đã đăng ký, hoặc đã quá cũ"
            ) from exc
        station_id = str(result.parameters["keyid"])
        if not result.nonce or len(result.nonce) > 100:
            raise Forbidden("yêu cầu thiếu số dùng một lần (nonce)")
        try:
            with dist.district_engine(url).begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO public.district_nonce (nonce, station_id, seen_at) "
                        "VALUES (:n, :id, :at)"
                    ),
                    {"n": result.nonce, "id": station_id, "at": now()},
                )
        except IntegrityError:
            raise Forbidden("yêu cầu này đã được gửi một lần: không nhận lại") from None
        return station_id

    async def handle(request: Request, work) -> JSONResponse:
        if int(request.headers.get("content-length") or 0) > MAX_BODY:
            return _answer(413, "đợt gửi quá lớn")
        body = await request.body()
        if len(body) > MAX_BODY:
            return _answer(413, "đợt gửi quá lớn")

        def run():
            station_id = authenticate(request, body)
            try:
                items = json.loads(body) if body else None
            except ValueError:
                raise dist.Refused("nội dung gửi không phải JSON") from None
            try:
                return work(station_id, items)
            except dist.Refused as exc:
                with dist.district_engine(url).begin() as conn:
                    dist.flag(conn, station_id, request.path_params.get("kind", "gui"), exc.message)
                raise

        try:
            return _answer(200, "", **await run_in_threadpool(run))
        except Forbidden as exc:
            return _answer(403, str(exc))
        except dist.Refused as exc:
            return _answer(409, f"quận từ chối: {exc.message}")
        except UserError as exc:
            return _answer(400, exc.message)
        except (DBAPIError, SQLAlchemyError) as exc:
            log.error("Cơ sở dữ liệu quận lỗi: %s", exc)
            return _answer(503, "cơ sở dữ liệu quận tạm thời không dùng được; gửi lại sau")

    def today_of(station_id: str) -> date:
        with dist.district_engine(url).connect() as conn:
            ward = dist._existing(conn, station_id)
        return datetime.now(ZoneInfo(ward.timezone)).date()

    def receive(station_id: str, kind: str, items) -> dict:
        if kind == "nhat-ky":
            if not isinstance(items, dict):
                raise dist.Refused("nội dung gửi sai dạng")
            return {"nhan": dist.receive_rows(url, station_id, items)}
        if kind == "ke-hoach":
            return {"nhan": dist.receive_plan(url, station_id, _list(items), today_of(station_id))}
        if kind == "diem-kiem-tra":
            return {"nhan": dist.receive_checkpoints(url, station_id, _list(items))}
        if kind == "thong-tin":
            dist.receive_settings(url, station_id, items)
            return {"nhan": 1}
        raise UserError(f"không có loại dữ liệu “{kind}”")

    async def post(request: Request):
        kind = request.path_params["kind"]
        return await handle(request, lambda sid, items: receive(sid, kind, items))

    async def held(request: Request):
        return await handle(request, lambda sid, _items: dist.head(url, sid))

    async def missing(request: Request, exc):
        return _answer(404, "không có địa chỉ này ở máy nhận của quận")

    async def crashed(request: Request, exc: Exception):
        log.exception("Máy nhận của quận lỗi")
        return _answer(500, "máy nhận của quận gặp lỗi; gửi lại sau")

    routes = [
        Route(f"{API}/dau", held, methods=["POST"]),
        Route(f"{API}/{{kind}}", post, methods=["POST"]),
    ]
    return Starlette(
        routes=routes, exception_handlers={404: missing, 405: missing, Exception: crashed}
    )


def _list(items) -> list:
    if not isinstance(items, list):
        raise dist.Refused("nội dung gửi phải là một danh sách")
    return items


class Forbidden(Exception):
    """A request the receiver does not accept from anyone: no valid signature, replayed."""


def serve(url: str, host: str, port: int, cert: str, key: str) -> None:
    import uvicorn

    uvicorn.run(
        create_receiver(url),
        host=host,
        port=port,
        ssl_certfile=cert,
        ssl_keyfile=key,
        log_level="warning",
        access_log=False,
    )


def make_certificate(host: str, folder, days: int = 3650) -> tuple[str, str, str]:
    """A self-signed certificate for the receiver (or the web console) at ``host``: the paths
    of the certificate and its key, and its SHA-256 fingerprint, which each ward checks."""
    import ipaddress
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    alt: x509.GeneralName
    try:
        alt = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt = x509.DNSName(host)
    start = datetime.now().astimezone() - timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "chung-chi.pem", folder / "khoa-chung-chi.pem"
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(cert_path), str(key_path), fingerprint(cert.public_bytes(serialization.Encoding.DER))


def fingerprint(der: bytes) -> str:
    import hashlib

    digest = hashlib.sha256(der).hexdigest().upper()
    return "SHA256:" + ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
