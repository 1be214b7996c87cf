"""A tiny stand-in for a Piper voice, built with the `onnx` package: the same inputs as a real
Piper model (`input` int64 [1, N], `input_lengths` int64 [1], `scales` float32 [3]) and a
float32 audio output [1, 1, T]. Each phoneme id becomes a tone burst of round(256 * length_scale)
samples whose pitch depends on the id (the padding id 0 is silence), so the output is
deterministic, grows with the text and shrinks with a smaller length_scale.

The `.onnx.json` beside it has the structure of a real Piper config (vi_VN, espeak voice `vi`),
its phoneme id map holding the symbols piper's own espeak-ng emits for Vietnamese, with the ids
piper's default map gives them."""

from __future__ import annotations

import json
import math
import unicodedata
from functools import cache
from pathlib import Path

SAMPLE_RATE = 22050
HOP = 256  # samples per phoneme id at length_scale 1

SPECIALS = ["_", "^", "$", " ", "!", "'", "(", ")", ",", "-", ".", ":", ";", "?"]
INITIALS = [
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gh",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "ngh",
    "nh",
    "p",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
]
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
RIMES = [
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iê",
    "iu",
    "oa",
    "oă",
    "oe",
    "oi",
    "ôi",
    "ơi",
    "ua",
    "uâ",
    "uê",
    "ui",
    "uô",
    "uy",
    "ưa",
    "ưi",
    "ươ",
    "ưu",
    "yê",
]
FINALS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # ngang huyền sắc hỏi ngã nặng
EXTRA = (
    "Số 0 1 2 3 4 5 6 7 8 9 10 25 100 2024 1.000.000; ngày 15/8, lúc 7 giờ 30! "
    'Đây là gì? "Trích dẫn" (ghi chú) - hết: xong.'
)


def _tone(syllable: str, tone: str) -> str:
    """Put the tone mark on the syllable's last vowel letter (good enough for coverage)."""
    base = unicodedata.normalize("NFD", syllable)
    vowels = "aeiouy"
    for i in range(len(base) - 1, -1, -1):
        if base[i].lower() in vowels:
            j = i + 1
            while j < len(base) and unicodedata.combining(base[j]):
                j += 1
            return unicodedata.normalize("NFC", base[:j] + tone + base[j:])
    return syllable


def coverage_text() -> str:
    """Vietnamese syllables with every initial, vowel, rime, final and tone, and numbers and
    punctuation: what the voice must be able to say."""
    words = []
    for initial in INITIALS:
        for vowel in VOWELS:
            words.append(initial + vowel)
    for rime in VOWELS + RIMES:
        for final in FINALS:
            for tone in TONES:
                words.append(_tone(rime + final, tone))
    sentences = [" ".join(words[i : i + 12]) + "." for i in range(0, len(words), 12)]
    return " ".join(sentences) + " " + EXTRA


@cache
def phoneme_id_map() -> dict[str, list[int]]:
    """The symbols piper's espeak-ng emits for Vietnamese (found by phonemizing the coverage
    text), with the ids of piper's default map; any symbol that map lacks gets a new id."""
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP
    from piper.phonemize_espeak import EspeakPhonemizer

    seen: set[str] = set()
    for sentence in EspeakPhonemizer().phonemize("vi", coverage_text()):
        seen.update(sentence)
    symbols = SPECIALS + sorted(seen - set(SPECIALS))
    next_id = max(ids[0] for ids in DEFAULT_PHONEME_ID_MAP.values()) + 1
    mapping: dict[str, list[int]] = {}
    for symbol in symbols:
        if symbol in DEFAULT_PHONEME_ID_MAP:
            mapping[symbol] = list(DEFAULT_PHONEME_ID_MAP[symbol])
        else:
            mapping[symbol] = [next_id]
            next_id += 1
    return mapping


def config(language: bool = True) -> dict:
    """A Piper voice config as `piper train` writes it."""
    ids = phoneme_id_map()
    out = {
        "dataset": "tiny",
        "audio": {"sample_rate": SAMPLE_RATE, "quality": "x_low"},
        "espeak": {"voice": "vi"},
        "language": {
            "code": "vi_VN",
            "family": "vi",
            "region": "VN",
            "name_native": "Tiếng Việt",
            "name_english": "Vietnamese",
            "country_english": "Vietnam",
        },
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": ids,
        "num_symbols": max(256, max(v[0] for v in ids.values()) + 1),
        "num_speakers": 1,
        "speaker_id_map": {},
        "piper_version": "1.0.0",
    }
    if not language:
        del out["language"]
    return out


def model_bytes(pitch: float = 220.0, pad: int = 0) -> bytes:
    """The ONNX model; `pitch` (Hz of id 0) changes its bytes and its sound; `pad` bytes of
    description make the file bigger (for downloads in several blocks)."""
    from onnx import TensorProto, helper

    def const(name, value, dtype=TensorProto.FLOAT, dims=()):
        values = value if isinstance(value, list) else [value]
        return helper.make_node(
            "Constant", [], [name], value=helper.make_tensor(name + "_v", dtype, dims, values)
        )

    nodes = [
        const("hop", float(HOP)),
        const("zero", 0.0),
        const("one", 1.0),
        const("step", 15.0),
        const("pitch", float(pitch)),
        const("omega", 2 * math.pi / SAMPLE_RATE),
        const("amp", 0.5),
        const("idx_length", 1, TensorProto.INT64),
        const("col", [-1, 1], TensorProto.INT64, (2,)),
        const("out_shape", [1, 1, -1], TensorProto.INT64, (3,)),
        # samples per phoneme id: max(1, round(HOP * length_scale))
        helper.make_node("Gather", ["scales", "idx_length"], ["length_scale"], axis=0),
        helper.make_node("Mul", ["hop", "length_scale"], ["n_raw"]),
        helper.make_node("Round", ["n_raw"], ["n_round"]),
        helper.make_node("Max", ["n_round", "one"], ["n"]),
        helper.make_node("Range", ["zero", "n", "one"], ["t"]),  # [S]
        # each id: a tone at pitch + 15 Hz * id, silent for the padding id 0
        helper.make_node("Cast", ["input"], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Reshape", ["ids_f", "col"], ["ids"]),  # [N, 1]
        helper.make_node("Mul", ["ids", "step"], ["ids_step"]),
        helper.make_node("Add", ["ids_step", "pitch"], ["freq"]),
        helper.make_node("Mul", ["freq", "t"], ["cycles"]),  # [N, S]
        helper.make_node("Mul", ["cycles", "omega"], ["phase"]),
        helper.make_node("Sin", ["phase"], ["wave"]),
        helper.make_node("Min", ["ids", "one"], ["voiced"]),
        helper.make_node("Mul", ["voiced", "amp"], ["gain"]),
        helper.make_node("Mul", ["wave", "gain"], ["bursts"]),
        helper.make_node("Reshape", ["bursts", "out_shape"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_piper",
        [
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "time"])],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="tiny_piper"
    )
    model.ir_version = 8
    model.doc_string = "tiny Piper stand-in " + "~" * pad
    return model.SerializeToString()


def other_model_bytes() -> bytes:
    """A valid ONNX model that is not a Piper voice (one float input `x`)."""
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Sin", ["x"], ["y"])],
        "not_piper",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def write_voice(
    folder: Path,
    name: str = "vi_VN-tiny-x_low",
    *,
    pitch: float = 220.0,
    model: bytes | None = None,
    conf: dict | None = None,
) -> Path:
    """`folder/NAME.onnx` and `folder/NAME.onnx.json`; returns the .onnx path."""
    folder.mkdir(parents=True, exist_ok=True)
    onnx = folder / f"{name}.onnx"
    onnx.write_bytes(model_bytes(pitch) if model is None else model)
    text = json.dumps(config() if conf is None else conf, ensure_ascii=False, indent=2)
    (folder / f"{name}.onnx.json").write_text(text, "utf-8")
    return onnx
