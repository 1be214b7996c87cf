"""What a ward (sync.py) and the district's receiver (receiver.py) agree on: the API's path,
the application tag and the fields each signature covers, and a request as the signature
library reads it."""

from __future__ import annotations

API = "/v1"
TAG = "broadcaster"  # the signed application tag of a ward's requests
COVERED = ("@method", "@path", "content-digest")


class Message:
    """A request as the signature library reads it (signed by a ward, checked by the receiver)."""

    def __init__(self, method: str, url: str, headers: dict[str, str]):
        self.method, self.url, self.headers = method, url, headers
