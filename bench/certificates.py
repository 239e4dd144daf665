"""The certificates benchmark (part of `make bench`, also `make bench-certificates`).

- Issuing a certificate: number, PDF with the embedded CJK font and QR code, the seal's PAdES
  signature, the record and its audit entry (goal p50 < 500 ms on 2 cores), next to a one-line
  WeasyPrint page with the same font (this run's baseline).
- Verifying a certificate file: parse, signature over every byte, trust chain, the record's
  state (goal p50 < 200 ms); and a file with one flipped byte.

Rendering and signing dominate; the database writes are two rows, so one run on SQLite
stands for both databases.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from inprocess import pct, setup_sqlite  # noqa: E402

RUNS = int(os.environ.get("BENCH_CERT_RUNS", "40"))


def _decided_case() -> object:
    """The demo city's food licence for 张三's company, accepted, reviewed and granted."""
    from tongban.accounts.models import User
    from tongban.cases.services import lifecycle as lc
    from tongban.cases.services.submission import case_save_draft
    from tongban.catalog.models import ServiceItem
    from tongban.demo.seed import demo_seed

    demo_seed(with_cases=False)
    zhangsan = User.objects.get(username="zhangsan")
    clerk = User.objects.get(username="clerk")
    item = ServiceItem.objects.get(basic_code="000105013000", state="published")
    reviewer = User.objects.filter(department=item.department, role_grants__role="reviewer").first()
    enterprise = zhangsan.enterprises.first()
    case = case_save_draft(
        actor=zhangsan,
        code=item.code,
        applicant=zhangsan,
        enterprise=enterprise,
        idempotency_key="bench-cert",
    )
    from tongban.cases.models import Case

    Case.objects.filter(pk=case.pk).update(
        state="submitted",
        form_data={"premises_address": "陕西省西安市新城区示例路8号", "main_business": "shop"},
    )
    case.refresh_from_db()
    case = lc.case_start_pre_review(case=case, actor=clerk)
    case = lc.case_accept(case=case, actor=clerk)
    case = lc.case_start_review(case=case, actor=reviewer)
    case = lc.case_decide(case=case, actor=reviewer, decision="grant", reason="")
    return case, reviewer


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tb-bench-cert-") as data_dir:
        setup_sqlite(data_dir)
        from django.db import transaction

        from tongban.certificates.models import Certificate
        from tongban.certificates.services import certificate_issue, certificate_verify
        from tongban.core.pdf import render_pdf

        case, reviewer = _decided_case()
        render_pdf("forms/bench_bare.html", {})  # the font, once per installation
        first = time.perf_counter()
        with transaction.atomic():
            certificate_issue(case=case, actor=reviewer)  # the seal authority, once
            transaction.set_rollback(True)
        first_ms = (time.perf_counter() - first) * 1000

        bare, issue = [], []
        for _ in range(RUNS):
            t = time.perf_counter()
            render_pdf("forms/bench_bare.html", {})
            bare.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            with transaction.atomic():
                made = certificate_issue(case=case, actor=reviewer)
                transaction.set_rollback(True)
            issue.append((time.perf_counter() - t) * 1000)
        assert made is not None
        with transaction.atomic():
            kept = certificate_issue(case=case, actor=reviewer)
        assert isinstance(kept, Certificate)
        signed = bytes(kept.pdf)
        verify, tampered = [], []
        flipped = bytearray(signed)
        flipped[len(flipped) // 2] ^= 0x01
        for _ in range(RUNS):
            t = time.perf_counter()
            result = certificate_verify(signed)
            verify.append((time.perf_counter() - t) * 1000)
            assert result.status == "valid", result
            t = time.perf_counter()
            result = certificate_verify(bytes(flipped))
            tampered.append((time.perf_counter() - t) * 1000)
            assert result.status == "tampered", result

    def line(name: str, values: list[float], goal: str = "") -> None:
        print(
            f"  {name:<46} p50 {statistics.median(values):7.1f} ms  p90 {pct(values, 0.9):7.1f} ms"
            f"  max {max(values):7.1f} ms  {goal}"
        )

    print(f"== certificates ({RUNS} runs, {len(signed) // 1024} KB signed PDF) ==")
    line("baseline: one-line PDF, same font", bare)
    line("issue: number + PDF + seal signature + record", issue, "(goal p50 < 500 ms)")
    print(f"  {'':<46} {statistics.median(issue) / statistics.median(bare):.1f}× the baseline")
    line("verify a signed certificate", verify, "(goal p50 < 200 ms)")
    line("verify with one flipped byte (tampered)", tampered)
    print(f"  first certificate on an installation (makes the seal authority): {first_ms:.0f} ms")


if __name__ == "__main__":
    main()
