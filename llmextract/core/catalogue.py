"""The rules catalogue: every finding's id, the severity of a failure, and one line saying what is checked.

Ids are part of the output contract (findings, `llmextract rules`): rename never, add freely. Every layer
names the findings it makes from here, so this module lives in core (it is data, no logic).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmextract.core.findings import Severity

HYBRID_DISAGREEMENT = "hybrid.disagreement"
LLM_FAILED = "llm.failed"
BLOCK_FAILED = "extract.block-failed"
TABLE_PARSE_FAILED = "tables.parse-failed"
PROSE_PARSE_FAILED = "prose.parse-failed"
RULE_FAILED = "verify.rule-failed"
PROSE_ROUNDING = "prose.rounding"
PERIOD_UNFILLED = "record.period-unfilled"
READING_INCOMPLETE = "reading.incomplete"
# Findings that say llmextract itself failed on part of a document (not that the document is wrong).
FAILURE_RULES = frozenset({LLM_FAILED, BLOCK_FAILED, TABLE_PARSE_FAILED, PROSE_PARSE_FAILED, RULE_FAILED})
# Findings about how llmextract read the document, not about the document's consistency (no verifier claim).
READING_RULES = FAILURE_RULES | {HYBRID_DISAGREEMENT}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    description: str


RULES: tuple[Rule, ...] = (
    Rule(
        "table.code-hierarchy",
        "error",
        "each 类 (3-digit code) equals the sum of its 款, each 款 the sum of its 项 (in a table by economic class "
        "that prints no codes: each class line the sum of the items under it)",
    ),
    Rule("table.total-of-classes", "error", "the 合计 row equals the sum of the 类 rows, column by column"),
    Rule(
        "table.basic-plus-project",
        "error",
        "合计 = 基本支出 (or 人员经费 + 公用经费 under a 基本支出 group header) + 项目支出 (+ 事业单位经营, 上缴上级, "
        "对附属单位补助 … when the table adds them) on every row, each half of a two-sided table on its own",
    ),
    Rule("table.personnel-plus-public", "error", "基本支出 (or 合计) = 人员经费 + 公用经费 on every row"),
    Rule("table.summary-balance", "error", "收入总计 = 支出总计 in a 收支总表 / 财政拨款收支总表"),
    Rule(
        "table.summary-columns",
        "error",
        "收支总表, column by column and half by half: the items (or the numbered items, each = its fund lines) "
        "add up to 本年收入(支出)合计, 本年合计 + the balancing rows (结转, 结余, 实户资金) to 总计",
    ),
    Rule(
        "table.sources-sum",
        "error",
        "收入表 / 基本支出表 / 项目支出表 / 财政拨款收支总表: 合计 = the sum of its funding sources on every row; "
        "a group's 小计 (本年收入, 财政拨款, 上年结转结余) = the sum of that group's columns",
    ),
    Rule("table.three-public-parts", "error", "三公 合计 = 因公出国(境) + 公务接待 + 公务用车; 公务用车 = 购置 + 运行"),
    Rule(
        "table.project-list-total",
        "error",
        "项目支出表: the 合计 line = Σ its projects, each unit line = Σ its projects, the department line = Σ its "
        "units, each category (一、二、…) = Σ its items (其中 lines are parts, never siblings)",
    ),
    Rule("table.parsed", "info", "a standard table was found but its rows could not be read"),
    Rule(
        "table.reading-suspect",
        "warning",
        "a table reading is trusted when every amount column sits under a header cell, its rows are recognised "
        "(codes, 其中 parts, subtotal and balancing rows, units vs projects) and most of its own relations hold "
        "(fewer than 3, or fewer than half, fail); otherwise this one warning carries the evidence, the table's "
        "failing checks are not_checkable, and no cross-table, prose or record check claims an error from its "
        "figures",
    ),
    Rule("cross.expenditure-total", "error", "the 支出表 合计 equals the 收支总表 本年支出合计 and the 收入表 合计"),
    Rule(
        "cross.summary-classes",
        "error",
        "each 支出 item of the 收支总表 (一、一般公共服务支出 …) = the 合计 of that 类 in the 支出表 (budgets only)",
    ),
    Rule("cross.basic-economic", "error", "基本支出 of the 一般公共预算支出表 = 合计 of the 基本支出经济分类表"),
    Rule("cross.project-list", "error", "Σ 项目支出表 = 项目支出 of the 支出表 (or of the 一般公共预算支出表)"),
    Rule(
        "cross.rows-by-code",
        "error",
        "a 收入表 listed by 科目编码 prints each code's 合计 as the 支出表 does (same codes, budgets only)",
    ),
    Rule("cross.admin-cost", "warning", "机关运行经费 = 公用经费 of the 基本支出经济分类表 (the usual template)"),
    # Prose rules claim an error only from a certain reading: the figure's subject and the clause's attachment
    # are not doubted (PROSE_TRUST below), and the base of a ratio is certain.
    Rule(
        "prose.change-rate",
        "error",
        "a stated change and its rate agree: rate = change ÷ (current ∓ change); not checkable when the change "
        "clause may belong to another figure",
    ),
    Rule(
        "prose.share",
        "error",
        "a stated share (占x%) is the amount ÷ its base: the list's total, or the sum of the listed parts when "
        "their shares add up to 100%; not checkable when the base is uncertain (larger share than base, another "
        "side named, doubted or far-off base)",
    ),
    Rule("prose.completion-rate", "error", "完成年初预算的x% equals 决算 ÷ 年初预算 stated in the same sentence"),
    Rule(
        PROSE_ROUNDING,
        "warning",
        "a percentage off by at most one step of its last digit (the ratio truncated, or shares nudged to total "
        "100%): a rounding matter, not an error",
    ),
    Rule(
        "prose.components-sum",
        "error",
        "the parts listed after 其中 add up to their total (at most, after 主要包括/等); not checkable when an "
        "item has no subject",
    ),
    Rule(
        "prose.amount-in-table",
        "error",
        "an amount stated for 基本支出/项目支出/人员经费/公用经费/三公/机关运行经费/a 类 is in the table of its "
        "scope (all funds or 一般公共预算); not for a part of a narrower figure (a 科目's 人员经费) or a doubted "
        "subject",
    ),
    Rule("prose.project-count", "error", "the stated number and amount of 二级项目 match the 项目支出表"),
    Rule(
        "prose.disclosed-project-tables",
        "error",
        "the stated number of disclosed (公开) 项目绩效目标 matches the project tables in the document; counts of "
        "projects that have targets (编报/设置 N 个, 涉及 N 个一级项目) are not counts of printed tables",
    ),
    Rule("grounding.not-found", "warning", "a record's text field or indicator is found in its block of the document"),
    Rule("record.sources-sum", "error", "a project's funding sources add up to its 年度 (and 实施期) total"),
    Rule("record.period-ge-annual", "error", "实施期资金总额 ≥ 年度资金总额"),
    Rule(
        PERIOD_UNFILLED,
        "warning",
        "实施期资金总额 printed as 0 while 年度资金总额 is not: not filled in, or wrong (never verified)",
    ),
    Rule(
        "record.funding-vs-project-list",
        "error",
        "a project's 年度资金总额 equals its line in the 项目支出表 (matched by name, 元 ↔ 万元)",
    ),
    Rule(
        "record.project-list-name",
        "warning",
        "the project's name is printed the same in its target table and in the 项目支出表",
    ),
    Rule(
        "record.disclosed-amount",
        "error",
        "the stated amount of the disclosed 项目绩效目标 (涉及项目金额) = Σ 年度资金总额 of the project tables",
    ),
    Rule(
        "record.indicator-arithmetic",
        "warning",
        "an explicit count × unit cost (26座 × ≤7.5万元/座) agrees with the project's funds",
    ),
    Rule("record.dept-table-sum", "error", "the 部门整体支出绩效目标表's 合计 = Σ its sources = 基本支出 + 项目支出"),
    Rule(
        "record.dept-vs-prose",
        "error",
        "the 部门整体 table's 合计/基本支出/项目支出 equal the figures of the prose and of the 支出表",
    ),
    Rule("record.evaluation-balance", "error", "self-evaluation: 预算 − 实际使用 = 结余; 执行率 = 执行数 ÷ 预算数"),
    Rule(
        "record.evaluation-scores",
        "error",
        "self-evaluation: indicator 分值 and 得分 add up to the printed 总分 (and 得分 ≤ 分值)",
    ),
    Rule(
        READING_INCOMPLETE,
        "warning",
        "a record lacks a name, funds or indicators its table visibly prints (the reading missed them): "
        "the record goes to review",
    ),
    Rule(
        HYBRID_DISAGREEMENT,
        "warning",
        "the rules reader and the LLM read a field differently: the record goes to review with both readings",
    ),
    Rule(
        LLM_FAILED, "warning", "the LLM could not read a region (endpoint or replies failed): its records need review"
    ),
    # Failures of llmextract itself: contained to the part that failed, reported with the exception.
    Rule(
        BLOCK_FAILED,
        "warning",
        "a reader raised on one project block: that block has no record, the rest of the document is read",
    ),
    Rule(
        TABLE_PARSE_FAILED,
        "warning",
        "the table parser raised on one table: the checks that needed it are not checkable",
    ),
    Rule(
        PROSE_PARSE_FAILED,
        "warning",
        "the prose parser raised on one paragraph: its figures are not checked",
    ),
    Rule(
        RULE_FAILED,
        "warning",
        "a verifier rule raised: the numbers it would have checked are not checkable, the other rules ran",
    ),
)

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

# What each rule checks, in Chinese: the review UI speaks Chinese and names each finding by this line and its id
# (every rule of RULES has one; a test checks).
CHINESE: dict[str, str] = {
    "table.code-hierarchy": "科目编码层级：每个类（3位编码）等于其款之和，每个款等于其项之和",
    "table.total-of-classes": "合计行逐列等于各类行之和",
    "table.basic-plus-project": "每一行：合计 = 基本支出 + 项目支出",
    "table.personnel-plus-public": "每一行：基本支出（或合计）= 人员经费 + 公用经费",
    "table.summary-balance": "收支总表 / 财政拨款收支总表：收入总计 = 支出总计",
    "table.summary-columns": "收支总表逐列：各项之和 = 本年收入（支出）合计，本年合计 + 结转/结余 = 总计",
    "table.sources-sum": "收入表 / 基本支出表 / 项目支出表：每一行合计 = 各资金来源列之和",
    "table.three-public-parts": "三公经费：合计 = 因公出国（境）+ 公务接待 + 公务用车；公务用车 = 购置 + 运行",
    "table.project-list-total": "项目支出表的合计行等于各项目之和",
    "table.parsed": "找到了标准表格，但未能读出其中的行",
    "table.reading-suspect": "表格读数可信度：金额列都在表头下、各行可识别且表内关系大多成立；否则只报这一条警告，"
    "该表的核查记为无法核查，也不据其数字报告跨表、文字或记录错误",
    "cross.expenditure-total": "支出表合计 = 收支总表本年支出合计 = 收入表合计",
    "cross.summary-classes": "收支总表的每个支出项目（一、一般公共服务支出…）= 支出表中该类的合计（仅预算）",
    "cross.basic-economic": "一般公共预算支出表的基本支出 = 基本支出经济分类表的合计",
    "cross.project-list": "项目支出表之和 = 支出表（或一般公共预算支出表）的项目支出",
    "cross.rows-by-code": "按科目编码列出的收入表与支出表，每个编码的合计相同（仅预算）",
    "cross.admin-cost": "机关运行经费 = 基本支出经济分类表的公用经费（常见模板）",
    "prose.change-rate": "文字说明中的增减额与增减幅度一致：幅度 = 增减额 ÷（本年 ∓ 增减额）",
    "prose.share": "文字说明中的占比（占x%）= 金额 ÷ 文中所述总额",
    "prose.completion-rate": "完成年初预算的x% = 决算数 ÷ 同句所述年初预算数",
    "prose.rounding": "百分比与计算值只差末位一个单位（截断或为凑足100%调整）：属于舍入，不是错误",
    "prose.components-sum": "“其中”所列各部分之和等于总额（“主要包括/等”时不超过总额）",
    "prose.amount-in-table": "文字说明中基本支出/项目支出/人员经费/公用经费/三公/机关运行经费的金额与表格一致",
    "prose.project-count": "文字说明中二级项目的个数和金额与项目支出表一致",
    "prose.disclosed-project-tables": "文字说明中公开的项目绩效目标表个数与文档一致",
    "grounding.not-found": "记录的文本字段或指标能在其所在文本块中找到",
    "record.sources-sum": "项目的各资金来源之和等于其年度（及实施期）资金总额",
    "record.period-ge-annual": "实施期资金总额 ≥ 年度资金总额",
    "record.period-unfilled": "实施期资金总额印为 0 而年度资金总额不为 0：未填写或有误（不作核实）",
    "record.funding-vs-project-list": "项目的年度资金总额等于项目支出表中同名项目的金额（元 ↔ 万元换算）",
    "record.project-list-name": "项目名称在绩效目标表和项目支出表中写法一致",
    "record.disclosed-amount": "公开的项目绩效目标涉及金额 = 各项目表年度资金总额之和",
    "record.indicator-arithmetic": "指标中明确的数量 × 单价（如26座 × ≤7.5万元/座）与项目资金相符",
    "record.dept-table-sum": "部门整体支出绩效目标表：合计 = 各资金来源之和 = 基本支出 + 项目支出",
    "record.dept-vs-prose": "部门整体表的合计/基本支出/项目支出与文字说明和支出表一致",
    "record.evaluation-balance": "自评表：预算 − 实际使用 = 结余；执行率 = 执行数 ÷ 预算数",
    "record.evaluation-scores": "自评表：各指标分值和得分之和等于总分（且得分 ≤ 分值）",
    READING_INCOMPLETE: "记录缺少其表格明显印有的名称、资金或指标（读取有遗漏）：需要审核",
    HYBRID_DISAGREEMENT: "规则读取与 LLM 读取的字段不一致：附两种读数，需要审核",
    LLM_FAILED: "LLM 未能读取该区域（接口或回复失败）：相关记录需要审核",
    BLOCK_FAILED: "读取某个项目块时出错：该块没有记录，文档其余部分照常读取",
    TABLE_PARSE_FAILED: "解析某张表格时出错：依赖它的核查无法进行",
    PROSE_PARSE_FAILED: "解析某段文字说明时出错：其中的数字未核查",
    RULE_FAILED: "某条核查规则出错：它要核查的数字无法核查，其他规则照常运行",
}
