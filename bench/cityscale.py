"""A year of the scoreboard's daily aggregates at a city's volume (about 5 million cases over
some 1,500 items with a long tail, 40 departments, 30 halls), written straight into the
aggregate tables: what the scoreboard's pages read at city scale. The cases themselves are
not made (replaying 5 million cases through the services would take days); the pages never
read them. Used by bench/scoreboard.py."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

CASES_PER_YEAR = 5_000_000


def synthesize(
    year_end: dt.date, *, items: int = 1500, departments: int = 40, halls: int = 30
) -> int:
    """Daily rows for the 365 days ending `year_end`; how many case rows were written."""
    from tongban.analytics.models import DailyCaseFigure, DailyRatingFigure

    rng = random.Random(7)  # noqa: S311 — synthetic figures
    codes = [f"9{n:011d}" for n in range(items)]
    department = {c: 10_000 + rng.randrange(departments) for c in codes}
    audience = {c: rng.choice(["person", "enterprise", "both"]) for c in codes}
    weights = [1.0 / (1 + n) ** 0.8 for n in range(items)]
    per_day = CASES_PER_YEAR / 365
    made = 0
    start = year_end - dt.timedelta(days=364)
    for offset in range(365):
        day = start + dt.timedelta(days=offset)
        volume = int(per_day * (1.2 if day.weekday() < 5 else 0.3))
        counts: dict[tuple[str, str, int], int] = {}
        for code in rng.choices(codes, weights, k=volume // 4):
            channel = "online" if rng.random() < 0.8 else "window"
            hall = 0 if channel == "online" else 20_000 + rng.randrange(halls)
            counts[(code, channel, hall)] = counts.get((code, channel, hall), 0) + 4
        cases, ratings = [], []
        for (code, channel, hall), n in counts.items():
            common = {
                "day": day,
                "item_basic_code": code,
                "department_id": department[code],
                "audience": audience[code],
                "hall_id": hall,
            }
            cases.append(
                DailyCaseFigure(
                    **common,
                    channel=channel,
                    submitted=n,
                    materials_required=3 * n,
                    materials_by_applicant=n // 2,
                    accepted=n,
                    promised_days=Decimal(3 * n),
                    legal_days=20 * n,
                    completed=n,
                    granted=n,
                    on_time=n,
                    no_visit=n // 2,
                    same_day=n // 4,
                    visits=n // 3,
                    used_days=2 * n,
                    promised_of_completed=Decimal(3 * n),
                    used_histogram={"0": n // 4, "2": n - n // 4},
                )
            )
            if rng.random() < 0.3:
                ratings.append(
                    DailyRatingFigure(
                        **common, kind="case", ratings=n // 2, good=n // 2, level_sum=5 * (n // 2)
                    )
                )
        DailyCaseFigure.objects.bulk_create(cases, batch_size=2000)
        DailyRatingFigure.objects.bulk_create(ratings, batch_size=2000)
        made += len(cases)
    return made
