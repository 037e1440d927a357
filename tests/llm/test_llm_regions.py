"""Where the LLM reads and how its readings come together: regions, chunks and their output budget, chunk
assembly, and the project-by-project pairing with the rules reading. Pure logic, no HTTP."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

from llmextract import load_document
from llmextract.core.document import Document
from llmextract.core.locations import Location
from llmextract.core.records import Funding, Indicator, ProjectRecord
from llmextract.core.usage import Usage
from llmextract.extract.llm import ChunkResult, combine, merge_hybrid, pair_records
from llmextract.extract.llm.assemble import assemble
from llmextract.extract.llm.chunks import HEADROOM, MIN_MAX_TOKENS, Chunk, chunk_regions, halves, max_tokens_for
from llmextract.extract.llm.convert import Source, to_records
from llmextract.extract.llm.regions import find_regions
from llmextract.extract.llm.schema import LLMProject
from llmextract.extract.rules import extract_rules
from tests.llm.conftest import chunk_of

DOC = "d" * 64


def text_doc(tmp_path: Path, text: str, name: str = "doc.txt") -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_document(path)


# -- regions ------------------------------------------------------------------------------------------------


def test_one_region_holds_every_project_of_the_seed(seed001) -> None:
    (region,) = find_regions(seed001)
    assert region.kind == "project"
    records = extract_rules(seed001)
    assert len(records) == 6
    assert all(region.start <= r.location.start and r.location.end <= region.end for r in records)


def test_a_list_of_projects_without_targets_is_no_region(tmp_path) -> None:
    doc = text_doc(
        tmp_path,
        "表十二 项目支出表\n单位：万元\n项目名称\t金额\t资金来源\n办公楼维修\t120.00\t财政拨款\n"
        "信息系统运维\t80.00\t财政拨款\n车辆购置\t45.00\t财政拨款\n",
    )
    assert find_regions(doc) == []


def test_projects_explained_in_prose_are_a_region(tmp_path) -> None:
    doc = text_doc(
        tmp_path,
        "一、部门职责\n负责全市排水工作。\n\n"
        "（一）项目名称：城市排水设施维护\n1.项目概况：对全市排水管网进行日常养护。\n"
        "2.立项依据：《城镇排水与污水处理条例》。\n3.绩效目标：管网养护长度不少于300公里。\n",
    )
    (region,) = find_regions(doc)
    assert "（一）项目名称：城市排水设施维护" in doc.text[region.start : region.end]
    assert doc.text[region.start : region.end].endswith("管网养护长度不少于300公里。")


def test_a_titled_prose_section_is_a_region_up_to_the_next_heading(tmp_path) -> None:
    """Transfer-payment targets explained in numbered paragraphs under a heading: no form word in them."""
    doc = text_doc(
        tmp_path,
        "目 录\n一、部门情况说明\n二、其他情况说明\n三、名词解释\n十四、专项转移支付绩效目标表\n"
        "一、部门情况说明\n本部门负责全市民政工作。\n二、其他情况说明\n"
        "（四）市对区专项转移支付项目绩效目标情况说明\n"
        "1.2026年，根据社会保障相关资金管理办法，已安排社会保障专项转移支付资金107411.17万元，主要用于养老服务补贴。\n"
        "2.2026年，根据福利彩票公益金使用管理办法，已安排福利彩票公益金专项转移支付资金62400.00万元，主要用于养老。\n"
        "三、名词解释\n基本支出：指为保障机构正常运转而发生的支出。\n",
    )
    (region,) = find_regions(doc)  # the table of contents' list of tables is none
    text = doc.text[region.start : region.end]
    assert "107411.17万元" in text and text.endswith("主要用于养老。")


def test_a_title_of_another_kind_cuts_the_region(tmp_path) -> None:
    rows = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t办理件数\t≥100件\n"
    doc = text_doc(
        tmp_path,
        "部门整体支出绩效目标表\n部门（单位）名称\t某某局\n年度绩效目标\t完成全年工作任务\n"
        + rows
        + "项目支出绩效自评表\n项目名称\t培训经费\n年度目标\t完成培训\n"
        + rows
        + "项目支出绩效目标表\n项目名称\t信息化运维\n年度目标\t系统稳定运行\n"
        + rows,
    )
    kinds = [(r.kind, doc.text[r.start : r.end].split("\n")[0]) for r in find_regions(doc)]
    assert kinds == [
        ("department", "部门整体支出绩效目标表"),
        ("evaluation", "项目支出绩效自评表"),
        ("project", "项目支出绩效目标表"),
    ]


# -- chunks and the output budget --------------------------------------------------------------------------


def test_long_regions_are_cut_into_chunks_whose_reply_fits(seed001) -> None:
    regions = find_regions(seed001)
    cap = 1500
    chunks = chunk_regions(seed001, regions, cap)
    assert len(chunks) > 3
    for chunk in chunks:
        # The estimated reply (max_tokens before the cap is headroom × the estimate) fits the cap.
        assert chunk.last == chunk.first or max_tokens_for(seed001, chunk, 10**6) <= HEADROOM * cap, chunk
        assert max_tokens_for(seed001, chunk, cap) <= cap
    # Together they cover the region, each next chunk starting at most where the one before ends.
    assert chunks[0].first == regions[0].first and chunks[-1].last == regions[0].last
    for a, b in itertools.pairwise(chunks):
        assert b.first <= a.last + 1


def test_a_cut_between_records_needs_no_overlap_and_one_inside_a_record_repeats_lines(seed001) -> None:
    chunks = chunk_regions(seed001, find_regions(seed001), 1500)
    starts_record = [seed001.lines[c.first].text.startswith("项目名称") for c in chunks[1:]]
    overlaps = [b.first <= a.last for a, b in itertools.pairwise(chunks)]
    assert any(starts_record) and any(overlaps)
    for record_start, overlap in zip(starts_record, overlaps, strict=True):
        assert not (record_start and overlap)


def test_max_tokens_is_sized_to_the_chunk(seed001, yishu_chunk) -> None:
    small = chunk_of(seed001, seed001.lines[yishu_chunk.first].start, seed001.lines[yishu_chunk.first + 2].end)
    big = max_tokens_for(seed001, yishu_chunk, 100_000)
    assert MIN_MAX_TOKENS <= max_tokens_for(seed001, small, 100_000) < big
    assert max_tokens_for(seed001, yishu_chunk, 800) == 800  # never above the setting


def test_a_cut_reply_s_chunk_halves_into_two_smaller_chunks(seed001, yishu_chunk) -> None:
    first, second = halves(seed001, yishu_chunk) or ()
    assert first.first == yishu_chunk.first and second.last == yishu_chunk.last
    assert first.last < yishu_chunk.last and second.first > yishu_chunk.first
    assert second.first <= first.last + 1  # nothing between them is lost
    one_line = Chunk("project", 0, 5, 5, seed001.lines[5].start, seed001.lines[5].end, 1)
    assert halves(seed001, one_line) is None


# -- assembling the chunks of a region -----------------------------------------------------------------------


def loc(start: int, end: int) -> Location:
    return Location(doc_id=DOC, page=1, start=start, end=end)


def ind(name: str, value: str, at: int, column: str = "annual", level1: str | None = "产出指标") -> Indicator:
    return Indicator(
        level1=level1, level2="数量指标" if level1 else None, name=name, value_raw=value, column=column,
        location=loc(at, at + len(name)),
    )  # fmt: skip


def rec(name: str, start: int, end: int, indicators: list[Indicator], **fields: object) -> ProjectRecord:
    located = {"name": loc(start, start + len(name))} if name else {}
    return ProjectRecord(
        doc_id=DOC, location=loc(start, end), kind="project", name=name, indicators=indicators,
        extractor="llm:m", field_locations=located, **fields,
    )  # fmt: skip


def chunk_result(first: int, start: int, end: int, records: list[ProjectRecord]) -> ChunkResult:
    return ChunkResult(Chunk("project", 0, first, first + 1, start, end, 1), records, None, Usage())


def test_a_project_read_in_two_chunks_is_one_record() -> None:
    funds = Funding(unit="万元", annual_total=Decimal("120.00"))
    head = rec("排水维护", 0, 500, [ind("管网长度", "300公里", 300), ind("养护次数", "12次", 400)], funding=funds)
    tail = rec("", 380, 800, [ind("养护次数", "12次", 400), ind("满意度", "≥90%", 600, level1=None)])
    other = rec("防汛储备", 820, 1000, [ind("完好率", "100%", 900)])
    records = assemble([chunk_result(0, 0, 500, [head]), chunk_result(9, 380, 1000, [tail, other])])
    merged, second = records
    assert merged.name == "排水维护" and merged.funding.annual_total == Decimal("120.00")
    # The indicator both chunks read in their shared lines is kept once; the blank levels of the row below a
    # merged level cell are carried down.
    assert [(i.name, i.level1) for i in merged.indicators] == [
        ("管网长度", "产出指标"),
        ("养护次数", "产出指标"),
        ("满意度", "产出指标"),
    ]
    assert (merged.location.start, merged.location.end) == (0, 800)
    assert second.name == "防汛储备"


def test_a_name_printed_twice_at_one_place_is_one_project_and_elsewhere_two() -> None:
    a = rec("日常运行", 0, 300, [ind("保障率", "100%", 100)])
    a_again = rec("日常运行", 0, 300, [ind("保障率", "100%", 100)])
    b = rec("日常运行", 2000, 2300, [ind("保障率", "100%", 2100)])
    records = assemble([chunk_result(0, 0, 300, [a]), chunk_result(1, 0, 2300, [a_again, b])])
    assert [r.location.start for r in records] == [0, 2000]


# -- pairing the two readers, project by project --------------------------------------------------------------


def test_same_named_projects_pair_with_their_own_reading_by_funds() -> None:
    def with_funds(record: ProjectRecord, amount: str, extractor: str) -> ProjectRecord:
        return record.model_copy(update={"funding": Funding(annual_total=Decimal(amount)), "extractor": extractor})

    rules = [
        with_funds(rec("日常运行", 0, 300, []), "10", "rules"),
        with_funds(rec("日常运行", 400, 700, []), "20", "rules"),
    ]
    llm = [
        with_funds(rec("日常运行", 400, 700, []), "20", "llm:m"),
        with_funds(rec("日常运行", 0, 300, []), "10", "llm:m"),
    ]
    pairs = pair_records(rules, llm)
    assert [(r.funding.annual_total, m.funding.annual_total) for r, m in pairs] == [(10, 10), (20, 20)]


def test_a_misread_amount_that_is_the_next_row_s_does_not_pair_with_the_next_project() -> None:
    """One row per project: the LLM gave 港口安检 the amount printed on the next row. Before, agreeing funds
    and the record stretched over that row paired it with the next project."""

    def row(name: str, start: int, end: int, amount: str, extractor: str) -> ProjectRecord:
        record = rec(name, start, end, [], funding=Funding(annual_total=Decimal(amount)))
        return record.model_copy(update={"extractor": extractor})

    rules = [
        row("港口口岸安检服务费", 0, 40, "206.44", "rules"),
        row("港珠澳大桥口岸安检服务经费", 50, 90, "968.69", "rules"),
    ]
    llm = [
        row("港口口岸安检服务费", 0, 90, "968.69", "llm:m"),
        row("港珠澳大桥口岸安检服务经费", 50, 90, "968.69", "llm:m"),
    ]
    pairs = pair_records(rules, llm)
    assert [(r.name, m.name) for r, m in pairs] == [(r.name, r.name) for r in rules]
    merged = combine(rules, llm, model="m")
    assert merged[0].agreement["funding.annual_total"].status == "disagreed"


def test_a_project_only_one_reader_found_is_kept_with_one_reader_evidence() -> None:
    rules = [rec("排水维护", 0, 300, [ind("管网长度", "300公里", 100)]).model_copy(update={"extractor": "rules"})]
    llm = [
        rec("排水维护", 0, 300, [ind("管网长度", "300公里", 100)]),
        rec("防汛储备", 500, 700, [ind("完好率", "100%", 600)]),
    ]
    merged, single = combine(rules, llm, model="m")
    assert merged.extractor == "hybrid:m"
    assert single.extractor == "llm:m"
    assert {a.status for a in single.agreement.values()} == {"llm_only"}
    assert "indicators[0].value_raw" in single.agreement


def test_indicators_pair_by_name_without_weights_and_their_values_are_compared() -> None:
    """Before: an LLM-named "满意度(10分)" did not pair with the rules' "满意度", so a wrong LLM value was
    added to the record as a new indicator with no finding."""
    rules = rec("排水维护", 0, 300, [ind("管网长度", "300公里", 100), ind("满意度", "≥90%", 150)])
    llm = rec("排水维护", 0, 300, [ind("管网长度（5分）", "300公里", 100), ind("满意度 (10分)", "≥95%", 150)])
    record = merge_hybrid(rules.model_copy(update={"extractor": "rules"}), llm, model="m")
    assert len(record.indicators) == 2
    status = {str(p): a.status for p, a in record.agreement.items() if p.is_indicator}
    assert status == {"indicators[0].value_raw": "agreed", "indicators[1].value_raw": "disagreed"}
    (finding,) = record.findings
    assert finding.fields == ["indicators[1].value_raw"] and "≥95%" in (finding.actual or "")


def test_a_blank_llm_field_is_silence_not_a_disagreement() -> None:
    """Before: a blank name from the LLM counted as a disagreement and sent the record to review."""
    rules = rec("排水维护", 0, 300, [], overview="养护管网").model_copy(update={"extractor": "rules"})
    llm = rec("", 0, 300, [], overview="养护管网")
    (record,) = combine([rules], [llm], model="m")
    assert record.agreement["name"].status == "rules_only"
    assert record.agreement["overview"].status == "agreed"
    assert not record.findings


def test_a_value_only_the_llm_printed_is_taken_not_flagged() -> None:
    rules = rec("排水维护", 0, 300, [ind("管网长度", "", 100)]).model_copy(update={"extractor": "rules"})
    llm = rec("排水维护", 0, 300, [ind("管网长度", "300公里", 100)])
    record = merge_hybrid(rules, llm, model="m")
    (indicator,) = record.indicators
    assert indicator.value_raw == "300公里" and indicator.name == "管网长度"
    assert record.agreement["indicators[0].value_raw"].status == "llm_only"
    assert not record.findings


def test_same_named_projects_each_titled_by_their_name_are_located_at_their_own_rows(tmp_path) -> None:
    """Before: the second project's name was found at the first one's 项目名称 cell (the first was located at
    its title), so each LLM record sat one printing early and paired with the wrong rules record."""
    form = "{name}项目绩效目标表\n项目名称\t{name}\n年度资金总额\t{amount}\n"
    text = form.format(name="综合工作经费", amount="66.50") + form.format(name="综合工作经费", amount="38.00")
    doc = text_doc(tmp_path, text)
    replies = [LLMProject(name="综合工作经费", annual_total=a) for a in ("66.50", "38.00")]
    first, second = to_records(replies, Source(doc, 0, len(doc.text), "project"), model="m", prompt_version="v")
    cells = [n for n in range(len(text)) if text.startswith("\t综合工作经费", n)]
    assert [r.field_locations["name"].start for r in (first, second)] == [c + 1 for c in cells]
    assert first.location.end < second.location.start
