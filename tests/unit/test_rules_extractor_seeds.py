"""The rules extractor on the five seed exports: every project table found, fields and indicators pinned."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from llmextract.core.records import ProjectRecord
from llmextract.extract.rules import extract_rules
from llmextract.ingest import load_document
from tests.conftest import SEED_FILES, seed


def _read(prefix: str) -> tuple[str, list[ProjectRecord]]:
    doc = load_document(seed(prefix))
    return doc.text, extract_rules(doc)


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, list[ProjectRecord]]]:
    return {path.name[:3]: _read(path.name[:3]) for path in SEED_FILES}


def _by_name(records: list[ProjectRecord], name: str) -> ProjectRecord:
    (record,) = [r for r in records if r.name == name]
    return record


def _indicator(record: ProjectRecord, name: str, column: str = "annual"):
    (ind,) = [i for i in record.indicators if i.name == name and i.column == column]
    return ind


def test_counts_and_kinds(seeds):
    kinds = {key: [r.kind for r in records] for key, (_, records) in seeds.items()}
    assert kinds == {
        "000": ["project"] * 6,
        "001": ["project"] * 6,
        "002": ["department"] + ["project"] * 8,
        "003": ["evaluation"],
        "004": ["department"] + ["project"] * 4,
    }


def test_every_field_and_indicator_points_at_its_source(seeds):
    squash = re.compile(r"\s+")
    for text, records in seeds.values():
        for record in records:
            assert record.extractor == "rules" and record.name
            for path, loc in record.field_locations.items():
                value = _field(record, path)
                if isinstance(value, str):
                    assert squash.sub("", value) in squash.sub("", text[loc.start : loc.end]), path
            for ind in record.indicators:
                assert ind.location is not None
                assert squash.sub("", ind.value_raw) in squash.sub("", text[ind.location.start : ind.location.end])


def _field(record: ProjectRecord, path: str):
    value = record
    for part in re.findall(r"[a-z_]+|\[\d+\]", path):
        value = value[int(part[1:-1])] if part.startswith("[") else getattr(value, part)
    return value


def test_seed_001_遗属补助(seeds):
    record = _by_name(seeds["001"][1], "遗属补助")
    assert (record.department_code, record.department, record.implementing_unit) == (
        "409",
        "忻州市商务局",
        "忻州市商务局",
    )
    assert (record.attribute, record.period) == ("一次性项目（1年结束）", "1年")
    assert record.funding.unit == "元"
    assert record.funding.annual_total == record.funding.period_total == Decimal("60100")
    assert record.funding.sources.local == Decimal("60100") and record.funding.sources.central == Decimal("0")
    assert [c.doc_number for c in record.basis_citations] == ["晋人工字【2002】10号"]
    assert record.goals.period == record.goals.annual == "按照相关文件精神,向6名遗属按时足额发放生活补助"
    cost = _indicator(record, "生活补助人均发放金额")
    assert (cost.level1, cost.level2, cost.value_raw) == ("产出指标", "成本指标", "<10017元/年")
    assert (cost.comparator, cost.value, cost.unit) == ("<", Decimal("10017"), "元/年")
    assert len(record.indicators) == 12  # 6 indicators in both the 实施期 and the 年度 column


def test_seed_001_shifted_row_and_truncated_label(seeds):
    records = seeds["001"][1]
    satisfaction = _indicator(_by_name(records, "驻村干部补助"), "工作人员满意度", "period")
    assert (satisfaction.level1, satisfaction.level2, satisfaction.value_raw) == (
        "满意度指标",
        "服务对象满意度指标",
        "≥95%",
    )
    second = _indicator(_by_name(records, "驻村干部补助"), "下基层锻炼选调生人数")
    assert (second.level1, second.level2) == ("产出指标", "数量指标")  # blank level cells carried down
    fair = _by_name(records, "贸促会对参展企业的交通费等补助")  # "市县（区）财政资" printed without 金
    assert fair.funding.period_sources.local == fair.funding.sources.local == Decimal("100000")


def test_seed_000_raw_dump(seeds):
    records = seeds["000"][1]
    assert [r.name for r in records][:2] == ["Z驻村帮扶工作人员经费", "XM涉拆自收自支单位人员经费(商务局招待所)"]
    first = records[0]
    assert (first.department_code, first.department) == ("084", "大同市商务局")
    assert first.funding.annual_total == Decimal("105000") and first.funding.unit == "元"
    staff = _indicator(first, "驻村帮扶工作人员数")  # printed "驻村帮扶工作人\n员数"
    assert (staff.level1, staff.level2, staff.value) == ("产出指标", "数量指标", Decimal("3"))
    assert _indicator(first, "保障驻村帮扶工作人员生活", "period").value_raw == "保障"
    hostel = records[1]
    assert (hostel.funding.period_total, hostel.funding.annual_total) == (Decimal("0"), Decimal("598800"))
    assert [c.doc_number for c in hostel.basis_citations] == ["同财办【2014】4号"]
    port = _by_name(records, "Z大同航空口岸保障补贴经费")  # a page footer sits inside this grid
    assert _indicator(port, "2024年度大同航空口岸保障经费").value_raw == "≤560万元"


def test_seed_002_shifted_rows_and_department_table(seeds):
    records = seeds["002"][1]
    dept = records[0]
    assert (dept.name, dept.department_code) == ("山阴县商务局", "029")
    assert (dept.funding.annual_total, dept.funding.unit) == (Decimal("1284.82"), "万元")
    assert len(dept.indicators) == 8
    oil = _by_name(records, "成品油流通智慧监管平台数据对接和设备安装运维等费用")
    assert (oil.funding.period_total, oil.funding.annual_total) == (Decimal("1950000"), Decimal("1560000"))
    assert oil.funding.period_sources.local == Decimal("1950000") and oil.funding.sources.local == Decimal("1560000")
    fee = _indicator(oil, "安装运维费用标准", "period")  # row printed without its blank 一级 cell
    assert (fee.level1, fee.level2, fee.comparator, fee.value, fee.unit) == (
        "产出指标", "质量指标", "<=", Decimal("7.5"), "万元/座",
    )  # fmt: skip
    assert "晋政办发〔2023〕143号" in [c.doc_number for c in oil.basis_citations]
    garbled = _by_name(records, "专项业务经费")  # "实施期安全总额" for 实施期资金总额
    assert garbled.funding.period_total == Decimal("300000")


def test_seed_003_evaluation_table(seeds):
    (record,) = seeds["003"][1]
    assert record.name == "鼓励扩大进出口专项资金"
    assert len(record.indicators) == 12
    first = record.indicators[0]
    assert (first.level1, first.level2, first.name, first.value_raw) == ("产出", "数量", "补助外贸企业数", "≥8家次")
    second = record.indicators[1]  # a row printed without its blank level cells
    assert (second.level1, second.level2, second.name) == ("产出", "数量", "出口信保保费补助外贸企业数")


def test_seed_004_packed_cells_and_department_table(seeds):
    records = seeds["004"][1]
    dept = records[0]
    assert (dept.name, dept.funding.annual_total, dept.funding.unit) == (
        "阳泉市商务局（本级）",
        Decimal("1629.62"),
        "万元",
    )
    packed = [(i.name, i.value_raw) for i in dept.indicators[1:6]]
    assert packed == [
        ("参加各类展会次数", "≥6次"),
        ("评审专家数量", "≥6人次"),
        ("聘请法律顾问人数", "1人"),
        ("评审项目数量", "≥4个"),
        ("出具审核意见", "≥1个"),
    ]
    work = _by_name(records, "2026年商务工作经费")
    assert (work.department_code, work.department) == ("038", "阳泉市商务局")
    assert (work.funding.period_total, work.funding.annual_total) == (Decimal("490000"), Decimal("180000"))
    assert work.funding.sources.local == Decimal("180000")  # label misprinted 市基（区）财政资金


def test_seed_000_goal_cells_split_by_repetition(seeds):
    records = seeds["000"][1]
    village = _by_name(records, "Z驻村帮扶工作人员经费")  # 实施期 and 年度 goal printed one after the other
    assert (
        village.goals.period == village.goals.annual == "2024年保障驻村扶贫人员工作期间补助，保障驻村工作人员基本生活。"
    )
    port = _by_name(records, "Z大同航空口岸保障补贴经费")  # both cells on one line
    assert port.goals.period == port.goals.annual == "项目实施后保障我市航空口岸正常运转。"
    hostel = records[1]  # the 年度 cell is cut short by the page end
    assert hostel.goals.period.endswith("退休人员基础性绩效。")
    assert hostel.goals.annual.endswith("人员2024年生活补助及社")
    work = _by_name(records, "J商务运行工作经费")  # the vertical 绩/效 label below is not part of the goal
    assert work.goals.annual.endswith("为全市经济社会发")
    assert work.goals.period.endswith("为全市经济社会发展提供新动能。")


def test_seed_002_label_rows_and_shifted_ecology_row(seeds):
    records = seeds["002"][1]
    dept = records[0]  # "生态效益指标 | 可持續影响指标 | 促进居民经济消费 | 促进" on one row
    (row,) = [i for i in dept.indicators if i.name == "促进居民经济消费"]
    assert (row.level1, row.level2, row.value_raw) == ("效益指标", "可持續影响指标", "促进")
    for name in ("专项业务经费", "招商引资专项经费"):  # 可持续发展(影响) rows with no name or value
        assert not [i for i in _by_name(records, name).indicators if i.name.startswith("可持续发展")]


def test_seed_004_label_rows_duplicated_levels(seeds):
    records = seeds["004"][1]
    dept = records[0]
    assert "生态效益指标" not in [i.name for i in dept.indicators]
    work = _by_name(records, "2026年商务工作经费")  # 可持續影响 row shifted right
    influence = [(i.column, i.level2, i.name, i.value_raw) for i in work.indicators if i.level2 == "可持續影响"]
    assert influence == [
        ("period", "可持續影响", "参展企业影响力", "逐步提升"),
        ("annual", "可持續影响", "参展企业影响力", "逐步提升"),
    ]
    relief = _by_name(records, "遗属补助")  # 产出指标 printed on the header line, 二级 cells printed twice
    rows = [(i.column, i.level1, i.level2, i.name, i.value_raw) for i in relief.indicators]
    assert [r for r in rows if r[0] == "period"][:5] == [
        ("period", "产出指标", "数量指标", "补助发放人数", "3人"),
        ("period", "产出指标", "质量指标", "应发尽发率", "100%"),
        ("period", "产出指标", "质量指标", "发放对象准确率", "100%"),
        ("period", "产出指标", "时效指标", "补助发放时间", "按月发放"),
        ("period", "成本指标", "成本指标", "遗属补助标准", "按现行工资审批标准"),
    ]
    assert ("annual", "产出指标", "质量指标", "应发尽发率", "") in rows
    assert len(rows) == 14
