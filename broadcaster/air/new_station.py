"""Creating a station project (`broadcaster init`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..base.errors import UserError
from ..schedule.config import Project
from ..sound.audio import synth_chime, write_wav
from ..store.signing import ensure_key


def write_default_chime(path: Path, sample_rate: int = 48000) -> None:

    write_wav(synth_chime(sample_rate), path)


def init_project(directory: Path) -> Path:
    """A new, valid station: a commented schedules.toml, one example script, the default
    chime and an empty audio/recorded/."""
    directory = Path(directory)
    if (directory / "schedules.toml").exists():
        raise UserError(
            "thư mục này đã là một đài (đã có schedules.toml)", directory, hint="chọn thư mục khác"
        )
    templates = resources.files("broadcaster").joinpath("templates")
    (directory / "scripts_vi").mkdir(parents=True, exist_ok=True)
    (directory / "audio" / "recorded").mkdir(parents=True, exist_ok=True)
    (directory / "audio" / "recorded" / ".gitkeep").touch()
    (directory / "schedules.toml").write_text(
        templates.joinpath("schedules.toml").read_text("utf-8"), "utf-8"
    )
    (directory / "scripts_vi" / "vi-du.md").write_text(
        templates.joinpath("vi-du.md").read_text("utf-8"), "utf-8"
    )
    (directory / ".gitignore").write_text(
        "audio/cache/\nbroadcaster.db*\n.broadcaster.lock\ncheckpoints.jsonl\nkeys/station.key\n",
        "utf-8",
    )
    write_default_chime(directory / "audio" / "chime.wav")

    ensure_key(Project(directory))  # the key that signs the log's checkpoints
    return directory
