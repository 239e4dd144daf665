"""The scoreboard's daily aggregates: counters per day and slice (item, department,
audience, channel, hall), maintained incrementally by the sweep from the cases and ratings
themselves, so that a scoreboard page sums a few thousand rows instead of reading a year of
cases. Every counter is additive (sums and histograms), so any filter and any period is a
sum of rows; nothing here is entered by hand."""

from __future__ import annotations

from django.db import models


class DailyCaseFigure(models.Model):
    """One day's cases for one slice. Submission counters are keyed by the day of
    submission, acceptance counters by the day of acceptance, completion counters by the
    day of completion (办结)."""

    day = models.DateField("日期")
    item_basic_code = models.CharField("事项基本编码", max_length=40)
    department_id = models.IntegerField("部门")
    audience = models.CharField("服务对象", max_length=12)
    channel = models.CharField("申请渠道", max_length=10)
    # The hall where the case was handled in person (its window accepted it), or 0.
    hall_id = models.IntegerField("大厅", default=0)
    submitted = models.IntegerField("提交", default=0)
    materials_required = models.IntegerField("所需材料", default=0)
    materials_by_applicant = models.IntegerField("申请人提交的材料", default=0)
    accepted = models.IntegerField("受理", default=0)
    promised_days = models.DecimalField("承诺时限合计", max_digits=12, decimal_places=1, default=0)
    legal_days = models.IntegerField("法定时限合计", default=0)
    completed = models.IntegerField("办结", default=0)
    granted = models.IntegerField("准予", default=0)
    on_time = models.IntegerField("承诺时限内办结", default=0)
    no_visit = models.IntegerField("不见面办结", default=0)
    same_day = models.IntegerField("即办（受理当日办结）", default=0)
    visits = models.IntegerField("到现场次数", default=0)
    used_days = models.IntegerField("实际用时合计（工作日）", default=0)
    promised_of_completed = models.DecimalField(
        "办结件的承诺时限合计", max_digits=12, decimal_places=1, default=0
    )
    # Working days used → cases: medians and the 90th percentile come from the merged
    # histograms of any selection of rows.
    used_histogram = models.JSONField("实际用时分布", default=dict)
    startup = models.IntegerField("企业开办办结件", default=0)
    startup_days = models.IntegerField("企业开办用时合计（工作日）", default=0)

    class Meta:
        verbose_name = "每日办件统计"
        verbose_name_plural = "每日办件统计"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "item_basic_code", "department_id", "channel", "hall_id"],
                name="unique_daily_case_slice",
            )
        ]
        # Pages with several filters sum the daily rows of one item, department or hall.
        indexes = [
            models.Index(fields=["day"]),
            models.Index(fields=["item_basic_code", "day"]),
            models.Index(fields=["department_id", "day"]),
            models.Index(fields=["hall_id", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.item_basic_code} {self.channel}"


class DailyRatingFigure(models.Model):
    """One day's ratings (by the day rated) for one slice; handling counters follow the
    bad ratings given that day, whenever they were handled."""

    day = models.DateField("日期")
    item_basic_code = models.CharField("事项基本编码", max_length=40)
    department_id = models.IntegerField("部门")
    audience = models.CharField("服务对象", max_length=12)
    kind = models.CharField("评价类型", max_length=8)
    hall_id = models.IntegerField("大厅", default=0)
    ratings = models.IntegerField("评价数", default=0)
    good = models.IntegerField("好评", default=0)
    level_sum = models.IntegerField("等级合计", default=0)
    bad = models.IntegerField("差评", default=0)
    named_bad = models.IntegerField("实名差评", default=0)
    called_back = models.IntegerField("已回访", default=0)
    called_back_on_time = models.IntegerField("按时回访", default=0)
    valid = models.IntegerField("核实属实", default=0)
    fixed = models.IntegerField("已整改", default=0)
    handled = models.IntegerField("已办结", default=0)
    handled_on_time = models.IntegerField("按时办结", default=0)

    class Meta:
        verbose_name = "每日评价统计"
        verbose_name_plural = "每日评价统计"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "item_basic_code", "department_id", "kind", "hall_id"],
                name="unique_daily_rating_slice",
            )
        ]
        indexes = [
            models.Index(fields=["day"]),
            models.Index(fields=["item_basic_code", "day"]),
            models.Index(fields=["department_id", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.item_basic_code} {self.kind}"


class FigureRefresh(models.Model):
    """When the aggregates were last brought up to date (one row)."""

    refreshed_at = models.DateTimeField("更新时间", null=True, blank=True)

    class Meta:
        verbose_name = "统计更新"
        verbose_name_plural = "统计更新"

    def __str__(self) -> str:
        return str(self.refreshed_at)


class MonthlyFigure(models.Model):
    """A month's sums for the whole city or for one value of one filter (an item, a
    department, a life event, an audience, a hall): what a scoreboard page with at most one
    filter reads, a few rows a month whatever the city's size. Built from the daily rows by
    the same refresh; pages with several filters sum the daily rows instead."""

    month = models.DateField("月份")
    dimension = models.CharField("维度", max_length=12)
    key = models.CharField("取值", max_length=50, blank=True)
    totals = models.JSONField("合计", default=dict)
    used_histogram = models.JSONField("实际用时分布", default=dict)

    class Meta:
        verbose_name = "每月统计"
        verbose_name_plural = "每月统计"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "dimension", "key"], name="unique_monthly_figure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.key}"
