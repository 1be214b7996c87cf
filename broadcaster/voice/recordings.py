"""The officer's own reading of a script, recorded in the browser or uploaded: checked, kept in
`audio/recorded/` under a name that carries its digest, and bound to the script, whose approval
then covers it (a new take needs a new approval)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..base.errors import UserError
from ..base.labels import show_number
from ..schedule.config import Project
from ..schedule.scripts import AUDIO_EXTENSIONS, Catalogue, Script, rewrite_meta

MAX_BYTES = 40 * 1024 * 1024  # about 40 minutes of a phone's recording
FOLDER = Path("audio") / "recorded"
_TYPES = {
    "audio/webm": ".webm",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/x-m4a": ".m4a",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/aac": ".aac",
    "audio/flac": ".flac",
    "video/webm": ".webm",
}


def extension(filename: str, content_type: str = "") -> str:
    """The file's kind from its name, else from the type the browser gave ("audio/webm")."""
    ext = Path(filename or "").suffix.lower()
    if ext in AUDIO_EXTENSIONS:
        return ext
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in _TYPES:
        return _TYPES[kind]
    raise UserError(
        f"tệp “{filename or 'ghi âm'}” không phải âm thanh dùng được",
        hint=f"dùng một tệp {', '.join(AUDIO_EXTENSIONS)}",
    )


def attach(project: Project, script_id: str, data: bytes, ext: str) -> Script:
    """Checks the recording (decodes, at least a second of sound), stores it and binds it to
    the script. Nothing is written when it is refused."""
    from ..tts import EngineError
    from ..tts.recorded import load_recording

    script = Catalogue(project).get(script_id)
    if len(data) > MAX_BYTES:
        raise UserError(
            f"tệp ghi âm quá lớn ({show_number(len(data) / 1e6, 0)} MB)",
            hint=f"gửi tệp dưới {MAX_BYTES // 1_000_000} MB",
        )
    if not data:
        raise UserError("tệp ghi âm trống", hint="ghi lại hoặc chọn tệp khác")
    folder = project.root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    final = folder / f"{script.id}-{digest[:12]}{ext}"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ghi-am-", suffix=ext)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            load_recording(Path(tmp), project.station.sample_rate)
        except EngineError as exc:
            raise UserError(
                str(exc).replace(Path(tmp).name, "ghi âm"),
                hint="ghi lại, hoặc chọn tệp khác (mp3, m4a, ogg…)",
            ) from None
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    finally:
        Path(tmp).unlink(missing_ok=True)
    rewrite_meta(script, audio=final.relative_to(project.root).as_posix())
    return Catalogue(project).get(script.id)
