"""The station's installed Piper voices: `<station root>/voices/NAME.onnx` with `NAME.onnx.json`.

`add` checks a voice (its config as Piper reads it, the model's inputs, one trial run) before
copying it in under temporary names and renaming, so a voice is either wholly installed or not
at all. `download` fetches a named voice from a Piper-style catalogue (`voices.json` of
rhasspy/piper-voices: voice key -> `files` {relative path: {size_bytes, md5_digest}}), resuming
an interrupted transfer with HTTP Range from a `.part` file and checking size and md5 before
installing it with `add`.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..base.errors import UserError
from ..store.digests import file_digest
from ..tts import EngineError
from ..tts.piper_engine import check_signature, file_sha256, os_reason, read_config

VOICES_DIR = "voices"
DOWNLOAD_DIR = ".download"  # inside voices/: part files of unfinished downloads
ADD_HINT = "cài bằng: broadcaster voice add TỆP.onnx (kèm TỆP.onnx.json bên cạnh)"
CHUNK = 1 << 16
RETRY_DELAY_S = 1.0  # before retrying an interrupted download (doubles each time)
_NAME = re.compile(r"^[^./\\\x00-\x1f][^/\\\x00-\x1f]*$")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Voice:
    name: str
    path: Path  # the .onnx model
    sample_rate: int
    language: str  # the config's language.code (vi_VN), else its espeak voice (vi)
    size: int  # bytes of the .onnx model
    sha256: str  # of the .onnx model
    problem: str = ""  # why the installed voice cannot be used (its config is broken), if so

    @property
    def config_path(self) -> Path:
        return self.path.with_name(self.path.name + ".json")


def voices_dir(root: Path) -> Path:
    return Path(root) / VOICES_DIR


def _check_name(name: str) -> str:
    if not name or not _NAME.match(name) or name.endswith((".onnx", ".json")):
        raise UserError(
            f"tên giọng đọc không hợp lệ: `{name}`",
            hint="tên là phần trước .onnx của tệp mô hình, ví dụ vi_VN-vais1000-medium",
        )
    return name


def _config_of(onnx: Path) -> Path:
    return onnx.with_name(onnx.name + ".json")


def _read_config(onnx: Path) -> dict:
    """The `.onnx.json` beside a model, checked for what Piper needs; UserError naming the file."""
    path = _config_of(onnx)
    if not path.is_file():
        raise UserError(
            f"thiếu tệp cấu hình {path.name} bên cạnh {onnx.name}",
            path=path,
            hint="mỗi giọng Piper gồm hai tệp X.onnx và X.onnx.json: "
            "tải cả hai về cùng một thư mục rồi cài lại",
        )
    try:
        config = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise UserError(
            "tệp cấu hình giọng đọc hỏng (không phải JSON hợp lệ)",
            path=path,
            line=exc.lineno,
            hint="tải lại tệp .onnx.json của giọng này",
        ) from None
    except UnicodeDecodeError:
        raise UserError(
            "tệp cấu hình giọng đọc hỏng (không phải văn bản UTF-8)",
            path=path,
            hint="tải lại tệp .onnx.json của giọng này",
        ) from None
    except OSError as exc:
        raise UserError(
            f"không đọc được tệp cấu hình giọng đọc: {os_reason(exc)}",
            path=path,
            hint="kiểm tra quyền đọc tệp hoặc tải lại tệp .onnx.json",
        ) from None
    hint = "đây không phải tệp cấu hình của giọng Piper; tải lại tệp .onnx.json đi kèm mô hình"

    def bad(message: str) -> UserError:
        return UserError(f"tệp cấu hình giọng đọc {message}", path=path, hint=hint)

    if not isinstance(config, dict):
        raise bad("không phải một đối tượng JSON")
    audio = config.get("audio")
    rate = audio.get("sample_rate") if isinstance(audio, dict) else None
    if not isinstance(rate, int) or isinstance(rate, bool) or rate <= 0:
        raise bad("thiếu tần số lấy mẫu audio.sample_rate")
    ids = config.get("phoneme_id_map")
    if not isinstance(ids, dict) or not ids:
        raise bad("thiếu bảng âm vị phoneme_id_map")
    if not all(isinstance(v, list) and all(isinstance(i, int) for i in v) for v in ids.values()):
        raise bad("có bảng âm vị phoneme_id_map sai dạng (mỗi âm vị cần một danh sách số)")
    missing = [s for s in ("^", "_", "$") if s not in ids]
    if missing:
        raise bad(f"có bảng âm vị thiếu ký hiệu {' '.join(missing)}")
    try:
        read_config(onnx)  # the rest, exactly as Piper reads it
    except EngineError as exc:
        raise UserError(str(exc), path=path, hint=hint) from None
    return config


def _check_model(onnx: Path, config: dict) -> None:
    """Load the model with onnxruntime, check Piper's inputs and run it once on a short input."""
    hint = "tải lại tệp .onnx của giọng Piper (tệp có thể bị hỏng hoặc không phải giọng Piper)"
    import numpy as np
    import onnxruntime

    onnxruntime.set_default_logger_severity(3)
    try:
        session = onnxruntime.InferenceSession(str(onnx), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime's own exception classes
        raise UserError("tệp mô hình hỏng, không nạp được", path=onnx, hint=hint) from exc
    try:
        check_signature(session, onnx)
    except EngineError as exc:
        raise UserError(str(exc), path=onnx, hint=hint) from None
    ids = config["phoneme_id_map"]
    some = next((v for k, v in ids.items() if k not in ("^", "_", "$")), ids["_"])
    seq = [*ids["^"], *ids["_"], *some, *ids["_"], *ids["$"]]
    inference = config.get("inference") or {}
    feed = {
        "input": np.array([seq], dtype=np.int64),
        "input_lengths": np.array([len(seq)], dtype=np.int64),
        "scales": np.array(
            [
                inference.get("noise_scale", 0.667),
                inference.get("length_scale", 1.0),
                inference.get("noise_w", 0.8),
            ],
            dtype=np.float32,
        ),
    }
    if "sid" in {i.name for i in session.get_inputs()}:
        feed["sid"] = np.array([0], dtype=np.int64)
    try:
        audio = session.run(None, feed)[0]
    except Exception as exc:
        raise UserError("mô hình chạy thử bị lỗi", path=onnx, hint=hint) from exc
    if not np.issubdtype(audio.dtype, np.floating) or audio.size == 0:
        raise UserError("mô hình chạy thử không cho ra âm thanh", path=onnx, hint=hint)


def _need_piper() -> None:
    try:
        import numpy  # noqa: F401
        import onnxruntime  # noqa: F401
        import piper  # noqa: F401
    except ImportError as exc:
        raise UserError(
            f"chưa cài thư viện {exc.name} cho giọng đọc piper",
            hint="cài gói giọng đọc: pip install 'broadcaster[piper]'",
        ) from None


def _voice(onnx: Path) -> Voice:
    problem, rate, language = "", 0, ""
    try:
        config = json.loads(_config_of(onnx).read_text("utf-8"))
        rate = int(config["audio"]["sample_rate"])
        language = str((config.get("language") or {}).get("code") or config["espeak"]["voice"])
    except FileNotFoundError:
        problem = f"thiếu tệp {_config_of(onnx).name}"
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        problem = f"tệp {_config_of(onnx).name} hỏng"
    return Voice(
        onnx.name[: -len(".onnx")],
        onnx,
        rate,
        language,
        onnx.stat().st_size,
        file_sha256(onnx),
        problem,
    )


def _fsync_copy(src: Path, dst: Path) -> None:
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)
        fout.flush()
        os.fsync(fout.fileno())


def add(root: Path, onnx: Path) -> Voice:
    """Install `X.onnx` (with `X.onnx.json` beside it) as the voice `X`, replacing a voice of
    that name. Checked before anything is copied; UserError in Vietnamese if unusable."""
    onnx = Path(onnx)
    if onnx.suffix != ".onnx":
        raise UserError(f"{onnx.name} không phải tệp mô hình .onnx", path=onnx, hint=ADD_HINT)
    if not onnx.is_file():
        raise UserError("không có tệp mô hình này", path=onnx, hint="kiểm tra đường dẫn tệp .onnx")
    name = _check_name(onnx.name[: -len(".onnx")])
    _need_piper()
    config = _read_config(onnx)
    _check_model(onnx, config)
    folder = voices_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / onnx.name
    if target.exists() and target.resolve() == onnx.resolve():
        return _voice(target)  # already the installed file
    temps: list[Path] = []

    def temp(src: Path) -> Path:
        fd, tmp = tempfile.mkstemp(prefix=f".{src.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        temps.append(Path(tmp))
        _fsync_copy(src, Path(tmp))
        return Path(tmp)

    try:
        new_config, new_model = temp(_config_of(onnx)), temp(onnx)
        old_config = temp(_config_of(target)) if _config_of(target).exists() else None
        # the config first: the voice exists once its model is in place, never half of it
        os.replace(new_config, _config_of(target))
        try:
            os.replace(new_model, target)
        except OSError:  # put the old config back (or none): never a config without its model
            if old_config:
                os.replace(old_config, _config_of(target))
            else:
                _config_of(target).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserError(
            f"không chép được giọng đọc {name} vào {folder}: {os_reason(exc)}",
            path=folder,
            hint="kiểm tra chỗ trống trên đĩa và quyền ghi",
        ) from None
    finally:
        for tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    return _voice(target)


def list_voices(root: Path) -> list[Voice]:
    """The installed voices, by name."""
    folder = voices_dir(root)
    if not folder.is_dir():
        return []
    return [_voice(p) for p in sorted(folder.glob("*.onnx")) if not p.name.startswith(".")]


def _installed(root: Path, name: str) -> Path | None:
    path = voices_dir(root) / f"{_check_name(name)}.onnx"
    return path if path.is_file() else None


def _not_installed(root: Path, name: str) -> UserError:
    names = [v.name for v in list_voices(root)]
    have = f"; các giọng đã cài: {', '.join(names)}" if names else "; chưa cài giọng nào"
    return UserError(f"chưa cài giọng đọc `{name}`{have}", hint=ADD_HINT)


def model_path(root: Path, name: str) -> Path:
    """The installed model of a voice, for PiperEngine; UserError if it is not installed."""
    path = _installed(root, name)
    if path is None:
        raise _not_installed(root, name)
    return path


def remove(root: Path, name: str) -> None:
    path = _installed(root, name)
    if path is None:
        raise _not_installed(root, name)
    path.unlink()  # the model first: without it the voice is gone even if the next step fails
    with contextlib.suppress(FileNotFoundError):
        _config_of(path).unlink()


# --- download from a catalogue ------------------------------------------------------------------


class _Failed(Exception):
    """A transfer broke off (resumable) — or was refused for good when `final`."""

    def __init__(self, message: str, final: bool = False):
        super().__init__(message)
        self.final = final


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def _network_reason(exc: BaseException, url: str, timeout: float) -> str:
    """Why a request failed, in Vietnamese."""
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code == 404:
            return f"máy chủ {_host(url)} không có tệp này (mã {exc.code})"
        if exc.code in (401, 403):
            return f"máy chủ {_host(url)} từ chối (mã {exc.code})"
        if exc.code >= 500:
            return f"máy chủ {_host(url)} đang gặp lỗi (mã {exc.code})"
        return f"máy chủ {_host(url)} trả lời mã {exc.code}"
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return f"máy chủ {_host(url)} không trả lời sau {timeout:g} giây (cần Internet)"
    if isinstance(reason, OSError):
        return f"không kết nối được {_host(url)} (cần Internet)"
    return f"lỗi mạng khi tải từ {_host(url)}"


def _catalogue(url: str, timeout: float, name: str) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read()
    except ValueError:
        raise UserError(
            f"địa chỉ danh mục giọng đọc không hợp lệ: {url}",
            hint="dùng địa chỉ http(s)://…/voices.json",
        ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise UserError(
            f"không tải được giọng {name}: {_network_reason(exc, url, timeout)}",
            hint="kiểm tra kết nối Internet rồi chạy lại",
        ) from None
    try:
        catalogue = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        catalogue = None
    if not isinstance(catalogue, dict):
        raise UserError(
            f"không tải được giọng {name}: danh mục giọng đọc {url} không đúng dạng voices.json"
        )
    return catalogue


def _entry(catalogue: dict, name: str, url: str) -> tuple[str, dict]:
    entry = catalogue.get(name)
    if not isinstance(entry, dict):
        key = next(
            (
                k
                for k, v in catalogue.items()
                if isinstance(v, dict) and name in (v.get("aliases") or [])
            ),
            None,
        )
        if key is None:
            same = sorted(k for k in catalogue if k.split("_")[0] == name.split("_")[0])
            vi = sorted(k for k in catalogue if k.startswith("vi_"))
            hint = (
                f"các giọng gần giống: {', '.join(same[:8])}"
                if same
                else f"các giọng tiếng Việt: {', '.join(vi)}"
                if vi
                else ""
            )
            raise UserError(f"danh mục {url} không có giọng `{name}`", hint=hint)
        name, entry = key, catalogue[key]
    return name, entry


def _files(name: str, entry: dict) -> list[tuple[str, str, int, str]]:
    """[(relative path, file name, size, md5)] of the model and its config."""
    listed = entry.get("files")
    files: dict = listed if isinstance(listed, dict) else {}
    out = []
    for suffix in (".onnx", ".onnx.json"):
        found = [
            (rel, info)
            for rel, info in files.items()
            if rel.rsplit("/", 1)[-1] == name + suffix and isinstance(info, dict)
        ]
        if not found:
            raise UserError(f"danh mục giọng đọc không ghi tệp {name}{suffix} của giọng {name}")
        rel, info = found[0]
        try:
            out.append(
                (rel, name + suffix, int(info["size_bytes"]), str(info["md5_digest"]).lower())
            )
        except (KeyError, TypeError, ValueError):
            raise UserError(
                f"danh mục giọng đọc thiếu size_bytes hoặc md5_digest của {rel}"
            ) from None
    return out


def _md5(path: Path) -> str:
    return file_digest(path, "md5")


def _fetch(url: str, part: Path, size: int, timeout: float, report: Callable[[int], None]) -> None:
    """Bring `part` up to `size` bytes from `url`, continuing from what it holds with Range."""
    have = part.stat().st_size if part.exists() else 0
    if have > size:
        part.unlink()
        have = 0
    report(have)
    if have == size:
        return
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # our part is no prefix the server knows: start again
            part.unlink()
            raise _Failed(_network_reason(exc, url, timeout)) from None
        final = exc.code < 500 and exc.code not in (408, 429)
        raise _Failed(_network_reason(exc, url, timeout), final=final) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _Failed(_network_reason(exc, url, timeout)) from None
    with response:
        if response.status == 206:
            match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
            if not match or int(match.group(1)) != have:
                part.unlink()
                raise _Failed(f"máy chủ {_host(url)} trả về đoạn tệp không đúng chỗ xin")
            done, mode = have, "ab"
        else:  # the server ignored Range: start over
            done, mode = 0, "wb"
            report(0)
        try:
            with open(part, mode) as out:
                while block := response.read(CHUNK):
                    done += len(block)
                    if done > size:
                        raise _Failed(f"tệp dài hơn danh mục ghi ({size} byte)", final=True)
                    out.write(block)
                    report(done)
        except _Failed:
            part.unlink()
            raise
        except (OSError, http.client.HTTPException) as exc:
            raise _Failed("kết nối bị ngắt giữa chừng") from exc
    if done < size:
        raise _Failed("kết nối bị ngắt giữa chừng")


def download(
    root: Path,
    name: str,
    catalogue_url: str,
    progress: Progress | None = None,
    *,
    timeout: float = 30.0,
    retries: int = 3,
) -> Voice:
    """Fetch the voice `name` (a key or alias of the catalogue at `catalogue_url`), verify its
    files against the catalogue's sizes and md5 and install it with `add`. An interrupted
    transfer is retried with Range; what was received stays in `voices/.download/*.part`, so
    running it again continues where it stopped."""
    import filelock

    catalogue = _catalogue(catalogue_url, timeout, name)
    name, entry = _entry(catalogue, name, catalogue_url)
    _check_name(name)
    files = _files(name, entry)
    installed = _installed(root, name)
    if installed and all(
        (voices_dir(root) / fname).is_file()
        and (voices_dir(root) / fname).stat().st_size == size
        and _md5(voices_dir(root) / fname) == md5
        for _, fname, size, md5 in files
    ):
        return _voice(installed)  # already installed, same files
    folder = voices_dir(root) / DOWNLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    total = sum(size for _, _, size, _ in files)
    lock = filelock.FileLock(str(folder / f"{name}.lock"))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        raise UserError(f"giọng {name} đang được tải ở một lệnh khác; chờ lệnh đó xong") from None
    try:
        offset = 0
        for rel, fname, size, md5 in files:
            url = urllib.parse.urljoin(catalogue_url, urllib.parse.quote(rel))
            part, final = folder / f"{fname}.part", folder / fname
            base = offset
            offset += size
            if final.is_file() and final.stat().st_size == size and _md5(final) == md5:
                if progress:  # verified by an earlier run that stopped before installing
                    progress(offset, total)
                continue
            final.unlink(missing_ok=True)

            def report(done: int, base: int = base) -> None:
                if progress:
                    progress(base + done, total)

            for attempt in range(retries + 1):
                try:
                    _fetch(url, part, size, timeout, report)
                    break
                except _Failed as exc:
                    if exc.final or attempt == retries:
                        got = part.stat().st_size if part.exists() else 0
                        more = (
                            f" (đã nhận {got}/{size} byte, chạy lại lệnh để tải tiếp)"
                            if got and not exc.final
                            else ""
                        )
                        raise UserError(
                            f"không tải được giọng {name} ({fname}): {exc}{more}",
                            hint="kiểm tra kết nối Internet rồi chạy lại",
                        ) from None
                    time.sleep(RETRY_DELAY_S * 2**attempt)
            if part.stat().st_size != size or _md5(part) != md5:
                part.unlink()
                raise UserError(
                    f"tệp {fname} của giọng {name} tải về không khớp mã kiểm tra md5 "
                    "trong danh mục (hỏng trên đường truyền hoặc danh mục đã đổi); "
                    "đã xóa phần đã tải",
                    hint="chạy lại lệnh để tải lại từ đầu",
                )
            os.replace(part, final)
        try:
            return add(root, folder / f"{name}.onnx")
        finally:  # installed, or refused by add: downloading them again would not help
            for _, fname, _, _ in files:
                (folder / fname).unlink(missing_ok=True)
    finally:
        lock.release()  # the lock file stays: unlinking it could let two downloads both lock
