"""Prose misreadings on real pages (cut from ../shared/corpus/more into tests/fixtures/more/<city>/): each page
once gave a false error; the figures are now read as printed, and the real contradictions stay errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

import llmextract
from llmextract import load_document
from llmextract.core.claims import NarrativeClaim
from llmextract.verify import claims, verify

MORE = Path(__file__).resolve().parents[1] / "fixtures" / "more"


def _doc(name: str):
    return load_document(MORE / name)


def _flat(found: list[NarrativeClaim]) -> list[NarrativeClaim]:
    out = []
    for claim in found:
        out.append(claim)
        out.extend(part for group in claim.components for part in group)
    return out


def _with_amount(found: list[NarrativeClaim], amount: str) -> NarrativeClaim:
    """The first claim of that amount (a figure restated later, "3．公务接待费预算支出2.02万元", comes after)."""
    return next(c for c in _flat(found) if c.amount == D(amount))


def _findings(name: str, severity: str, prefix: str = "prose."):
    report = verify(_doc(name))
    return [f for f in report.findings if f.severity == severity and f.rule_id.startswith(prefix)]


def _parts(claim: NarrativeClaim) -> list[tuple[str, D | None]]:
    return [(p.subject, p.amount) for group in claim.components for p in group]


def test_list_broken_by_a_line_ending_in_a_semicolon_wuxi_ndrc_p36():
    # "…占“三公”经费的7.32%；" ends a line, "公务接待费支出 12.2 万元" starts the next: one list of three parts.
    total = _with_amount(claims(_doc("无锡/发展和改革局-p36.pdf")), "38.27")
    assert total.subject == "“三公”经费支出预算"  # not "况说明…": the wrapped heading stays with its heading
    assert [a for _, a in _parts(total)] == [D("23.27"), D("2.8"), D("12.2")]
    assert _findings("无锡/发展和改革局-p36.pdf", "error") == []


def test_list_broken_by_a_page_break_wuxi_transport_p39_40():
    total = _with_amount(claims(_doc("无锡/交通运输局-p39-40.pdf")), "2.02")
    assert _parts(total) == [
        ("因公出国(境)费支出", D("0")),
        ("公务用车购置及运行维护费支出", D("0")),
        ("公务接待费支出", D("2.02")),
    ]
    assert total.components[0][-1].location.page == 2  # the last part is on the next page
    assert _findings("无锡/交通运输局-p39-40.pdf", "error") == []


def test_amount_carried_to_the_next_line_shanghai_health_p17():
    # "政府采购服务预算" ends a line short of the margin because "182.31万元。" did not fit.
    total = _with_amount(claims(_doc("上海/卫生健康委员会-p17.pdf")), "184.23")
    assert [a for _, a in _parts(total)] == [D("1.92"), D("0.00"), D("182.31")]
    assert _findings("上海/卫生健康委员会-p17.pdf", "error") == []


def test_spaced_characters_and_amount_on_the_next_line_beijing_education_p10():
    found = claims(_doc("北京/教育委员会-p9-10.pdf"))
    total = _with_amount(found, "520049.92")
    assert total.subject == "北京市教育委员会部门政府采购预算总额"
    assert [a for _, a in _parts(total)] == [D("205590.35"), D("143193.16"), D("171266.41")]
    # "（一）因公出国（境）费用。2026年预算数1026.36万元": the figure is the heading's, not a bare 预算数.
    assert _with_amount(found, "1026.36").subject == "因公出国(境)费用"


def test_share_of_this_years_spending_excludes_carry_over_beijing_education_p9():
    # 基本支出 2,919,265.78 (74.41%) + 项目支出 1,003,810.85 (25.59%) = 3,923,076.63: the shares' base; the
    # 支出预算 4,483,899.83 printed before them also counts 年终结转结余 560,823.20.
    assert _findings("北京/教育委员会-p9-10.pdf", "error") == []
    assert _findings("北京/教育委员会-p9-10.pdf", "warning") == []


def test_prior_year_figure_is_no_base_beijing_statistics_p5():
    # "2026年支出预算51036.22万元，比2025年年初预算数 / 45557.68万元增加…": one sentence over two lines.
    found = claims(_doc("北京/统计局-p5.pdf"))
    total = _with_amount(found, "51036.22")
    assert (total.change_amount, total.change_pct, total.direction) == (D("5478.54"), D("12.03"), "up")
    assert not [c for c in _flat(found) if c.amount == D("45557.68")]
    assert _findings("北京/统计局-p5.pdf", "error") == []


def test_list_item_is_not_the_total_shenzhen_environment_p22():
    # "1.生态环境管理3,302.01万元，主要包括：法制与宣传工作62.38万元，用于…；…一般行政管理工作 / 137.87万元，
    # 主要用于开展综合性事务工作…": 主要用于 before a purpose starts no list.
    total = _with_amount(claims(_doc("深圳/生态环境局-p22.pdf")), "3302.01")
    assert total.partial
    assert sum(a for _, a in _parts(total)) == D("3302.01")
    assert len(_parts(total)) == 6
    assert _findings("深圳/生态环境局-p22.pdf", "error") == []


def test_misplaced_clause_is_not_checkable_shenzhen_meteorology_p11():
    # "（8）气象产业发展管理90.72万元，用于…研究分析…，支撑构建较2025年年初预算增加29.23万元，增幅2.2%，…" — the
    # document's own misplaced clause (29.23 ÷ 2.2% ≈ another item's budget): not signable.
    claim = _with_amount(claims(_doc("深圳/气象局-p11-12.pdf")), "90.72")
    assert claim.doubt("change")
    assert _findings("深圳/气象局-p11-12.pdf", "error") == []
    (info,) = [f for f in _findings("深圳/气象局-p11-12.pdf", "info") if f.rule_id == "prose.change-rate"]
    assert "not checkable" in info.message


def test_shares_forced_to_100_are_a_rounding_warning_wuxi_transport_p33():
    # 32,640 ÷ 984,760.87 = 3.31%, printed 3.32% so that the shares total 100.00%.
    assert _findings("无锡/交通运输局-p33.pdf", "error") == []
    (warning,) = _findings("无锡/交通运输局-p33.pdf", "warning")
    assert warning.rule_id == "prose.rounding"
    assert (warning.expected, warning.actual) == ("32,640 ÷ 984,760.87 = 3.31%", "3.32%")


def test_blank_item_of_this_years_three_public_block_yantai_audit_p19():
    # 公开表7 prints a 2025年预算数 block (因公出国 8.50) and a 2026 block with 因公出国 left blank; the text says 0.
    assert _findings("烟台/审计局-p19-27.pdf", "error") == []


def test_prose_against_the_all_funds_table_yantai_ndrc_real_differences():
    # p29: "2026年支出预算11,380.57万元，其中：基本支出6,015.67万元，项目支出5,364.9万元" while 公开表3 (p10-11) prints
    # 11,174.30 = 5,839.90 + 5,334.40, and the same paragraph's 收支预算 is 11,174.3: both parts differ (REAL).
    # The table runs over two pages: cut with its first page only, its classes do not add up to its 合计 and the
    # reading is rightly not trusted (table.reading-suspect), so the fixture holds both.
    errors = _findings("烟台/发展和改革委员会-p10-11-19-29.pdf", "error")
    assert [(e.rule_id, e.actual) for e in errors] == [
        ("prose.amount-in-table", "6,015.67"),
        ("prose.amount-in-table", "5,364.9"),
    ]
    assert errors[0].expected.startswith("5,839.90 (支出总体情况表)")
    assert errors[1].expected == "5,334.40 (支出总体情况表)"


def test_fiscal_scope_is_not_compared_with_the_all_funds_table_huzhou_transport_p7():
    # "财政拨款收支总预算192207.76万元…支出包括：…教育支出3797.62万元" vs the all-funds 支出预算总表 4,673.98.
    found = claims(_doc("湖州/交通运输局-p7-8-25-26.pdf"))
    assert _with_amount(found, "3797.62").scope == "财政拨款"
    assert _findings("湖州/交通运输局-p7-8-25-26.pdf", "error") == []


def test_part_of_one_subject_is_not_the_departments_figure_shanghai_industry_p6():
    # "“农林水支出”科目83万元，主要用于主要用于人员经费18万元、公用经费58万元、项目支出7万元"
    total = _with_amount(claims(_doc("上海/工业和信息化局-p6-14.pdf")), "83")
    assert [a for _, a in _parts(total)] == [D("18"), D("58"), D("7")]
    assert _findings("上海/工业和信息化局-p6-14.pdf", "error") == []


@pytest.mark.parametrize(
    "name",
    [
        "深圳/建筑工务署-p11-12.pdf",  # 设置并编报 8 个项目绩效目标; the 重点项目 table shows 5 (secret ones omitted)
        "上海/交通运输局-p21.pdf",  # 编报绩效目标的项目共4个; no target table in the document
        "烟台/交通运输局-p36-39-40.pdf",  # 涉及一级预算项目8个, beside one table per project
    ],
)
def test_counts_of_projects_with_targets_are_not_counts_of_tables(name):
    result = llmextract.verify(MORE / name)
    rules = {"prose.disclosed-project-tables", "record.disclosed-amount"}
    assert [f for f in result.all_findings if f.rule_id in rules] == []


@pytest.fixture(scope="module")
def huzhou_finance():
    doc = _doc("湖州/2026年湖州市财政局部门预算.pdf")
    return doc, claims(doc), verify(doc)


def test_increase_is_not_read_as_a_decrease_huzhou_finance_p11(huzhou_finance):
    # "…机关运行经费财政拨款预算598.67万元，比上年预算增加66.73万元，增长12.5%，主要是按照“总量不变，结构调整”…":
    # 不变 inside the reason is no 持平. 66.73 ÷ (598.67 − 66.73) = 12.54%.
    _, found, report = huzhou_finance
    claim = _with_amount(found, "598.67")
    assert (claim.direction, claim.change_amount, claim.change_pct) == ("up", D("66.73"), D("12.5"))
    assert not [f for f in report.findings if f.severity == "error" and f.rule_id.startswith("prose.")]


def test_share_rounded_to_total_100_is_a_warning_huzhou_finance_p8(huzhou_finance):
    # 5,356.01 ÷ 6,838.41 = 78.32%, printed 78.4% (78.4 + 11.6 + 3.9 + 6.1 = 100.0).
    _, _, report = huzhou_finance
    (warning,) = [f for f in report.findings if f.rule_id == "prose.rounding"]
    assert warning.severity == "warning" and warning.actual == "78.4%"
    assert warning.expected == "5,356.01 ÷ 6,838.41 = 78.32%"


def test_share_base_is_the_listed_parts_beijing_commerce_p9():
    # 基本支出 31,644.88 (10.97%) + 项目支出 256,759.24 (89.03%): 256,759.24 ÷ 288,404.12 = 89.03%, while the
    # 支出预算 288,416.35 printed before them includes 年终结转结余 12.23.
    report = verify(_doc("北京/2026年北京市商务局部门预算.pdf"))
    assert not [f for f in report.findings if f.severity in ("error", "warning") and f.rule_id.startswith("prose.")]


def test_share_larger_than_its_base_means_another_base_hangzhou_police_p6():
    # "…资源勘探工业信息等支出2,448.58万元。2.按支出用途分类，包括人员支出250,110.65万元，占61.9%；…" — the base is
    # the 404,415.23 total (= the three listed parts), never the last item of the list before.
    report = verify(_doc("杭州/2026年杭州市公安局部门预算.pdf"))
    prose = [f for f in report.findings if f.severity in ("error", "warning") and f.rule_id.startswith("prose.")]
    # 250,110.65 ÷ 404,415.23 = 61.85% → 61.8%; 61.9% makes 61.9 + 11.8 + 26.3 = 100.0: a rounding warning.
    assert [(f.rule_id, f.expected, f.actual) for f in prose] == [
        ("prose.rounding", "250,110.65 ÷ 404,415.23 = 61.85%", "61.9%")
    ]


def test_one_list_item_per_indented_line_wuxi_education_p53():
    # "…支出预算合计512,434.34万元，其中：" then each item on its own indented line, ending in "；": one sentence.
    total = _with_amount(claims(_doc("无锡/教育局-p53.pdf")), "512434.34")
    assert [(s, a) for s, a in _parts(total)][:2] == [("基本支出", D("280524.94")), ("项目支出", D("231909.4"))]
    assert len(_parts(total)) == 5
    assert _findings("无锡/教育局-p53.pdf", "error") == []


def test_a_part_noted_inside_one_item_leaves_the_list_shenzhen_police_p9():
    # "12.…2,697.23万元，主要包括：…运行维护973.30万元，其中结转结余220.80万元，用于…；系统线路租用费40.00万元…"
    found = claims(_doc("深圳/公安局-p9.pdf"))
    item = _with_amount(found, "973.30")
    assert [a for _, a in _parts(item)] == [D("220.80")]
    total = _with_amount(found, "2697.23")
    assert [a for _, a in _parts(total)] == [D("973.30"), D("40.00"), D("250.00"), D("59.25"), D("686.00")]
    assert _findings("深圳/公安局-p9.pdf", "error") == []
