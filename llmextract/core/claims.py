"""NarrativeClaim: one figure stated in the prose (情况说明), with what it says about totals, shares and changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from llmextract.core.locations import Location

Direction = Literal["up", "down", "flat"]


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
