"""Vietnamese text -> the words a listener must hear. See reader.py for the house style."""

from .numbers import int_words, parse_int_words
from .reader import Reader, Reading, Sentence, Unknown, load_lexicon, normalize_text

__all__ = [
    "Reader",
    "Reading",
    "Sentence",
    "Unknown",
    "int_words",
    "load_lexicon",
    "normalize_text",
    "parse_int_words",
]
