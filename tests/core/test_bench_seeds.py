"""The benchmarks' fast seeding writes the case table with raw SQL; a field added to the model
without a default must not break `make bench` unnoticed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from tongban.cases.models import Case

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _worklist_seed() -> str:
    spec = importlib.util.spec_from_file_location("bench_worklist", BENCH / "worklist.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.SEED).replace("TOTAL", "40")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_work_list_benchmark_seeds_cases_the_model_accepts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("shell", command=_worklist_seed())
    out = capsys.readouterr().out
    seed = json.loads(next(p for p in out.splitlines() if p.startswith("SEED="))[5:])
    assert seed["cases"] == Case.objects.count() >= 40
    seeded = Case.objects.filter(idempotency_key__startswith="seed-")
    assert seeded.count() == 40
    assert all(case.waiting_for == [] for case in seeded)
