"""The neural voice service for stations with an account: FPT.AI text-to-speech v5.

As documented (https://docs.fpt.ai/docs/en/speech/api/text-to-speech): POST the text as the raw
UTF-8 body to https://api.fpt.ai/hmi/tts/v5 with the key and the options in headers (`voice`,
`speed` -3..+3, `format` mp3|wav); 3 to 5000 characters a request. The JSON reply holds
`error` (0: accepted), `message`, `request_id` and `async`, the address of the MP3, which
exists only once the service has made it ("from 5 seconds to 2 minutes"): until then it
answers 404 (or 403, the way a storage bucket hides a missing file), so we poll it, bounded.

The reference table names the key header `api_key`; FPT's own code samples and most working
clients send `api-key`. We send both with the same value, so either reading of the gateway finds
it. The key goes to the service only, never to the address of the audio.

Every failure is an EngineError worded in Vietnamese for the officer; the English text of the
service or of the library stays in the exception chain (``__cause__``), never in the message.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from ..sound.audio import DecodeError, decode_bytes
from .engine import Engine, EngineError

ENDPOINT = "https://api.fpt.ai/hmi/tts/v5"
KEY_VARIABLE = "BROADCASTER_FPT_API_KEY"
VERSION = "fpt.ai tts v5"
# the voices of the v5 reference: name -> who speaks
VOICES = {
    "banmai": "nữ miền Bắc",
    "thuminh": "nữ miền Bắc",
    "leminh": "nam miền Bắc",
    "myan": "nữ miền Trung",
    "giahuy": "nam miền Trung",
    "lannhi": "nữ miền Nam",
    "linhsan": "nữ miền Nam",
}
DEFAULT_VOICE = "banmai"
# the station's espeak voice names, read as "the same kind of voice" when the engine is fpt
ESPEAK_ALIASES = {
    "": "banmai",
    "vi": "banmai",
    "vi-VN-x-central": "myan",
    "vi-VN-x-south": "lannhi",
}
MIN_CHARS, MAX_CHARS = 3, 5000  # the service's limits per request
SPEED_MIN, SPEED_MAX = -3, 3
NORMAL_WPM, WPM_PER_STEP = 150, 25  # the station's usual rate is FPT's speed 0
MAX_REPLY_BYTES = 64 * 1024
MAX_AUDIO_BYTES = 32 * 1024 * 1024  # one sentence is a few hundred kB at most
MAX_RETRY_AFTER_S = 10.0
SAMPLE_RATE = 24000
NOT_READY = (403, 404)  # what the address of the audio answers until the file exists
_KEY_CHARS = re.compile(r"[!-~]+")  # printable ASCII, no spaces: what fits in a header

_TOO_LONG_WORDS = ("too long", "length", "quá dài")
_KEY_WORDS = (
    "api key",
    "api_key",
    "api-key",
    "apikey",
    "authent",
    "unauthor",
    "credential",
    "forbidden",
    "permission",
    "invalid key",
    "khóa",
)
_QUOTA_WORDS = (
    "quota",
    "limit",
    "exceed",
    "credit",
    "balance",
    "insufficient",
    "hạn mức",
    "too many",
)


def speed_for(rate_wpm: int) -> int:
    """The station's words a minute as FPT's speed: 150 is 0, each 25 one step, -3..+3."""
    steps = round((int(rate_wpm) - NORMAL_WPM) / WPM_PER_STEP)
    return max(SPEED_MIN, min(SPEED_MAX, steps))


def voice_for(voice: str | None) -> str:
    """An FPT.AI voice name; the station's espeak names map to a voice of the same region."""
    name = (voice or "").strip()
    name = ESPEAK_ALIASES.get(name, name).lower()
    if name not in VOICES:
        choices = ", ".join(f"{v} ({who})" for v, who in VOICES.items())
        raise EngineError(f"FPT.AI không có giọng `{voice}`; chọn một trong: {choices}")
    return name


def _check_key(key: str, where: str) -> str:
    key = key.strip()
    if not key:
        raise EngineError(f"khóa API FPT.AI trống ({where})")
    if not _KEY_CHARS.fullmatch(key):
        raise EngineError(
            f"khóa API FPT.AI không hợp lệ ({where}): khóa chỉ gồm chữ và số "
            "không dấu, không có khoảng trắng; chép lại khóa từ console.fpt.ai"
        )
    return key


def api_key(env: Mapping[str, str], key_file: str | None, station: Path | None = None) -> str:
    """The account's key: the environment variable BROADCASTER_FPT_API_KEY, else the first line
    of ``key_file``, a file outside the station folder (``station``, when given, is checked),
    never schedules.toml. Raises EngineError in Vietnamese when neither gives a key."""
    value = env.get(KEY_VARIABLE, "")
    if value and value.strip():
        return _check_key(value, f"biến {KEY_VARIABLE}")
    if key_file:
        path = Path(key_file).expanduser()
        if station is not None and path.resolve().is_relative_to(Path(station).resolve()):
            raise EngineError(
                f"tệp khóa API FPT.AI {path} nằm trong thư mục đài: chuyển nó ra "
                "ngoài (thư mục đài được sao lưu và gửi đi, khóa thì không)"
            )
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            raise EngineError(f"không tìm thấy tệp khóa API FPT.AI: {path}") from None
        except (OSError, UnicodeDecodeError):
            raise EngineError(
                f"không đọc được tệp khóa API FPT.AI: {path} (kiểm tra quyền đọc của tệp)"
            ) from None
        lines = text.strip().splitlines()
        return _check_key(lines[0] if lines else "", f"tệp {path}")
    raise EngineError(
        f"chưa có khóa API FPT.AI: đặt biến môi trường {KEY_VARIABLE} hoặc ghi "
        "khóa vào một tệp ngoài thư mục đài và khai báo đường dẫn tệp đó; "
        "khóa lấy ở console.fpt.ai"
    )


def _service_message(raw: bytes) -> str:
    """The `message` of a JSON reply (for classifying only: it is English, never shown)."""
    try:
        reply = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return raw[:200].decode("utf-8", "replace")
    if isinstance(reply, dict):
        return str(reply.get("message") or reply.get("error") or "")
    return ""


class FptEngine(Engine):
    name = "fpt"

    def __init__(
        self,
        api_key: str,
        endpoint: str = ENDPOINT,
        timeout: float = 15.0,
        poll_interval: float = 1.0,
        poll_timeout: float = 60.0,
        retries: int = 2,
        backoff: float = 0.5,
    ):
        self.api_key = _check_key(api_key or "", "FptEngine")
        self.endpoint = endpoint
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.poll_interval, self.poll_timeout = poll_interval, poll_timeout

    def __repr__(self) -> str:  # never the key
        return f"FptEngine(endpoint={self.endpoint!r})"

    @property
    def version(self) -> str:
        return VERSION

    # -- talking to the service -----------------------------------------------------------------
    def _offline(self, exc: BaseException, url: str) -> EngineError:
        host = urllib.parse.urlsplit(url).hostname or url
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            why = f"quá {self.timeout:g} giây không có trả lời"
        elif isinstance(reason, socket.gaierror):
            why = f"không tìm thấy máy chủ {host} (mạng hoặc DNS)"
        elif isinstance(reason, ConnectionRefusedError):
            why = f"máy chủ {host} từ chối kết nối"
        elif isinstance(reason, ssl.SSLError):
            why = f"lỗi kết nối bảo mật (TLS) với {host}"
        else:
            why = f"mất kết nối tới {host}"
        return EngineError(
            f"dịch vụ giọng đọc FPT.AI không trả lời (cần Internet): {why}; "
            "kiểm tra mạng của máy phát rồi thử lại, hoặc dùng giọng espeak"
        )

    def _key_refused(self, status: int | str) -> EngineError:
        return EngineError(
            f"khóa API FPT.AI không hợp lệ, đã bị thu hồi hoặc không được dùng "
            f"dịch vụ đọc (mã {status}): kiểm tra biến {KEY_VARIABLE} hoặc tệp "
            "khóa, và tài khoản trên console.fpt.ai"
        )

    @staticmethod
    def _quota(status: int | str) -> EngineError:
        return EngineError(
            f"FPT.AI từ chối vì vượt hạn mức của tài khoản (mã {status}): hết "
            "lượt ký tự hoặc gửi quá nhiều yêu cầu; chờ rồi thử lại, hoặc nạp "
            "thêm trên console.fpt.ai"
        )

    @staticmethod
    def _too_long(chars: int | None) -> EngineError:
        size = f"dài {chars} ký tự, " if chars is not None else ""
        return EngineError(
            f"câu {size}vượt giới hạn {MAX_CHARS} ký tự mỗi lần đọc của FPT.AI: "
            "tách thành những câu ngắn hơn"
        )

    def _refused(self, status: int | str, message: str, chars: int) -> EngineError:
        """A refusal the service explained in English: sorted by its words, told in ours."""
        text = message.lower()
        if any(w in text for w in _TOO_LONG_WORDS):
            return self._too_long(chars)
        if any(w in text for w in _QUOTA_WORDS):  # before the key: "api key quota exceeded"
            return self._quota(status)
        if any(w in text for w in _KEY_WORDS):
            return self._key_refused(status)
        return EngineError(
            f"FPT.AI từ chối đọc câu này (mã lỗi {status}); kiểm tra giọng, tốc "
            "độ và nội dung câu, rồi thử lại"
        )

    def submit(self, text: str, voice: str, speed: int, opener=None) -> str:
        """Sends one sentence; returns the address where its MP3 will appear. Retries 5xx, 429
        and refused or reset connections with backoff; a timeout is not retried (the request
        may have been taken and counted, and the officer should not wait three times)."""
        opener = opener or urllib.request.build_opener()
        body = text.encode("utf-8")
        headers = {
            "api-key": self.api_key,
            "api_key": self.api_key,
            "voice": voice,
            "speed": str(speed),
            "format": "mp3",
            "Cache-Control": "no-cache",
            "Content-Type": "text/plain; charset=utf-8",
        }
        failure: EngineError | None = None
        cause: BaseException | None = None
        wait = 0.0
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(max(wait, self.backoff * 2 ** (attempt - 1)))
            wait = 0.0
            request = urllib.request.Request(
                self.endpoint, data=body, headers=headers, method="POST"
            )
            try:
                with opener.open(request, timeout=self.timeout) as rsp:
                    raw = rsp.read(MAX_REPLY_BYTES)
            except urllib.error.HTTPError as exc:
                status = exc.code
                try:
                    detail = _service_message(exc.read(MAX_REPLY_BYTES))
                except (OSError, http.client.HTTPException):
                    detail = ""
                finally:
                    exc.close()
                if status in (401, 403):
                    raise self._key_refused(status) from exc
                if status == 413:
                    raise self._too_long(len(text)) from exc
                if status == 429 or status >= 500:
                    failure, cause = (
                        (
                            self._quota(status)
                            if status == 429
                            else EngineError(
                                f"dịch vụ FPT.AI đang lỗi (HTTP {status}), đã thử "
                                f"{attempt + 1} lần: "
                                "thử lại sau ít phút, hoặc dùng giọng espeak"
                            )
                        ),
                        exc,
                    )
                    wait = self._retry_after(exc.headers)
                    continue
                raise self._refused(status, detail, len(text)) from exc
            except TimeoutError as exc:
                raise self._offline(exc, self.endpoint) from exc
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    raise self._offline(exc, self.endpoint) from exc
                failure, cause = self._offline(exc, self.endpoint), exc
                continue
            except (OSError, http.client.HTTPException) as exc:  # reset, cut off mid-answer
                failure, cause = self._offline(exc, self.endpoint), exc
                continue
            except ValueError as exc:  # an address or a header http.client refuses
                raise EngineError(
                    "không gửi được yêu cầu tới FPT.AI: địa chỉ dịch vụ, giọng "
                    "hoặc khóa có ký tự lạ"
                ) from exc
            return self._audio_address(raw, len(text))
        assert failure is not None
        raise failure from cause

    @staticmethod
    def _retry_after(headers) -> float:
        try:
            return min(MAX_RETRY_AFTER_S, max(0.0, float(headers.get("Retry-After", 0))))
        except (TypeError, ValueError):
            return 0.0

    def _audio_address(self, raw: bytes, chars: int) -> str:
        try:
            reply = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            reply = None
        if not isinstance(reply, dict):
            raise EngineError("FPT.AI trả lời không đúng dạng (không phải JSON): thử lại sau")
        code = reply.get("error", 0)
        if code not in (0, "0"):
            raise self._refused(code, str(reply.get("message") or ""), chars)
        url = reply.get("async")
        parts = urllib.parse.urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise EngineError(
                "FPT.AI trả lời không đúng dạng (không có đường dẫn tệp âm thanh): thử lại sau"
            )
        return str(url)

    def fetch(self, url: str, opener=None) -> bytes:
        """The MP3 at ``url``, asked every poll_interval until it exists, for at most
        poll_timeout seconds; the network failing retries+1 times in a row ends it sooner.
        The key is not sent there."""
        opener = opener or urllib.request.build_opener()
        deadline = time.monotonic() + self.poll_timeout
        network: BaseException | None = None
        failures = 0
        while True:
            remaining = deadline - time.monotonic()
            request = urllib.request.Request(url, headers={"Cache-Control": "no-cache"})
            try:
                with opener.open(request, timeout=max(0.1, min(self.timeout, remaining))) as rsp:
                    data = rsp.read(MAX_AUDIO_BYTES + 1)
                if len(data) > MAX_AUDIO_BYTES:
                    raise EngineError("FPT.AI trả về tệp âm thanh quá lớn cho một câu: bỏ qua")
                if data:
                    return data
                network = None  # an empty file: not written yet
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code not in NOT_READY and exc.code != 429 and exc.code < 500:
                    raise EngineError(
                        f"không tải được tệp âm thanh từ FPT.AI (HTTP {exc.code}): thử lại sau"
                    ) from exc
                network = None
            except (OSError, http.client.HTTPException) as exc:  # URLError, timeout, reset
                network = exc
            failures = failures + 1 if network is not None else 0
            remaining = deadline - time.monotonic()
            if remaining <= 0 or failures > self.retries:
                break
            time.sleep(min(self.poll_interval, remaining))
        if network is not None:
            raise self._offline(network, url) from network
        raise EngineError(
            f"FPT.AI đã nhận câu nhưng sau {self.poll_timeout:g} giây tệp âm thanh "
            "vẫn chưa có: dịch vụ đang chậm, thử lại sau"
        )

    def mp3(self, text: str, voice: str, rate_wpm: int) -> bytes:
        sentence = text.strip()
        if len(sentence) < MIN_CHARS:
            raise EngineError(
                f"câu “{sentence}” quá ngắn để FPT.AI đọc (cần ít nhất {MIN_CHARS} "
                "ký tự): viết đủ câu hoặc dùng giọng espeak cho câu này"
            )
        if len(sentence) > MAX_CHARS:
            raise self._too_long(len(sentence))
        opener = urllib.request.build_opener()  # proxies as the environment says, now
        url = self.submit(sentence, voice_for(voice), speed_for(rate_wpm), opener)
        return self.fetch(url, opener)

    def speak(self, text: str, voice: str = DEFAULT_VOICE, rate_wpm: int = NORMAL_WPM):

        data = self.mp3(text, voice, rate_wpm)
        try:
            audio = decode_bytes(data, "mp3", SAMPLE_RATE)
        except DecodeError as exc:
            raise EngineError(
                "FPT.AI trả về âm thanh hỏng, không giải mã được: thử lại sau, "
                "hoặc dùng giọng espeak"
            ) from exc
        if len(audio) == 0:
            raise EngineError("FPT.AI trả về tệp âm thanh rỗng: thử lại sau")
        return audio
