"""A local stand-in for Google Translate's TTS endpoint, reached the way gTTS reaches the real
one: through the HTTPS proxy of the environment. The proxy answers CONNECT, terminates TLS with
a throw-away certificate and replies in the batchexecute format, so the real gTTS code runs."""

from __future__ import annotations

import base64
import socket
import socketserver
import ssl
import threading
import time
import urllib.parse

import trustme


class StandIn:
    def __init__(self, audio_mp3: bytes):
        self.audio = audio_mp3
        self.mode = "ok"  # ok | 429 | hang
        self.requests: list[str] = []  # the text of each chunk asked for
        ca = trustme.CA()
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("translate.google.com", "translate.google.com.vn").configure_cert(
            self.context
        )
        standin = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                standin._serve(self.request)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def _read_head(sock) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return data

    def _serve(self, raw: socket.socket) -> None:
        head = self._read_head(raw)
        if not head.startswith(b"CONNECT "):
            raw.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        raw.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        try:
            tls = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            return
        request = self._read_head(tls)
        header, _, body = request.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in header.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        while len(body) < length:
            body += tls.recv(4096)
        form = urllib.parse.parse_qs(body.decode())
        freq = form.get("f.req", [""])[0]
        self.requests.append(freq)
        if self.mode == "hang":
            time.sleep(30)
            return
        if self.mode == "429":
            tls.sendall(
                b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            return
        b64 = base64.b64encode(self.audio).decode()
        reply = (
            ")]}'\n\n" + '[["wrb.fr","jQ1olc","[\\"' + b64 + '\\"]",null,null,null,"generic"]]\n'
        ).encode()
        tls.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
            + f"Content-Length: {len(reply)}\r\nConnection: close\r\n\r\n".encode()
            + reply
        )
        tls.close()

    def close(self) -> None:
        self.server.shutdown()
