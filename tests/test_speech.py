import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from speech_cases import FORMAL, SOUTHERN

from broadcaster.speech import Reader, int_words, normalize_text, parse_int_words


def _cases(table: str) -> list[tuple[str, str]]:
    return [
        tuple(part.strip() for part in line.split(" | ")) for line in table.strip().splitlines()
    ]


FORMAL_CASES = _cases(FORMAL)
SOUTHERN_CASES = _cases(SOUTHERN)
READING_DATA = Path(__file__).parent / "data" / "reading"


def _data_cases(name: str) -> list[tuple[str, str]]:
    """A table in tests/data/reading: `input | reading` lines, `#` lines name the kind."""
    lines = (READING_DATA / name).read_text("utf-8").splitlines()
    return _cases("\n".join(line for line in lines if line.strip() and not line.startswith("#")))


WARD_CASES = _data_cases("ward_writing.txt")


def test_the_table_is_large_enough():
    assert len(FORMAL_CASES) + len(SOUTHERN_CASES) >= 500
    assert len(WARD_CASES) >= 250


@pytest.mark.parametrize(("text", "spoken"), WARD_CASES, ids=[c[0] for c in WARD_CASES])
def test_ward_writing(formal, text, spoken):
    assert formal.say(text) == spoken


@pytest.fixture(scope="module")
def formal():
    return Reader("formal")


@pytest.mark.parametrize(("text", "spoken"), FORMAL_CASES, ids=[c[0] for c in FORMAL_CASES])
def test_formal_reading(formal, text, spoken):
    assert formal.say(text) == spoken


@pytest.mark.parametrize(("text", "spoken"), SOUTHERN_CASES, ids=[c[0] for c in SOUTHERN_CASES])
def test_southern_reading(text, spoken):
    assert Reader("southern").say(text) == spoken


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_number_words_parse_back(n):
    assert parse_int_words(int_words(n)) == n
    assert parse_int_words(int_words(n, "southern")) == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_written_numbers_read_back(
    n,
):
    reader = Reader()
    written = f"{n:,}".replace(",", ".")
    assert parse_int_words(reader.say(written).rstrip(".")) == n


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_unicode_never_crashes(text):
    reading = Reader().read(text)
    for sentence in reading.sentences:
        assert unicodedata.is_normalized("NFC", sentence.text)
        assert "/" not in sentence.text and "@" not in sentence.text


def test_no_raw_symbols_reach_the_voice(formal):
    spoken = formal.say("Kế hoạch số 137/KH-UBND, liên hệ vhtttt.q9@tphcm.gov.vn, đạt 98,5%.")
    for raw in ("/", "@", "%", "KH", "UBND", "137"):
        assert raw not in spoken


def test_unknown_tokens_are_reported_with_their_position(formal):
    text = "Hội XYZQ và UBND phường.\n\nThông báo của BQLDA."
    reading = formal.read(text)
    found = {(u.token, u.offset) for u in reading.unknown}
    assert found == {("XYZQ", text.index("XYZQ")), ("BQLDA", text.index("BQLDA"))}


def test_unknown_document_codes_are_reported(formal):
    reading = formal.read("Công văn 12/ABCX-UBND")
    assert [u.token for u in reading.unknown] == ["ABCX"]


def test_pauses_for_sentences_paragraphs_and_markers(formal):
    reading = formal.read("Câu một. Câu hai! [nghỉ 2,5 giây] Câu ba\n\nĐoạn hai [nghỉ 300 ms]")
    assert [(s.text, s.pause_ms) for s in reading.sentences] == [
        ("Câu một.", 500),
        ("Câu hai!", 2500),
        ("Câu ba.", 1000),
        ("Đoạn hai.", 1000),
    ]


def test_tone_marks_in_one_style_and_nfc():
    decomposed = unicodedata.normalize("NFD", "hoà khoẻ thuỷ quý hoàn thuận")
    assert normalize_text(decomposed) == "hòa khỏe thủy quý hoàn thuận"


def test_station_lexicon_wins(tmp_path):
    from broadcaster.speech import load_lexicon

    own = tmp_path / "lexicon.toml"
    own.write_text(
        '[abbreviations]\n"UBND" = "U Bê En Đê"\n"KP" = "khu phố"\n'
        '[units]\n"kg" = "cân"\n"lạng" = "lạng"\n"sào" = "sào"\n',
        "utf-8",
    )
    reader = Reader(lexicon=load_lexicon(own))
    assert reader.say("UBND KP 3") == "U Bê En Đê khu phố ba."
    assert reader.say("5kg-6kg, 2 sào/hộ") == "từ năm cân đến sáu cân, hai sào mỗi hộ."
    assert Reader().say("5kg") == "năm ki lô gam."


def test_say_command_reads_lines_in_one_process(cli, tmp_path):
    lines = tmp_path / "in.txt"
    lines.write_text("2020\n23/04/2020\nUBND\n", "utf-8")
    out = cli("say", "--lines", str(lines)).output.splitlines()
    assert out == [
        "hai nghìn không trăm hai mươi.",
        "ngày hai mươi ba tháng tư năm hai nghìn không trăm hai mươi.",
        "Ủy ban nhân dân.",
    ]


def test_a_day_and_month_left_to_a_guess_is_warned(formal):
    text = "Họp 3-9 tại hội trường, tỉ lệ 10.9 năm nay, từ 10-12 người, sáng 15-3 họp."
    found = {a.token: a.advice for a in formal.read(text).ambiguous}
    assert set(found) == {"3-9", "10.9"}  # "10-12 người" is a count, "sáng 15-3" a date
    assert "ngày 3/9" in found["3-9"] and "ngày 10/9" in found["10.9"]


def test_station_lexicon_adds_context_rules(tmp_path):
    from broadcaster.speech import load_lexicon

    own = tmp_path / "lexicon.toml"
    own.write_text('[context]\n"TT" = { after = ["ông", "bà"], reading = "Thủ trưởng" }\n', "utf-8")
    reader = Reader(lexicon=load_lexicon(own))
    assert reader.say("ông TT ký, TT mới ban hành") == "ông Thủ trưởng ký, thông tư mới ban hành."
    assert Reader().say("Công ty CP, CP ban hành") == "Công ty cổ phần, Chính phủ ban hành."


def test_a_phone_number_is_found_by_its_shape_not_its_label(formal):
    for written in ("0869 570565", "04.32 818 818", "(+84-28) 38 653 050", "0913684060"):
        spoken = formal.say(f"Anh Nam {written} nhé")
        assert "mươi" not in spoken and "trăm" not in spoken and "nghìn" not in spoken, spoken
    assert formal.say("năm 2010-2015, 05-10 ngày") == (
        "năm từ hai nghìn không trăm mười đến hai nghìn không trăm mười lăm, từ năm đến mười ngày."
    )
