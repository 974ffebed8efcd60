"""Money amounts and their declared units: which field is in 万元 and which in 元, and the
values that look entered in the other unit.

Declared units (the question, the data format and the prose all use them):
- 表二 2021 `table2.fees_wan_yuan` 行政事业性收费 本年收费金额: 万元 (printed in the table header);
- 表二 2019 `table2_2019.procurement.amount` 政府集中采购 采购总金额: 万元 (the official header
  prints no unit; draftbot uses 万元 like the fee column, and says so in the question);
- `facts.info_fee.*_yuan` 信息处理费: 元 (国办函〔2020〕109号 sets the fees in 元).

A value is suspected of being in 元 when 采购总金额 exceeds 1 亿元 (10000 万元) per project, or a
department's or township's 收费金额 exceeds 1 亿元; a 信息处理费 between 0 and 1 元 with
decimals looks entered in 万元. Suspicions are warnings: the clerk decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import AgencyLevel, Report
from .numbers import format_amount

WAN = Decimal(10000)
PER_PROJECT_LIMIT_WAN = Decimal(10000)  # 1 亿元 per centrally procured project
SMALL_AGENCY_FEE_LIMIT_WAN = Decimal(10000)  # 1 亿元 of 行政事业性收费 for a department or township
_SMALL_AGENCIES = (AgencyLevel.county_department, AgencyLevel.township)


@dataclass(frozen=True)
class UnitSuspicion:
    """A money value that looks entered in the wrong unit.

    `field`: dotted path in the data file; `label`: the cell as printed; `value`: as entered;
    `declared`/`likely`: 万元 or 元; `converted`: the value in the declared unit if the
    suspicion is right (e.g. 3922533.2 元 → 392.25332 万元).
    """

    field: str
    label: str
    value: Decimal
    declared: str
    likely: str
    converted: Decimal

    def message(self) -> str:
        return (
            f"填写的是 {format_amount(self.value)}，本栏单位是{self.declared}；"
            f"这个数看起来是按{self.likely}填写的（如按{self.likely}计，"
            f"应填 {format_amount(self.converted)}）"
        )


def unit_suspicions(report: Report) -> list[UnitSuspicion]:
    """Every money value of `report` that looks entered in the wrong unit (see module doc)."""
    found: list[UnitSuspicion] = []
    form = report.format
    amount = form.table2_value(report, "procurement.amount")
    fee = form.table2_value(report, "fees_wan_yuan")
    if amount is not None:
        amount = Decimal(amount)
        per_project = amount / max(int(form.table2_value(report, "procurement.projects") or 0), 1)
        if per_project > PER_PROJECT_LIMIT_WAN:
            found.append(
                UnitSuspicion(
                    form.table2_path("procurement", "amount"),
                    "政府集中采购 · 采购总金额",
                    amount,
                    "万元",
                    "元",
                    amount / WAN,
                )
            )
    elif (
        fee is not None
        and report.meta.level in _SMALL_AGENCIES
        and fee > SMALL_AGENCY_FEE_LIMIT_WAN
    ):
        fee = Decimal(fee)
        found.append(
            UnitSuspicion(
                form.table2_path("fees_wan_yuan"),
                "行政事业性收费 · 本年收费金额",
                fee,
                "万元",
                "元",
                fee / WAN,
            )
        )
    info = report.facts.info_fee
    for name, label in (
        ("notices_amount_yuan", "信息处理费 · 收费通知金额"),
        ("collected_yuan", "信息处理费 · 实际收取金额"),
    ):
        value: Decimal = getattr(info, name)
        if 0 < value < 1:
            found.append(
                UnitSuspicion(f"facts.info_fee.{name}", label, value, "元", "万元", value * WAN)
            )
    return found
