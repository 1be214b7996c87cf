"""What an Icecast server says about who listens: the listeners of a mount, from its admin
interface (`/admin/listclients`), each with the address it connects from and how long it has
been connected."""

from __future__ import annotations

import base64
import http.client
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import quote


class IcecastError(Exception):
    """The server could not be asked (message in Vietnamese)."""


@dataclass(frozen=True)
class Listener:
    address: str
    seconds: int  # connected for
    agent: str = ""


def listeners(url: str, user: str, password: str, mount: str, timeout: float = 2.0):
    """The listeners of ``mount`` now ([] when no source is on it)."""
    request = urllib.request.Request(
        f"{url.rstrip('/')}/admin/listclients?mount={quote(mount)}",
        headers={
            "Authorization": "Basic "
            + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise IcecastError("máy chủ Icecast từ chối mật khẩu quản trị") from None
        if exc.code in (400, 404):  # no source on the mount: nobody can listen there
            return []
        raise IcecastError(f"máy chủ Icecast trả lỗi {exc.code}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        raise IcecastError("không hỏi được máy chủ Icecast (không chạy hoặc mất mạng)") from None
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise IcecastError("máy chủ Icecast trả lời không đọc được") from None
    try:
        return [
            Listener(
                (node.findtext("IP") or "").strip(),
                int(node.findtext("Connected") or 0),
                node.findtext("UserAgent") or "",
            )
            for node in root.iter("listener")
        ]
    except ValueError:
        raise IcecastError("máy chủ Icecast trả lời không đọc được") from None
