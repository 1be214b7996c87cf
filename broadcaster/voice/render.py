"""Script -> loudspeaker-ready WAV in `audio/cache/<hash>.wav`, with a JSON sidecar.

The hash covers everything that shapes the sound: the spoken sentences and pauses, the engine
and its version, voice, rate and the processing settings (for a recording: the file's bytes).
A change to any of them makes a new file; nothing else is rendered twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..base.errors import UserError, in_words
from ..schedule.config import Project
from ..schedule.scripts import Catalogue, Script, spoken_reading, write_atomically

ONLINE = ("fpt", "gtts")  # voices that need the Internet: rendered ahead, never at air time
DOWN_SECONDS = 300
_down_until: dict[str, float] = {}  # after a failure, `auto` skips that service for a while


@dataclass(frozen=True)
class Rendered:
    script_id: str
    path: Path
    meta: dict
    cached: bool

    @property
    def duration_s(self) -> float:
        return self.meta["duration_s"]


@dataclass(frozen=True)
class Processing:
    """Everything that shapes the sound after the voice; part of the cache key."""

    sample_rate: int = 48000
    loudness_lufs: float = -16.0
    highpass_hz: float = 180.0

    def key(self) -> dict:
        return {
            "rate": self.sample_rate,
            "lufs": self.loudness_lufs,
            "hp": self.highpass_hz,
            "limiter": "v1",
        }


def file_sha256(path: Path) -> str:
    from ..store.digests import file_digest

    return file_digest(path)


def processing(project: Project) -> Processing:
    st = project.station
    return Processing(st.sample_rate, st.loudness_lufs, st.highpass_hz)


def voice_of(project: Project, script: Script, engine: str | None = None) -> tuple[str, str, int]:
    """(engine, voice, rate) for a script: the command line, then the script, then the station.
    For `piper` the voice is an installed voice's name (the first installed one by default)."""
    st = project.station
    name = engine or script.voice.get("engine") or st.engine
    voice = script.voice.get("voice") or st.voice
    if name == "piper" and voice not in installed_voices(project):
        voice = next(iter(installed_voices(project)), voice)
    return name, voice, int(script.voice.get("rate_wpm") or st.rate_wpm)


def installed_voices(project: Project) -> list[str]:
    """The names of the neural voices installed in the station's voices/ folder."""
    from .voices import list_voices

    return [v.name for v in list_voices(project.root) if not v.problem]


def fpt_key_given(project: Project) -> bool:
    """Whether the station has an FPT.AI key (the environment or its key file)."""
    from ..tts.fpt_engine import KEY_VARIABLE

    path = project.station.fpt_key_file
    return bool(os.environ.get(KEY_VARIABLE) or (path and Path(path).is_file()))


def preferred(project: Project) -> list[str]:
    """The voices `auto` tries, best first: an installed neural voice, the neural service when
    the station has a key, gTTS, then espeak (a recording comes before all of them)."""
    names = ["piper"] if installed_voices(project) else []
    names += ["fpt"] if fpt_key_given(project) else []
    return [*names, "gtts", "espeak"]


def _engine(project: Project, name: str, voice: str = ""):
    from ..tts import get_engine

    options: dict = {}
    if name == "gtts":
        options = {"timeout": project.station.gtts_timeout_s}
    elif name == "piper":
        from .voices import model_path

        try:
            options = {"model": model_path(project.root, voice)}
        except UserError as exc:
            from ..tts import EngineError

            raise EngineError(exc.message) from exc
    elif name == "fpt":
        from ..tts.fpt_engine import api_key

        options = {
            "api_key": api_key(os.environ, project.station.fpt_key_file or None, project.root)
        }
        if os.environ.get("BROADCASTER_FPT_ENDPOINT"):  # a proxy, or the tests' stand-in
            options["endpoint"] = os.environ["BROADCASTER_FPT_ENDPOINT"]
    return get_engine(name, **options)


def _key(payload: dict) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def cache_key(project: Project, script: Script, engine: str, voice: str, rate: int) -> str:
    proc = processing(project).key()
    if script.audio:
        return _key({"recorded": file_sha256(project.root / script.audio), "proc": proc})
    reading = spoken_reading(project, script)
    return _key(
        {
            "text": [(s.text, s.pause_ms) for s in reading.sentences],
            "engine": engine,
            "version": _engine(project, engine, voice).version,
            "voice": voice,
            "rate": rate,
            "proc": proc,
        }
    )


def _load(project: Project, key: str, script_id: str) -> Rendered | None:
    path = project.cache_dir / f"{key}.wav"
    sidecar = path.with_suffix(".json")
    if path.is_file() and sidecar.is_file():
        try:
            return Rendered(script_id, path, json.loads(sidecar.read_text("utf-8")), True)
        except (OSError, ValueError):
            return None
    return None


def _candidates(project: Project, script: Script, engine: str | None) -> list[str]:
    name, _, _ = voice_of(project, script, engine)
    if script.audio:
        return ["recorded"]
    return preferred(project) if name == "auto" else [name]


def _cached_renders(project: Project, script: Script, engine: str | None) -> Iterator[Rendered]:
    """The cached renders of the script as it stands, by the engines it may use, in order."""
    for name in _candidates(project, script, engine):
        _, voice, rate = voice_of(project, script, name)
        hit = _load(project, cache_key(project, script, name, voice, rate), script.id)
        if hit:
            yield hit


def cached(project: Project, script: Script, engine: str | None = None) -> Rendered | None:
    """The render that would air now, if it is in the cache."""
    return next(_cached_renders(project, script, engine), None)


def _air_choice(
    project: Project, script: Script, need_render: bool = True
) -> tuple[str, Rendered | None]:
    """The voice an airing uses now, and its cached render if there is one: the voices in the
    order of preference, a network voice only when its render is in the cache (an airing never
    waits on the network), espeak when nothing else can speak. Not ``need_render``: the voice
    alone (an offline voice's cache is not looked up: reading the text for its key is costly)."""
    for name in _candidates(project, script, None):
        if name not in ONLINE and not need_render:
            return name, None
        _, voice, rate = voice_of(project, script, name)
        hit = _load(project, cache_key(project, script, name, voice, rate), script.id)
        if hit or name not in ONLINE:
            return name, hit
    return "espeak", None


def for_air(project: Project, script: Script) -> Rendered:
    """What an airing plays: the recording, an installed neural voice, a cached render of the
    neural service or gTTS, else espeak; an offline voice not rendered ahead renders now."""
    name, hit = _air_choice(project, script)
    return hit or render_script(project, script, name)


def air_voice(project: Project, script: Script) -> str:
    """The voice an airing of the script would use now (see `for_air`)."""
    return _air_choice(project, script, need_render=False)[0]


def cached_duration(project: Project, script: Script) -> float | None:
    try:
        hit = cached(project, script)
    except Exception:  # a broken recording or engine: no real duration yet
        return None
    return hit.duration_s if hit else None


def _synthesise(project: Project, script: Script, name: str, voice: str, rate: int):
    from ..sound.audio import silence, station_format, trim
    from ..tts.recorded import load_recording

    sr = project.station.sample_rate
    if name == "recorded":
        return load_recording(project.root / script.audio, sr), ""
    engine = _engine(project, name, voice)
    reading = spoken_reading(project, script)
    out = silence(0, sr)
    for sentence in reading.sentences:
        out += trim(station_format(engine.speak(sentence.text, voice, rate), sr))
        out += silence(sentence.pause_ms, sr)
    return out, reading.text


def render_script(
    project: Project, script: Script, engine: str | None = None, force: bool = False
) -> Rendered:
    """Render one script (or return the cached render). Raises EngineError on failure."""
    from ..tts import EngineError

    names = _candidates(project, script, engine)
    last_error: Exception | None = None
    for name in names:
        _, voice, rate = voice_of(project, script, name)
        key = cache_key(project, script, name, voice, rate)
        hit = None if force else _load(project, key, script.id)
        if hit:
            return hit
        if name in ONLINE and len(names) > 1 and time.monotonic() < _down_until.get(name, 0):
            continue
        try:
            audio, text = _synthesise(project, script, name, voice, rate)
        except EngineError as exc:
            last_error = exc
            if name in ONLINE:
                _down_until[name] = time.monotonic() + DOWN_SECONDS
            continue
        from ..sound.audio import measure, process, write_wav  # scipy: loaded only to render

        processed = process(audio, processing(project))
        path = project.cache_dir / f"{key}.wav"
        sha = write_wav(processed, path)
        m = measure(processed)
        meta = {
            "script_id": script.id,
            "engine": name,
            "voice": voice
            if name != "recorded"
            else f"{script.audio} sha256:{script.audio_sha256}",
            "rate_wpm": rate,
            "engine_version": "" if name == "recorded" else _engine(project, name, voice).version,
            "text": text or script.body.strip(),
            "text_sha256": script.hash,
            "duration_s": round(m.duration_s, 3),
            "loudness_lufs": m.loudness_lufs,
            "peak_dbfs": m.peak_dbfs,
            "sha256": sha,
            "sample_rate": processed.frame_rate,
            "rendered_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_atomically(path.with_suffix(".json"), json.dumps(meta, ensure_ascii=False, indent=2))
        return Rendered(script.id, path, meta, False)
    raise last_error or EngineError("không có giọng đọc nào dùng được")


def to_render(project: Project, ids: Iterable[str] = ()) -> list[Script]:
    """The named scripts, or all that are not retired."""
    catalogue = Catalogue(project)
    if ids:
        return [catalogue.get(i) for i in ids]
    return [s for s in catalogue.scripts.values() if s.status != "retired"]


def render_many(
    project: Project, ids: Iterable[str] = (), engine: str | None = None, force: bool = False
) -> Iterator[tuple[str, Rendered | Exception]]:
    """Render the named scripts (all non-retired ones when none); one failure never stops
    the batch: it is yielded in place of the result."""
    from ..tts import EngineError

    for script in to_render(project, ids):
        try:
            yield script.id, render_script(project, script, engine, force)
        except EngineError as exc:
            yield script.id, exc


def chime(project: Project, relative: str) -> Path | None:
    """The chime file processed to the station's level (cached); None when there is none."""
    if not relative:
        return None
    source = project.root / relative
    if not source.is_file():
        return None
    key = _key({"chime": file_sha256(source), "proc": processing(project).key()})
    path = project.cache_dir / f"{key}.wav"
    if not path.is_file():
        from ..sound.audio import decode, measure, process, write_wav

        processed = process(decode(source, project.station.sample_rate), processing(project))
        sha = write_wav(processed, path)
        meta = {"chime": relative, "sha256": sha, "duration_s": measure(processed).duration_s}
        write_atomically(path.with_suffix(".json"), json.dumps(meta, ensure_ascii=False))
    return path


def prune(project: Project) -> list[Path]:
    """Remove cache files that no current script, engine or chime refers to."""
    catalogue = Catalogue(project)
    keep = set()
    for script in catalogue.scripts.values():
        for name in ("recorded",) if script.audio else preferred(project):
            _, voice, rate = voice_of(project, script, name)
            try:
                keep.add(cache_key(project, script, name, voice, rate))
            except Exception:
                continue
    for rel in {project.defaults.chime_in, project.defaults.chime_out}:
        path = chime(project, rel)
        if path:
            keep.add(path.stem)
    removed = []
    for path in sorted(project.cache_dir.glob("*")):
        if path.suffix in (".wav", ".json") and path.stem not in keep:
            path.unlink()
            removed.append(path)
    return removed


def require_rendered(project: Project, script: Script) -> Rendered:
    try:
        return render_script(project, script)
    except Exception as exc:
        raise UserError(f"không dựng được âm thanh cho bài {script.id}: {in_words(exc)}") from exc
