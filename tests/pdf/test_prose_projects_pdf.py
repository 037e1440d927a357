"""Projects explained in prose, on real pages: 北京 项目名称:/政策依据:/绩效目标：/预算安排：/实施方案：
(北京统计), numbered （1）政策依据（2）绩效目标（3）预算安排（4）实施方案 with amounts in 亿元 (北京教委, the
text of its pages 11–14 as llmextract reads them), transfer-payment items (北京民政), a "<name>：…" paragraph
under 重点支出和重大投资项目 (北京交通委, whose fee table headed 项目名称 is not a project), 普陀's one page per
project (一、项目概述 … 七、绩效目标), and the central prose before a target table (国家信访局 2026), which makes
one record with the table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document
from llmextract.layout.project_blocks import find_project_blocks
from tests.conftest import FIXTURES, pdf

BEIJING = FIXTURES / "more" / "北京"


def _projects(path):
    return [r for r in extract_rules(load_document(path)) if r.kind == "project"]


def test_beijing_labelled_key_project_one_record():
    (record,) = _projects(BEIJING / "2026年北京市统计局部门预算.pdf")
    assert record.name == "北京市第四次全国农业普查"
    assert (record.funding.annual_total, record.funding.unit) == (Decimal("7000"), "万元")
    assert record.basis.startswith("《中华人民共和国统计法》《全国农业普查条例》")
    assert [c.doc_number for c in record.basis_citations if c.doc_number] == ["国发〔2025〕9号", "京政发〔2025〕21号"]
    assert record.goals.annual.startswith("第四次全国农业普查是根据国家周期性普查")
    assert record.goals.annual.endswith("提供准确的统计信息支撑。")  # the goal runs on over the page break
    assert record.plan.startswith("2026年是普查工作的准备阶段")
    assert record.location.page == 7


@pytest.fixture(scope="module")
def education():
    return _projects(FIXTURES / "text" / "北京市教育委员会_p11-14.txt")


def test_beijing_numbered_key_projects_with_amounts_in_yi_yuan(education):
    assert [(r.name, r.funding.annual_total, r.funding.unit) for r in education[:4]] == [
        ("学前免费政策市级财政补助", Decimal("3"), "亿元"),
        ("高校科研平台建设项目", Decimal("1"), "亿元"),
        ("北京第六实验学校建设项目（良乡大学城实验学校建设项目）", Decimal("0.5"), "亿元"),
        ("北方工业大学延庆新校区（一期）建设项目", Decimal("8"), "亿元"),
    ]
    first = education[0]
    assert first.goals.annual.startswith("全面保障免费学前教育政策落地见效") and first.goals.annual.endswith(
        "促进教育公平。"
    )
    assert first.plan.endswith("各区逐园据实做好免费相关保障。")  # the last section runs over the page break
    assert "2.高校科研平台" not in first.plan


def test_beijing_transfer_payment_items_one_record_each(education):
    transfers = education[4:]
    assert [(r.name, r.funding.annual_total, r.funding.unit) for r in transfers] == [
        ("教育改革发展专项转移支付资金", Decimal("483848.60"), "万元"),
        ("促进教育事业均衡发展共同事权转移支付资金", Decimal("567798.76"), "万元"),
    ]
    assert transfers[0].goals.annual.startswith("推进普惠性幼儿园普及普惠")
    assert transfers[0].basis == "《北京市教育改革发展专项资金管理办法》"


def test_beijing_civil_affairs_transfer_items_on_a_real_page():
    records = _projects(BEIJING / "北京市民政局_p7-8.pdf")
    assert [(r.name, r.funding.annual_total) for r in records] == [
        ("社会保障和就业共同事权转移支付资金", Decimal("107411.17")),
        ("社会福利彩票公益金专项转移支付资金", Decimal("62400.00")),
    ]
    assert records[1].goals.annual == "老年人养老服务补贴津贴等方向"


def test_beijing_fee_item_is_not_a_project_but_the_key_project_paragraph_is():
    (record,) = _projects(BEIJING / "北京市交通委员会_p9-11.pdf")
    assert record.name == "四环主路维修专项工程"  # not 城市道路挖掘修复费, a 行政事业性收费 with its fee table
    assert (record.funding.annual_total, record.funding.unit) == (Decimal("21384.60"), "万元")
    assert record.overview.startswith("根据北京市政府工作报告相关工作要求")


def test_putuo_one_page_per_project_with_budget_in_wan():
    records = _projects(pdf("普陀"))
    assert [(r.name, r.funding.annual_total, r.funding.unit, r.location.page) for r in records] == [
        ("科技创新专项经费", Decimal("1720.00"), "万元", 23),
        ("生命健康专项（政策资金）经费", Decimal("1170.00"), "万元", 24),
        ("商业创新专项（政策资金）经费", Decimal("1410.00"), "万元", 25),
        ("贸易高质量发展专项（政策资金）经费", Decimal("2921.00"), "万元", 26),
    ]
    first = records[0]
    assert first.overview == "加快推动本区企业创新驱动发展，促进企业加大创新力度、加快成果转化。"
    assert first.implementing_unit == "上海市普陀区商务委员会"
    assert first.period == "2025.1.1-2025.12.31"
    assert first.goals.annual is None  # "详见单位的项目绩效目标表": the goals are in a table not in this file
    assert len(first.basis_citations) == 2


def test_central_prose_and_target_table_of_one_project_make_one_record():
    doc = load_document(pdf("国家信访局2026"))
    blocks = find_project_blocks(doc)
    assert [b.layout for b in blocks] == ["form", "form", "form"]
    records = extract_rules(doc)
    assert len(records) == 3
    first = records[0]
    assert (first.name, first.funding.annual_total, first.implementing_unit) == (
        "信息化运行维护",
        Decimal("2134.87"),
        "国家信访局本级",
    )
    assert first.overview.startswith("充分发挥信息技术驱动引领和基础保障作用")
    assert first.basis.startswith("2022年5月1日《信访工作条例》正式施行")
    assert len(first.indicators) == 9  # the table's
    assert first.field_locations["overview"].page == 26 and first.location.page == 30
    assert records[1].overview is None


def test_fields_read_outside_the_block_are_grounded_in_their_own_span():
    from llmextract.pipeline import Config, process

    result = process(load_document(pdf("国家信访局2026")), Config(extractor="rules"))
    first = result.records[0].record
    assert first.field_grounding["overview"].status in ("exact", "normalised", "fuzzy")
    assert first.field_grounding["basis"].status in ("exact", "normalised", "fuzzy")
    assert not [f for r in result.records for f in r.record.findings if f.rule_id == "grounding.not-found"]
