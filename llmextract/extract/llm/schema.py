"""The response models the LLM fills in, one per record kind. Their JSON Schema *is* the prompt: each
``description`` tells the model what to copy, so keep them short (every word is paid for on every call).

A region may hold any number of projects, so every reply is a list (0..n) of records of the region's kind:
project target tables (项目支出绩效目标表 and one-row-per-project tables), department-wide tables
(部门整体支出绩效目标表) and self-evaluations (绩效自评表 / 绩效评价表). The model returns strings exactly as
printed; numbers are parsed later by deterministic code, and so are the splits code does as well as a model:
the department code from the department ("409-忻州市商务局"), the citations from 立项依据, and an indicator's
``value_raw`` from its 指标性质 / 指标值 / 计量单位 cells. The source split of the funds is left to the rules
reader (a grid of numbers the model adds nothing to). Optional fields default to "" so a model may leave out
what the region does not print: the reply, and its output budget, stay small.

Every string must occur in the region: the validators check that against the region passed in the pydantic
validation context (or, during an instructor call, :func:`grounding_in`), and a failure is re-asked with the
error message.

Why not instructor's ``context=`` argument: instructor also renders every message as a Jinja template with that
context and dedents it, which would rewrite document text that contains ``{{``, ``{%`` or indentation. The
region is therefore handed to the validators through a context variable scoped to one call (asyncio gives each
task its own copy, so concurrent regions do not see each other's text).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, Literal

from instructor import OpenAISchema
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from llmextract.core.records import RecordKind
from llmextract.extract.llm.grounding import GroundedText

CONTEXT_KEY = "block"
_CURRENT_BLOCK: ContextVar[GroundedText | None] = ContextVar("llmextract_block", default=None)


@contextmanager
def grounding_in(block: GroundedText) -> Iterator[None]:
    """Validate every response model built inside this scope against ``block``."""
    token = _CURRENT_BLOCK.set(block)
    try:
        yield
    finally:
        _CURRENT_BLOCK.reset(token)


def _compact_schema(schema: dict[str, Any]) -> None:
    # Property titles repeat the field names, and a default of "" says nothing the description does not:
    # dropping them shortens every request. (The root model's title stays: instructor names the tool after it.)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
        if prop.get("default") == "":
            prop.pop("default")


class _Grounded(OpenAISchema):
    # Deriving from instructor's schema base spares it from deriving a new class from ours on every call
    # (about 12 ms of CPU per request, which caps throughput at high concurrency).
    model_config = ConfigDict(json_schema_extra=_compact_schema, extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _quoted_from_block(cls, value: Any, info: ValidationInfo) -> Any:
        block = (info.context or {}).get(CONTEXT_KEY) or _CURRENT_BLOCK.get()
        if not isinstance(block, GroundedText) or not isinstance(value, str) or info.field_name == "column":
            return value
        if not block.contains(value):
            raise ValueError(
                f"{value!r} does not occur in the table; copy the text exactly as printed in the table, "
                'or use "" when the table leaves this field blank'
            )
        return value


def _compact_nested_schema(schema: dict[str, Any]) -> None:
    _compact_schema(schema)
    schema.pop("title", None)  # only the root model's title is used (as the tool name)


class _GroundedPart(_Grounded):
    model_config = ConfigDict(json_schema_extra=_compact_nested_schema)


class LLMIndicator(_GroundedPart):
    level1: str = Field("", description="一级指标")
    level2: str = Field("", description="二级指标")
    name: str = Field(description="三级指标/指标名称")
    value: str = Field(description="指标值")
    comparator: str = Field("", description="指标性质")
    unit: str = Field("", description="计量单位")
    column: Literal["period", "annual"] = Field("annual", description="实施期 period / 年度 annual")


class LLMEvaluationIndicator(LLMIndicator):
    actual: str = Field("", description="实际完成值")
    weight: str = Field("", description="分值")
    score: str = Field("", description="得分")


class LLMProject(_GroundedPart):
    name: str = Field(description="项目名称")
    department: str = Field("", description="主管部门(及代码)")
    implementing_unit: str = Field("", description="实施单位/单位名称")
    attribute: str = Field("", description="项目属性")
    period: str = Field("", description="项目期")
    funding_unit: str = Field("", description="金额单位")
    period_total: str = Field("", description="实施期资金总额")
    annual_total: str = Field("", description="年度资金总额/金额")
    overview: str = Field("", description="项目概况")
    basis: str = Field("", description="立项依据")
    necessity: str = Field("", description="项目设立必要性")
    safeguards: str = Field("", description="保证项目实施的制度、措施")
    plan: str = Field("", description="项目实施计划")
    period_goal: str = Field("", description="实施期目标")
    annual_goal: str = Field("", description="年度目标/绩效目标")
    indicators: list[LLMIndicator] = Field(default_factory=list, description="绩效指标")


class LLMDepartment(_GroundedPart):
    name: str = Field(description="部门(单位)名称")
    funding_unit: str = Field("", description="金额单位")
    annual_total: str = Field("", description="年度预算/资金总额")
    overview: str = Field("", description="部门职责")
    annual_goal: str = Field("", description="年度绩效目标")
    indicators: list[LLMIndicator] = Field(default_factory=list, description="绩效指标")


class LLMEvaluation(_GroundedPart):
    name: str = Field(description="项目名称")
    department: str = Field("", description="主管部门")
    implementing_unit: str = Field("", description="实施单位")
    funding_unit: str = Field("", description="金额单位")
    annual_total: str = Field("", description="年初预算数/预算资金")
    overview: str = Field("", description="项目概况")
    annual_goal: str = Field("", description="年度目标")
    indicators: list[LLMEvaluationIndicator] = Field(default_factory=list, description="绩效指标")


class ProjectTargets(_Grounded):
    """项目绩效目标"""

    records: list[LLMProject]


class DepartmentTargets(_Grounded):
    """部门整体绩效目标"""

    records: list[LLMDepartment]


class SelfEvaluations(_Grounded):
    """项目绩效自评"""

    records: list[LLMEvaluation]


LLMRecord = LLMProject | LLMDepartment | LLMEvaluation
ResponseModel = type[ProjectTargets] | type[DepartmentTargets] | type[SelfEvaluations]
RESPONSE_MODELS: Mapping[RecordKind, ResponseModel] = {
    "project": ProjectTargets,
    "department": DepartmentTargets,
    "evaluation": SelfEvaluations,
}


@cache
def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema, computed once (pydantic does not cache it, and it costs ~10 ms)."""
    return model.model_json_schema()


def schema_hash(model: type[BaseModel]) -> str:
    """sha256 of a response model's JSON Schema: part of the cache key, so a schema change is a cache miss."""
    text = json.dumps(json_schema(model), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
