"""Vietnamese number words, both ways.

House style (``formal``, the national reading used on public radio): 105 "một trăm linh năm",
1.000 "nghìn", 24 "hai mươi tư", 25 "hai mươi lăm", 21 "hai mươi mốt", 15 "mười lăm".
``southern`` reads "lẻ", "ngàn" and 24 "hai mươi bốn". Zero groups inside a number are
skipped, a group after a larger non-zero one is read in full ("không trăm"):
1.000.005 "một triệu không trăm linh năm". Billions are "tỷ"; 10^12 is "một nghìn tỷ".
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
STYLES = ("formal", "southern")


def _words(style: str) -> tuple[str, str, str]:
    """(word for a skipped tens digit, word for thousand, word for 4 after "mươi")."""
    if style == "southern":
        return "lẻ", "ngàn", "bốn"
    return "linh", "nghìn", "tư"


def _group(n: int, full: bool, style: str) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads a zero hundreds digit ("không trăm")."""
    odd, _, four = _words(style)
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    out: list[str] = []
    if hundreds or full:
        out += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if out:
                out.append(odd)
            out.append(DIGITS[units])
    elif tens == 1:
        out.append("mười")
        if units:
            out.append("lăm" if units == 5 else DIGITS[units])
    else:
        out += [DIGITS[tens], "mươi"]
        if units:
            out.append({1: "mốt", 4: four, 5: "lăm"}.get(units, DIGITS[units]))
    return out


def _below_billion(n: int, full: bool, style: str) -> list[str]:
    thousand = _words(style)[1]
    out: list[str] = []
    for scale, name in ((1_000_000, "triệu"), (1_000, thousand), (1, "")):
        part = n // scale % 1000
        if part:
            out += _group(part, full or bool(out), style)
            if name:
                out.append(name)
    return out


def int_words(n: int, style: str = "formal") -> str:
    """Read a non-negative integer: 2020 -> "hai nghìn không trăm hai mươi"."""
    if n < 0:
        return "âm " + int_words(-n, style)
    if n == 0:
        return DIGITS[0]
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        words = int_words(high, style) + " tỷ"
        return words + (" " + " ".join(_below_billion(low, True, style)) if low else "")
    return " ".join(_below_billion(n, False, style))


def digits_words(digits: str) -> str:
    """Read digit by digit: "0912" -> "không chín một hai"."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdecimal())


def fraction_words(digits: str, style: str = "formal") -> str:
    """The part after the decimal comma: leading zeros as "không", the rest as a number."""
    stripped = digits.lstrip("0")
    zeros = [DIGITS[0]] * (len(digits) - len(stripped))
    if stripped and len(stripped) <= 3:
        return " ".join([*zeros, int_words(int(stripped), style)])
    return digits_words(digits)


def decimal_words(text: str, style: str = "formal") -> str:
    """A number as written in Vietnamese: "1.250.000" thousands, "85,6" decimals."""
    whole, _, frac = text.partition(",")
    words = int_words(int(whole.replace(".", "")), style)
    return words + " phẩy " + fraction_words(frac, style) if frac else words


ORDINALS = {1: "nhất", 4: "tư"}


def ordinal_words(n: int, style: str = "formal") -> str:
    """What follows "thứ": 1 "nhất", 4 "tư", else the number."""
    return ORDINALS.get(n) or int_words(n, style)


MONTHS = {4: "tư"}


def month_words(n: int, style: str = "formal") -> str:
    """What follows "tháng" or "phần": 4 is "tư" (tháng tư, một phần tư), the rest are numbers."""
    return MONTHS.get(n) or int_words(n, style)


_UNITS = {d: i for i, d in enumerate(DIGITS)} | {"mốt": 1, "tư": 4, "lăm": 5, "nhăm": 5}
_SCALES = {"nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000}


def parse_int_words(text: str) -> int:
    """Parse a spoken Vietnamese integer back (the inverse of ``int_words``)."""
    words = text.split()
    if "tỷ" in words:
        cut = len(words) - 1 - words[::-1].index("tỷ")
        high = parse_int_words(" ".join(words[:cut])) if cut else 1
        low = parse_int_words(" ".join(words[cut + 1 :])) if cut + 1 < len(words) else 0
        return high * 1_000_000_000 + low
    total, group, last = 0, 0, 0
    for word in words:
        if word in _UNITS:
            last = _UNITS[word]
            group += last
        elif word == "mười":
            group += 10
        elif word == "mươi":
            group += last * 9  # the digit was added as units; make it tens
        elif word == "trăm":
            group += last * 99
        elif word in ("linh", "lẻ"):
            continue
        elif word in _SCALES:
            total += group * _SCALES[word]
            group = 0
        else:
            raise ValueError(f"not a number word: {word!r}")
        if word not in _UNITS:
            last = 0
    return total + group
