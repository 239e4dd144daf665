"""The bundle benchmark (part of `make bench`, also `make bench-bundles`): submitting the
bookstore bundle once — the parent case, five child cases with what the platform obtains,
one merged form and material list checked, the licence dispatched — against submitting one
item (the food licence: draft, form, materials, submission) in the same run. Goal: the bundle
takes ≤ 3× the time of one item. Through the services (no HTTP: both sides pay the same
request overhead), on SQLite and on a throwaway PostgreSQL (bench/pg.py).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tongban.core.synthetic import make_pdf

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

RUNS = int(os.environ.get("BENCH_BUNDLE_RUNS", "15"))


def _pdf(name: str) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, make_pdf("bench material"), "application/pdf")


def child() -> None:
    import time

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tongban.accounts.models import User
    from tongban.cases.bundles.services import (
        bundle_case_form,
        bundle_case_guide,
        bundle_form_materials,
        bundle_start,
        bundle_submit,
    )
    from tongban.cases.services.submission import case_save_draft, case_submit, form_material
    from tongban.catalog.models import Bundle, ServiceItem
    from tongban.catalog.selectors import materials_for_choices
    from tongban.demo.exchange_seed import NEW_COMPANY_NAME
    from tongban.demo.seed import demo_seed
    from tongban.forms.services import item_form
    from tongban.forms.synthetic import fill_form

    demo_seed(with_cases=False)
    zhangsan = User.objects.get(username="zhangsan")
    # The bundle is for the company being set up (every item applies); the one item for the
    # registered bookstore, whose licence and lease the platform fetches.
    enterprise = zhangsan.enterprises.get(name=NEW_COMPANY_NAME)
    registered = zhangsan.enterprises.get(name="西安某某书店有限公司")
    bundle = Bundle.objects.get(code="open-bookstore")
    food = ServiceItem.objects.get(basic_code="000105013000", state="published")
    rng = random.Random(11)  # noqa: S311 — synthetic data

    def one_item(n: int) -> float:
        t = time.perf_counter()
        situations = {"premises": "rent", "business": "drinks"}
        case = case_save_draft(
            actor=zhangsan,
            code=food.code,
            applicant=zhangsan,
            enterprise=registered,
            idempotency_key=f"single-{n}",
            situations=situations,
        )
        data = fill_form(item_form(food), case.situations, {}, rng)
        files = {
            m.pk: _pdf(f"{m.name}.pdf")
            for m in materials_for_choices(food, case.situations)
            if m.source == "applicant"
            and m.requirement != "optional"
            and m.name != form_material(food)
        }
        case_submit(case=case, actor=zhangsan, form_data=data, files=files)  # type: ignore[arg-type]
        return time.perf_counter() - t

    def whole_bundle(n: int) -> float:
        t = time.perf_counter()
        parent = bundle_start(
            actor=zhangsan,
            bundle=bundle,
            applicant=zhangsan,
            enterprise=enterprise,
            choices={"drinks": "yes"},
            idempotency_key=f"bundle-{n}",
        )
        data = fill_form(bundle_case_form(parent).schema, parent.choices, {}, rng)
        # What the applicant's page shows once: the material list, less the online form.
        guide = bundle_case_guide(parent)
        online = bundle_form_materials(list(parent.children.all()), guide)
        files = {
            m.name: _pdf(f"{m.name}.pdf")
            for m in guide.materials
            if m.source == "applicant" and m.requirement != "optional" and m.name not in online
        }
        bundle_submit(parent=parent, actor=zhangsan, data=data, files=files)  # type: ignore[arg-type]
        return time.perf_counter() - t

    one_item(-1), whole_bundle(-1)  # warm caches (item versions, forms) as a server would
    singles, bundles = [], []
    for n in range(RUNS):
        singles.append(one_item(n) * 1000)
        bundles.append(whole_bundle(n) * 1000)
    s, b = statistics.median(singles), statistics.median(bundles)
    print(f"  one item (food licence): p50 {s:7.1f} ms   max {max(singles):7.1f} ms")
    print(f"  bookstore bundle (5):    p50 {b:7.1f} ms   max {max(bundles):7.1f} ms")
    print(f"  ratio {b / s:.2f}× (goal ≤ 3×: {'met' if b / s <= 3 else 'NOT met'})")


def main() -> None:
    from pg import bench_databases, postgres_url

    with postgres_url() as pg_url:
        for label, extra in bench_databases(pg_url):
            env = {**os.environ, "TONGBAN_DATA_DIR": tempfile.mkdtemp(prefix="tb-bench-b-")}
            env.pop("DATABASE_URL", None)
            env.update(extra)
            env["TONGBAN_LOG_LEVEL"] = "WARNING"
            print(f"== bundle submission ({label}, {RUNS} runs each) ==", flush=True)
            subprocess.run([sys.executable, __file__, "--child"], env=env, check=True)


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
