"""A local stand-in for FPT.AI's text-to-speech v5, on 127.0.0.1 and a free port.

It answers as the documented service does (https://docs.fpt.ai/docs/en/speech/api/text-to-speech):
POST /hmi/tts/v5 with the text as the raw body and the key (`api-key` or `api_key`), `voice`,
`speed` and `format` in headers; JSON {"async": <address of the mp3>, "error": 0, "message",
"request_id"}; the MP3 at that address answers 404 for the first polls, then the audio. The
audio is real speech: the project's offline espeak voice reading the posted text (the region of
the FPT voice picks the espeak variant, the speed its rate), encoded to MP3 by imageio-ffmpeg's
ffmpeg.

What the real service says when it refuses is not documented; the refusals here (401 with a
JSON message, 429, 500, an `error` other than 0) are plausible shapes, in English on purpose:
the engine must not show them to the officer.

Modes: ok | 401 | 429-then-ok (``fail_times`` 429s first) | 429 | 500 | never-ready | broken
(the audio is not an MP3) | quota (200 with a non-zero `error`) | hang (no answer for a while).
"""

from __future__ import annotations

import json
import secrets
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VOICES = {
    "banmai": "vi",
    "thuminh": "vi",
    "leminh": "vi",
    "myan": "vi-VN-x-central",
    "giahuy": "vi-VN-x-central",
    "lannhi": "vi-VN-x-south",
    "linhsan": "vi-VN-x-south",
}
PATH = "/hmi/tts/v5"
MP3_RATE = 22050  # not the engine's 24000: the decode must resample


def encode_mp3(pcm: bytes, sample_rate: int) -> bytes:
    from broadcaster.sound.audio import ffmpeg

    proc = subprocess.run(
        [
            ffmpeg(),
            "-v",
            "error",
            "-nostdin",
            "-f",
            "s16le",
            "-ar",
            str(sample_rate),
            "-ac",
            "1",
            "-i",
            "-",
            "-ar",
            str(MP3_RATE),
            "-c:a",
            "libmp3lame",
            "-b:a",
            "48k",
            "-f",
            "mp3",
            "-",
        ],
        input=pcm,
        capture_output=True,
        check=True,
    )
    return proc.stdout


def speech_mp3(text: str, voice: str, speed: int) -> bytes:
    from broadcaster.tts.espeak import EspeakEngine

    seg = EspeakEngine().speak(text, VOICES.get(voice, "vi"), 150 + 25 * speed)
    return encode_mp3(seg.raw_data, seg.frame_rate)


class FptStandIn:
    def __init__(
        self,
        api_key: str = "khoa-thu-fpt-0123456789",
        mode: str = "ok",
        not_ready_polls: int = 2,
        fail_times: int = 1,
    ):
        self.api_key, self.mode = api_key, mode
        self.not_ready_polls, self.fail_times = not_ready_polls, fail_times
        self.posts: list[dict] = []  # each POST: its headers (lower-case names) and text
        self.polls: list[tuple[str, int]] = []  # each GET of an audio address and the status
        self.audio: dict[str, bytes] = {}  # request id -> mp3
        self._cache: dict[tuple[str, str, int], bytes] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self.key_leaked = False  # set when an audio address is asked with the key
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                standin._post(self)

            def do_GET(self):
                standin._get(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        return self.base + PATH

    # -- answers ------------------------------------------------------------------------------
    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes = b"",
        ctype: str = "application/json",
        headers: dict | None = None,
    ):
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)

    def _json(self, h, status: int, reply: dict, headers: dict | None = None):
        self._send(h, status, json.dumps(reply).encode(), headers=headers)

    def _post(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length)
        record = {k.lower(): v for k, v in h.headers.items()}
        record["text"] = raw.decode("utf-8", "replace")
        with self._lock:
            self.posts.append(record)
            count = len(self.posts)
        if h.path != PATH:
            return self._json(h, 404, {"message": "no route matched"})
        if self.mode == "hang":
            self._closed.wait(3)
            h.close_connection = True
            return None  # no answer at all
        key = h.headers.get("api-key") or h.headers.get("api_key")
        if self.mode == "401" or key != self.api_key:
            return self._json(h, 401, {"message": "Invalid authentication credentials"})
        if self.mode == "429" or (self.mode == "429-then-ok" and count <= self.fail_times):
            return self._json(
                h, 429, {"message": "API rate limit exceeded"}, headers={"Retry-After": "0"}
            )
        if self.mode == "500":
            return self._json(h, 500, {"message": "An unexpected error occurred"})
        if self.mode == "quota":
            return self._json(
                h,
                200,
                {
                    "error": 3,
                    "message": "Your character quota is exceeded",
                    "request_id": secrets.token_hex(8),
                },
            )
        voice = h.headers.get("voice") or "banmai"
        speed_text = h.headers.get("speed") or "0"
        fmt = h.headers.get("format") or "mp3"
        text = raw.decode("utf-8", "strict")
        if voice not in VOICES:
            return self._json(h, 200, {"error": 1, "message": f"Invalid voice {voice}"})
        try:
            speed = int(speed_text)
        except ValueError:
            return self._json(h, 200, {"error": 1, "message": "Invalid speed"})
        if not -3 <= speed <= 3 or fmt not in ("mp3", "wav"):
            return self._json(h, 200, {"error": 1, "message": "Invalid speed or format"})
        if not 3 <= len(text) <= 5000:
            return self._json(h, 200, {"error": 2, "message": "Text length must be 3-5000"})
        rid = secrets.token_hex(16)
        if self.mode == "broken":
            mp3 = b"ID3 this is not an mp3 at all" * 50
        else:
            with self._lock:
                mp3 = self._cache.get((text, voice, speed))
            if mp3 is None:
                mp3 = speech_mp3(text, voice, speed)
                with self._lock:
                    self._cache[(text, voice, speed)] = mp3
        with self._lock:
            self.audio[rid] = mp3
        day = time.strftime("%Y-%m-%d")
        self._json(
            h,
            200,
            {
                "async": f"{self.base}/text2speech-v5/short/{day}/{rid}.mp3",
                "error": 0,
                "message": "The content will be returned after a few seconds under the async link.",
                "request_id": rid,
            },
        )

    def _get(self, h: BaseHTTPRequestHandler) -> None:
        rid = h.path.rsplit("/", 1)[-1].removesuffix(".mp3")
        with self._lock:
            mp3 = self.audio.get(rid)
            earlier = sum(1 for path, _ in self.polls if path == h.path)
            ready = mp3 is not None and self.mode != "never-ready"
            ready = ready and earlier >= self.not_ready_polls
            status = 200 if ready else 404
            self.polls.append((h.path, status))
            if h.headers.get("api-key") or h.headers.get("api_key"):
                self.key_leaked = True
        if status == 404:
            body = b"<?xml version='1.0'?><Error><Code>NoSuchKey</Code></Error>"
            return self._send(h, 404, body, "application/xml")
        self._send(h, 200, mp3, "audio/mpeg")

    def close(self) -> None:
        self._closed.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
