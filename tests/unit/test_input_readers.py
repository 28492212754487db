"""Every file the command line reads: our error or success, never a traceback.

Hypothesis feeds arbitrary bytes (and text close to each format) to each reader; anything
raised must be a TrackTwoError, which the command line turns into a message and exit 2.
"""

from __future__ import annotations

import codecs
import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracktwo.domain.surveys import parse_survey_csv
from tracktwo.errors import SurveyFileError, TrackTwoError, ValidationError
from tracktwo.io.polis import read_communities, read_export
from tracktwo.io.scenarios import load_scenario
from tracktwo.io.text_files import read_text_file

HEADER = "participant,wave,measure,value,taken_on\n"
ROW = "m1,pre,trust-group,3,2025-01-02\n"
LIKE_A_CSV = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=300).map(lambda t: (HEADER + t).encode()),
    st.lists(st.sampled_from([ROW, "m2,post,trust-group,9,2025-02-02\n", "a,b\n", ",,,,\n",
                              '"unclosed,\n', "x,y,z,q,r,s\n", "\x00\n"]), max_size=6)
    .map(lambda rows: (HEADER + "".join(rows)).encode()),
)  # fmt: skip
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _file(data: bytes, name: str = "input.csv") -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / name
    path.write_bytes(data)
    return path


def _ours_or_success(call) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(TrackTwoError):
        call()


@FAST
@given(LIKE_A_CSV)
def test_the_survey_reader_answers_any_bytes_with_our_error_or_success(data: bytes) -> None:
    _ours_or_success(lambda: parse_survey_csv(read_text_file(_file(data), "survey file")))


@FAST
@given(LIKE_A_CSV, LIKE_A_CSV)
def test_the_pol_is_export_reader_answers_any_bytes(votes: bytes, comments: bytes) -> None:
    folder = _file(votes, "votes.csv").parent
    (folder / "comments.csv").write_bytes(comments)
    _ours_or_success(lambda: read_export(folder))


@FAST
@given(LIKE_A_CSV)
def test_the_communities_reader_answers_any_bytes(data: bytes) -> None:
    _ours_or_success(lambda: read_communities(_file(data), ["1", "2", "m1"]))


@FAST
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_the_scenario_reader_answers_any_bytes(data: bytes) -> None:
    _ours_or_success(lambda: load_scenario(_file(data, "scenario.toml")))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (codecs.BOM_UTF16_LE + HEADER.encode("utf-16-le"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (HEADER.encode() + b"m1,pre,trust-group,\xff,2025-01-02\n", "not UTF-8"),
    ],
)
def test_other_encodings_and_binary_files_are_refused_by_name(data: bytes, message: str) -> None:
    path = _file(data)
    with pytest.raises(ValidationError, match=message) as refused:
        read_text_file(path, "survey file")
    assert str(path) in str(refused.value)


def test_a_byte_order_mark_is_accepted() -> None:
    text = read_text_file(_file(codecs.BOM_UTF8 + (HEADER + ROW).encode()), "survey file")
    assert parse_survey_csv(text)[0].participant == "m1"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("m1,pre,trust-group,3\n", "row 2: has 4 fields where the header has 5"),
        ("m1,pre,trust-group,3,2025-01-02,extra\n", "row 2: has 6 fields"),
    ],
)
def test_a_short_or_long_row_is_refused_naming_it(body: str, message: str) -> None:
    with pytest.raises(SurveyFileError, match=message):
        parse_survey_csv(HEADER + body)


def test_unknown_columns_are_refused_unless_lenient() -> None:
    text = "participant,wave,measure,value,taken_on,notes\nm1,pre,trust-group,3,2025-01-02,x\n"
    with pytest.raises(SurveyFileError, match="does not know: notes"):
        parse_survey_csv(text)
    assert len(parse_survey_csv(text, lenient=True)) == 1
