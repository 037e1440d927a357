"""Row lists of projects on real pages cut from the corpus: one table, one row per project, goals in prose.

深圳 "第七部分 重点项目预算绩效情况说明" (二级预算单位名称 | 一级项目名称 | 预算数（万元） | 绩效目标), 湖州/杭州
"表11 2026年市级部门项目支出绩效表" (单位名称 | 项目名称 | 金额 | (项目总体)绩效目标), 珠海 重点项目 table (项目 |
预算数（单位：万元） | 绩效目标) beside the 绩效目标 column of its 表12 project list."""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document
from llmextract.layout.project_blocks import find_project_blocks
from tests.conftest import FIXTURES

MORE = FIXTURES / "more"


@pytest.fixture(scope="module")
def shenzhen_stats():
    return load_document(MORE / "深圳" / "深圳市统计局_p11-12.pdf")


def test_shenzhen_key_project_table_one_record_per_row(shenzhen_stats):
    records = extract_rules(shenzhen_stats)
    assert [(r.name, r.funding.annual_total) for r in records] == [
        ("统计管理", Decimal("352.27")),
        ("政务信息化项目（运行维护服务）", Decimal("7.50")),
        ("专项普查活动", Decimal("110.00")),
        ("专项统计业务", Decimal("844.03")),
    ]
    assert {(r.implementing_unit, r.funding.unit, r.department) for r in records} == {
        ("深圳市统计局（本级）", "万元", None)
    }
    assert records[0].goals.annual.startswith("为统计管理工作提供支持保障")
    unit_cell = records[0].field_locations["funding.unit"]
    assert shenzhen_stats.text[unit_cell.start : unit_cell.end] == "预算数（万元）"


def test_shenzhen_key_project_blocks_are_the_rows_for_the_llm(shenzhen_stats):
    blocks = find_project_blocks(shenzhen_stats)
    assert [b.layout for b in blocks] == ["rows"] * 4
    first = shenzhen_stats.text[blocks[0].start : blocks[0].end]
    assert first.startswith("深圳市统计局（本级）\t统计管理\t352.27") and "政务信息化" not in first


def test_shenzhen_goal_running_over_four_pages_is_one_record():
    doc = load_document(MORE / "深圳" / "深圳市生态环境局_p38-42.pdf")
    first, second = extract_rules(doc)
    assert (first.name, first.funding.annual_total, second.name) == ("污染防治", Decimal("18686.86"), "生态环境管理")
    assert first.location.page == 1 and doc.page_at(first.location.end) == 5
    assert "目标8：" in first.goals.annual and first.goals.annual.endswith("专家对项目成果的满意度100%。")
    assert second.goals.annual.startswith("目标1：按照省环境保护责任制")


def test_huzhou_total_and_column_number_rows_are_not_projects_and_the_table_continues_on_page_two():
    doc = load_document(MORE / "湖州" / "湖州市交通运输局_p39-40.pdf")
    records = extract_rules(doc)
    assert len(records) == 17
    assert sum(r.funding.annual_total for r in records) == Decimal("171462.41")  # the table's own total row
    assert {(r.department_code, r.department, r.funding.unit) for r in records} == {("606", "湖州市交通运输局", "万元")}
    assert [r.implementing_unit for r in records if r.name == "综合交通运行保障"] == [
        "湖州市交通运输局",
        "湖州市交通运输行政执法队",
        "湖州市公路与运输管理中心",
    ]


def test_hangzhou_list_continued_without_header_same_name_under_several_units():
    records = extract_rules(load_document(MORE / "杭州" / "杭州市司法局_p39-40.pdf"))
    assert len(records) == 31
    assert sum(r.funding.annual_total for r in records) == Decimal("28506.18")
    daily = [r.implementing_unit for r in records if r.name == "日常保障运行"]
    assert daily == [
        "杭州市司法局",
        "杭州市东郊监狱",
        "杭州市西郊监狱",
        "杭州市南郊监狱",
        "杭州市北郊监狱",
        "杭州市富春强制隔离戒毒所",
    ]
    assert {r.department for r in records} == {"杭州市司法局"}


@pytest.fixture(scope="module")
def zhuhai():
    return load_document(MORE / "珠海" / "2026年珠海市商务局部门预算.pdf")


def test_zhuhai_key_projects_with_integer_amounts_and_the_project_list_goals_read_once(zhuhai):
    records = extract_rules(zhuhai)
    assert len(records) == 22  # the 重点项目 table; 表12's rows with a goal are the same projects
    names = [r.name for r in records]
    assert len(set(names)) == 22
    by_name = {r.name: r for r in records}
    assert by_name["港珠澳大桥珠海公路口岸运营管理费"].funding.annual_total == Decimal("6500")
    # 表12 prints 7,672.50, the 重点项目 table 7672.25: the target table's reading is the record's.
    assert by_name["辅助人员补助经费-拱北海关"].funding.annual_total == Decimal("7672.25")
    assert all(r.funding.unit == "万元" for r in records)


def test_zhuhai_project_list_rows_without_goal_are_not_projects_and_take_the_unit_of_their_subtotal(zhuhai):
    from llmextract.layout.project_lists import find_project_lists

    project_list = find_project_lists(zhuhai)[0]
    units = [("".join(p.text for p in x.name), "".join(p.text for p in x.unit)) for x in project_list.projects]
    assert len(units) == 17  # of 表12's ~80 rows, those with a 绩效目标
    assert units[0] == ("珠海市内外经贸发展专项资金（稳外贸事项）", "珠海市商务局")
    # 珠海市会议展览局 321.73 = 会展购买服务经费 21.73 + 300.00: a subtotal, the unit of the rows it covers
    assert units[-1] == ("珠海市内外经贸发展专项资金（促进会展业发展事项）", "珠海市会议展览局")


def test_department_read_from_the_caption_is_grounded_there():
    from llmextract.pipeline import Config, process

    result = process(load_document(MORE / "杭州" / "杭州市司法局_p39-40.pdf"), Config(extractor="rules"))
    prison = next(r.record for r in result.records if r.record.implementing_unit == "杭州市东郊监狱")
    assert prison.department == "杭州市司法局"
    assert prison.field_grounding["department"].status == "exact"
    assert prison.field_locations["department"].page == 1
    assert not [f for r in result.records for f in r.record.findings if f.rule_id == "grounding.not-found"]
