from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmextract.core.alignment import Aligner, normalise

TEXT = (
    "项目名称\t遗属补助\n"
    "立项依据\t根据《关于调整遗属生活困难补助费标准的通知》（晋人工字【2002】10号）文件精神，\n"
    "对符合条件的遗属按月发放生活困难补助。\n"
    "生活补助人均发放金额\t<10017元/年\n"
)

hanzi = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)


def test_exact():
    a = Aligner(TEXT).align("遗属补助")
    assert a.status == "exact" and TEXT[a.start : a.end] == "遗属补助"


def test_normalised_across_a_line_break_and_widths():
    quote = "文件精神，对符合条件的遗属按月发放"
    a = Aligner(TEXT).align(quote)
    assert a.status == "normalised"
    assert TEXT[a.start : a.end] == "文件精神，\n对符合条件的遗属按月发放"
    assert Aligner(TEXT).align("＜10017元/年").status == "normalised"


def test_fuzzy_reports_a_score():
    a = Aligner(TEXT).align("根据关于调整遗属生活困难补助费标准的通知")
    assert a.status == "fuzzy" and 0.75 <= a.score < 1
    assert "调整遗属生活困难补助费标准的通知" in TEXT[a.start : a.end]


def test_not_found():
    assert Aligner(TEXT).align("会展业发展专项资金").status == "not_found"
    assert Aligner(TEXT).align("").status == "not_found"
    assert Aligner(TEXT).align(None).status == "not_found"


def test_search_stays_inside_the_block():
    start = TEXT.index("立项依据")
    end = TEXT.index("生活补助人均")
    aligner = Aligner(TEXT, start, end)
    # "项目名称\t遗属补助" lies before the block: never returned from inside it.
    a = aligner.align("项目名称")
    assert a.status == "not_found"
    assert aligner.align("<10017元/年").status == "not_found"
    inside = aligner.align("晋人工字【2002】10号")
    assert inside.status == "exact" and start <= inside.start < inside.end <= end


@given(st.text(hanzi, min_size=30, max_size=200), st.data())
def test_every_substring_is_found_exactly(text, data):
    i = data.draw(st.integers(0, len(text) - 5))
    j = data.draw(st.integers(i + 5, len(text)))
    a = Aligner(text).align(text[i:j])
    assert a.status == "exact" and text[a.start : a.end] == text[i:j]


@given(st.text(hanzi, min_size=30, max_size=200), st.data())
def test_inserted_breaks_still_align_normalised(text, data):
    i = data.draw(st.integers(0, len(text) - 10))
    quote = text[i : i + 10]
    broken = text[: i + 5] + "\n " + text[i + 5 :]
    a = Aligner(broken).align(quote)
    assert a.status in {"normalised", "exact"}
    assert normalise(broken[a.start : a.end]) == quote


@given(st.text(hanzi, min_size=60, max_size=200), st.data())
def test_one_changed_character_is_fuzzy_at_worst(text, data):
    i = data.draw(st.integers(0, len(text) - 20))
    quote = list(text[i : i + 20])
    quote[10] = "甲" if quote[10] != "甲" else "乙"
    a = Aligner(text).align("".join(quote))
    assert a.found and a.score >= 0.75
