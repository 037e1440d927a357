"""立项依据 split into citations (title in 《》 and 文号), with spans into the text."""

from __future__ import annotations

from llmextract.extract.citations import split_citations


def _pairs(text):
    return [(c.citation.title, c.citation.doc_number) for c in split_citations(text)]


def test_title_followed_by_its_number_in_brackets():
    text = (
        "省人事厅、省财政厅《关于印发〈山西省国家机关事业单位人员死亡后遗属生活困难补助标准的规定〉的通知》"
        "(晋人工字【2002】10号)"
    )
    assert _pairs(text) == [
        ("关于印发〈山西省国家机关事业单位人员死亡后遗属生活困难补助标准的规定〉的通知", "晋人工字【2002】10号")
    ]


def test_several_titles_each_with_its_number():
    text = (
        "《2025年乡村e镇（第一批）省级资金》（晋财货环〔2025〕62号）、"
        "《朔州市财政局关于预拨2025年乡村e镇（第一批）省级资金预算的通知》（朔财建二〔2025〕24号）"
    )
    assert _pairs(text) == [
        ("2025年乡村e镇（第一批）省级资金", "晋财货环〔2025〕62号"),
        ("朔州市财政局关于预拨2025年乡村e镇（第一批）省级资金预算的通知", "朔财建二〔2025〕24号"),
    ]


def test_number_before_an_unbracketed_title():
    assert _pairs("晋驻村办〔2022〕14号 关于进一步加大力度做好驻村帮扶工作的通知") == [
        ("关于进一步加大力度做好驻村帮扶工作的通知", "晋驻村办〔2022〕14号")
    ]


def test_lone_number_and_lone_title():
    assert _pairs("依据同财办【2014】4号文件") == [(None, "同财办【2014】4号")]
    assert _pairs("《参加市贸促会组织的展会推介会的企业工作人员交通费、住宿费补助管理办法》") == [
        ("参加市贸促会组织的展会推介会的企业工作人员交通费、住宿费补助管理办法", None)
    ]


def test_number_quoted_inside_a_title_is_not_a_separate_citation():
    text = "《关于转发晋财资环〔2023〕62号文件的通知》"
    assert _pairs(text) == [("关于转发晋财资环〔2023〕62号文件的通知", None)]


def test_spans_point_at_the_citation_and_duplicates_are_dropped():
    text = "根据《办法》（晋财资环〔2023〕62号）执行；再次依据《办法》（晋财资环〔2023〕62号）"
    (only,) = split_citations(text)
    assert text[only.start : only.end] == "《办法》（晋财资环〔2023〕62号"


def test_no_citation_in_plain_text():
    assert split_citations("参照往年情况设立") == []
