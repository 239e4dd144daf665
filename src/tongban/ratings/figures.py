"""公开评价指标: the public figures of 好差评, computed from the ratings and their handling,
never entered. Definitions (shown with each figure):

- 评价数: ratings counted — the current rating of each case, 一件事 or visit (a re-rating
  after a bad rating was handled replaces it), without ratings excluded on appeal.
- 好评率: 非常满意, 满意 and 基本满意 among them (the national system's 好评).
- 平均等级: the mean level, 5 非常满意 … 1 非常不满意.
- 差评数: 不满意 and 非常不满意 as first given (a later re-rating does not erase a bad rating
  from the handling figures), without those excluded on appeal.
- 回访率: named bad ratings called back / named bad ratings (anonymous ones cannot be).
- 按时回访率: called back within one working day / named bad ratings.
- 整改率: bad ratings found valid whose fix is made / bad ratings found valid.
- 按时办结率: handled tasks whose every step met its deadline / handled tasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.ratings.models import BAD_LEVELS, GOOD_LEVELS, BadRatingTask, Rating, RatingPart

DIMENSIONS = {
    "department": "部门",
    "item": "事项",
    "hall": "大厅",
    "window": "窗口",
    "clerk": "窗口人员",
    "channel": "评价渠道",
}


@dataclass
class Figure:
    key: str
    label: str
    count: int = 0
    good: int = 0
    level_sum: int = 0
    bad: int = 0
    named_bad: int = 0
    called_back: int = 0
    called_back_on_time: int = 0
    valid: int = 0
    fixed: int = 0
    handled: int = 0
    handled_on_time: int = 0
    levels: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 2) if whole else None

    @property
    def good_rate(self) -> float | None:
        return self._share(self.good, self.count)

    @property
    def average(self) -> float | None:
        return round(self.level_sum / self.count, 2) if self.count else None

    @property
    def callback_rate(self) -> float | None:
        return self._share(self.called_back, self.named_bad)

    @property
    def callback_on_time_rate(self) -> float | None:
        return self._share(self.called_back_on_time, self.named_bad)

    @property
    def rectification_rate(self) -> float | None:
        return self._share(self.fixed, self.valid)

    @property
    def on_time_rate(self) -> float | None:
        return self._share(self.handled_on_time, self.handled)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "good_rate": self.good_rate,
            "average": self.average,
            "levels": {str(k): v for k, v in self.levels.items()},
            "bad": self.bad,
            "named_bad": self.named_bad,
            "callback_rate": self.callback_rate,
            "callback_on_time_rate": self.callback_on_time_rate,
            "valid": self.valid,
            "rectification_rate": self.rectification_rate,
            "handled": self.handled,
            "on_time_rate": self.on_time_rate,
        }


def task_on_time(task: BadRatingTask) -> bool:
    """Every step of a handled task within its deadline."""
    local = timezone.localdate
    if task.callback_due is not None and (
        task.callback_at is None or local(task.callback_at) > task.callback_due
    ):
        return False
    if task.verified_at is not None and local(task.verified_at) > task.verify_due:
        return False
    if task.fix_due is not None and (task.fixed_at is None or local(task.fixed_at) > task.fix_due):
        return False
    return task.closed_at is not None


def _keys(rating: Rating, parts: list[RatingPart], dimension: str) -> list[tuple[str, str]]:
    if dimension == "department":
        return sorted({(str(p.department_id), p.department.name) for p in parts})
    if dimension == "item":
        return sorted(
            {(p.item_basic_code, p.item.name if p.item else p.item_basic_code) for p in parts}
            - {("", "")}
        )
    if dimension == "hall" and rating.hall_id:
        return [(str(rating.hall_id), rating.hall.name)]  # type: ignore[union-attr]
    if dimension == "window" and rating.window_id:
        w = rating.window
        return [(str(rating.window_id), f"{w.hall.name} {w.label}")]  # type: ignore[union-attr]
    if dimension == "clerk" and rating.clerk_id:
        return [(str(rating.clerk_id), clerk_label(rating.clerk))]
    if dimension == "channel":
        return [(rating.channel, str(rating.get_channel_display()))]
    if dimension == "city":
        return [("city", "全市")]
    return []


def clerk_label(clerk: Any) -> str:
    """工号 and a masked name: public figures name the post, not the whole person."""
    name = clerk.real_name or clerk.username
    masked = name[0] + "*" * (len(name) - 1) if len(name) > 1 else name
    return f"{clerk.staff_number or '—'} {masked}"


def ratings_in(
    start: Any = None, end: Any = None, *, base: QuerySet[Rating] | None = None
) -> QuerySet[Rating]:
    ratings = base if base is not None else Rating.objects.all()
    if start is not None:
        ratings = ratings.filter(rated_at__date__gte=start)
    if end is not None:
        ratings = ratings.filter(rated_at__date__lte=end)
    return ratings


def rating_figures(
    dimension: str = "city", *, ratings: QuerySet[Rating] | None = None
) -> list[Figure]:
    """The figures grouped by one dimension (department, item, hall, window, clerk, channel
    or the whole city), largest first."""
    chosen = (ratings if ratings is not None else Rating.objects.all()).select_related(
        "hall", "window__hall", "clerk", "task"
    )
    parts_of: dict[int, list[RatingPart]] = defaultdict(list)
    for part in RatingPart.objects.filter(rating__in=chosen).select_related("department", "item"):
        parts_of[part.rating_id].append(part)
    figures: dict[str, Figure] = {}
    for rating in chosen:
        for key, label in _keys(rating, parts_of[rating.pk], dimension):
            figure = figures.setdefault(key, Figure(key=key, label=label))
            count_rating(figure, rating)
    return sorted(figures.values(), key=lambda f: (-f.count, f.label))


def count_rating(figure: Figure, rating: Rating) -> None:
    """Add one rating (and its handling) to a figure."""
    if rating.excluded_at is not None:
        return
    if rating.current:
        figure.count += 1
        figure.levels[rating.level] += 1
        figure.level_sum += rating.level
        figure.good += rating.level in GOOD_LEVELS
    # Handling figures count every bad rating as given (each opened a task), whatever
    # replaced it later.
    if rating.level not in BAD_LEVELS:
        return
    figure.bad += 1
    task: BadRatingTask | None = getattr(rating, "task", None)
    if rating.rater_id is not None:
        figure.named_bad += 1
        if task is not None and task.callback_at is not None:
            figure.called_back += 1
            due = task.callback_due
            figure.called_back_on_time += bool(
                due is not None and timezone.localdate(task.callback_at) <= due
            )
    if task is None:
        return
    if task.finding == BadRatingTask.Finding.VALID:
        figure.valid += 1
        figure.fixed += task.fixed_at is not None
    if task.state == BadRatingTask.State.CLOSED:
        figure.handled += 1
        figure.handled_on_time += task_on_time(task)


def city_figure(ratings: QuerySet[Rating] | None = None) -> Figure:
    shown = rating_figures("city", ratings=ratings)
    return shown[0] if shown else Figure(key="city", label="全市")


# The export's columns, in the order the national 好差评 exchange lists them, with what each
# holds (docs/operations.md repeats this table for the people who send the file upwards).
EXPORT_FIELDS = {
    "assessNumber": "评价编号（平台内唯一）",
    "projectNo": "办件编号（一件事：一件事编号；窗口服务：空）",
    "taskCode": "事项实施编码",
    "taskName": "事项名称",
    "deptCode": "被评价部门编码（多个以;分隔）",
    "deptName": "被评价部门名称",
    "assessType": "评价类型：1 一事一评，2 一次一评",
    "pf": "评价渠道：1 PC端，4 大厅评价器，7 短信",
    "alternate": "评价等级：5 非常满意 … 1 非常不满意",
    "appraisald": "分项评价（分项:等级）",
    "writingEvaluation": "文字评价",
    "assessTime": "评价时间",
    "anonymous": "是否匿名：1 是，0 否",
    "windowName": "窗口",
    "staffNo": "窗口人员工号",
    "rectifyStatus": "差评处理状态",
    "excluded": "申诉成立不计入统计：1 是",
    "followUp": "追评",
}


def figures_export_rows(ratings: Iterable[Rating]) -> list[dict[str, Any]]:
    """One row per rating in the national platform's exchange layout (see docs/operations.md
    for the fields): what the city reports upwards."""
    rows = []
    chosen = (
        Rating.objects.filter(pk__in=[r.pk for r in ratings])
        .select_related("case__item", "bundle_case__bundle", "hall", "window", "clerk", "task")
        .prefetch_related("parts__department", "parts__item")
        .order_by("rated_at", "pk")
    )
    for r in chosen:
        parts = list(r.parts.all())
        first = parts[0] if parts else None
        task = getattr(r, "task", None)
        rows.append(
            {
                "assessNumber": f"TB{r.pk:010d}",
                "projectNo": (r.case.number if r.case else "")
                or (r.bundle_case.number if r.bundle_case else "")
                or "",
                "taskCode": first.item.code if first and first.item else "",
                "taskName": first.item.name if first and first.item else "",
                "deptCode": ";".join(p.department.code for p in parts),
                "deptName": ";".join(p.department.name for p in parts),
                "assessType": {"case": "1", "bundle": "1", "visit": "2"}[r.kind],
                "pf": {"web": "1", "message": "1", "sms": "7", "pad": "4"}[r.channel],
                "alternate": str(r.level),
                "appraisald": ";".join(f"{k}:{v}" for k, v in sorted(r.indicators.items())),
                "writingEvaluation": r.reason,
                "assessTime": timezone.localtime(r.rated_at).strftime("%Y-%m-%d %H:%M:%S"),
                "anonymous": "1" if r.rater_id is None else "0",
                "windowName": r.window.label if r.window else "",
                "staffNo": (r.clerk.staff_number or "") if r.clerk else "",
                "rectifyStatus": task.get_state_display() if task else "",
                "excluded": "1" if r.excluded_at else "0",
                "followUp": r.follow_up,
            }
        )
    return rows


def pending_work(department_id: int | None) -> dict[str, int]:
    """Open bad-rating tasks of a department, by light (the work list's badge)."""
    tasks = BadRatingTask.objects.exclude(state=BadRatingTask.State.CLOSED)
    if department_id is not None:
        tasks = tasks.filter(Q(department_id=department_id))
    return {
        "open": tasks.count(),
        "yellow": tasks.filter(warning="yellow").count(),
        "red": tasks.filter(warning="red").count(),
    }
