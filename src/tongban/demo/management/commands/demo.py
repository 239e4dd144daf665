"""`tongban demo seed`: load the demo city and print its logins. `tongban demo history
--days 365`: replay a year of the city through the services (see `demo.history`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from tongban.accounts.models import Role
from tongban.demo.history import demo_history
from tongban.demo.history_model import HistoryReport
from tongban.demo.passwords import DEMO_PASSWORD
from tongban.demo.seed import PEOPLE, demo_seed


class Command(BaseCommand):
    help = "演示城市 / demo city: seed"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seed", "history"])
        parser.add_argument("--days", type=int, default=365, help="days to replay (history)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (history)")
        parser.add_argument("--scale", type=float, default=1.0, help="volume × (history)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "history":
            self.history(options["days"], options["seed"], options["scale"])
            return
        report = demo_seed()
        catalog = report.catalog
        if catalog is not None:
            self.stdout.write(
                f"事项清单：新增 {len(catalog.created)}，新版本 {len(catalog.new_versions)}，"
                f"未变 {len(catalog.unchanged)}"
            )
        exchange = report.exchange
        if exchange is not None:
            self.stdout.write(
                f"数据共享：资源 {exchange.resources}，新授权 {exchange.grants}，"
                f"登记记录 {exchange.records}，新演示办件 {exchange.cases}"
            )
        if report.hall_tickets:
            self.stdout.write(
                f"服务大厅：重放上一个工作日 {report.hall_tickets} 张排队号（见大厅分析）"
            )
        if report.delivered:
            self.stdout.write(
                f"结果送达：{report.delivered} 件办件按申请人所选方式送达并办结"
                "（信包箱、邮寄、电子证照、窗口；见统计概况的跑动次数）"
            )
        for name, key in report.devices.items():
            self.stdout.write(f"设备密钥、凭证（仅显示一次） {name}: {key}")
        self.stdout.write("\n演示账户 / demo logins (password for all: " + DEMO_PASSWORD + ")")
        for person in PEOPLE:
            roles = "、".join(Role(r).label for r in person.roles)
            self.stdout.write(f"  {person.username:<10} {person.real_name}  {roles}")
        self.stdout.write("  demo-p01…demo-p20  演示居民（申请人）")
        self.stdout.write(
            "\n试一试：zhangsan 申请“出版物经营许可证”（平台自动获取营业执照等材料），"
            "再看“谁查看了我的数据”；steward 看“数据共享”和“统计概况”，"
            "steward_mzj 审核待批的授权申请。"
        )
        self.stdout.write(
            "服务大厅（西安市政务服务中心，工作日 08:30–18:00）：在 /hall/device/ 输入上面的"
            "自助机密钥打开取号机、叫号屏密钥打开叫号屏；clerk 在 /hall/console/ 签到叫号；"
            "zhangsan 可在 /hall/xa-civic/ 远程取号。"
        )
        self.stdout.write(
            "一件事：zhangsan 在 /guide/bundles/open-bookstore/ 一次申请开书店（45.5→15个工作日）："
            "以设立中的“西安某某书咖文化有限公司”申请，五个事项全部办理；"
            "以已登记的“西安某某书店有限公司”申请，已持有营业执照，设立登记自动免办；"
            "clerk 与各部门审查人员（reviewer、reviewer_whlv、reviewer_sthj、"
            "reviewer_cgj）在工作台办理；"
            "reviewer 可对审查中的事项发起联合审查；制作结果即签发电子证照，"
            "在 /certificates/verify/ 上传核验。"
        )

    def history(self, days: int, seed: int, scale: float) -> None:
        if not 1 <= days <= 3660:
            raise CommandError("--days 须为 1 至 3660")
        if not 0 < scale <= 1000:
            raise CommandError("--scale 须大于 0 且不超过 1000")
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[figures]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=self.stdout._out),  # type: ignore[arg-type]
        ) as bar:
            task = bar.add_task("重放演示城市的历史", total=days, figures="")

            def step(day: dt.date, report: HistoryReport) -> None:
                figures = (
                    f"{day:%Y-%m-%d} 办件 {report.cases} 一件事 {report.bundles} "
                    f"排队号 {report.tickets} 评价 {report.ratings}"
                )
                bar.update(task, advance=1, figures=figures)

            report = demo_history(days=days, seed=seed, scale=scale, progress=step)
        self.stdout.write(
            f"重放 {report.days} 天（已有 {report.skipped} 天跳过）：办件 {report.cases}，"
            f"一件事 {report.bundles}，排队号 {report.tickets}，评价 {report.ratings}，"
            f"被平台拒绝的步骤 {report.refused}"
        )
        for reason, n in report.refusals.most_common(5):
            self.stdout.write(f"  {n} × {reason}")
