"""Spelling: Vietnamese letter names, and the test for "is this a Vietnamese syllable"."""

from __future__ import annotations

import re
import unicodedata

from .numbers import DIGITS

LETTER_NAMES = {
    "a": "a",
    "ă": "á",
    "â": "ớ",
    "b": "bê",
    "c": "xê",
    "d": "dê",
    "đ": "đê",
    "e": "e",
    "ê": "ê",
    "f": "ép",
    "g": "giê",
    "h": "hát",
    "i": "i",
    "j": "gi",
    "k": "ca",
    "l": "e lờ",
    "m": "em",
    "n": "en",
    "o": "o",
    "ô": "ô",
    "ơ": "ơ",
    "p": "pê",
    "q": "quy",
    "r": "e rờ",
    "s": "ét",
    "t": "tê",
    "u": "u",
    "ư": "ư",
    "v": "vê",
    "w": "vê kép",
    "x": "ích",
    "y": "i",
    "z": "dét",
}


def spell(token: str) -> str:
    """Letter by letter, in Vietnamese letter names ("ABC" -> "a bê xê")."""

    out = []
    for ch in token.lower():
        if ch.isdecimal():
            out.append(DIGITS[int(ch)])
        else:
            base = unicodedata.normalize("NFD", ch)
            out.append(LETTER_NAMES.get(ch) or LETTER_NAMES.get(base[0], ch))
    return " ".join(out)


_VOWELS = "aăâeêioôơuưy"
_TONED = "".join(
    unicodedata.normalize("NFC", v + mark)
    for v in _VOWELS
    for mark in "\u0300\u0301\u0309\u0303\u0323"
)
_SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[{_VOWELS}{_TONED}]{{1,3}}"
    r"(?:ch|ng|nh|[cmnpt])?"
)


def is_syllable(word: str) -> bool:
    """True when ``word`` could be one Vietnamese syllable ("MỤC" yes, "UBND" no)."""
    return _SYLLABLE.fullmatch(word.lower()) is not None
