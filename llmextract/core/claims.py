"""NarrativeClaim: one figure stated in the prose (情况说明), with what it says about totals, shares and changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from llmextract.core.locations import Location

Direction = Literal["up", "down", "flat"]
# What a doubt is about: the figure itself (whether it is the one its sentence is about: no subject printed, a
# subject cut by a line break), its subject (what it is of: another year, a parenthesis), the change or the share
# said of it (whether the clause belongs to this figure), or its components (whether the list is complete).
DoubtAbout = Literal["figure", "subject", "change", "share", "components"]
Scope = Literal["财政拨款", "一般公共预算", "政府性基金", "国有资本经营"]


class Doubt(BaseModel):
    """Why the reader is not sure how a figure attaches: a relation it concerns is never claimed as an error."""

    model_config = ConfigDict(frozen=True, title="存疑 Doubt")

    about: DoubtAbout
    reason: str


class NarrativeClaim(BaseModel):
    """An amount (or count) stated in the prose, and the share, change and completion rate said of it."""

    model_config = ConfigDict(frozen=True, title="说明陈述 NarrativeClaim")

    location: Location = Field(description="span of the clauses that state the figure")
    text: str = Field(description="the clauses as printed")
    subject: str = Field(description="what the figure is of, as printed before it (e.g. 基本支出)")
    amount: Decimal | None = Field(default=None, description="the amount as printed (in `unit`)")
    unit: str | None = Field(default=None, description="元 / 万元 / 亿元")
    share_pct: Decimal | None = Field(default=None, description="占x%: the share of a total, in percent")
    change_amount: Decimal | None = Field(default=None, description="比上年增加/减少 x (in `unit`), unsigned")
    change_pct: Decimal | None = Field(default=None, description="增长/下降 x%, unsigned")
    direction: Direction | None = Field(default=None, description="up, down, or flat (持平/相同)")
    completion_pct: Decimal | None = Field(default=None, description="完成年初预算的x%")
    count: int | None = Field(default=None, description="a count stated with the figure (二级项目8个)")
    partial: bool = Field(default=False, description="the components are examples (主要包括, 等), not all parts")
    components: list[list[NarrativeClaim]] = Field(
        default_factory=list,
        description="each list after 其中/包括 names parts that add up to `amount` (at most, when `partial`)",
    )
    scope: Scope | None = Field(
        default=None,
        description="the funds the figure covers when the text says so (its own words, its list's total, its "
        "paragraph's first figure or its section heading); None: all funds or not said",
    )
    doubts: list[Doubt] = Field(
        default_factory=list,
        description="why the reader is unsure of the subject, of the change or share clause, or of the list: "
        "the relations concerned are not checkable (empty: the reading is certain)",
    )

    def doubt(self, *about: DoubtAbout) -> str | None:
        """The first reason for doubt about any of ``about``; None when the reading is certain."""
        return next((d.reason for d in self.doubts if d.about in about), None)
