"""Intelligibility of the voices, as a machine listener hears them: `python -m bench voice`.

Twelve sentences of the sample scripts, read by the project's own Reader (the words a listener
must hear), are spoken by every voice this machine has (espeak always; piper with a model in the
station's voices/ folder or given with --piper; fpt with BROADCASTER_FPT_API_KEY; gtts when the
network answers), put through the station's processing exactly as a render does, written as
16 kHz mono WAV and transcribed by the offline recogniser viet-asr. A natural human recording,
processed the same way, is the control: the recogniser's own floor.

Columns (one row per voice and rate):
- WER: word error rate over all the sentences, sum of word-level Levenshtein distances over the
  number of reference words; both sides lower-cased, NFC with tone marks in the traditional
  place, punctuation dropped, digits in the transcript read as words.
- RTF đọc / RTF xử lý: wall time of the voice (Engine.speak) and of the station processing
  (format, trim, high-pass, loudness) over the seconds of audio made. Under 1 is faster than
  real time. The engine is loaded (and warmed on one phrase) before timing: that is "nạp".
- RSS đỉnh: ru_maxrss of getrusage(RUSAGE_SELF) in a fresh child process that synthesises only
  that row, after it, and in brackets its growth over the same figure taken once the audio and
  voice modules are imported but before the engine is made (whole process, C libraries
  included, unlike tracemalloc).
- ASR: wall time of viet-asr's transcribe calls for the row, and that over the audio seconds.

The bench installs nothing: viet-asr comes from the `bench` extra. Nothing it writes stays
unless --keep names a folder.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

from .common import ROOT

ASR_REQUIREMENT = "viet-asr==0.1.0.dev11"
ASR_RATE = 16000
SENTENCES = 12
MIN_WORDS, MAX_WORDS = 10, 30  # long enough to mean something, short enough to run quickly
RATES = (150, 120)
ESPEAK_VOICES = ("vi", "vi-VN-x-central", "vi-VN-x-south")
FPT_KEY = "BROADCASTER_FPT_API_KEY"
DATA = Path(__file__).resolve().with_name("voice_data")
# reference clips with their transcripts (NAME.wav + NAME.txt) shipped in the vieneu wheel:
# see voice_data/README.md
VIENEU_SAMPLES = ("assets", "samples")
PROBE = "xin chào bà con"


# -- numbers and words -------------------------------------------------------------------------
def comma(x: float, digits: int = 1) -> str:
    """A number the Vietnamese way: decimal comma."""
    return f"{x:.{digits}f}".replace(".", ",")


def words(text: str) -> list[str]:
    """Lower-case words, tone marks in the traditional place, no punctuation, digits read."""
    from broadcaster.speech import int_words, normalize_text

    text = normalize_text(text).lower()
    text = re.sub(r"\d+", lambda m: f" {int_words(int(m[0]))} ", text)
    return re.findall(r"[^\W_]+", text)


def distance(ref: list[str], hyp: list[str]) -> int:
    """Word-level Levenshtein distance: substitutions + deletions + insertions."""
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


# -- what is read ------------------------------------------------------------------------------
def pick_sentences(project, n: int = SENTENCES) -> list[str]:
    """``n`` spoken sentences of MIN_WORDS..MAX_WORDS words, taken in turn from each approved
    script (sorted by id; all but retired ones if none is approved), so every script gives
    some; the spoken form, as the voice receives it."""
    from broadcaster.schedule.scripts import Catalogue

    scripts = sorted(Catalogue(project).scripts.values(), key=lambda s: s.id)
    scripts = [s for s in scripts if s.status == "approved"] or [
        s for s in scripts if s.status != "retired"
    ]
    pools = []
    for script in scripts:
        spoken = [s.text for s in project.reader.read(script.body).sentences]
        pools.append([t for t in spoken if MIN_WORDS <= len(t.split()) <= MAX_WORDS])
    chosen: list[str] = []
    for turn in range(max((len(p) for p in pools), default=0)):
        for pool in pools:
            if turn < len(pool) and pool[turn] not in chosen and len(chosen) < n:
                chosen.append(pool[turn])
    return chosen


@dataclass
class Clip:
    path: Path
    transcript: str  # as written; the reference is its reading


def _pairs(folder: Path) -> list[Clip]:
    return [
        Clip(w, w.with_suffix(".txt").read_text("utf-8").strip())
        for w in sorted(folder.glob("*.wav"))
        if w.with_suffix(".txt").is_file()
    ]


def find_control(given: str | None, text: str | None) -> tuple[list[Clip], str]:
    """The natural recording(s) and where they came from: --control FILE with --control-text,
    --control FOLDER of NAME.wav + NAME.txt, else bench/voice_data/, else the reference clips
    of an installed vieneu package (read as files: the package is never imported)."""
    if given:
        path = Path(given)
        if path.is_dir():
            return _pairs(path), str(path)
        if not path.is_file():
            raise SystemExit(f"lỗi: không có tệp đối chứng {path}")
        if not text:
            raise SystemExit('lỗi: --control cần --control-text "lời đọc đúng của bản ghi"')
        return [Clip(path, text)], str(path)
    if _pairs(DATA):
        return _pairs(DATA), f"bench/voice_data ({DATA})"
    spec = importlib.util.find_spec("vieneu")
    if spec and spec.origin:
        folder = Path(spec.origin).parent.joinpath(*VIENEU_SAMPLES)
        if _pairs(folder):
            return _pairs(folder), f"gói vieneu đã cài ({folder})"
    return [], ""


# -- the rows ----------------------------------------------------------------------------------
@dataclass
class Row:
    label: str
    engine: str  # espeak, piper, fpt, gtts, control
    voice: str = ""
    rate: int | None = None
    model: str = ""
    files: list[Path | None] = field(default_factory=list)  # None: the voice said nothing
    refs: list[str] = field(default_factory=list)
    synth: dict = field(default_factory=dict)
    error: str = ""
    ref_words: int = 0
    errors: int = 0
    asr_s: float = 0.0
    audio_s: float = 0.0
    hyps: list[str] = field(default_factory=list)


def plan(args, project) -> tuple[list[Row], list[str]]:
    """The rows to measure, and a line for each engine that is skipped and why."""
    rates = args.rates
    rows = [Row(f"espeak {v}", "espeak", v, r) for v in args.voices for r in rates]
    notes: list[str] = []

    models = [Path(m) for m in args.piper]
    voices_dir = project.root / "voices"
    if voices_dir.is_dir():
        models += sorted(voices_dir.glob("*.onnx"))
    if not models:
        notes.append(
            "piper: không có mô hình giọng (.onnx) trong voices/ của đài, không có "
            "--piper MÔ_HÌNH.onnx"
        )
    elif not _module("broadcaster.tts.piper_engine", "PiperEngine"):
        notes.append("piper: chưa có broadcaster/tts/piper_engine.py (PiperEngine)")
    else:
        rows += [Row(f"piper {m.stem}", "piper", "", r, str(m)) for m in models for r in rates]

    if not os.environ.get(FPT_KEY, "").strip():
        notes.append(f"fpt: chưa đặt biến {FPT_KEY}")
    elif not _module("broadcaster.tts.fpt_engine", "FptEngine"):
        notes.append("fpt: chưa có broadcaster/tts/fpt_engine.py (FptEngine)")
    else:
        voice = project.station.voice
        rows += [Row(f"fpt ({voice})", "fpt", voice, r) for r in rates]

    if gtts_online(project):
        rows.append(Row("gtts", "gtts", "", project.station.rate_wpm))
    else:
        notes.append("gtts: không có mạng")
    return rows, notes


def _module(name: str, attribute: str) -> bool:
    try:
        return hasattr(importlib.import_module(name), attribute)
    except ImportError:
        return False


def gtts_online(project) -> bool:
    """Whether Google's voice answers one short phrase within a few seconds."""
    from broadcaster.tts import EngineError
    from broadcaster.tts.gtts_engine import GttsEngine

    try:
        GttsEngine(timeout=min(5.0, project.station.gtts_timeout_s), retries=0).mp3(PROBE)
    except EngineError:
        return False
    return True


# -- synthesis, one child process per row ------------------------------------------------------
def _maxrss_kb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def _make_engine(job: dict):
    name = job["engine"]
    if name == "espeak":
        from broadcaster.tts import get_engine

        return get_engine("espeak")
    if name == "gtts":
        from broadcaster.tts.gtts_engine import GttsEngine

        return GttsEngine(timeout=job["gtts_timeout"])
    if name == "piper":
        from broadcaster.tts.piper_engine import PiperEngine

        return PiperEngine(Path(job["model"]))
    if name == "fpt":
        from broadcaster.tts.fpt_engine import FptEngine

        return FptEngine(os.environ[FPT_KEY])  # the key comes through the environment only
    raise ValueError(name)


def worker() -> None:
    """Child process: synthesises one row (a JSON job on stdin), prints a JSON result."""
    job = json.loads(sys.stdin.read())
    for name in ("numpy", "pyloudnorm", "scipy.ndimage", "scipy.signal", "pydub"):
        importlib.import_module(name)  # the audio chain belongs to the baseline, not the voice
    from broadcaster.sound.audio import process, station_format, trim
    from broadcaster.tts import EngineError
    from broadcaster.voice.render import Processing

    out: dict = {"files": [], "failed": [], "error": ""}
    proc = Processing(**job["processing"])
    out["rss_base_kb"] = _maxrss_kb()
    voice, rate = job["voice"], job["rate"]
    try:
        began = time.perf_counter()
        engine = _make_engine(job)
        if job["engine"] in ("espeak", "piper"):  # local engines: load the library or model
            engine.speak(PROBE, voice, rate)
        out["load_s"] = time.perf_counter() - began
    except (EngineError, KeyError, ImportError) as exc:
        out["error"] = str(exc)
        print(json.dumps(out, ensure_ascii=False))
        return
    spoken, speak_s = {}, 0.0
    for i, text in enumerate(job["sentences"]):  # the voice alone: its time and its memory
        try:
            began = time.perf_counter()
            spoken[i] = engine.speak(text, voice, rate)
            speak_s += time.perf_counter() - began
        except EngineError as exc:
            if not spoken:  # not one sentence yet: the voice is unusable here (offline, refused)
                out["error"] = str(exc)
                break
            out["failed"].append([i, str(exc)])
    out["rss_peak_kb"] = _maxrss_kb()
    process_s = audio_s = 0.0
    for i, seg in spoken.items():  # then the station's processing, as a render does it
        began = time.perf_counter()
        aired = process(trim(station_format(seg, proc.sample_rate)), proc)
        process_s += time.perf_counter() - began
        audio_s += len(aired) / 1000
        path = Path(job["out"]) / f"{i:02d}.wav"
        station_format(aired, ASR_RATE).export(path, format="wav")
        out["files"].append([i, str(path)])
    out.update(speak_s=speak_s, process_s=process_s, audio_s=audio_s)
    print(json.dumps(out, ensure_ascii=False))


def synthesise(row: Row, sentences: list[str], folder: Path, project) -> None:
    st = project.station
    job = {
        "engine": row.engine,
        "voice": row.voice,
        "rate": row.rate,
        "model": row.model,
        "sentences": sentences,
        "out": str(folder),
        "gtts_timeout": st.gtts_timeout_s,
        "processing": {
            "sample_rate": st.sample_rate,
            "loudness_lufs": st.loudness_lufs,
            "highpass_hz": st.highpass_hz,
        },
    }
    folder.mkdir(parents=True)
    proc = subprocess.run(
        [sys.executable, "-c", "from bench.voice import worker; worker()"],
        input=json.dumps(job, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        tail = (proc.stderr.strip().splitlines() or ["không rõ lý do"])[-1]
        row.error = f"tiến trình tổng hợp hỏng (mã {proc.returncode}): {tail}"
        return
    row.synth = result
    row.error = result["error"]
    if row.error:
        return
    made = {i: Path(path) for i, path in result["files"]}
    if result["failed"]:
        row.error = f"{len(result['failed'])} câu không đọc được: {result['failed'][0][1]}"
    row.refs = list(sentences)
    row.files = [made.get(i) for i in range(len(sentences))]  # a failed sentence: heard nothing


def control_row(clips: list[Clip], folder: Path, project) -> Row:
    """The natural recording(s) through the path an officer's own file takes: decoded to the
    station's format, processed the same way, then 16 kHz for the recogniser."""
    from broadcaster.sound.audio import process, station_format
    from broadcaster.tts.recorded import load_recording
    from broadcaster.voice.render import processing

    row = Row("đối chứng: giọng người thật", "control")
    folder.mkdir(parents=True)
    for i, clip in enumerate(clips):
        aired = process(load_recording(clip.path, project.station.sample_rate), processing(project))
        path = folder / f"{i:02d}.wav"
        station_format(aired, ASR_RATE).export(path, format="wav")
        row.files.append(path)
        row.refs.append(project.reader.read(clip.transcript).text)
    return row


# -- listening ---------------------------------------------------------------------------------
def listen(row: Row, asr) -> None:
    for ref, path in zip(row.refs, row.files, strict=True):
        hyp = ""
        if path is not None:
            began = time.perf_counter()
            hyp = asr.transcribe(str(path)).text
            row.asr_s += time.perf_counter() - began
            row.audio_s += wav_seconds(path)
        ref_words = words(ref)
        row.ref_words += len(ref_words)
        row.errors += distance(ref_words, words(hyp))
        row.hyps.append(hyp)


# -- output ------------------------------------------------------------------------------------
HEADINGS = (
    "Giọng đọc",
    "Tốc độ",
    "WER",
    "Âm thanh",
    "Nạp",
    "RTF đọc",
    "RTF xử lý",
    "RSS đỉnh MB (tăng)",
    "ASR giây (÷ âm thanh)",
)


def cells(row: Row) -> list[str]:
    wer = f"{comma(100 * row.errors / row.ref_words)} %" if row.ref_words else "—"
    if row.error and not any(row.files):
        wer = "lỗi"
    rate = f"{row.rate} từ/phút" if row.rate else "—"
    asr = f"{comma(row.asr_s)} ({comma(row.asr_s / row.audio_s, 2)})" if row.audio_s else "—"
    s = row.synth
    if not s or not s.get("audio_s"):
        return [row.label, rate, wer, f"{comma(row.audio_s)} s", "—", "—", "—", "—", asr]
    base, peak = s["rss_base_kb"] / 1024, s["rss_peak_kb"] / 1024
    return [
        row.label,
        rate,
        wer,
        f"{comma(s['audio_s'])} s",
        f"{comma(s['load_s'], 3)} s",
        comma(s["speak_s"] / s["audio_s"], 3),
        comma(s["process_s"] / s["audio_s"], 3),
        f"{peak:.0f} (+{peak - base:.0f})",
        asr,
    ]


def table(rows: list[Row]) -> str:
    lines = [list(HEADINGS)] + [cells(r) for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADINGS))]

    def fmt(line: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])])


LEGEND = """\
Cách tính:
- WER: tổng khoảng cách Levenshtein theo từ (thay + thiếu + thừa) chia cho số từ của lời đúng,
  gộp mọi câu; hai bên viết thường, bỏ dấu câu, chữ số trong bản nghe được đọc thành chữ.
  Lời đúng là lời Reader của dự án đọc ra (những từ người nghe phải nghe thấy).
- Âm thanh: số giây âm thanh đã qua xử lý của đài; Nạp: tạo giọng và đọc thử một câu ngắn.
- RTF đọc / RTF xử lý: thời gian giọng đọc (Engine.speak) / xử lý của đài (định dạng, cắt lặng,
  lọc cao tần, chuẩn hóa âm lượng) chia cho số giây âm thanh; dưới 1 là nhanh hơn thời gian thực.
- RSS đỉnh: ru_maxrss (getrusage RUSAGE_SELF) của một tiến trình con riêng cho hàng đó, cả
  thư viện C; trong ngoặc: phần tăng so với lúc đã nạp các mô-đun âm thanh, chưa tạo giọng.
- ASR: thời gian viet-asr nhận dạng các tệp 16 kHz của hàng (giây thực), trong ngoặc chia cho
  số giây âm thanh."""


# -- the command -------------------------------------------------------------------------------
class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix or "Cách dùng: ")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        message = message.replace("unrecognized arguments", "tham số không hiểu")
        message = message.replace("expected one argument", "cần một giá trị")
        message = message.replace("invalid int value", "không phải số nguyên")
        message = re.sub(r"^argument ", "tham số ", message)
        self.exit(2, f"{self.format_usage()}lỗi: {message}\n")


def _numbers(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” không phải danh sách số, ví dụ 150,120"
        ) from None
    if not values or any(not 60 <= v <= 400 for v in values):
        raise argparse.ArgumentTypeError("tốc độ phải từ 60 đến 400 từ/phút")
    return values


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m bench voice",
        add_help=False,
        formatter_class=_Formatter,
        description="Đo độ dễ nghe của các giọng đọc: máy nhận dạng tiếng Việt viet-asr "
        "nghe lại từng câu và đếm số từ sai (WER).",
    )
    p._optionals.title = "Tùy chọn"
    p.add_argument("-h", "--help", action="help", help="in hướng dẫn này rồi thoát")
    p.add_argument(
        "--project",
        default=str(ROOT),
        metavar="THƯ_MỤC",
        help="thư mục đài lấy bài mẫu, cách xử lý âm thanh và voices/ (mặc định: kho mã)",
    )
    p.add_argument(
        "--piper",
        action="append",
        default=[],
        metavar="MÔ_HÌNH.onnx",
        help="thêm một giọng piper (có thể lặp lại)",
    )
    p.add_argument(
        "--control",
        metavar="TỆP.wav|THƯ_MỤC",
        help="bản ghi giọng người thật làm đối chứng, hoặc thư mục các cặp TÊN.wav + TÊN.txt",
    )
    p.add_argument("--control-text", metavar="LỜI", help="lời đọc đúng của bản ghi đối chứng")
    p.add_argument(
        "--rates",
        type=_numbers,
        default=list(RATES),
        metavar="150,120",
        help="các tốc độ đọc, từ/phút",
    )
    p.add_argument(
        "--voices",
        type=lambda t: [v for v in t.split(",") if v],
        default=list(ESPEAK_VOICES),
        metavar="vi,…",
        help="các giọng espeak (mặc định: cả ba)",
    )
    p.add_argument(
        "--sentences",
        type=int,
        default=SENTENCES,
        metavar="N",
        help=f"số câu lấy từ bài mẫu (mặc định {SENTENCES})",
    )
    p.add_argument("--keep", metavar="THƯ_MỤC", help="giữ các tệp WAV 16 kHz ở thư mục này")
    p.add_argument(
        "--verbose", "-v", action="store_true", help="in lời đúng và lời máy nghe được của từng câu"
    )
    return p


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    began = time.perf_counter()
    if importlib.util.find_spec("vietasr") is None:
        say(f"chưa cài máy nhận dạng viet-asr: pip install -e '.[bench]' (hoặc {ASR_REQUIREMENT})")
        return 2
    from broadcaster.schedule.config import Project

    project = Project(args.project).require()
    sentences = pick_sentences(project, args.sentences)
    clips, source = find_control(args.control, args.control_text)
    rows, notes = plan(args, project)
    folder = Path(args.keep or tempfile.mkdtemp(prefix="broadcaster-voice-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for i, row in enumerate(rows):
            say(f"[{i + 1}/{len(rows)}] đang đọc: {row.label}, {row.rate} từ/phút")
            slug = re.sub(r"\W+", "-", row.label)
            synthesise(row, sentences, folder / f"{i:02d}-{slug}", project)
        if clips:
            rows.append(control_row(clips, folder / "doi-chung", project))
        say("đang nạp máy nhận dạng viet-asr")
        loading = time.perf_counter()
        import vietasr

        asr = vietasr.Pipeline.preset("transcribe")
        asr.transcribe(str(next(f for r in rows for f in r.files if f)))  # the model loads lazily
        load_s = time.perf_counter() - loading
        for row in rows:
            say(f"đang nghe: {row.label}")
            listen(row, asr)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    words_n = sum(len(s.split()) for s in sentences)
    print(
        f"Độ dễ nghe của giọng đọc: {len(sentences)} câu ({words_n} từ) từ bài mẫu của "
        f"{project.root}, xử lý như khi phát ({project.station.sample_rate} Hz, "
        f"{comma(project.station.loudness_lufs)} LUFS, lọc cao tần "
        f"{comma(project.station.highpass_hz, 0)} Hz), "
        f"nghe lại bằng viet-asr ở 16 kHz.\n"
    )
    print(table(rows))
    for row in rows:
        if row.error:
            print(f"! {row.label}: {row.error}")
    print()
    if clips:
        seconds = sum(wav_seconds(c.path) for c in clips)
        print(f"Đối chứng: {len(clips)} đoạn giọng người thật, {comma(seconds)} s, từ {source}.")
    else:
        print(
            "Không có bản ghi đối chứng: chưa biết máy nhận dạng tự sai bao nhiêu. Dùng "
            '--control TỆP.wav --control-text "…" (xem bench/voice_data/README.md).'
        )
    for note in notes:
        print(f"Bỏ qua {note}.")
    print(
        f"Máy nhận dạng nạp và nghe câu đầu: {comma(load_s)} s. "
        f"Cả bài đo: {comma(time.perf_counter() - began, 0)} s.\n"
    )
    print(LEGEND)
    if args.verbose:
        for row in rows:
            print(f"\n== {row.label} {row.rate or ''}")
            for ref, hyp in zip(row.refs, row.hyps, strict=True):
                print(f"  đúng:  {' '.join(words(ref))}\n  nghe:  {' '.join(words(hyp))}")
    if args.keep:
        print(f"\nCác tệp WAV 16 kHz ở {folder}")
    return 0


def run() -> dict:
    """For `python -m bench voice` through the common loop: the default bench, table printed."""
    began = time.perf_counter()
    code = main([])
    return {
        "voice intelligibility (viet-asr)": "xong" if code == 0 else "không chạy được",
        "voice bench wall time": f"{comma(time.perf_counter() - began, 0)} s",
    }


if __name__ == "__main__":
    sys.exit(main())
