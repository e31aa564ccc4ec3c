"""The name search of the pages (results, appraisal list) and of ``xephang explain --unit``: one rule,
``xephang.text.search``."""

from __future__ import annotations

from xephang.text import search

UNITS = ["Sở Y tế", "Sở Tài chính", "UBND huyện Thọ Xuân", "UBND thị xã Nghi Sơn", "Bệnh viện Hòa Bình"]


def test_a_search_ignores_case_spaces_punctuation_and_tone_placement():
    assert search(UNITS, "y TẾ") == ["Sở Y tế"]
    assert search(UNITS, "  huyện   thọ  xuân ") == ["UBND huyện Thọ Xuân"]
    assert search(UNITS, "Hoà") == ["Bệnh viện Hòa Bình"]  # the old tone placement finds the new
    assert search(UNITS, "nghi-sơn") == ["UBND thị xã Nghi Sơn"]


def test_tones_and_letters_still_count():
    assert search(UNITS, "Hóa") == []  # another tone
    assert search(UNITS, "so") == [] and search(UNITS, "y te") == []  # "Sở" is not "so", "tế" not "te"
    assert search(UNITS, "ubnd") == ["UBND huyện Thọ Xuân", "UBND thị xã Nghi Sơn"]  # in their order


def test_an_empty_query_keeps_everything_and_a_key_reads_the_name():
    rows = [{"name": n} for n in UNITS]
    assert search(rows, "") == rows and search(rows, " ,") == rows
    assert search(rows, "tài chính", lambda r: r["name"]) == [{"name": "Sở Tài chính"}]
