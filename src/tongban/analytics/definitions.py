"""The scoreboard's figures: what each means (shown beside it), which way is better, and the
best platforms' published figures it is set against, each with its source and year."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Anchor:
    value: float
    label: str
    source: str
    year: int


@dataclass(frozen=True)
class Definition:
    code: str
    label: str
    unit: str
    text: str
    better: str  # "lower" or "higher"
    anchors: tuple[Anchor, ...] = ()


DEFINITIONS = (
    Definition(
        "visits_per_case",
        "件均跑动次数",
        "次",
        "办结办件中申请人到现场的次数合计 ÷ 办结办件数（窗口申请、补正、核验、领取各计一次）",
        "lower",
        (Anchor(0.27, "北京市件均跑动次数", "北京市政务服务管理局", 2020),),
    ),
    Definition(
        "materials_by_applicant",
        "申请人仍需提交的材料占比",
        "%",
        "已提交办件所需材料中，仍由申请人提交（而非平台通过数据共享、电子证照获取）的比例",
        "lower",
        (
            Anchor(20.0, "西安市目标：数据共享获取 80%", "西安市“政府数字化转型”目标", 2020),
            Anchor(
                50.0, "西咸新区：企业申报材料减少 50%", "本文（西安“互联网+政务服务”报道）", 2020
            ),
        ),
    ),
    Definition(
        "promised_vs_legal",
        "承诺时限较法定时限压缩",
        "%",
        "受理办件的承诺时限合计 ÷ 法定时限合计 − 1（负数为压缩）",
        "lower",
        (
            Anchor(-94.63, "杭州市承诺时限较法定时限压缩", "杭州市数据资源管理局", 2020),
            Anchor(
                -75.0, "西咸新区承诺时限比法定时限压缩", "本文（西安“互联网+政务服务”报道）", 2020
            ),
        ),
    ),
    Definition(
        "used_vs_promised",
        "实际用时占承诺时限",
        "%",
        "办结办件自受理至作出决定的工作日（扣除特别程序）合计 ÷ 其承诺时限合计",
        "lower",
    ),
    Definition(
        "used_median",
        "实际用时中位数",
        "工作日",
        "办结办件自受理至作出决定的工作日（扣除特别程序）的中位数",
        "lower",
    ),
    Definition(
        "used_p90",
        "实际用时第90百分位",
        "工作日",
        "90% 的办结办件在此工作日数以内办结",
        "lower",
    ),
    Definition(
        "on_time_rate",
        "按承诺时限办结率",
        "%",
        "在承诺办结期限内作出决定的办件 ÷ 办结办件"
        "（邮寄、信包箱送达的时间由申请人选择，不计入承诺时限）",
        "higher",
    ),
    Definition(
        "online_share",
        "网上申请占比",
        "%",
        "网上提交的办件 ÷ 提交的办件",
        "higher",
        (Anchor(83.97, "上海“一网通办”网办比例", "上海市人民政府办公厅", 2022),),
    ),
    Definition(
        "same_day_share",
        "即办件占比",
        "%",
        "受理当日作出决定的办件 ÷ 办结办件",
        "higher",
    ),
    Definition(
        "no_visit_share",
        "不见面办结占比",
        "%",
        "全程无需到现场（含结果送达）的办结办件 ÷ 办结办件",
        "higher",
        (Anchor(95.4, "杭州市“不见面”可办事项占比（按事项）", "杭州市数据资源管理局", 2020),),
    ),
    Definition(
        "startup_days",
        "企业开办平均用时",
        "工作日",
        "“开办企业”主题事项的办结办件，自提交至办结的工作日平均数",
        "lower",
        (
            Anchor(
                2.7,
                "西安开办企业时间由14.1天压缩至2.7天",
                "本文（西安“互联网+政务服务”报道）",
                2020,
            ),
        ),
    ),
    Definition(
        "good_rate",
        "好评率",
        "%",
        "非常满意、满意、基本满意的评价 ÷ 评价数（申诉成立的不计；再次评价替代原评价）",
        "higher",
        (Anchor(99.96, "上海“好差评”好评率", "上海市人民政府办公厅", 2022),),
    ),
    Definition(
        "callback_rate",
        "实名差评回访率",
        "%",
        "已回访的实名差评 ÷ 实名差评（目标 100%）",
        "higher",
        (Anchor(100.0, "国办发〔2019〕51号：实名差评回访整改率", "国务院办公厅", 2019),),
    ),
    Definition(
        "rectification_rate",
        "差评整改率",
        "%",
        "核实属实并已整改的差评 ÷ 核实属实的差评",
        "higher",
    ),
    Definition(
        "bad_on_time_rate",
        "差评按期办结率",
        "%",
        "每一步都在期限内完成的差评工单 ÷ 已办结的差评工单",
        "higher",
    ),
)
BY_CODE = {d.code: d for d in DEFINITIONS}
