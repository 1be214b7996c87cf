"""The neural offline voice: a Piper model (`NAME.onnx` with its `NAME.onnx.json` beside it)
run by the `piper-tts` package, which phonemizes with its own embedded espeak-ng (statically
linked, separate from the `espeak` engine's library) and runs the model with onnxruntime.

Piper and onnxruntime are imported only when a model is loaded, so the CLI starts fast. A model
is loaded once per file (path, inode, size and mtime of both files: replacing a model reloads
it) and shared between threads; onnxruntime sessions may run from several threads at once and
piper serialises its phonemizer itself.
"""

from __future__ import annotations

import errno
import json
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..store.digests import file_digest
from .engine import Engine, EngineError

if TYPE_CHECKING:
    from piper import PiperVoice
    from pydub import AudioSegment

BASE_RATE_WPM = 150  # the model's own pace (length_scale as in its config) is taken as this
MIN_FACTOR, MAX_FACTOR = 0.5, 2.0  # length_scale factor range: twice as fast .. half as fast

# The inputs every Piper voice model takes (a multi-speaker model also takes `sid`):
# name -> (element type, rank, fixed size of the last axis or None).
PIPER_INPUTS = {
    "input": ("tensor(int64)", 2, None),
    "input_lengths": ("tensor(int64)", 1, None),
    "scales": ("tensor(float)", 1, 3),
}

_lock = threading.Lock()
_loaded: dict[str, tuple[tuple, PiperVoice]] = {}  # resolved model path -> (stamp, voice)
_hashes: dict[str, tuple[tuple, str]] = {}  # resolved path -> (stamp, sha256)


def config_path(model: Path) -> Path:
    """`X.onnx` -> `X.onnx.json`, Piper's convention."""
    return model.with_name(model.name + ".json")


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return (str(path.resolve()), st.st_ino, st.st_size, st.st_mtime_ns)


def file_sha256(path: Path) -> str:
    """sha256 of a file, remembered while the file is unchanged (models are tens of MB and
    the render asks for the engine's version for every script)."""
    stamp = _stamp(path)
    hit = _hashes.get(stamp[0])
    if hit and hit[0] == stamp:
        return hit[1]

    _hashes[stamp[0]] = (stamp, file_digest(path))
    return _hashes[stamp[0]][1]


def piper_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("piper-tts")
    except PackageNotFoundError:
        raise EngineError(
            "chưa cài gói piper-tts (giọng đọc piper): pip install piper-tts"
        ) from None


def check_signature(session: Any, model: Path) -> None:
    """Raise EngineError unless the onnxruntime session has Piper's inputs and an output."""
    inputs = {i.name: i for i in session.get_inputs()}
    for name, (kind, rank, last) in PIPER_INPUTS.items():
        got = inputs.get(name)
        if got is None:
            raise EngineError(
                f"{model.name} không phải mô hình giọng đọc Piper: thiếu đầu vào `{name}`"
            )
        shape = list(got.shape or [])
        fixed = isinstance(shape[-1], int) if shape else False
        if got.type != kind or len(shape) != rank or (last and fixed and shape[-1] != last):
            raise EngineError(
                f"{model.name} không phải mô hình giọng đọc Piper: đầu vào `{name}` là "
                f"{got.type} {shape}, cần {kind} có {rank} chiều"
            )
    extra = set(inputs) - set(PIPER_INPUTS) - {"sid"}
    if extra:
        raise EngineError(
            f"{model.name} không phải mô hình giọng đọc Piper: có đầu vào lạ "
            f"{', '.join(sorted(extra))}"
        )
    if not session.get_outputs():
        raise EngineError(
            f"{model.name} không phải mô hình giọng đọc Piper: không có đầu ra âm thanh"
        )


def os_reason(exc: OSError) -> str:
    """An OS error in Vietnamese (its own text is English)."""
    if isinstance(exc, FileNotFoundError):
        return f"không có tệp {Path(exc.filename or '').name}".rstrip()
    if isinstance(exc, PermissionError):
        return "không có quyền đọc/ghi"
    if isinstance(exc, IsADirectoryError):
        return "đó là một thư mục, không phải tệp"
    if exc.errno == errno.ENOSPC:
        return "hết chỗ trống trên đĩa"
    return f"lỗi hệ thống tệp (errno {exc.errno})"


def read_config(model: Path) -> dict:
    """The voice's `.onnx.json`, parsed and checked as Piper will read it; EngineError if not."""
    from piper import PiperConfig

    path = config_path(model)
    try:
        config = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise EngineError(f"thiếu tệp cấu hình {path.name} bên cạnh {model.name}") from None
    except OSError as exc:
        raise EngineError(f"không đọc được tệp cấu hình {path.name}: {os_reason(exc)}") from None
    except UnicodeDecodeError:
        raise EngineError(f"tệp cấu hình {path.name} hỏng: không phải văn bản UTF-8") from None
    except json.JSONDecodeError as exc:
        raise EngineError(
            f"tệp cấu hình {path.name} hỏng: không phải JSON hợp lệ (dòng {exc.lineno})"
        ) from None
    try:
        PiperConfig.from_dict(config)
    except KeyError as exc:
        raise EngineError(f"tệp cấu hình {path.name} thiếu khóa {exc}") from None
    except (TypeError, ValueError, AttributeError):
        raise EngineError(f"tệp cấu hình {path.name} sai dạng của Piper") from None
    return config


def load_voice(model: Path) -> PiperVoice:
    """The loaded voice of a model file, loaded once and shared; EngineError in Vietnamese."""
    model = Path(model)
    what = f"không nạp được giọng đọc piper {model.name}"
    try:
        stamp = (_stamp(model), _stamp(config_path(model)))
    except FileNotFoundError as exc:
        if model.exists():
            raise EngineError(f"{what}: thiếu tệp cấu hình {config_path(model).name}") from None
        raise EngineError(f"{what}: {os_reason(exc)}") from None
    except OSError as exc:
        raise EngineError(f"{what}: {os_reason(exc)}") from None
    key = stamp[0][0]
    with _lock:
        hit = _loaded.get(key)
        if hit and hit[0] == stamp:
            return hit[1]
        piper_version()
        try:
            import onnxruntime
            from piper import PiperVoice

            onnxruntime.set_default_logger_severity(3)  # its warnings are not the user's
            # nor piper's English "Missing phoneme from id map" (the text is read without it)
            logging.getLogger("piper").setLevel(logging.ERROR)
            read_config(model)
            voice = PiperVoice.load(model, config_path=config_path(model))
            check_signature(voice.session, model)
        except EngineError as exc:
            raise EngineError(f"{what}: {exc}") from None
        except ImportError as exc:
            raise EngineError(f"{what}: thiếu thư viện {exc.name}; cài lại piper-tts") from None
        except Exception as exc:  # onnxruntime raises its own Exception subclasses
            raise EngineError(f"{what}: tệp mô hình hỏng") from exc
        _loaded[key] = (stamp, voice)  # replaces the previous load of this path, if any
        return voice


def length_scale(base: float, rate_wpm: int) -> float:
    """Piper's length_scale for a speaking rate: the model's own pace is 150 wpm; faster rates
    shorten the phonemes, clamped to 0.5-2 times the model's length."""
    factor = BASE_RATE_WPM / max(int(rate_wpm or BASE_RATE_WPM), 1)
    return base * min(MAX_FACTOR, max(MIN_FACTOR, factor))


def speaker_id(config: Any, voice: str) -> int | None:
    """For a multi-speaker model, the speaker named (or numbered) by `voice`; else None (the
    model's default). A single-speaker model is its own voice: `voice` is ignored."""
    if config.num_speakers <= 1 or not voice:
        return None
    if voice in config.speaker_id_map:
        return int(config.speaker_id_map[voice])
    if voice.isdigit() and int(voice) < config.num_speakers:
        return int(voice)
    return None


class PiperEngine(Engine):
    name = "piper"

    def __init__(self, model: Path):
        self.model = Path(model)

    @property
    def version(self) -> str:
        """Package version and the model's and config's hashes: replacing either changes the
        render cache key."""
        try:
            model = file_sha256(self.model)[:12]
            config = file_sha256(config_path(self.model))[:8]
        except OSError as exc:
            raise EngineError(f"không đọc được giọng đọc piper: {os_reason(exc)}") from None
        return f"piper-tts {piper_version()} {model} {config}"

    def speak(self, text: str, voice: str, rate_wpm: int) -> AudioSegment:
        from pydub import AudioSegment

        piper = load_voice(self.model)
        from piper import SynthesisConfig

        config = piper.config
        syn = SynthesisConfig(
            speaker_id=speaker_id(config, voice),
            length_scale=length_scale(config.length_scale, rate_wpm),
        )
        try:
            pcm = b"".join(chunk.audio_int16_bytes for chunk in piper.synthesize(text, syn))
        except Exception as exc:  # onnxruntime or the phonemizer
            raise EngineError(f"giọng đọc piper {self.model.name} không đọc được câu này") from exc
        return AudioSegment(data=pcm, sample_width=2, frame_rate=config.sample_rate, channels=1)


def forget_loaded() -> None:
    """Drop every loaded model (tests; a long-running process after removing voices)."""
    with _lock:
        _loaded.clear()
        _hashes.clear()
