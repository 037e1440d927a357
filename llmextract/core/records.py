"""Output records: the typed, source-grounded project records that llmextract produces.

Field names are the public contract (DESIGN.md); Chinese names are in the JSON Schema titles. Money is
Decimal; every number carries a location (``field_locations`` for the record's own fields, ``location`` on
each indicator). Parsed comparator/value/unit of an indicator come from deterministic parsing of
``value_raw``, never from an LLM.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from llmextract.core.alignment import AlignmentStatus
from llmextract.core.findings import Finding
from llmextract.core.locations import Location
from llmextract.core.numbers import Comparator
from llmextract.core.paths import FieldPath


class FundingSources(BaseModel):
    model_config = ConfigDict(title="资金来源 FundingSources")

    central: Decimal | None = Field(default=None, title="中央财政资金")
    provincial: Decimal | None = Field(default=None, title="省级财政资金")
    local: Decimal | None = Field(default=None, title="市县(区)财政资金")
    self_raised: Decimal | None = Field(default=None, title="单位自筹")
    other: Decimal | None = Field(default=None, title="其他资金")
    # Central-government and some city forms split funds by kind of appropriation instead of by level.
    appropriation: Decimal | None = Field(default=None, title="财政拨款")
    carried_over: Decimal | None = Field(default=None, title="上年结转")


class Funding(BaseModel):
    model_config = ConfigDict(title="项目资金 Funding")

    unit: Literal["元", "万元", "亿元"] | None = Field(
        default=None, title="金额单位", description="unit printed in the table header"
    )
    period_total: Decimal | None = Field(default=None, title="实施期资金总额")
    annual_total: Decimal | None = Field(default=None, title="年度资金总额")
    sources: FundingSources = Field(default_factory=FundingSources, title="年度资金来源")
    period_sources: FundingSources = Field(default_factory=FundingSources, title="实施期资金来源")


class Citation(BaseModel):
    model_config = ConfigDict(title="立项依据文件 Citation")

    title: str | None = Field(default=None, title="文件名称", description="document title, without 《》")
    doc_number: str | None = Field(default=None, title="文号", description="e.g. 晋财资环〔2023〕62号")


class Goals(BaseModel):
    model_config = ConfigDict(title="总体目标 Goals")

    period: str | None = Field(default=None, title="实施期目标")
    annual: str | None = Field(default=None, title="年度目标")


class Indicator(BaseModel):
    model_config = ConfigDict(title="绩效指标 Indicator")

    level1: str | None = Field(
        default=None, title="一级指标", description="产出指标 / 效益指标 / 满意度指标 / 成本指标"
    )
    level2: str | None = Field(default=None, title="二级指标", description="数量指标 / 质量指标 / 时效指标 / …")
    name: str = Field(title="三级指标")
    value_raw: str = Field(title="指标值", description="exactly as printed")
    comparator: Comparator | None = Field(default=None, title="比较符", description="parsed from value_raw")
    value: Decimal | None = Field(
        default=None, title="数值", description="parsed from value_raw; null when not a number"
    )
    unit: str | None = Field(default=None, title="单位", description="parsed from value_raw")
    column: Literal["annual", "period"] = Field(default="annual", title="指标列", description="年度 or 实施期 column")
    actual_raw: str | None = Field(
        default=None, title="实际完成值", description="self-evaluation tables only: the achieved value as printed"
    )
    weight: Decimal | None = Field(
        default=None, title="分值", description="self-evaluation tables only: the points the indicator is worth"
    )
    score: Decimal | None = Field(
        default=None, title="得分", description="self-evaluation tables only: the points it was given"
    )
    location: Location | None = Field(default=None, title="位置")
    ordinal: int | None = Field(
        default=None,
        ge=0,
        title="序号",
        description="stable number of the indicator within its record, given at extraction; field paths name "
        "indicators by it (indicators[7].value_raw), so removing one never renames another",
    )


RecordKind = Literal["project", "department", "evaluation"]
NumberStatus = Literal["verified", "contradicted", "not_checkable"]
AgreementStatus = Literal["agreed", "disagreed", "rules_only", "llm_only"]


class NumberCheck(BaseModel):
    """What the verifier concluded about one number of the record."""

    model_config = ConfigDict(title="数字核查 NumberCheck")

    status: NumberStatus = Field(
        title="核查状态",
        description="verified: a relation with other printed figures holds; contradicted: one fails; "
        "not_checkable: nothing in the document restates or constrains it",
    )
    rules: list[str] = Field(default_factory=list, title="规则", description="ids of the rules that looked at it")
    note: str = Field(default="", title="说明", description="the arithmetic, or why it could not be checked")


class FieldGrounding(BaseModel):
    """How a text field was found in the record's block of the document."""

    model_config = ConfigDict(title="字段溯源 FieldGrounding")

    status: AlignmentStatus = Field(title="对齐状态", description="exact / normalised / fuzzy / not_found")
    score: float = Field(ge=0, le=1, title="匹配度", description="1 for exact and normalised matches")


class FieldAgreement(BaseModel):
    """How the rules reader and the LLM read one field of a hybrid record."""

    model_config = ConfigDict(frozen=True, title="读取一致性 FieldAgreement")

    status: AgreementStatus = Field(
        title="一致性",
        description="agreed; disagreed (both read it, differently: the record goes to review); rules_only / "
        "llm_only (one reader only)",
    )
    rules: str | None = Field(default=None, title="规则读取", description="the rules reader's value, as text")
    llm: str | None = Field(default=None, title="模型读取", description="the LLM's value, as text")


class ProjectRecord(BaseModel):
    model_config = ConfigDict(title="项目记录 ProjectRecord")

    doc_id: str = Field(description="sha256 of the source file")
    record_id: str = Field(
        default="",
        title="记录编号",
        description="stable id within the document: the first 16 hex digits of doc_id and the start offset of "
        "the record's span (made unique by the pipeline); findings refer to records by it",
    )
    location: Location = Field(title="位置", description="the whole project block")
    kind: RecordKind = Field(
        default="project",
        title="表类型",
        description="project: 项目支出绩效目标表; department: 部门整体支出绩效目标表; "
        "evaluation: 项目绩效自评表 / 绩效评价表",
    )
    name: str = Field(title="项目名称")
    department: str | None = Field(default=None, title="主管部门")
    department_code: str | None = Field(default=None, title="主管部门代码")
    implementing_unit: str | None = Field(default=None, title="实施单位")
    attribute: str | None = Field(default=None, title="项目属性")
    period: str | None = Field(default=None, title="项目期")
    funding: Funding = Field(default_factory=Funding, title="项目资金")
    overview: str | None = Field(default=None, title="项目概况")
    basis: str | None = Field(default=None, title="立项依据")
    basis_citations: list[Citation] = Field(default_factory=list, title="立项依据文件")
    necessity: str | None = Field(default=None, title="项目设立必要性")
    safeguards: str | None = Field(default=None, title="保证项目实施的制度、措施")
    plan: str | None = Field(default=None, title="项目实施计划")
    goals: Goals = Field(default_factory=Goals, title="总体目标")
    indicators: list[Indicator] = Field(default_factory=list, title="绩效指标")
    extractor: str = Field(title="抽取器", description='"rules" | "llm:<model>" | "hybrid:<model>"')
    prompt_version: str | None = Field(default=None, title="提示词版本")
    confidence: float | None = Field(default=None, ge=0, le=1, title="置信度")
    field_locations: dict[FieldPath, Location] = Field(
        default_factory=dict, title="字段位置", description="field path (e.g. funding.annual_total) to its source"
    )
    findings: list[Finding] = Field(default_factory=list, title="核查发现")
    field_grounding: dict[FieldPath, FieldGrounding] = Field(
        default_factory=dict,
        title="字段溯源",
        description="text field path (e.g. overview, indicators[3].name) to how it was found in the block",
    )
    number_checks: dict[FieldPath, NumberCheck] = Field(
        default_factory=dict,
        title="数字核查",
        description="number path (e.g. funding.annual_total, indicators[3].value) to its verification status",
    )
    agreement: dict[FieldPath, FieldAgreement] = Field(
        default_factory=dict,
        title="读取一致性",
        description="hybrid records: field path to how the rules reader and the LLM read it",
    )
    llm_reasks: int = Field(
        default=0, ge=0, title="重问次数", description="times the LLM had to be corrected for this record"
    )

    @model_validator(mode="after")
    def _identified(self) -> ProjectRecord:
        """Give the record its id and every indicator without one the next free ordinal."""
        if not self.record_id:
            self.record_id = default_record_id(self.doc_id, self.location.start)
        taken = [i.ordinal for i in self.indicators if i.ordinal is not None]
        if len(taken) != len(set(taken)):
            raise ValueError("two indicators of a record share an ordinal")
        nxt = max(taken, default=-1) + 1
        for ind in self.indicators:
            if ind.ordinal is None:
                ind.ordinal = nxt
                nxt += 1
        return self

    def indicator(self, ordinal: int) -> Indicator | None:
        return next((i for i in self.indicators if i.ordinal == ordinal), None)


def default_record_id(doc_id: str, start: int) -> str:
    return f"{doc_id[:16]}:{start}"
